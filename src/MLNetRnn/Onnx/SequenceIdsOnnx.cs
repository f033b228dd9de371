namespace MLNetRnn.Onnx;

/// <summary>The first nodes of every graph that reads token keys: keys → ids, with the library's conventions.</summary>
internal static class SequenceIdsOnnx
{
    /// <summary>
    /// uint32 keys [1, T] → int64 ids [1, max(T, 1)]: id = key + 1 (key 0, an unknown token, becomes 1 = <c>&lt;UNK&gt;</c>),
    /// and a row with no tokens becomes the single id 1, as <see cref="DataViews.ColumnReader.TokenIds"/> reads it in training.
    /// </summary>
    public static string FromKeys(OnnxGraphBuilder g, string keys)
    {
        string ids = g.Add(g.Cast(keys, OnnxDataType.Int64), g.Int64s([1], 1, 1));
        string padded = g.Concat(1, ids, g.Int64s([1], 1, 1)); // [1, T + 1], ends in one <UNK>
        string length = g.Slice(g.Node("Shape", [ids]), g.Int64s(1), g.Int64s(2), g.Int64s(0)); // [T]
        string keep = g.Node("Max", [length, g.Int64s(1)]); // [max(T, 1)]
        return g.Slice(padded, g.Int64s(0), keep, g.Int64s(1));
    }
}
