using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.DataViews;
using MLNetRnn.Text;

namespace MLNetRnn.Cli;

/// <summary>
/// The data side of the tagging commands: CoNLL files as ML.NET rows (a <c>Tokens</c> and a <c>Tags</c> vector of String),
/// the tagger model's input schema (one vector-of-String column, <see cref="TokensColumn"/>), and running a saved
/// tagger with ML.NET as an app would.
/// </summary>
internal static class TagData
{
    /// <summary>The input column of every tagger the CLI saves: the sentence's tokens, a vector of String.</summary>
    public const string TokensColumn = "Tokens";

    /// <summary>The gold tag column of the training and validation rows.</summary>
    public const string TagsColumn = "Tags";

    /// <summary>How the tagging commands split a sentence given as text (<c>predict --input</c>): words and punctuation, case kept.</summary>
    public static readonly WordTokenizer Tokenizer = new(new WordTokenizerOptions { LowerCase = false, KeepPunctuation = true });

    /// <summary>Reads a CoNLL file (one token a line, blank lines between sentences).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">A line is malformed (the message names the file and line), or the file has no sentence.</exception>
    public static IReadOnlyList<TaggedSentence> Read(string path, Columns columns)
    {
        var sentences = ConllReader.Load(path, columns.Tag, columns.Token, columns.Separator);
        if (sentences.Count == 0)
        {
            throw new InvalidDataException($"CoNLL file '{path}' has no sentences; give one token and its tag per line (separated by a tab) with a blank line after each sentence.");
        }

        return sentences;
    }

    /// <summary>Rows with <c>Tokens</c> and <c>Tags</c>.</summary>
    public static IDataView ToDataView(MLContext ml, IEnumerable<TaggedSentence> sentences) =>
        ml.Data.LoadFromEnumerable(sentences.Select(s => new TaggedRow { Tokens = [.. s.Tokens], Tags = [.. s.Tags] }));

    /// <summary>The input schema a tagger model is saved with.</summary>
    public static DataViewSchema InputSchema()
    {
        var schema = new DataViewSchema.Builder();
        schema.AddColumn(TokensColumn, new VectorDataViewType(TextDataViewType.Instance));
        return schema.ToSchema();
    }

    /// <summary>Runs the saved model (ML.NET loads the .zip; ONNX Runtime runs the network) on each token sequence and returns its tags.</summary>
    /// <exception cref="InvalidDataException">The model does not give one tag per token.</exception>
    public static string[][] Predict(ModelFile file, IReadOnlyList<IReadOnlyList<string>> sentences)
    {
        var ml = new MLContext(seed: 0);
        var model = file.Load(ml, out var input);
        var definition = SchemaDefinition.Create(typeof(TokenRow));
        definition[0].ColumnName = TokenColumn(input, file.Path);
        var rows = ml.Data.LoadFromEnumerable(sentences.Select(s => new TokenRow { Tokens = [.. s] }), definition);
        var output = model.Transform(rows);
        string[][] tags = ColumnReader.TextVectors(output, file.OutputColumn);
        for (int s = 0; s < tags.Length; s++)
        {
            if (tags[s].Length != sentences[s].Count)
            {
                throw new InvalidDataException($"'{file.Path}' gave {tags[s].Length} tags for sentence {s + 1}, which has {sentences[s].Count} tokens; the model is damaged.");
            }
        }

        return tags;
    }

    /// <summary>
    /// The model's token input: <see cref="TokensColumn"/> when its input schema has it, else its only vector-of-String
    /// input other than <see cref="TagsColumn"/> (a zip saved from a library pipeline with other names).
    /// </summary>
    /// <exception cref="InvalidDataException">No such column, or several.</exception>
    private static string TokenColumn(DataViewSchema input, string path)
    {
        if (input.GetColumnOrNull(TokensColumn) is { Type: VectorDataViewType { ItemType: TextDataViewType } })
        {
            return TokensColumn;
        }

        var candidates = input.Where(c => !c.IsHidden && c.Name != TagsColumn && c.Type is VectorDataViewType { ItemType: TextDataViewType }).Select(c => c.Name).ToList();
        return candidates.Count == 1 ? candidates[0] : throw new InvalidDataException(
            $"'{path}' is a tagger whose token input column is unclear: its input schema has {(candidates.Count == 0 ? "no" : string.Join(", ", candidates.Select(c => $"'{c}'")))} vector-of-String column(s) besides '{TagsColumn}'; save the model with a '{TokensColumn}' column of tokens.");
    }

    /// <summary>Which columns of a CoNLL line hold the token and the tag, and what separates them.</summary>
    /// <param name="Token">0-based token column.</param>
    /// <param name="Tag">0-based tag column, or −1 for the last column of each line.</param>
    /// <param name="Separator">The column separator.</param>
    public sealed record Columns(int Token, int Tag, char Separator);

    public sealed class TaggedRow
    {
        public string[] Tokens { get; set; } = [];

        public string[] Tags { get; set; } = [];
    }

    public sealed class TokenRow
    {
        public string[] Tokens { get; set; } = [];
    }
}
