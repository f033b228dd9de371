using MLNetRnn.Data;
using MLNetRnn.Pipeline;
using MLNetRnn.Text;

namespace MLNetRnn.Transforms;

/// <summary>Maps a Vector&lt;String&gt; token column to ids with a fitted <see cref="Text.Vocabulary"/>; unknown tokens become <c>&lt;UNK&gt;</c>.</summary>
public sealed class TokenToIdTransformer : ISavableTransformer
{
    internal const string ComponentKind = "MapTokensToIds";

    internal TokenToIdTransformer(string outputColumnName, string inputColumnName, Vocabulary vocabulary)
    {
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        Vocabulary = vocabulary;
    }

    /// <summary>Gets the Vector&lt;String&gt; input column.</summary>
    public string InputColumnName { get; }

    /// <summary>Gets the Vector&lt;Int32&gt; output column.</summary>
    public string OutputColumnName { get; }

    /// <summary>Gets the fitted vocabulary.</summary>
    public Vocabulary Vocabulary { get; }

    string ISavableTransformer.Kind => ComponentKind;

    string? ISavableTransformer.Task => null;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.Require(InputColumnName, typeof(string[]));
        return OutputSchema(inputSchema, OutputColumnName, Vocabulary.Tokens);
    }

    /// <inheritdoc/>
    public DataView Transform(DataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        string[][] tokens = input.GetColumn<string[]>(InputColumnName);
        var ids = new int[tokens.Length][];
        for (int i = 0; i < tokens.Length; i++)
        {
            ids[i] = Vocabulary.Encode(tokens[i]);
        }

        return input.WithColumn(OutputColumnName, ids, Vocabulary.Tokens);
    }

    internal static DataViewSchema OutputSchema(DataViewSchema input, string output, IReadOnlyList<string>? keyValues) =>
        input.WithOutputs((output, typeof(int[]), keyValues ?? PlaceholderKeys));

    // Before fitting, the vocabulary is unknown; the schema still marks the column as ids.
    private static readonly IReadOnlyList<string> PlaceholderKeys = [Vocabulary.Pad, Vocabulary.Unknown];

    void ISavableTransformer.Save(ModelSaveContext context)
    {
        context.WriteJson("config.json", new Config(InputColumnName, OutputColumnName));
        using var writer = new StreamWriter(context.Create("vocab.txt"), new System.Text.UTF8Encoding(false)) { NewLine = "\n" };
        Vocabulary.Save(writer);
    }

    internal static ITransformer Load(ModelLoadContext context)
    {
        var c = context.ReadJson<Config>("config.json");
        using var reader = new StringReader(string.Join("\n", context.ReadLines("vocab.txt")));
        Vocabulary vocabulary;
        try
        {
            vocabulary = Vocabulary.Load(reader);
        }
        catch (InvalidDataException e)
        {
            throw context.Corrupt($"vocab.txt is invalid ({e.Message})");
        }

        return new TokenToIdTransformer(c.OutputColumnName, c.InputColumnName, vocabulary);
    }

    private sealed record Config(string InputColumnName, string OutputColumnName);
}
