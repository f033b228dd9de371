namespace MLNetRnn.Cli;

/// <summary>
/// <c>evaluate</c> and <c>predict</c> for a tagger .zip (<see cref="ModelFile.IsTagger"/>); the commands call in here once
/// they have read the model. Both run the saved model with ML.NET, as any app would.
/// </summary>
/// <remarks>
/// <c>evaluate --model M.zip --data F.conll [--json]</c>: <see cref="TagReport"/> (JSON <c>{"tokenAccuracy", "oovAccuracy",
/// "entityF1", "count", …}</c>; per-tag precision/recall/F1 in both outputs).
/// <c>predict --model M.zip --input "a sentence" [--json]</c>: the sentence split into words and punctuation (case kept,
/// <see cref="TagData.Tokenizer"/>) and one tag per token, JSON <c>{"tokens":[…],"tags":[…]}</c>;
/// <c>--data F</c> reads one sentence a line the same way (JSON Lines, one object per non-blank line).
/// </remarks>
internal static class TagCommands
{
    public static int Evaluate(ModelFile file, string data, TagData.Columns columns, bool json)
    {
        var report = TagReport.Evaluate(file, TagData.Read(data, columns));
        if (json)
        {
            JsonOut.Line(report.Json());
        }
        else
        {
            Console.Write(report.Describe());
        }

        return 0;
    }

    public static int Predict(ModelFile file, string? input, string? data, bool json)
    {
        string[] texts = input is not null ? [input] : ReadSentences(data!);
        string[][] tokens = [.. texts.Select(TagData.Tokenizer.Tokenize)];
        if (input is not null && tokens[0].Length == 0)
        {
            throw new ArgumentException("--input has no words to tag; give a sentence such as \"The cat sat .\".");
        }

        string[][] tags = TagData.Predict(file, tokens);
        for (int s = 0; s < tokens.Length; s++)
        {
            if (json)
            {
                JsonOut.Line(new { tokens = tokens[s], tags = tags[s] });
            }
            else
            {
                Console.WriteLine(string.Join(' ', tokens[s].Zip(tags[s], (token, tag) => $"{token}/{tag}")));
            }
        }

        return 0;
    }

    /// <summary>The non-blank lines of a text file, one sentence each.</summary>
    private static string[] ReadSentences(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Data file '{Path.GetFullPath(path)}' does not exist; check the --data path.", path);
        }

        string[] lines;
        try
        {
            lines = [.. File.ReadAllLines(path, new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true)).Where(l => !string.IsNullOrWhiteSpace(l))];
        }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new InvalidDataException($"Data file '{path}' is not valid UTF-8 ({e.Message}); save it as UTF-8.", e);
        }

        if (lines.Length == 0)
        {
            throw new InvalidDataException($"Data file '{path}' has no sentences; a tagger's predict --data reads one sentence a line.");
        }

        return lines;
    }
}
