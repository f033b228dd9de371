using Microsoft.ML;
using MLNetRnn.Classification;

namespace MLNetRnn.Benchmarks.Workloads;

// V = vocabulary (10,000 with <PAD> and <UNK>), E = embedding, H = hidden, T = 20 words.

/// <summary>
/// The classifier behind <c>infer-lstm-zip</c> and <c>infer-lstm-onnx</c>: an ML.NET pipeline
/// <c>TokenizeWords → MapTokensToIds → Trainers.Lstm</c> of <c>infer-lstm</c>'s size (V 10,000, E 64, H 128), fitted for
/// one epoch on synthetic text (latency does not depend on the weights), saved with <c>Model.Save</c> as
/// <see cref="ZipFileName"/> and its network's ONNX graph (<see cref="SequenceClassificationModel.GetOnnxModel"/>) as
/// <see cref="OnnxFileName"/>.
/// </summary>
/// <remarks>
/// Training text: 500 rows of 20 words, <c>w0 … w9999</c> in order, labels alternating <c>negative</c>/<c>positive</c>.
/// Every word occurs once, so the vocabulary (at most 10,000 ids) is <c>&lt;PAD&gt;</c> 0, <c>&lt;UNK&gt;</c> 1 and
/// <c>w0 … w9997</c> as ids 2 … 9999 (ties in frequency go by first appearance). The timed sentence is infer-lstm's 20
/// ids from the shared generator written as words (<see cref="Word"/>), so both engines and <c>compare.py</c>'s
/// <c>infer-lstm-text</c> read the same ids.
/// </remarks>
public static class LatencyModel
{
    /// <summary>The saved ML.NET model.</summary>
    public const string ZipFileName = "classifier.zip";

    /// <summary>The classifier's ONNX graph.</summary>
    public const string OnnxFileName = "classifier.onnx";

    private const int TrainingRows = 500;

    /// <summary>The word whose vocabulary id is <paramref name="id"/>: <c>w{id − 2}</c>; id 1 (<c>&lt;UNK&gt;</c>) is
    /// <c>w9999</c>, a word the vocabulary does not hold.</summary>
    /// <param name="id">An id in [1, V − 1].</param>
    /// <returns>The word.</returns>
    public static string Word(int id) => id >= 2 ? $"w{id - 2}" : $"w{WorkloadSpec.VocabularySize - 1}";

    /// <summary>The timed sentence: the workload's ids (one row, time-major) as space-separated words.</summary>
    /// <param name="spec">An inference workload (B = 1).</param>
    /// <returns>The sentence.</returns>
    public static string Sentence(WorkloadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return string.Join(' ', WorkloadInputs.Create(spec).Ids.Select(Word));
    }

    /// <summary>Fits the pipeline and writes <see cref="ZipFileName"/> and <see cref="OnnxFileName"/> to <paramref name="directory"/>.</summary>
    /// <param name="spec">The workload whose E and H the model takes.</param>
    /// <param name="directory">An existing folder.</param>
    public static void Prepare(WorkloadSpec spec, string directory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var ml = new MLContext(seed: 1);
        int words = WorkloadSpec.VocabularySize / TrainingRows;
        var rows = Enumerable.Range(0, TrainingRows).Select(r => new LabeledSentence
        {
            Text = string.Join(' ', Enumerable.Range(r * words, words).Select(k => $"w{k}")),
            Label = r % 2 == 0 ? "negative" : "positive",
        });
        var raw = ml.Data.LoadFromEnumerable(rows);
        // The label mapping is fitted outside the saved pipeline, so the model reads Text alone.
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(raw);
        var options = new SequenceClassificationOptions
        {
            FeatureColumnName = "Ids",
            EmbeddingSize = spec.EmbeddingSize,
            HiddenSize = spec.HiddenSize,
            NumberOfLayers = spec.Layers,
            Bidirectional = spec.Bidirectional,
            Epochs = 1,
            BatchSize = 32,
            Seed = 1,
            Pooling = SequencePooling.FinalState, Dropout = 0f, TokenDropout = 0f, ValidationFraction = 0f, // the workload as before issue 9's defaults
        };
        var model = ml.Transforms.Text.TokenizeWords("Tokens", "Text")
            .Append(ml.Transforms.Text.MapTokensToIds("Ids", "Tokens", maxVocabularySize: WorkloadSpec.VocabularySize))
            .Append(RecurrentTrainer.Create(ml, spec.Cell, options))
            .Fit(data);
        ml.Model.Save(model, data.Schema, Path.Combine(directory, ZipFileName));
        File.WriteAllBytes(Path.Combine(directory, OnnxFileName), model.LastTransformer.GetOnnxModel());
    }
}
