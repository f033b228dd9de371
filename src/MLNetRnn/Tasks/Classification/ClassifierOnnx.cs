using System.Globalization;
using System.Text.Json;
using MLNetRnn.Numerics;
using MLNetRnn.Onnx;

namespace MLNetRnn.Classification;

// T = tokens, E = embedding, H = hidden, D = directions, L = layers, C = classes.

/// <summary>
/// Writes a trained sequence classifier as one ONNX graph for ML.NET's ONNX transform, and reads it back.
/// </summary>
/// <remarks>
/// <para>Input: the token keys of one row, uint32 [1, T] (ML.NET's key column; id = key + 1, an empty row reads as one
/// <c>&lt;UNK&gt;</c>). Outputs: class probabilities [C] named as the score column, with a <c>mlnet.{score}.SlotNames</c>
/// node that gives ML.NET the class labels as slot names; and the arg-max label as text [1].</para>
/// <para>Graph: Gather(embedding) → the recurrent stack (<see cref="RecurrentStackOnnx"/>) → pooling (final states of the
/// top layer [fwd; bwd], or mean, or max over steps) → Gemm(head) → Softmax. Initializers keep PyTorch names where the
/// layout is PyTorch's (<c>embedding.weight</c>, <c>head.weight</c>, <c>head.bias</c>); metadata carries the architecture,
/// labels and vocabulary, so <see cref="Read"/> rebuilds the network exactly.</para>
/// </remarks>
internal static class ClassifierOnnx
{
    public static OnnxModel Write(SequenceClassifierNetwork network, IReadOnlyList<string> labels, IReadOnlyList<string> vocabulary,
        string featureColumn, string scoreColumn, string predictedLabelColumn)
    {
        string predictedTextColumn = ClassifierSteps.TextColumn(predictedLabelColumn);
        var a = network.Architecture;
        var g = new OnnxGraphBuilder("sequence_classifier");
        string keys = g.Input(featureColumn, OnnxDataType.UInt32, OnnxDim.Of(1), OnnxDim.Symbol("T"));
        string ids = SequenceIdsOnnx.FromKeys(g, keys);
        string table = g.Add(OnnxTensor.FromFloats("embedding.weight", network.Embedding.Weight.Value.ToArray(), a.VocabularySize, a.EmbeddingSize));
        string x = g.Transpose(g.Gather(table, ids), 1, 0, 2); // [T, 1, E]
        var (y, hn, _) = RecurrentStackOnnx.Write(g, network.Rnn, network.Parameters, "rnn.", x, null, null, null);
        int d = a.Bidirectional ? 2 : 1;
        string summary = a.Pooling switch
        {
            // h_n [L*D, 1, H] -> top layer [D, 1, H] -> [1, D, H] -> [1, D*H]
            SequencePooling.FinalState => g.Reshape(g.Transpose(g.Slice(hn, g.Int64s((a.NumberOfLayers - 1) * d), g.Int64s(a.NumberOfLayers * d), g.Int64s(0)), 1, 0, 2), 0, -1),
            SequencePooling.Mean => g.Node("ReduceMean", [y], OnnxAttribute.Of("axes", new long[] { 0 }), OnnxAttribute.Of("keepdims", 0L)),
            _ => g.Node("ReduceMax", [y], OnnxAttribute.Of("axes", new long[] { 0 }), OnnxAttribute.Of("keepdims", 0L)),
        };
        string weight = g.Add(OnnxTensor.FromFloats("head.weight", network.Head.Weight.Value.ToArray(), a.ClassCount, d * a.HiddenSize));
        string bias = g.Add(OnnxTensor.FromFloats("head.bias", network.Head.Bias.Value.ToArray(), a.ClassCount));
        string logits = g.Linear(summary, weight, bias); // [1, C]
        string probabilities = g.Node("Softmax", [logits], OnnxAttribute.Of("axis", -1L));
        g.Output(scoreColumn, g.Reshape(probabilities, -1), OnnxDataType.Float, OnnxDim.Of(a.ClassCount));
        string best = g.Node("ArgMax", [logits], OnnxAttribute.Of("axis", 1L), OnnxAttribute.Of("keepdims", 0L)); // [1]
        string labelText = g.Gather(g.Strings("labels", [.. labels], labels.Count), best);
        g.Output(predictedTextColumn, labelText, OnnxDataType.String, OnnxDim.Of(1));
        SlotNames(g, scoreColumn, labels, labelText);

        var model = new OnnxModel(g.Graph);
        model.Opsets["ai.onnx.ml"] = 2;
        model.Metadata.Add(new(OnnxMetadata.Kind, OnnxMetadata.ClassifierKind));
        model.Metadata.Add(new(OnnxMetadata.FormatVersion, OnnxMetadata.CurrentFormatVersion.ToString(CultureInfo.InvariantCulture)));
        model.Metadata.Add(new(OnnxMetadata.Architecture, JsonSerializer.Serialize(a)));
        model.Metadata.Add(new(OnnxMetadata.Labels, JsonSerializer.Serialize(labels)));
        model.Metadata.Add(new(OnnxMetadata.Vocabulary, JsonSerializer.Serialize(vocabulary)));
        model.Metadata.Add(new(OnnxMetadata.InputColumn, featureColumn));
        model.Metadata.Add(new(OnnxMetadata.OutputColumn, scoreColumn));
        model.Metadata.Add(new(OnnxMetadata.PredictedLabelColumn, predictedLabelColumn));
        return model;
    }

