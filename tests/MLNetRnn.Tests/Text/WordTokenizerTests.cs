using MLNetRnn.Text;

namespace MLNetRnn.Tests.Text;

// Expected tokens are worked out by hand from the patterns in TokenPatterns (findall of FLAG|WORD|SYMBOL, or WORD).
public sealed class WordTokenizerTests
{
    private static readonly WordTokenizer KeepCase = new(new WordTokenizerOptions { LowerCase = false });
    private static readonly WordTokenizer NoPunctuation = new(new WordTokenizerOptions { KeepPunctuation = false });

    [Theory]
    [InlineData("Don't stop!", new[] { "don't", "stop", "!" })]
    [InlineData("It’s 3.5 km.", new[] { "it’s", "3", ".", "5", "km", "." })]
    [InlineData("Hello, world!!", new[] { "hello", ",", "world", "!", "!" })]
    [InlineData("e-mail me :)", new[] { "e", "-", "mail", "me", ":", ")" })]
    [InlineData("(a)[b]{c}", new[] { "(", "a", ")", "[", "b", "]", "{", "c", "}" })]
    [InlineData("price: $12,000", new[] { "price", ":", "$", "12", ",", "000" })]
    [InlineData("abc123 x2", new[] { "abc123", "x2" })]
    [InlineData("½ Ⅻ", new[] { "½", "ⅻ" })] // \p{No} and \p{Nl} are numbers; Ⅻ lower-cases to ⅻ
    public void Tokenize_SplitsWordsAndPunctuation(string text, string[] expected)
    {
        Assert.Equal(expected, WordTokenizer.Default.Tokenize(text));
    }

    [Theory]
    [InlineData("3.5", new[] { "3", ".", "5" })]
    [InlineData("1,000.25", new[] { "1", ",", "000", ".", "25" })]
    [InlineData("-7", new[] { "-", "7" })]
    public void Tokenize_SplitsNumbersAtPunctuation(string text, string[] expected)
    {
        Assert.Equal(expected, WordTokenizer.Default.Tokenize(text));
    }

    [Theory]
    [InlineData("don't", new[] { "don't" })]
    [InlineData("don’t", new[] { "don’t" })] // ’ is kept as it is
    [InlineData("rock'n'roll", new[] { "rock'n'roll" })]
    [InlineData("the dogs' toys", new[] { "the", "dogs", "'", "toys" })]
    [InlineData("'tis", new[] { "'", "tis" })]
    [InlineData("don''t", new[] { "don", "'", "'", "t" })]
    [InlineData("‘quoted’", new[] { "‘", "quoted", "’" })]
    [InlineData("it ' s", new[] { "it", "'", "s" })]
    public void Tokenize_JoinsOnlySingleInnerApostrophes(string text, string[] expected)
    {
        Assert.Equal(expected, WordTokenizer.Default.Tokenize(text));
    }

    [Fact]
    public void Tokenize_KeepsUnicodeLettersAndMarks()
    {
        Assert.Equal(["naïve", "café"], WordTokenizer.Default.Tokenize("naïve café"));
        Assert.Equal(["nai\u0308ve", "cafe\u0301"], WordTokenizer.Default.Tokenize("nai\u0308ve cafe\u0301"));
        Assert.Equal(["привет", ",", "мир"], WordTokenizer.Default.Tokenize("Привет, мир"));
        Assert.Equal(["你好世界", "。"], WordTokenizer.Default.Tokenize("你好世界。"));
        Assert.Equal(["नमस्ते"], WordTokenizer.Default.Tokenize("नमस्ते"));
        Assert.Equal(["straße"], WordTokenizer.Default.Tokenize("STRAßE"));
    }

    [Fact]
    public void Tokenize_JoinsWithZeroWidthCharactersOnlyBeforeAWordCharacter()
    {
        const string persian = "می\u200Cخواهم";
        Assert.Equal([persian], WordTokenizer.Default.Tokenize(persian));
        Assert.Equal(["a", "\u200C"], WordTokenizer.Default.Tokenize("a\u200C"));
        Assert.Equal(["a", "\u200D", "!"], WordTokenizer.Default.Tokenize("a\u200D!"));
    }

