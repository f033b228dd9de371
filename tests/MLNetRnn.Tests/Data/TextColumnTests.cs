using MLNetRnn.Data;

namespace MLNetRnn.Tests.Data;

/// <summary>The untyped loader driven by <see cref="TextColumn"/>s, and <see cref="DataCatalog.ReadHeader"/>.</summary>
public sealed class TextColumnTests
{
    private readonly DataCatalog _catalog = new(new(1));

    [Fact]
    public void Record_HasValueEquality()
    {
        Assert.Equal(new TextColumn("Label", typeof(string), 1), new TextColumn("Label", typeof(string), 1));
        Assert.NotEqual(new TextColumn("Label", typeof(string), 1), new TextColumn("Label", typeof(int), 1));
    }

    [Fact]
    public void LoadFromTextFile_LoadsEachColumnFromItsField()
    {
        using var file = TempFile.Write("id,score,flag,name,big\n7,0.25,true,ann,9000000000\n-3,1e-3,0,bob,-1\n");
        var view = _catalog.LoadFromTextFile(
            file.Path,
            [new("Name", typeof(string), 3), new("Id", typeof(int), 0), new("Score", typeof(double), 1), new("Flag", typeof(bool), 2), new("Big", typeof(long), 4)],
            separatorChar: ',');

        Assert.Equal(["Name", "Id", "Score", "Flag", "Big"], view.Schema.Select(c => c.Name));
        Assert.Equal(["ann", "bob"], view.GetColumn<string>("Name"));
        Assert.Equal([7, -3], view.GetColumn<int>("Id"));
        Assert.Equal([0.25, 0.001], view.GetColumn<double>("Score"));
        Assert.Equal([true, false], view.GetColumn<bool>("Flag"));
        Assert.Equal([9_000_000_000L, -1L], view.GetColumn<long>("Big"));
    }

    [Fact]
    public void LoadFromTextFile_SameFieldTwiceWithDifferentTypes()
    {
        using var file = TempFile.Write("3\n4\n");
        var view = _catalog.LoadFromTextFile(file.Path, [new("S", typeof(string), 0), new("N", typeof(float), 0)], hasHeader: false);

        Assert.Equal(["3", "4"], view.GetColumn<string>("S"));
        Assert.Equal([3f, 4f], view.GetColumn<float>("N"));
    }

    [Fact]
    public void ReadHeader_ReturnsTrimmedNamesInOrder()
    {
        using var file = TempFile.Write("\n Text \tLabel\r\nhi\tpositive\r\n", byteOrderMark: true);

        Assert.Equal(["Text", "Label"], DataCatalog.ReadHeader(file.Path, '\t'));
    }

    [Fact]
    public void ReadHeader_UnquotesNamesWhenQuotingIsOn()
    {
        using var file = TempFile.Write("\"Text, full\",\"Label\"\n");

        Assert.Equal(["Text, full", "Label"], DataCatalog.ReadHeader(file.Path, ',', allowQuoting: true));
        Assert.Equal(["\"Text", "full\"", "\"Label\""], DataCatalog.ReadHeader(file.Path, ','));
    }

    [Fact]
    public void ReadHeader_ThrowsForMissingAndEmptyFiles()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}.tsv");
        var notFound = Assert.Throws<FileNotFoundException>(() => DataCatalog.ReadHeader(missing, '\t'));
        Assert.Contains(missing, notFound.Message);

        using var empty = TempFile.Write("\n  \n");
        var e = Assert.Throws<InvalidDataException>(() => DataCatalog.ReadHeader(empty.Path, '\t'));
        Assert.Contains(empty.Path, e.Message);
        Assert.Contains("empty", e.Message);
    }

    [Fact]
    public void LoadFromTextFile_ThrowsForInvalidColumns()
    {
        using var file = TempFile.Write("a\tb\n");

        var none = Assert.Throws<ArgumentException>(() => _catalog.LoadFromTextFile(file.Path, []));
        Assert.Contains("at least one", none.Message);

        var negative = Assert.Throws<ArgumentException>(() => _catalog.LoadFromTextFile(file.Path, [new("A", typeof(string), -1)]));
        Assert.Contains("Column 'A' has field index -1", negative.Message);

        var repeated = Assert.Throws<ArgumentException>(() => _catalog.LoadFromTextFile(file.Path, [new("A", typeof(string), 0), new("A", typeof(int), 1)]));
        Assert.Contains("'A'", repeated.Message);

        var type = Assert.Throws<ArgumentException>(() => _catalog.LoadFromTextFile(file.Path, [new("A", typeof(string[]), 0)]));
        Assert.Contains("Column 'A' has type String[]", type.Message);
        Assert.Contains("Single", type.Message);

        Assert.Throws<ArgumentNullException>(() => _catalog.LoadFromTextFile(file.Path, null!));
    }

    [Fact]
    public void LoadFromTextFile_ReportsTheColumnNameInParseErrors()
    {
        using var file = TempFile.Write("h\n1\nx\n");
        var e = Assert.Throws<InvalidDataException>(() => _catalog.LoadFromTextFile(file.Path, [new("Count", typeof(int), 0)]));

        Assert.Contains("line 3, column 'Count': 'x' is not an Int32", e.Message);
    }
}
