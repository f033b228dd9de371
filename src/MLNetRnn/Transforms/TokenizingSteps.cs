using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Text;
using MLNetRnn.DataViews;
using MLNetRnn.Onnx;

namespace MLNetRnn.Transforms;

/// <summary>
/// Builds a tokenization step out of ML.NET's own components: <c>NormalizeText</c> (lower-casing, when asked), then the
/// tokenizer graph run by ML.NET's ONNX transform, then dropping the intermediate column. Nothing is learned, so the
/// estimator is ready before <c>Fit</c> and its output schema is ML.NET's.
/// </summary>
internal static class TokenizingSteps
{
    public static IEstimator<ITransformer> Create(string outputColumnName, string? inputColumnName, TokenizerSettings settings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        string input = inputColumnName ?? outputColumnName;
        ArgumentException.ThrowIfNullOrWhiteSpace(input, nameof(inputColumnName));
        var ml = OnnxStep.Context();
        var steps = new List<IEstimator<ITransformer>>();
        string source = input;
        string intermediate = outputColumnName + ".text";
        if (settings.LowerCase)
        {
            steps.Add(ml.Transforms.Text.NormalizeText(intermediate, input, TextNormalizingEstimator.CaseMode.Lower,
                keepDiacritics: true, keepPunctuations: true, keepNumbers: true));
            source = intermediate;
        }
        else if (input == outputColumnName)
        {
            // An ONNX graph cannot name its input and its output alike.
            steps.Add(ml.Transforms.CopyColumns(intermediate, input));
            source = intermediate;
        }

        var metadata = new KeyValuePair<string, string>[]
        {
            new(OnnxMetadata.Settings, JsonSerializer.Serialize(settings)),
            new(OnnxMetadata.InputColumn, input),
            new(OnnxMetadata.OutputColumn, outputColumnName),
        };
        var graph = TokenizerOnnx.Build(source, outputColumnName, settings.Pattern, metadata, settings.MaxTokens);
        steps.Add(OnnxStep.Estimator(ml, graph));
        if (source == intermediate)
        {
            steps.Add(ml.Transforms.DropColumns(intermediate));
        }

        return steps.Aggregate(new EstimatorChain<ITransformer>(), (chain, step) => chain.Append(step));
    }
}
