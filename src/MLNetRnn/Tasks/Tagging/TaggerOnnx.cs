using System.Globalization;
using System.Text.Json;
using MLNetRnn.Onnx;

namespace MLNetRnn.Tagging;

// T = tokens, E = embedding, H = hidden, D = directions, P = D*H, K = tags.

/// <summary>Writes a trained sequence tagger as one ONNX graph for ML.NET's ONNX transform.</summary>
/// <remarks>
/// <para>Input: the token keys of one row, uint32 [1, T] (ML.NET's key column; id = key + 1, an empty row reads as one
/// <c>&lt;UNK&gt;</c>). Output: the predicted tags as text, [1, T] (ML.NET reads dimension 0 as the row, so the column is a
/// variable-length vector of String).</para>
/// <para>Graph: Gather(embedding) → the recurrent stack (<see cref="RecurrentStackOnnx"/>) → Gemm(head) per token →
/// emissions [T, K] → ArgMax per token (softmax head; ONNX's ArgMax takes the first maximum, as the engine) or Viterbi
/// (<see cref="ViterbiOnnx"/>, CRF head) → tag ids → Gather on the tag strings. Initializers keep PyTorch names
/// (<c>embedding.weight</c>, <c>head.weight</c>, <c>head.bias</c>, <c>crf.transitions</c> …); metadata carries the
/// architecture, tags and vocabulary.</para>
/// </remarks>
internal static class TaggerOnnx
{
    public static OnnxModel Write(SequenceTaggerNetwork network, IReadOnlyList<string> tags, IReadOnlyList<string> vocabulary,
        string featureColumn, string predictedTagsColumn)
    {
        var a = network.Architecture;
        var g = new OnnxGraphBuilder("sequence_tagger");
        string keys = g.Input(featureColumn, OnnxDataType.UInt32, OnnxDim.Of(1), OnnxDim.Symbol("T"));
        string ids = SequenceIdsOnnx.FromKeys(g, keys);
        string table = g.Add(OnnxTensor.FromFloats("embedding.weight", network.Embedding.Weight.Value.ToArray(), a.VocabularySize, a.EmbeddingSize));
        string x = g.Transpose(g.Gather(table, ids), 1, 0, 2); // [T, 1, E]
        var (y, _, _) = RecurrentStackOnnx.Write(g, network.Rnn, network.Parameters, "rnn.", x, null, null, null);
        int p = network.Rnn.OutputSize;
        string weight = g.Add(OnnxTensor.FromFloats("head.weight", network.Head.Weight.Value.ToArray(), a.TagCount, p));
        string bias = g.Add(OnnxTensor.FromFloats("head.bias", network.Head.Bias.Value.ToArray(), a.TagCount));
        string emissions = g.Linear(g.Reshape(y, -1, p), weight, bias); // [T, K]
        string best = network.Crf is { } crf
            ? ViterbiOnnx.Write(g, emissions, crf)
            : g.Node("ArgMax", [emissions], OnnxAttribute.Of("axis", 1L), OnnxAttribute.Of("keepdims", 0L)); // [T]
        string text = g.Gather(g.Strings("tags", [.. tags], tags.Count), best);
        g.Output(predictedTagsColumn, g.Reshape(text, 1, -1), OnnxDataType.String, OnnxDim.Of(1), OnnxDim.Symbol("T"));

        var model = new OnnxModel(g.Graph);
        model.Metadata.Add(new(OnnxMetadata.Kind, OnnxMetadata.TaggerKind));
        model.Metadata.Add(new(OnnxMetadata.FormatVersion, OnnxMetadata.CurrentFormatVersion.ToString(CultureInfo.InvariantCulture)));
        model.Metadata.Add(new(OnnxMetadata.Architecture, JsonSerializer.Serialize(a)));
        model.Metadata.Add(new(OnnxMetadata.Labels, JsonSerializer.Serialize(tags)));
        model.Metadata.Add(new(OnnxMetadata.Vocabulary, JsonSerializer.Serialize(vocabulary)));
        model.Metadata.Add(new(OnnxMetadata.InputColumn, featureColumn));
        model.Metadata.Add(new(OnnxMetadata.OutputColumn, predictedTagsColumn));
        return model;
    }
}
