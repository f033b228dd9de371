using MLNetRnn.Text;

namespace MLNetRnn.Tests.Text;

public sealed class CharacterTokenizerTests
{
    [Fact]
    public void Tokenize_GivesOneTokenPerGraphemeCluster()
    {
        var tokenizer = new CharacterTokenizer();
        Assert.Equal(["H", "i", " ", "👋🏽", "!"], tokenizer.Tokenize("Hi 👋🏽!"));
        Assert.Equal(["e\u0301", "t", "é"], tokenizer.Tokenize("e\u0301té"));
        Assert.Equal(["🇫🇷", "👨\u200D👩\u200D👧", "😀"], tokenizer.Tokenize("🇫🇷👨\u200D👩\u200D👧😀"));
    }

    [Fact]
    public void Tokenize_TurnsEachWhitespaceClusterIntoASpace()
    {
        var tokenizer = new CharacterTokenizer();
        Assert.Equal(["a", " ", " ", "b"], tokenizer.Tokenize("a  b"));
        Assert.Equal(["a", " ", "b", " ", "c", " ", "d"], tokenizer.Tokenize("a\tb\r\nc\u00A0d")); // "\r\n" is one cluster
        Assert.Equal([" ", " ", " "], tokenizer.Tokenize("   "));
        Assert.Equal(CharacterTokenizer.Space, tokenizer.Tokenize("\n")[0]);
    }

    [Fact]
    public void Tokenize_KeepsASpaceCarryingAMarkAsIs()
    {
        Assert.Equal(["a", " \u0301"], new CharacterTokenizer(keepWhitespace: false).Tokenize("a \u0301"));
    }

    [Fact]
    public void Tokenize_DropsWhitespaceWhenAsked()
    {
        var tokenizer = new CharacterTokenizer(keepWhitespace: false);
        Assert.Equal(["a", "b", "c"], tokenizer.Tokenize(" a \tb\nc "));
        Assert.Empty(tokenizer.Tokenize(" \t\r\n"));
    }

    [Fact]
    public void Tokenize_LowerCasesWhenAsked()
    {
        var tokenizer = new CharacterTokenizer(lowerCase: true);
        Assert.True(tokenizer.LowerCase);
        Assert.Equal(["a", "b", "é", "ж", "!"], tokenizer.Tokenize("AbÉЖ!"));
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
    public void Tokenize_ReturnsEmptyForEmptyText()
    {
        Assert.Empty(new CharacterTokenizer().Tokenize(""));
    }

    [Fact]
    public void Tokenize_ThrowsForNullText()
    {
        Assert.Throws<ArgumentNullException>("text", () => new CharacterTokenizer().Tokenize(null!));
    }
}