    [Fact]
    public void Tokenize_KeepsEmojiWhole()
    {
        Assert.Equal(["i", "❤️", "🇫🇷", "!"], WordTokenizer.Default.Tokenize("I ❤️ 🇫🇷!"));
        Assert.Equal(["😀", "😀"], WordTokenizer.Default.Tokenize("😀😀"));
        Assert.Equal(["a", "😀", "b"], WordTokenizer.Default.Tokenize("a😀b"));
        Assert.Equal(["👍🏽"], WordTokenizer.Default.Tokenize("👍🏽"));
        Assert.Equal(["👨\u200D👩\u200D👧"], WordTokenizer.Default.Tokenize("👨\u200D👩\u200D👧"));
        Assert.Equal(["#\uFE0F\u20E3", "1\uFE0F\u20E3"], WordTokenizer.Default.Tokenize("#\uFE0F\u20E3 1\uFE0F\u20E3"));
        const string england = "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F";
        Assert.Equal([england], WordTokenizer.Default.Tokenize(england));
    }

    [Fact]
    public void Tokenize_ContinuesASymbolThroughAZeroWidthJoinerWithAnyNonWhitespace()
    {
        Assert.Equal(["!\u200Dx"], WordTokenizer.Default.Tokenize("!\u200Dx"));
        Assert.Equal(["\u200D", "x"], WordTokenizer.Default.Tokenize("\u200Dx"));
        Assert.Equal(["\u200D\u200Dx"], WordTokenizer.Default.Tokenize("\u200D\u200Dx"));
        Assert.Equal(["!", "\u200D", "x"], WordTokenizer.Default.Tokenize("! \u200D x"));
    }

    [Fact]
    public void Tokenize_PairsRegionalIndicatorsFromTheLeft()
    {
        Assert.Equal(["🇫🇷", "🇩"], WordTokenizer.Default.Tokenize("🇫🇷🇩"));
        Assert.Equal(["🇫🇷", "🇩🇪"], WordTokenizer.Default.Tokenize("🇫🇷🇩🇪"));
        Assert.Equal(["🇫", "a"], WordTokenizer.Default.Tokenize("🇫a"));
        Assert.Equal(["🇫🏻"], WordTokenizer.Default.Tokenize("🇫🏻")); // a lone indicator is a symbol, and takes the skin tone
        Assert.Equal(["🇫🇷", "\uFE0Fa"], WordTokenizer.Default.Tokenize("🇫🇷\uFE0Fa")); // U+FE0F is a mark: it starts a word
    }

    [Fact]
    public void Tokenize_KeepsSupplementaryPlaneLetters()
    {
        // U+1D400 MATHEMATICAL BOLD CAPITAL A is a letter outside the BMP (a surrogate pair).
        Assert.Equal(["x\U0001D400y"], KeepCase.Tokenize("x\U0001D400y"));
    }

    [Fact]
    public void Tokenize_LowerCasesEachUtf16UnitSoAstralLettersKeepTheirCase()
    {
        // U+10400 DESERET CAPITAL LONG I is a surrogate pair; char.ToLowerInvariant leaves surrogates alone.
        Assert.Equal(["x\U00010400y", "àé"], WordTokenizer.Default.Tokenize("X\U00010400Y ÀÉ"));
    }

