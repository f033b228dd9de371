using MLNetRnn.Data;
using MLNetRnn.Pipeline;
using MLNetRnn.Text;

namespace MLNetRnn.Transforms;

/// <summary>Adds a Vector&lt;String&gt; column of tokens made from a String column by a word or character tokenizer.</summary>
public sealed class TokenizingTransformer : ISavableTransformer
{
    internal const string WordsKind = "TokenizeIntoWords";
    internal const string CharactersKind = "TokenizeIntoCharacters";
    private readonly Config _config;

    internal TokenizingTransformer(string outputColumnName, string inputColumnName, ITokenizer tokenizer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        Tokenizer = tokenizer;
        _config = tokenizer switch
        {
            WordTokenizer w => new Config(WordsKind, inputColumnName, outputColumnName, w.LowerCase, w.KeepPunctuation, false),
            CharacterTokenizer c => new Config(CharactersKind, inputColumnName, outputColumnName, c.LowerCase, false, c.KeepWhitespace),
            _ => throw new ArgumentException("Only the word and character tokenizers can be used in a saved pipeline.", nameof(tokenizer)),
        };
    }

    /// <summary>Gets the tokenizer.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>Gets the String input column.</summary>
    public string InputColumnName => _config.InputColumnName;

    /// <summary>Gets the Vector&lt;String&gt; output column.</summary>
    public string OutputColumnName => _config.OutputColumnName;

    string ISavableTransformer.Kind => _config.Kind;

    string? ISavableTransformer.Task => null;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.Require(InputColumnName, typeof(string));
        return inputSchema.WithOutputs((OutputColumnName, typeof(string[]), null));
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A text is null (the message gives its row).</exception>
    public DataView Transform(DataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        string[] texts = input.GetColumn<string>(InputColumnName);
        var tokens = new string[texts.Length][];
        for (int i = 0; i < texts.Length; i++)
        {
            tokens[i] = Tokenizer.Tokenize(texts[i] ?? throw new ArgumentException($"Row {i} of column '{InputColumnName}' is null; give every row a text.", nameof(input)));
        }

        return input.WithColumn(OutputColumnName, tokens);
    }

    void ISavableTransformer.Save(ModelSaveContext context) => context.WriteJson("config.json", _config);

    internal static ITransformer Load(ModelLoadContext context)
    {
        var c = context.ReadJson<Config>("config.json");
        ITokenizer tokenizer = c.Kind switch
        {
            WordsKind => new WordTokenizer(new WordTokenizerOptions { LowerCase = c.LowerCase, KeepPunctuation = c.KeepPunctuation }),
            CharactersKind => new CharacterTokenizer(c.LowerCase, c.KeepWhitespace),
            _ => throw context.Corrupt($"config.json names tokenizer kind '{c.Kind}'"),
        };
        if (string.IsNullOrWhiteSpace(c.InputColumnName) || string.IsNullOrWhiteSpace(c.OutputColumnName))
        {
            throw context.Corrupt("config.json lacks column names");
        }

        return new TokenizingTransformer(c.OutputColumnName, c.InputColumnName, tokenizer);
    }

    private sealed record Config(string Kind, string InputColumnName, string OutputColumnName, bool LowerCase, bool KeepPunctuation, bool KeepWhitespace);
}
