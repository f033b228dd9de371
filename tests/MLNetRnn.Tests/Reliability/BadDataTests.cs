using System.Text;
using Microsoft.ML;
using MLNetRnn.Cli;
using MLNetRnn.DataViews;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// Issue 12, bad data: how the CLI reads a TSV/CSV file (<see cref="CliData.Load"/>, checked by <see cref="DataFileCheck"/>,
/// then read by ML.NET's own <c>TextLoader</c>). Each bad file fails with the file, the line and the bad value in the
/// message; each good but awkward file (quoted fields holding separators and line breaks, blank lines, CRLF, a BOM) reads
/// exactly the values written.
/// </summary>
public sealed class BadDataTests
{
    private static readonly (string File, string View)[] TextAndLabel = [("Text", "Text"), ("Label", "Label")];

    [Fact]
    public void Load_InvalidUtf8_NamesTheFileTheLineAndTheBytes()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("Text\tLabel\ngood\tyes\ncaf"), 0xE9, .. Encoding.UTF8.GetBytes(" latin-1\tno\n")];
        using var file = TempFile.WriteBytes(bytes);
        var e = Assert.Throws<InvalidDataException>(() => Load(file));
        Assert.Contains($"Line 3 of '{file.Path}'", e.Message);
        Assert.Contains("not valid UTF-8", e.Message);
        Assert.Contains("0xe9", e.Message);
        Assert.Contains("byte 4 of the line", e.Message);
    }

    [Fact]
    public void Load_TruncatedMultiByteCharacterAtTheEndOfTheFile_IsInvalidUtf8()
    {
        byte[] bytes = [.. Encoding.UTF8.GetBytes("Text\tLabel\nok\tyes\nok\tn"), 0xC3];
        using var file = TempFile.WriteBytes(bytes);
        var e = Assert.Throws<InvalidDataException>(() => Load(file));
        Assert.Contains($"Line 3 of '{file.Path}' is not valid UTF-8", e.Message);
    }

    [Fact]
    public void Load_RowWithTooFewFields_NamesTheFileTheLineAndBothCounts()
    {
        using var file = TempFile.Write("Text\tLabel\nfine\tyes\nno label here\nalso fine\tno\n");
        var e = Assert.Throws<InvalidDataException>(() => Load(file));
        Assert.Contains($"Line 3 of '{file.Path}' has 1 field but the header (line 1) has 2 (Text, Label)", e.Message);
    }

    [Fact]
    public void Load_RowWithTooManyFields_NamesTheFileTheLineAndTheTabHint()
    {
        using var file = TempFile.Write("Text\tLabel\nfine\tyes\na tab\there\tno\n");
        var e = Assert.Throws<InvalidDataException>(() => Load(file));
        Assert.Contains($"Line 3 of '{file.Path}' has 3 fields but the header (line 1) has 2", e.Message);
        Assert.Contains("holds a tab", e.Message);
    }

    [Fact]
    public void Load_CsvRowWithTooManyFields_SaysToQuoteTheField()
    {
        using var file = TempFile.Write("Text,Label\n\"quoted, fine\",yes\nnot, quoted,no\n", extension: ".csv");
        var e = Assert.Throws<InvalidDataException>(() => Load(file));
        Assert.Contains($"Line 3 of '{file.Path}' has 3 fields", e.Message);
        Assert.Contains("double quotes", e.Message);
    }

    [Fact]
    public void Load_CsvQuotedFields_KeepCommasTabsDoubledQuotesAndLineBreaks()
    {
        string csv = "Text,Label\n"
            + "\"a, b\tc \"\"q\"\"\nsecond line\",yes\n" // line 2-3: comma, tab, doubled quotes, a line break
            + "plain,no\n"                              // line 4
            + "  \"spaced\"  ,\"y,es\"\n";              // line 5: spaces around a quoted field are not part of it
        using var file = TempFile.Write(csv, extension: ".csv");
        var data = Load(file);
        Assert.Equal(["a, b\tc \"q\"\nsecond line", "plain", "spaced"], ColumnReader.Text(data, "Text"));
        Assert.Equal(["yes", "no", "y,es"], ColumnReader.Text(data, "Label"));
        Assert.Equal($"Line 4 (data row 2) of '{file.Path}'", CliData.Row(file.Path, 1)); // a row after a two-line row is named by its own line
        Assert.Equal($"Line 5 (data row 3) of '{file.Path}'", CliData.Row(file.Path, 2));
    }

    [Fact]
    public void Load_CsvQuotedFieldWithCrlfAndAnEmptyLineInside_ArrivesWithLfLineBreaks()
    {
        using var file = TempFile.Write("Text,Label\r\n\"first\r\n\r\n// not a comment\",yes\r\nnext,no\r\n", extension: ".csv");
        var data = Load(file);
        Assert.Equal(["first\n\n// not a comment", "next"], ColumnReader.Text(data, "Text"));
        Assert.Equal($"Line 5 (data row 2) of '{file.Path}'", CliData.Row(file.Path, 1));
    }

    [Fact]
    public void Load_CsvTabBeforeAnOpeningQuote_IsNotAQuotedField_SoTheRowIsRagged()
    {
        // ML.NET's loader skips spaces, not tabs, before a quote: it would read '\t"x' and 'y"' and shift the label.
        using var file = TempFile.Write("Text,Label\nok,yes\n\t\"x,y\",no\n", extension: ".csv");
        var e = Assert.Throws<InvalidDataException>(() => Load(file));
        Assert.Contains($"Line 3 of '{file.Path}' has 3 fields but the header (line 1) has 2", e.Message);
    }

    [Fact]
    public void Load_CsvTabAfterAClosingQuote_IsAnError()
    {
        // ML.NET's loader would read the field as empty.
        using var file = TempFile.Write("Text,Label\nok,yes\n\"x,y\"\t,no\n", extension: ".csv");
        var e = Assert.Throws<InvalidDataException>(() => Load(file));
        Assert.Contains($"Line 3 of '{file.Path}': field 1 has text after its closing quote", e.Message);
    }

    [Fact]
    public void Load_LineOfOnlySpaces_NamesTheLine()
    {
        using var file = TempFile.Write("Text\tLabel\nok\tyes\n   \nfine\tno\n");
        var e = Assert.Throws<InvalidDataException>(() => Load(file));
        Assert.Contains($"Line 3 of '{file.Path}' holds only whitespace", e.Message);
    }

    [Fact]
    public void Load_CsvUnclosedQuote_NamesTheLineWhereItOpens()
    {
        using var file = TempFile.Write("Text,Label\nok,yes\n\"never closed,no\nmore,yes\n", extension: ".csv");
        var e = Assert.Throws<InvalidDataException>(() => Load(file));
        Assert.Contains($"Line 3 of '{file.Path}'", e.Message);
        Assert.Contains("quote that opens field 1 never closes", e.Message);
    }

    [Fact]
    public void Load_CsvTextAfterAClosingQuote_NamesTheLineAndField()
    {
        using var file = TempFile.Write("Text,Label\nok,yes\n\"half\" quoted,no\n", extension: ".csv");
        var e = Assert.Throws<InvalidDataException>(() => Load(file));
        Assert.Contains($"Line 3 of '{file.Path}': field 1 has text after its closing quote", e.Message);
    }

    [Fact]
    public void Load_LineStartingWithTwoSlashes_WouldBeDroppedAsAComment_SoItIsAnError()
    {
        using var file = TempFile.Write("Text\tLabel\nok\tyes\n// a path-like text\tno\n");
        var e = Assert.Throws<InvalidDataException>(() => Load(file));
        Assert.Contains($"Line 3 of '{file.Path}' starts with '//'", e.Message);
    }

    [Fact]
    public void Load_MissingColumn_NamesTheColumnTheFileAndTheColumnsItHas()
    {
        using var file = TempFile.Write("Text\tLabel\nok\tyes\n");
        var e = Assert.Throws<ArgumentException>(() => CliData.Load(new MLContext(seed: 1), file.Path, null, "--text-column", ("Foo", "Text")));
        Assert.Contains($"Column 'Foo' not found in '{file.Path}'", e.Message);
        Assert.Contains("has: Text, Label", e.Message);
        Assert.Contains("--text-column", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // a byte-order mark and nothing else is empty too
    public void Load_EmptyFile_SaysItIsEmpty(bool byteOrderMark)
    {
        using var file = TempFile.Write(string.Empty, byteOrderMark);
        var e = Assert.Throws<InvalidDataException>(() => Load(file));
        Assert.Equal($"Data file '{file.Path}' is empty; it needs a header line naming the columns, then one line per row.", e.Message);
    }

    [Theory]
    [InlineData("Text\tLabel")]
    [InlineData("Text\tLabel\r\n\r\n\n")]
    public void Load_HeaderWithoutRows_SaysThereAreNoDataRows(string content)
    {
        using var file = TempFile.Write(content);
        var e = Assert.Throws<InvalidDataException>(() => Load(file));
        Assert.Contains($"Data file '{file.Path}' has a header (line 1: Text, Label) but no data rows", e.Message);
    }

    [Theory]
    [InlineData("#Text\tLabel\nok\tyes\n", "'#'")]
    [InlineData("//Text\tLabel\nok\tyes\n", "'//'")]
    public void Load_HeaderThatTheLoaderWouldSkipAsAComment_IsAnError(string content, string start)
    {
        using var file = TempFile.Write(content);
        var e = Assert.Throws<InvalidDataException>(() => Load(file));
        Assert.Contains($"Line 1 of '{file.Path}' starts with {start}, which ML.NET's text loader skips as a comment", e.Message);
    }

    [Fact]
    public void Load_BlankFirstLine_SaysTheHeaderMustComeFirst()
    {
        using var file = TempFile.Write("\nText\tLabel\nok\tyes\n");
        var e = Assert.Throws<InvalidDataException>(() => Load(file));
        Assert.Contains($"Line 1 of '{file.Path}' is blank", e.Message);
    }

    [Theory]
    [InlineData(".tsv", "Text\tLabel\r\n\r\nhello there\tyes\r\n\r\n\r\nworld\tno\r\n")]
    [InlineData(".csv", "Text,Label\r\n\r\n\"hello there\",yes\r\n\r\n\r\nworld,no")]
    [InlineData(".tsv", "Text\tLabel\r\rhello there\tyes\r\r\rworld\tno\r")] // old Mac line ends
    public void Load_BlankLinesCrlfAndAByteOrderMark_AreAccepted(string extension, string content)
    {
        using var file = TempFile.Write(content, byteOrderMark: true, extension: extension);
        var data = Load(file);
        Assert.Equal(["hello there", "world"], ColumnReader.Text(data, "Text"));
        Assert.Equal(["yes", "no"], ColumnReader.Text(data, "Label")); // no '\r' left on the last field
        Assert.Equal($"Line 3 (data row 1) of '{file.Path}'", CliData.Row(file.Path, 0));
        Assert.Equal($"Line 6 (data row 2) of '{file.Path}'", CliData.Row(file.Path, 1));
    }

    [Fact]
    public void RequireKnown_LabelTheModelNeverSaw_NamesTheLabelTheLineAndTheClasses()
    {
        using var file = TempFile.Write("Text,Label\n\"two\nlines\",yes\nthird,maybe\n", extension: ".csv");
        string[] labels = ColumnReader.Text(Load(file), "Label");
        var e = Assert.Throws<ArgumentException>(() => LabelClasses.RequireKnown(labels, ["no", "yes"], file.Path, "the model's"));
        Assert.Contains($"Line 4 (data row 2) of '{file.Path}' has the label 'maybe'", e.Message);
        Assert.Contains("the model's classes (no, yes)", e.Message);
    }

    [Fact]
    public void RequiredText_WhitespaceOnlyLabel_NamesTheLine()
    {
        using var file = TempFile.Write("Text\tLabel\nok\tyes\n\n  spaces only \t   \n");
        var e = Assert.Throws<ArgumentException>(() => CliData.RequiredText(Load(file), "Label", "label (column 'Label')", file.Path));
        Assert.Equal($"Line 4 (data row 2) of '{file.Path}' has an empty label (column 'Label'); every row needs one.", e.Message);
    }

    private static IDataView Load(TempFile file) => CliData.Load(new MLContext(seed: 1), file.Path, null, "--text-column / --label-column", TextAndLabel);
}
