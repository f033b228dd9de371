namespace MLNetRnn.Text;

/// <summary>Options for <see cref="WordTokenizer"/>.</summary>
/// <remarks>
/// The tokenizer copies these values when it is constructed, so changing an options object afterwards does not
/// change a tokenizer already made from it.
/// </remarks>
public sealed class WordTokenizerOptions
{
    /// <summary>
    /// Gets or sets whether tokens are lower-cased with the invariant culture (<c>"Don't"</c> → <c>"don't"</c>).
    /// Default <see langword="true"/>.
    /// </summary>
    public bool LowerCase { get; set; } = true;

    /// <summary>
    /// Gets or sets whether punctuation and symbols become tokens of their own (<c>"Stop!"</c> → <c>["stop", "!"]</c>);
    /// when <see langword="false"/> they are dropped (<c>"Stop!"</c> → <c>["stop"]</c>). Default <see langword="true"/>.
    /// </summary>
    public bool KeepPunctuation { get; set; } = true;

    /// <summary>
    /// Gets or sets the most tokens kept: the text is read left to right and reading stops after this many tokens, so
    /// the rest is dropped. Default <see cref="int.MaxValue"/> (no limit). A saved model's ONNX graph truncates at the
    /// same token.
    /// </summary>
    public int MaxTokens { get; set; } = int.MaxValue;
}
