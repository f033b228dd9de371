using System.Text;
using MLNetRnn.Data;

namespace MLNetRnn.Tests.Data;

/// <summary><see cref="DataCatalog.LoadFromTextFile{TInput}"/>: mapping, formats and every error message.</summary>
public sealed class TextLoaderTests
{
    private readonly DataCatalog _catalog = new(new(1));

    [Fact]
    public void Tsv_MapsHeaderNamesCaseInsensitively()
    {
        using var file = TempFile.Write("score\tLABEL\ttext\tunused\n0.5\tpositive\tGood food.\tz\n-2\tnegative\tBad.\tz\n");
        var view = _catalog.LoadFromTextFile<Review>(file.Path);

        Assert.Equal(["Text", "Label", "Score"], view.Schema.Select(c => c.Name));
        Assert.Equal(["Good food.", "Bad."], view.GetColumn<string>("Text"));
        Assert.Equal(["positive", "negative"], view.GetColumn<string>("Label"));
        Assert.Equal([0.5f, -2f], view.GetColumn<float>("Score"));
    }

    [Fact]
    public void Tsv_PrefersAnExactHeaderMatch()
    {
        using var file = TempFile.Write("text\tText\tLabel\tScore\nlower\tupper\tp\t1\n");
        var view = _catalog.LoadFromTextFile<Review>(file.Path);

        Assert.Equal(["upper"], view.GetColumn<string>("Text"));
    }

    [Fact]
    public void Tsv_LoadColumnWinsOverTheHeader()
    {
        using var file = TempFile.Write("A\tB\tScore\nfirst\tsecond\t3\n");
        var view = _catalog.LoadFromTextFile<Indexed>(file.Path);

        Assert.Equal(["second"], view.GetColumn<string>("Text"));
        Assert.Equal([3.0], view.GetColumn<double>("Score"));
    }

    [Fact]
    public void Tsv_HandlesBomCrLfAndEmptyLines()
    {
        using var file = TempFile.Write("Text\tLabel\tScore\r\n\r\nhi\tp\t1\r\n\r\nbye\tn\t2\r\n\r\n", byteOrderMark: true);
        var view = _catalog.LoadFromTextFile<Review>(file.Path);

        Assert.Equal(["hi", "bye"], view.GetColumn<string>("Text"));
        Assert.Equal(["p", "n"], view.GetColumn<string>("Label"));
    }

    [Fact]
    public void Tsv_KeepsQuotesAndSpacesVerbatimByDefault()
    {
        using var file = TempFile.Write("Text\tLabel\tScore\n\" I love it.\t p \t 1.5 \n");
        var view = _catalog.LoadFromTextFile<Review>(file.Path);

        Assert.Equal(["\" I love it."], view.GetColumn<string>("Text"));
        Assert.Equal([" p "], view.GetColumn<string>("Label"));
        Assert.Equal([1.5f], view.GetColumn<float>("Score"));
    }

    [Fact]
    public void HeaderOnly_GivesZeroRowsWithTheSchema()
    {
        using var file = TempFile.Write("Text\tLabel\tScore\n");
        var view = _catalog.LoadFromTextFile<Review>(file.Path);

        Assert.Equal(0, view.RowCount);
        Assert.Equal(typeof(float), view.Schema["Score"].Type);
    }

    [Fact]
    public void Values_ParseWithInvariantCultureAndFlexibleBooleans()
    {
        using var file = TempFile.Write("1e3|-0.125|2147483647|-9223372036854775808|TRUE\nNaN|7|0|0|false\n-Infinity|2|3|4|1\n1|Infinity|3|4|0\n");
        var view = _catalog.LoadFromTextFile<AllTypes>(file.Path, separatorChar: '|', hasHeader: false);

        Assert.Equal([1000f, float.NaN, float.NegativeInfinity, 1f], view.GetColumn<float>("F"));
        Assert.Equal([-0.125, 7, 2, double.PositiveInfinity], view.GetColumn<double>("D"));
        Assert.Equal([int.MaxValue, 0, 3, 3], view.GetColumn<int>("I"));
        Assert.Equal([long.MinValue, 0, 4, 4], view.GetColumn<long>("L"));
        Assert.Equal([true, false, true, false], view.GetColumn<bool>("B"));
    }