    [Fact]
    public void Tokenize_ReadsALoneSurrogateAsTheReplacementCharacter()
    {
        Assert.Equal(["a", "\uFFFD", "b"], WordTokenizer.Default.Tokenize("a\uD800b"));
        Assert.Equal(["a", "\uFFFD", "\uFFFD", "b"], WordTokenizer.Default.Tokenize("a\uDC00\uD800b"));
        Assert.Equal(["\uFFFD\u0301"], WordTokenizer.Default.Tokenize("\uD800\u0301"));
        Assert.Equal(["a", "b"], NoPunctuation.Tokenize("a\uD800b"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" \t\r\n ")]
    [InlineData("\u00A0\u2003")]
    [InlineData("\u0085\u000B\u000C\u2028\u2029")]
    public void Tokenize_ReturnsEmptyForEmptyOrWhitespace(string text)
    {
        Assert.Empty(WordTokenizer.Default.Tokenize(text));
    }

    [Fact]
    public void Tokenize_SeparatesOnEveryKindOfWhitespace()
    {
        Assert.Equal(["a", "b", "c", "d", "e"], WordTokenizer.Default.Tokenize("  a\tb\r\nc\u00A0d\u2028e  "));
    }

    [Fact]
    public void Tokenize_DropsPunctuationWhenAsked()
    {
        Assert.Equal(["hello", "world", "don’t"], NoPunctuation.Tokenize("Hello, world!! 😀 Don’t."));
        Assert.Equal(["a", "b'c"], NoPunctuation.Tokenize("'a' b'c"));
        Assert.Empty(NoPunctuation.Tokenize("?!... 🇫🇷 👍🏽"));
    }

    [Fact]
    public void Tokenize_KeepsAVariationSelectorAfterADroppedSymbolAsAWord()
    {
        // Once the heart is skipped, U+FE0F (a nonspacing mark, so a word character) is where the next word starts.
        Assert.Equal(["i", "\uFE0F", "it"], NoPunctuation.Tokenize("I ❤️ it"));
        Assert.Equal(["\uFE0Fok"], NoPunctuation.Tokenize("❤️ok"));
    }

    [Fact]
    public void Tokenize_KeepsCaseWhenAsked()
    {
        Assert.Equal(["Don’t", "STOP", "!"], KeepCase.Tokenize("Don’t STOP!"));
    }

    [Fact]
    public void Constructor_CopiesTheOptions()
    {
        var options = new WordTokenizerOptions { LowerCase = false };
        var tokenizer = new WordTokenizer(options);
        options.LowerCase = true;
        options.KeepPunctuation = false;
        Assert.False(tokenizer.LowerCase);
        Assert.True(tokenizer.KeepPunctuation);
        Assert.Equal(["A", "!"], tokenizer.Tokenize("A!"));
    }

    [Fact]
    public void Default_LowerCasesAndKeepsPunctuation()
    {
        Assert.Same(WordTokenizer.Default, WordTokenizer.Default);
        Assert.True(WordTokenizer.Default.LowerCase);
        Assert.True(WordTokenizer.Default.KeepPunctuation);
        var options = new WordTokenizerOptions();
        Assert.True(options.LowerCase);
        Assert.True(options.KeepPunctuation);
    }

    [Fact]
    public void Patterns_AreTheDocumentedRe2Expressions()
    {
        Assert.Equal(
            @"[\x{1F1E6}-\x{1F1FF}]{2}|[\p{L}\p{M}\p{N}]+(?:['\x{2019}\x{200C}\x{200D}][\p{L}\p{M}\p{N}]+)*|"
            + @"[^\t\n\x{0B}\f\r\x{85}\p{Z}\p{L}\p{M}\p{N}][\p{M}\x{FE0E}\x{FE0F}\x{1F3FB}-\x{1F3FF}\x{E0020}-\x{E007F}]*"
            + @"(?:\x{200D}[^\t\n\x{0B}\f\r\x{85}\p{Z}][\p{M}\x{FE0E}\x{FE0F}\x{1F3FB}-\x{1F3FF}\x{E0020}-\x{E007F}]*)*",
            TokenPatterns.WordsKeepPunctuation);
        Assert.Equal(@"[\p{L}\p{M}\p{N}]+(?:['\x{2019}\x{200C}\x{200D}][\p{L}\p{M}\p{N}]+)*", TokenPatterns.WordsDropPunctuation);
    }

    [Fact]
    public void Tokenize_ThrowsForNullText()
    {
        Assert.Throws<ArgumentNullException>("text", () => WordTokenizer.Default.Tokenize(null!));
    }
}
