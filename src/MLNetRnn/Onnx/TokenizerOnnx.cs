namespace MLNetRnn.Onnx;

/// <summary>
/// The graph of a word or character tokenizer: one text in, its tokens out, by ONNX Runtime's <c>com.microsoft.Tokenizer</c>
/// (all leftmost non-overlapping matches of a RE2 pattern, as <see cref="Text.WordTokenizer"/> and
/// <see cref="Text.CharacterTokenizer"/> compute them in C#).
/// </summary>
/// <remarks>
/// Input: a String column (ML.NET feeds a scalar as shape [1, 1]). Output: the tokens, shape [1, T] (T = 0 for a text
/// without tokens; ML.NET reads the first dimension as the batch, so a variable-length vector needs this leading 1). Lower-casing is not in the graph: it is ML.NET's <c>NormalizeText</c> step before it (ONNX's
/// StringNormalizer depends on the machine's C locales; ML.NET's lower-casing does not). With a token limit, a
/// <c>Slice</c> keeps the first <c>maxTokens</c> tokens, as the C# tokenizers stop reading after that many.
/// </remarks>
internal static class TokenizerOnnx
{
    public static OnnxModel Build(string inputColumn, string outputColumn, string pattern, IEnumerable<KeyValuePair<string, string>> metadata, int? maxTokens = null)
    {
        var g = new OnnxGraphBuilder("tokenizer");
        string text = g.Input(inputColumn, OnnxDataType.String, OnnxDim.Of(1), OnnxDim.Of(1));
        string flat = g.Reshape(text, -1);
        string[] tokens = g.Nodes("Tokenizer", [flat], 1, "com.microsoft",
            OnnxAttribute.Of("mark", 0L),
            OnnxAttribute.Of("mincharnum", 1L),
            OnnxAttribute.Of("pad_value", string.Empty),
            OnnxAttribute.Of("tokenexp", pattern));
        string row = g.Reshape(tokens[0], 1, -1);
        if (maxTokens is int limit)
        {
            row = g.Slice(row, g.Int64s(0), g.Int64s(limit), g.Int64s(1)); // [1, min(T, limit)]
        }

        g.Output(outputColumn, row, OnnxDataType.String, OnnxDim.Of(1), OnnxDim.Symbol("T"));
        var model = new OnnxModel(g.Graph);
        model.Opsets["com.microsoft"] = 1;
        model.Metadata.Add(new(OnnxMetadata.Kind, OnnxMetadata.TokenizerKind));
        model.Metadata.Add(new(OnnxMetadata.FormatVersion, OnnxMetadata.CurrentFormatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        model.Metadata.AddRange(metadata);
        return model;
    }
}