    [Fact]
    public void Csv_ReadsQuotedFields()
    {
        const string Csv = "Text,Label,Score\n"
            + "\"Hello, world\",positive,1\n"
            + "\"She said \"\"hi\"\"\",\"negative\",2\n"
            + "\"\",x,3\n"
            + "plain \"inner\" quote,y,4\n";
        using var file = TempFile.Write(Csv, extension: ".csv");
        var view = _catalog.LoadFromTextFile<Review>(file.Path, separatorChar: ',', allowQuoting: true);

        Assert.Equal(["Hello, world", "She said \"hi\"", "", "plain \"inner\" quote"], view.GetColumn<string>("Text"));
        Assert.Equal(["positive", "negative", "x", "y"], view.GetColumn<string>("Label"));
    }

    [Fact]
    public void Csv_TrimsAroundQuotesWhenAsked()
    {
        using var file = TempFile.Write("Text , Label , Score\n  \"a, b\"  ,  pos , 2 \n   \n", extension: ".csv");
        var view = _catalog.LoadFromTextFile<Review>(file.Path, ',', allowQuoting: true, trimWhitespace: true);

        Assert.Equal(["a, b"], view.GetColumn<string>("Text"));
        Assert.Equal(["pos"], view.GetColumn<string>("Label"));
    }

    [Fact]
    public void Csv_ThrowsForUnclosedQuote()
    {
        using var file = TempFile.Write("Text,Label,Score\nok,p,1\n\"multi\nline\",p,1\n");
        var e = Assert.Throws<InvalidDataException>(() => _catalog.LoadFromTextFile<Review>(file.Path, ',', allowQuoting: true));

        Assert.Contains(file.Path, e.Message);
        Assert.Contains("line 3, field 1", e.Message);
        Assert.Contains("not closed", e.Message);
    }

    [Fact]
    public void Csv_ThrowsForTextAfterClosingQuote()
    {
        using var file = TempFile.Write("Text,Label,Score\n\"a\"b,p,1\n");
        var e = Assert.Throws<InvalidDataException>(() => _catalog.LoadFromTextFile<Review>(file.Path, ',', allowQuoting: true));

        Assert.Contains("line 2, field 1: unexpected 'b' after the closing quote", e.Message);
    }

    [Fact]
    public void MissingField_NamesLineColumnAndField()
    {
        using var file = TempFile.Write("Text\tLabel\tScore\na\tp\t1\nb\tp\t1\n\nc\tp\t1\nd\tp\t1\n\ne\n");
        var e = Assert.Throws<InvalidDataException>(() => _catalog.LoadFromTextFile<Indexed>(file.Path));

        Assert.Contains(file.Path, e.Message);
        Assert.Contains("line 8 has 1 field(s), column 'Text' needs field 2", e.Message);
    }

    [Fact]
    public void UnparsableNumber_NamesLineColumnAndValue()
    {
        using var file = TempFile.Write("Text\tLabel\tScore\na\tp\t1\nb\tp\tabc\n");
        var e = Assert.Throws<InvalidDataException>(() => _catalog.LoadFromTextFile<Review>(file.Path));

        Assert.Contains(file.Path, e.Message);
        Assert.Contains("line 3, column 'Score': 'abc' is not a Single", e.Message);
    }

    [Theory]
    [InlineData("1,5", "'1,5' is not a Single")]
    [InlineData("", "'' is not a Single")]
    [InlineData("1e999", "'1e999' is not a Single")]
    [InlineData("yes", "'yes' is not a Boolean")]
    [InlineData("2147483648", "'2147483648' is not an Int32")]
    public void BadValues_AreRejected(string value, string expected)
    {
        string line = expected.Contains("Single") ? $"{value}|1|1|1|true" : expected.Contains("Boolean") ? $"1|1|1|1|{value}" : $"1|1|{value}|1|true";
        using var file = TempFile.Write(line + "\n");
        var e = Assert.Throws<InvalidDataException>(() => _catalog.LoadFromTextFile<AllTypes>(file.Path, '|', hasHeader: false));

        Assert.Contains("line 1, column ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void HeaderWithoutNeededColumn_ListsTheHeader()
    {
        using var file = TempFile.Write("Text\tSentiment\tScore\na\tp\t1\n");
        var e = Assert.Throws<InvalidDataException>(() => _catalog.LoadFromTextFile<Review>(file.Path));

        Assert.Contains(file.Path, e.Message);
        Assert.Contains("header has columns Text, Sentiment, Score; no column named 'Label'", e.Message);
        Assert.Contains("[LoadColumn]", e.Message);
    }

    [Fact]
    public void NoHeaderAndNoLoadColumn_NamesTheProperty()
    {
        using var file = TempFile.Write("a\tp\t1\n");
        var e = Assert.Throws<InvalidOperationException>(() => _catalog.LoadFromTextFile<Review>(file.Path, hasHeader: false));

        Assert.Contains("property 'Text' of Review", e.Message);
        Assert.Contains("[LoadColumn(index)]", e.Message);
    }

    [Fact]
    public void MissingFile_NamesThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"absent-{Guid.NewGuid():N}.tsv");
        var e = Assert.Throws<FileNotFoundException>(() => _catalog.LoadFromTextFile<Review>(path));

        Assert.Contains($"Data file '{path}' not found", e.Message);
        Assert.Equal(path, e.FileName);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("\n\r\n", true)]
    [InlineData("", false)]
    [InlineData("\n \n", false)]
    public void EmptyFile_IsReported(string content, bool hasHeader)
    {
        using var file = TempFile.Write(content);
        var e = Assert.Throws<InvalidDataException>(() => _catalog.LoadFromTextFile<FirstField>(file.Path, hasHeader: hasHeader));

        Assert.Contains($"Data file '{file.Path}' is empty", e.Message);
    }

