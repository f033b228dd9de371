using System.Text;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Text;

namespace MLNetRnn.Tests.Text;

/// <summary><see cref="ConllReader"/>: sentence boundaries, columns, separators, document markers and errors that name the
/// file and the line.</summary>
public sealed class ConllReaderTests
{
    [Fact]
    public void Read_SplitsSentencesAtBlankLines()
    {
        // Several blank lines (one with spaces) are one boundary; the file need not end with one; CRLF is accepted.
        const string text = "\n\nThe\tDET\ncat\tNOUN\r\n\n \t \n\nsat\tVERB\n.\tPUNCT";
        var sentences = ConllReader.Read(new StringReader(text), "t.conll");
        Assert.Equal(2, sentences.Count);
        Assert.Equal(["The", "cat"], sentences[0].Tokens);
        Assert.Equal(["DET", "NOUN"], sentences[0].Tags);
        Assert.Equal(3, sentences[0].LineNumber);
        Assert.Equal(["sat", "."], sentences[1].Tokens);
        Assert.Equal(["VERB", "PUNCT"], sentences[1].Tags);
        Assert.Equal(8, sentences[1].LineNumber);
    }

    [Fact]
    public void Read_TakesTheLastColumnAndSkipsDocumentMarkersInCoNLL2003()
    {
        const string text = "-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n-DOCSTART- -X- -X- O\nPeter NNP B-NP B-PER\n";
        var sentences = ConllReader.Read(new StringReader(text), "eng.train", separator: ' ');
        Assert.Equal(2, sentences.Count);
        Assert.Equal(["EU", "rejects"], sentences[0].Tokens);
        Assert.Equal(["B-ORG", "O"], sentences[0].Tags);
        Assert.Equal(["Peter"], sentences[1].Tokens);

        var pos = ConllReader.Read(new StringReader(text), "eng.train", tagColumn: 1, separator: ' ');
        Assert.Equal(["NNP", "VBZ"], pos[0].Tags);
    }

    [Fact]
    public void Read_IgnoresExtraColumnsAndKeepsColumnsVerbatim()
    {
        var sentences = ConllReader.Read(new StringReader("1\tNew York\tPROPN\textra\n2\t's\tPART\tx\n"), "u.conll", tagColumn: 2, tokenColumn: 1);
        Assert.Equal(["New York", "'s"], sentences[0].Tokens);
        Assert.Equal(["PROPN", "PART"], sentences[0].Tags);
    }

    [Theory]
    [InlineData("a\tX\nb\n", 0, "u.conll line 2 has 1 column(s) but the token (column 0) and the tag (the last column) need at least 2, separated by a tab: 'b'")]
    [InlineData("a X\n", 0, "u.conll line 1 has 1 column(s)")]
    [InlineData("a\tX\tY\n\nb\tX\n", 2, "u.conll line 3 has 2 column(s) but the token (column 0) and the tag (column 2) need at least 3")]
    [InlineData("a\tX\n\tY\n", 0, "u.conll line 2 has an empty token")]
    [InlineData("a\t\n", 0, "u.conll line 1 has an empty tag")]
    public void Read_ThrowsNamingTheFileAndLine(string text, int tagColumn, string message)
    {
        var e = Assert.Throws<InvalidDataException>(() => ConllReader.Read(new StringReader(text), "u.conll", tagColumn == 0 ? -1 : tagColumn));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Load_ThrowsForInvalidUtf8AndOverlongLines()
    {
        using var binary = TempFile.WriteBytes([(byte)'a', (byte)'\t', 0xC3, 0x28, (byte)'\n'], ".conll");
        Assert.Contains("line 1 is not valid UTF-8", Assert.Throws<InvalidDataException>(() => ConllReader.Load(binary.Path)).Message);
        using var longLine = TempFile.Write("a\tX\n" + new string('x', 70_000) + "\tX\n", extension: ".conll");
        Assert.Contains("line 2 is longer than 65536 characters", Assert.Throws<InvalidDataException>(() => ConllReader.Load(longLine.Path)).Message);
    }

    [Fact]
    public void Load_ReadsAFileWithAByteOrderMarkAndChecksArguments()
    {
        using var file = TempFile.Write("é\tX\n", byteOrderMark: true, extension: ".conll");
        Assert.Equal("é", ConllReader.Load(file.Path).Single().Tokens.Single());
        Assert.Contains("No CoNLL file at", Assert.Throws<FileNotFoundException>(() => ConllReader.Load(file.Path + ".missing")).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ConllReader.Load(file.Path, tagColumn: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConllReader.Load(file.Path, tagColumn: -2));
        Assert.Throws<ArgumentException>(() => ConllReader.Load(file.Path, separator: '\n'));
        Assert.Equal(Encoding.UTF8.GetBytes("é"), Encoding.UTF8.GetBytes(ConllReader.Load(file.Path)[0].Tokens[0]));
    }
}
