using MLNetRnn.Layers;
using MLNetRnn.Onnx;

namespace MLNetRnn.Tagging;

// N = character keys of the row, W = words, L = longest word in character ids (its characters + 2 boundaries),
// Ec = character embedding, Hc = character hidden size.

/// <summary>
/// The character features of a tagger as ONNX nodes, computing what the engine's <see cref="CharacterWordEncoder"/>
/// computes from <see cref="TaggerCharacters"/>' words.
/// </summary>
/// <remarks>
/// Character keys uint16 [1, N] (ML.NET's <c>TokenizeIntoCharactersAsKeys</c>: key = UTF-16 code) → int64 codes; an
/// empty row becomes <c>STX ETX</c> (one empty word). Boundaries = positions of STX, US or ETX (NonZero); word w spans
/// boundary w to boundary w+1, both included, so its length is its characters + 2. Codes [W, L] are gathered at
/// <c>start_w + 0 … L−1</c> (clipped), mapped to character ids by a LabelEncoder (boundaries → 2, training characters →
/// their ids, anything else → 1), embedded ([L, W, Ec]) and read by the bidirectional LSTM with each word's length as
/// <c>sequence_lens</c>, so positions past a word's end are never read. Y_h [2, W, Hc] → [W, 2·Hc], forward state first.
/// </remarks>
internal static class CharacterFeaturesOnnx
{
    /// <summary>Adds the nodes; returns the word vectors [W, 2·Hc].</summary>
    public static string Write(OnnxGraphBuilder g, string characterKeys, CharacterWordEncoder encoder, ParameterStore store, IReadOnlyList<string> vocabulary)
    {
        string codes = g.Reshape(g.Cast(characterKeys, OnnxDataType.Int64), -1); // [N]
        string padded = g.Concat(0, codes, g.Int64s(TaggerCharacters.TextStart, TaggerCharacters.TextEnd));
        string keep = g.Node("Max", [g.Node("Shape", [codes]), g.Int64s(2)]); // [max(N, 2)]
        string c = g.Slice(padded, g.Int64s(0), keep, g.Int64s(0));
        string isBoundary = g.Node("Or", [
            g.Node("Or", [g.Node("Equal", [c, g.Scalar((long)TaggerCharacters.TextStart)]), g.Node("Equal", [c, g.Scalar((long)TaggerCharacters.UnitSeparator)])]),
            g.Node("Equal", [c, g.Scalar((long)TaggerCharacters.TextEnd)])]);
        string positions = g.Reshape(g.Node("NonZero", [isBoundary]), -1); // [W + 1]
        string starts = g.Slice(positions, g.Int64s(0), g.Int64s(-1), g.Int64s(0)); // [W]
        string ends = g.Slice(positions, g.Int64s(1), g.Int64s(long.MaxValue), g.Int64s(0)); // [W]
        string lengths = g.Add(g.Node("Sub", [ends, starts]), g.Scalar(1L)); // [W]
        string longest = g.Reshape(g.Node("ReduceMax", [lengths], OnnxAttribute.Of("keepdims", 0L)), []); // scalar L
        string steps = g.Node("Range", [g.Scalar(0L), longest, g.Scalar(1L)]); // [L]
        string last = g.Node("Sub", [g.Reshape(keep, []), g.Scalar(1L)]);
        string at = g.Node("Min", [g.Add(g.Unsqueeze(starts, 1), g.Unsqueeze(steps, 0)), last]); // [W, L]
        var keys = new List<long> { TaggerCharacters.TextStart, TaggerCharacters.UnitSeparator, TaggerCharacters.TextEnd };
        var values = new List<long> { TaggerCharacters.Boundary, TaggerCharacters.Boundary, TaggerCharacters.Boundary };
        for (int id = TaggerCharacters.FirstCharacter; id < vocabulary.Count; id++)
        {
            keys.Add(vocabulary[id][0]);
            values.Add(id);
        }

        string ids = g.Nodes("LabelEncoder", [g.Gather(c, at)], 1, "ai.onnx.ml", // [W, L]
            OnnxAttribute.Of("keys_int64s", keys.ToArray()), OnnxAttribute.Of("values_int64s", values.ToArray()), OnnxAttribute.Of("default_int64", (long)TaggerCharacters.Unknown))[0];
        var embedding = encoder.Embedding;
        string table = g.Add(OnnxTensor.FromFloats("char.embedding.weight", embedding.Weight.Value.ToArray(), embedding.VocabularySize, embedding.EmbeddingSize));
        string x = g.Gather(table, g.Transpose(ids, 1, 0)); // [L, W, Ec]
        var (_, hN, _) = RecurrentStackOnnx.Write(g, encoder.Rnn, store, "char.rnn.", x, g.Cast(lengths, OnnxDataType.Int32), null, null);
        return g.Reshape(g.Transpose(hN, 1, 0, 2), -1, encoder.OutputSize); // [W, 2·Hc]
    }
}