    [Fact]
    public void InvalidUtf8_IsReported()
    {
        using var file = TempFile.WriteBytes([.. Encoding.UTF8.GetBytes("Text\tLabel\tScore\na\tp\t1\n"), 0xC3, 0x28, (byte)'\n']);
        var e = Assert.Throws<InvalidDataException>(() => _catalog.LoadFromTextFile<Review>(file.Path));

        Assert.Contains("not valid UTF-8", e.Message);
    }

    [Fact]
    public void UnsupportedMemberTypes_AreRejectedBeforeReading()
    {
        const string Missing = "/definitely/not/here.tsv";
        var nullable = Assert.Throws<InvalidOperationException>(() => _catalog.LoadFromTextFile<WithNullable>(Missing));
        Assert.Contains("property 'Score' of WithNullable is Nullable<Single>", nullable.Message);
        Assert.Contains("[NoColumn]", nullable.Message);

        var array = Assert.Throws<InvalidOperationException>(() => _catalog.LoadFromTextFile<WithArray>(Missing));
        Assert.Contains("property 'Tokens' of WithArray is String[]", array.Message);

        var none = Assert.Throws<InvalidOperationException>(() => _catalog.LoadFromTextFile<ReadOnlyRow>(Missing));
        Assert.Contains("no public settable property or field", none.Message);
    }

    [Fact]
    public void Arguments_AreChecked()
    {
        Assert.Throws<ArgumentNullException>(() => _catalog.LoadFromTextFile<Review>(null!));
        Assert.Throws<ArgumentException>(() => _catalog.LoadFromTextFile<Review>(" "));
        var sep = Assert.Throws<ArgumentException>(() => _catalog.LoadFromTextFile<Review>("x.csv", '"', allowQuoting: true));
        Assert.Equal("separatorChar", sep.ParamName);
        Assert.Throws<ArgumentException>(() => _catalog.LoadFromTextFile<Review>("x.csv", '\n'));
    }

    [Fact]
    public void RecordsWithoutParameterlessConstructor_WorkAsSchema()
    {
        using var file = TempFile.Write("Label\tText\np\thi\n");
        var view = _catalog.LoadFromTextFile<PositionalRecord>(file.Path);

        Assert.Equal(["hi"], view.GetColumn<string>("Text"));
        Assert.Equal(["p"], view.GetColumn<string>("Label"));
    }

    private sealed class Review
    {
        public string Text { get; set; } = "";

        public string Label { get; set; } = "";

        public float Score { get; set; }

        public int Length => Text.Length;
    }

    private sealed class Indexed
    {
        [LoadColumn(1)]
        public string Text { get; set; } = "";

        public double Score { get; set; }
    }

    private sealed class FirstField
    {
        [LoadColumn(0)]
        public string Text { get; set; } = "";
    }

    private sealed class AllTypes
    {
        [LoadColumn(0)]
        public float F = default;

        [LoadColumn(1)]
        public double D = default;

        [LoadColumn(2)]
        public int I = default;

        [LoadColumn(3)]
        public long L = default;

        [LoadColumn(4)]
        public bool B = default;
    }

    private sealed class WithNullable
    {
        public float? Score { get; set; }
    }

    private sealed class WithArray
    {
        public string[] Tokens { get; set; } = [];
    }

    private sealed class ReadOnlyRow
    {
        public string Text => "";
    }

    private sealed record PositionalRecord(string Text, string Label);
}
