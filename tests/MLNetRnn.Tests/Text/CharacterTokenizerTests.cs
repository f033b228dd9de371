using MLNetRnn.Text;

namespace MLNetRnn.Tests.Text;

// Expected tokens are worked out by hand from the patterns in TokenPatterns
// (findall of \r\n|FLAG|(?s:.)EXT*(?:\x{200D}[^WS]EXT*)*, or FLAG|[^WS]EXT*(?:\x{200D}[^WS]EXT*)*).
public sealed class CharacterTokenizerTests
{
    private static readonly CharacterTokenizer DropWhitespace = new(keepWhitespace: false);

    [Fact]
    public void Tokenize_GivesOneTokenPerCharacterWithItsExtensions()
    {
        var tokenizer = new CharacterTokenizer();
        Assert.Equal(["H", "i", " ", "👋🏽", "!"], tokenizer.Tokenize("Hi 👋🏽!"));
        Assert.Equal(["e\u0301", "t", "é"], tokenizer.Tokenize("e\u0301té"));
        Assert.Equal(["🇫🇷", "👨\u200D👩\u200D👧", "😀"], tokenizer.Tokenize("🇫🇷👨\u200D👩\u200D👧😀"));
        Assert.Equal(["❤\uFE0F", "#\uFE0F\u20E3"], tokenizer.Tokenize("❤\uFE0F#\uFE0F\u20E3"));
    }

    [Fact]
    public void Tokenize_DoesNotClusterLettersOfTheSameSyllable()
    {
        // Only marks, emoji extensions and ZWJ links attach; the next letter is a new token.
        Assert.Equal(["न", "म", "स्", "त\u0947"], new CharacterTokenizer().Tokenize("नमस्ते"));
    }

    [Fact]
    public void Tokenize_KeepsEachWhitespaceCharacterAsItIs()
    {
        var tokenizer = new CharacterTokenizer();
        Assert.Equal(["a", " ", " ", "b"], tokenizer.Tokenize("a  b"));
        Assert.Equal(["a", "\t", "b", "\r\n", "c", "\u00A0", "d"], tokenizer.Tokenize("a\tb\r\nc\u00A0d"));
        Assert.Equal(["\r", "\r\n", "\n", "\r"], tokenizer.Tokenize("\r\r\n\n\r"));
        Assert.Equal(["\n"], tokenizer.Tokenize("\n"));
        Assert.Equal(["\u0085", "\u2028"], tokenizer.Tokenize("\u0085\u2028"));
    }

    [Fact]
    public void Tokenize_GivesTheTextBackWhenTheTokensAreJoined()
    {
        const string text = "Hi there!\r\n\tÇa va? 😀🇫🇷 e\u0301 \u200D";
        Assert.Equal(text, string.Concat(new CharacterTokenizer().Tokenize(text)));
    }

    [Fact]
    public void Tokenize_AttachesAMarkToThePrecedingCharacterEvenWhitespace()
    {
        Assert.Equal(["a", " \u0301"], new CharacterTokenizer().Tokenize("a \u0301"));
        Assert.Equal(["\r\n", "\u0301"], new CharacterTokenizer().Tokenize("\r\n\u0301")); // \r\n is taken first
        Assert.Equal(["a", "\u0301"], DropWhitespace.Tokenize("a \u0301"));
    }

    [Fact]
    public void Tokenize_ContinuesThroughAZeroWidthJoinerOnlyBeforeNonWhitespace()
    {
        var tokenizer = new CharacterTokenizer();
        Assert.Equal(["a\u200Db"], tokenizer.Tokenize("a\u200Db"));
        Assert.Equal(["a", "\u200D", " ", "b"], tokenizer.Tokenize("a\u200D b"));
        Assert.Equal(["a", "\u200D", "b"], DropWhitespace.Tokenize("a\u200D b"));
    }

    [Fact]
    public void Tokenize_PairsRegionalIndicatorsFromTheLeft()
    {
        var tokenizer = new CharacterTokenizer();
        Assert.Equal(["🇫🇷", "🇩"], tokenizer.Tokenize("🇫🇷🇩"));
        Assert.Equal(["🇫🇷", "🇩🇪"], tokenizer.Tokenize("🇫🇷🇩🇪"));
        Assert.Equal(["🇫🇷", "\uFE0F"], tokenizer.Tokenize("🇫🇷\uFE0F")); // a flag takes no extension
        const string england = "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F";
        Assert.Equal([england], tokenizer.Tokenize(england));
    }

    [Fact]
    public void Tokenize_DropsWhitespaceWhenAsked()
    {
        Assert.Equal(["a", "b", "c"], DropWhitespace.Tokenize(" a \tb\nc "));
        Assert.Empty(DropWhitespace.Tokenize(" \t\r\n\u000B\u000C\u0085\u00A0\u2028\u2029\u3000"));
    }

    [Fact]
    public void Tokenize_LowerCasesEachUtf16UnitWhenAsked()
    {
        var tokenizer = new CharacterTokenizer(lowerCase: true);
        Assert.True(tokenizer.LowerCase);
        Assert.Equal(["a", "b", "é", "ж", "!"], tokenizer.Tokenize("AbÉЖ!"));
        Assert.Equal(["\U00010400"], tokenizer.Tokenize("\U00010400")); // a surrogate pair is left as it is
    }

    [Fact]
    public void Tokenize_ReadsALoneSurrogateAsTheReplacementCharacter()
    {
        var tokenizer = new CharacterTokenizer();
        Assert.Equal(["a", "\uFFFD", "b"], tokenizer.Tokenize("a\uD800b"));
        Assert.Equal(["\uFFFD\u0301", "\uFFFD"], tokenizer.Tokenize("\uDC00\u0301\uD800"));
    }

    [Fact]
    public void Tokenize_SharesTheStringsOfAsciiTokens()
    {
        var tokenizer = new CharacterTokenizer(lowerCase: true);
        string[] tokens = tokenizer.Tokenize("aA");
        Assert.Same(tokens[0], tokens[1]);
    }

    [Fact]
    public void Defaults_KeepCaseAndWhitespace()
    {
        var tokenizer = new CharacterTokenizer();
        Assert.False(tokenizer.LowerCase);
        Assert.True(tokenizer.KeepWhitespace);
        Assert.Equal(["A", " ", "B"], tokenizer.Tokenize("A B"));
    }

    [Fact]
    public void Patterns_AreTheDocumentedRe2Expressions()
    {
        const string ext = @"[\p{M}\x{FE0E}\x{FE0F}\x{1F3FB}-\x{1F3FF}\x{E0020}-\x{E007F}]";
        const string notWs = @"[^\t\n\x{0B}\f\r\x{85}\p{Z}]";
        Assert.Equal(
            @"\r\n|[\x{1F1E6}-\x{1F1FF}]{2}|(?s:.)" + ext + @"*(?:\x{200D}" + notWs + ext + "*)*",
            TokenPatterns.CharactersKeepWhitespace);
        Assert.Equal(
            @"[\x{1F1E6}-\x{1F1FF}]{2}|" + notWs + ext + @"*(?:\x{200D}" + notWs + ext + "*)*",
            TokenPatterns.CharactersDropWhitespace);
    }

    [Fact]
    public void Tokenize_ReturnsEmptyForEmptyText()
    {
        Assert.Empty(new CharacterTokenizer().Tokenize(""));
        Assert.Empty(DropWhitespace.Tokenize(""));
    }

    [Fact]
    public void Tokenize_ThrowsForNullText()
    {
        Assert.Throws<ArgumentNullException>("text", () => new CharacterTokenizer().Tokenize(null!));
    }
}
