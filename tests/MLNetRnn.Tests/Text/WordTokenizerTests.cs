using MLNetRnn.Text;

namespace MLNetRnn.Tests.Text;

public sealed class WordTokenizerTests
{
    [Theory]
    [InlineData("Don't stop!", new[] { "don't", "stop", "!" })]
    [InlineData("It’s 3.5 km.", new[] { "it's", "3", ".", "5", "km", "." })]
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
    [InlineData("don’t", new[] { "don't" })]
    [InlineData("rock'n'roll", new[] { "rock'n'roll" })]
    [InlineData("the dogs' toys", new[] { "the", "dogs", "'", "toys" })]
    [InlineData("'tis", new[] { "'", "tis" })]
    [InlineData("don''t", new[] { "don", "'", "'", "t" })]
    [InlineData("‘quoted’", new[] { "‘", "quoted", "'" })]
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
    public void Tokenize_KeepsZeroWidthJoinersInsideWords()
    {
        const string persian = "می\u200Cخواهم";
        Assert.Equal([persian], WordTokenizer.Default.Tokenize(persian));
        Assert.Equal(["a", "\u200C"], WordTokenizer.Default.Tokenize("a\u200C"));
    }

    [Fact]
    public void Tokenize_KeepsEmojiWhole()
    {
        Assert.Equal(["i", "❤️", "🇫🇷", "!"], WordTokenizer.Default.Tokenize("I ❤️ 🇫🇷!"));
        Assert.Equal(["😀", "😀"], WordTokenizer.Default.Tokenize("😀😀"));
        Assert.Equal(["a", "😀", "b"], WordTokenizer.Default.Tokenize("a😀b"));
        Assert.Equal(["👍🏽"], WordTokenizer.Default.Tokenize("👍🏽"));
        Assert.Equal(["👨\u200D👩\u200D👧"], WordTokenizer.Default.Tokenize("👨\u200D👩\u200D👧"));
    }

    [Fact]
    public void Tokenize_KeepsSupplementaryPlaneLetters()
    {
        // U+1D400 MATHEMATICAL BOLD CAPITAL A is a letter outside the BMP (a surrogate pair).
        Assert.Equal(["x\U0001D400y"], new WordTokenizer(new WordTokenizerOptions { LowerCase = false }).Tokenize("x\U0001D400y"));
    }

    [Fact]
    public void Tokenize_TreatsALoneSurrogateAsPunctuation()
    {
        Assert.Equal(["a", "\uD800", "b"], WordTokenizer.Default.Tokenize("a\uD800b"));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(" \t\r\n ")]
    [InlineData("\u00A0\u2003")]
    public void Tokenize_ReturnsEmptyForEmptyOrWhitespace(string text)
    {
        Assert.Empty(WordTokenizer.Default.Tokenize(text));
    }

    [Fact]
    public void Tokenize_SeparatesOnEveryKindOfWhitespace()
    {
        Assert.Equal(["a", "b", "c", "d"], WordTokenizer.Default.Tokenize("  a\tb\r\nc\u00A0d  "));
    }

    [Fact]
    public void Tokenize_DropsPunctuationWhenAsked()
    {
        var tokenizer = new WordTokenizer(new WordTokenizerOptions { KeepPunctuation = false });
        Assert.Equal(["hello", "world", "don't"], tokenizer.Tokenize("Hello, world!! 😀 Don’t."));
        Assert.Empty(tokenizer.Tokenize("?!..."));
    }

    [Fact]
    public void Tokenize_KeepsCaseWhenAsked()
    {
        var tokenizer = new WordTokenizer(new WordTokenizerOptions { LowerCase = false });
        Assert.Equal(["Don't", "STOP", "!"], tokenizer.Tokenize("Don’t STOP!"));
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
    public void Tokenize_ThrowsForNullText()
    {
        Assert.Throws<ArgumentNullException>("text", () => WordTokenizer.Default.Tokenize(null!));
    }
}