    /// <summary>Rebuilds the network, labels and vocabulary from a graph written by <see cref="Write"/>.</summary>
    /// <remarks>The graph is untrusted: the network is allocated only after the graph is shown to store as many weights as its metadata claims.</remarks>
    /// <exception cref="InvalidDataException">The graph is not ours, is too new, uses an unknown component, or its metadata and weights disagree.</exception>
    public static (SequenceClassifierNetwork Network, string[] Labels, string[] Vocabulary) Read(OnnxModel model)
    {
        OnnxModelCheck.Kind(model, OnnxMetadata.ClassifierKind);
        var a = OnnxModelCheck.Json<ClassifierArchitecture>(model, OnnxMetadata.Architecture);
        string[] labels = OnnxModelCheck.Json<string[]>(model, OnnxMetadata.Labels);
        string[] vocabulary = OnnxModelCheck.Json<string[]>(model, OnnxMetadata.Vocabulary);
        if (a.VocabularySize < 2 || a.ClassCount < 2 || a.EmbeddingSize < 1 || a.HiddenSize < 1 || a.NumberOfLayers < 1
            || !Enum.IsDefined(a.CellType) || !Enum.IsDefined(a.Pooling) || !(a.Dropout >= 0f && a.Dropout < 1f)
            || labels.Length != a.ClassCount || vocabulary.Length != a.VocabularySize || Array.Exists(labels, l => l is null) || Array.Exists(vocabulary, t => t is null))
        {
            throw new InvalidDataException($"The classifier's metadata is inconsistent ({a.ClassCount} classes, {labels.Length} labels, vocabulary {a.VocabularySize} vs {vocabulary.Length} tokens); the model is damaged.");
        }

        ParameterBudget.Require(model.Graph, () => ParameterBudget.Classifier(a), "classifier");
        SequenceClassifierNetwork network;
        try
        {
            network = new SequenceClassifierNetwork(a, new SeededRandom(0));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The classifier's architecture metadata is invalid ({e.Message}); the model is damaged.", e);
        }

        var graph = model.Graph;
        RecurrentStackOnnx.Tensor(graph, "embedding.weight", (long)a.VocabularySize * a.EmbeddingSize).CopyTo(network.Embedding.Weight.Value);
        RecurrentStackOnnx.Read(graph, network.Rnn, network.Parameters, "rnn.");
        RecurrentStackOnnx.Tensor(graph, "head.weight", network.Head.Weight.Length).CopyTo(network.Head.Weight.Value);
        RecurrentStackOnnx.Tensor(graph, "head.bias", network.Head.Bias.Length).CopyTo(network.Head.Bias.Value);
        return (network, labels, vocabulary);
    }

    /// <summary>
    /// ML.NET's ONNX transform gives an output column slot names when the graph has a node named
    /// <c>mlnet.{column}.SlotNames</c> with a <c>keys_strings</c> attribute (the convention of ML.NET's own ONNX export).
    /// The node is a LabelEncoder whose result nothing reads.
    /// </summary>
    private static void SlotNames(OnnxGraphBuilder g, string column, IReadOnlyList<string> names, string anyStringValue) =>
        g.NodeTo("LabelEncoder", [anyStringValue], [g.Fresh("slot_names_unused")], "ai.onnx.ml", $"mlnet.{column}.SlotNames",
            OnnxAttribute.Of("keys_strings", names.ToArray()),
            OnnxAttribute.Of("values_int64s", Enumerable.Range(0, names.Count).Select(i => (long)i).ToArray()),
            OnnxAttribute.Of("default_int64", -1L));
}
