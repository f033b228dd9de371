using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Tokenizers;
using MLNetRnn.DataViews;

namespace MLNetRnn.Transforms;

/// <summary>
/// Splits text into subword tokens with a Microsoft.ML.Tokenizers <see cref="Tokenizer"/> (Tiktoken, BPE, WordPiece/Bert,
/// …): a vector-of-String column of the tokens' strings (<see cref="EncodedToken.Value"/>), which
/// <c>MapTokensToIds</c> then maps to ids like any other tokens.
/// </summary>
/// <remarks>
/// The fitted step is ML.NET's CustomMapping over the tokenizer object, so it works in pipelines in-process (fit,
/// transform, evaluation, cross-validation, prediction engines) but cannot be saved into a model file: ML.NET saves a
/// custom mapping only by a contract name, and a name cannot carry a tokenizer's vocabulary and merges. To serve a
/// subword model, save the part of the pipeline from the token column on (<c>MapTokensToIds</c> and the trainer: ML.NET
/// components only) and let the app tokenize with the same Microsoft.ML.Tokenizers tokenizer. Word and character
/// tokenizers (<c>TokenizeWords</c>, <c>TokenizeCharacters</c>) travel inside the model, as ONNX.
/// </remarks>
public sealed class SubwordTokenizingEstimator : IEstimator<ITransformer>
{
    private readonly Tokenizer _tokenizer;

    internal SubwordTokenizingEstimator(string outputColumnName, string inputColumnName, Tokenizer tokenizer)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        ArgumentNullException.ThrowIfNull(tokenizer);
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        _tokenizer = tokenizer;
    }

    /// <summary>Gets the String input column.</summary>
    public string InputColumnName { get; }

    /// <summary>Gets the vector-of-String output column.</summary>
    public string OutputColumnName { get; }

    /// <summary>The tokens of one text, as this step computes them.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The tokens' strings, in order.</returns>
    public string[] Tokenize(string text) => [.. _tokenizer.EncodeToTokens(text ?? string.Empty, out _).Select(t => t.Value)];

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input column is missing or not String.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        Columns.RequireText(inputSchema, InputColumnName, "text");
        return OnnxStep.Context().Transforms.Text.TokenizeIntoWords(OutputColumnName, InputColumnName).GetOutputSchema(inputSchema);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The input column is missing or not String.</exception>
    public ITransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Columns.RequireText(input.Schema, InputColumnName, "text");
        var inputDefinition = SchemaDefinition.Create(typeof(TextRow));
        inputDefinition[0].ColumnName = InputColumnName;
        var outputDefinition = SchemaDefinition.Create(typeof(TokensRow));
        outputDefinition[0].ColumnName = OutputColumnName;
        return OnnxStep.Context().Transforms.CustomMapping<TextRow, TokensRow>((row, tokens) => tokens.Tokens = Tokenize(row.Text),
            contractName: null, inputDefinition, outputDefinition).Fit(input);
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = string.Empty;
    }

    private sealed class TokensRow
    {
        public string[] Tokens { get; set; } = [];
    }
}
