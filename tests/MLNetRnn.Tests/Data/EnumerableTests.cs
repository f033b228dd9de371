using MLNetRnn.Data;

namespace MLNetRnn.Tests.Data;

/// <summary><see cref="DataCatalog.LoadFromEnumerable{TRow}"/> and <see cref="DataCatalog.CreateEnumerable{TRow}"/>.</summary>
public sealed class EnumerableTests
{
    private readonly DataCatalog _catalog = new(new(1));

    [Fact]
    public void LoadFromEnumerable_MakesOneColumnPerMemberInDeclarationOrder()
    {
        var view = _catalog.LoadFromEnumerable(Sample());

        Assert.Equal(3, view.RowCount);
        Assert.Equal(
            ["Text", "Score", "Weight", "Id", "Big", "Flag", "Tokens", "Ids", "Vector", "Length", "Field"],
            view.Schema.Select(c => c.Name));
        Assert.Equal(typeof(string[]), view.Schema["Tokens"].Type);
        Assert.Equal(["a", "bb", ""], view.GetColumn<string>("Text"));
        Assert.Equal([1, 2, 0], view.GetColumn<int>("Length"));
        Assert.Equal([10, 20, 30], view.GetColumn<int>("Field"));
        Assert.Equal(new[] { 1, 2 }, view.GetColumn<int[]>("Ids")[1]);
    }

    [Fact]
    public void RoundTrip_ReturnsEqualRows()
    {
        var rows = Sample();
        var back = _catalog.CreateEnumerable<AllTypes>(_catalog.LoadFromEnumerable(rows)).ToList();

        Assert.Equal(rows.Count, back.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.Equal(rows[i].Text, back[i].Text);
            Assert.Equal(rows[i].Score, back[i].Score);
            Assert.Equal(rows[i].Weight, back[i].Weight);
            Assert.Equal(rows[i].Id, back[i].Id);
            Assert.Equal(rows[i].Big, back[i].Big);
            Assert.Equal(rows[i].Flag, back[i].Flag);
            Assert.Equal(rows[i].Tokens, back[i].Tokens);
            Assert.Equal(rows[i].Ids, back[i].Ids);
            Assert.Equal(rows[i].Vector, back[i].Vector);
            Assert.Equal(rows[i].Field, back[i].Field);
        }
    }

    [Fact]
    public void LoadFromEnumerable_CopiesArrays()
    {
        var rows = Sample();
        var view = _catalog.LoadFromEnumerable(rows);
        rows[0].Tokens[0] = "changed";

        Assert.Equal("x", view.GetColumn<string[]>("Tokens")[0][0]);
    }

    [Fact]
    public void CreateEnumerable_CopiesArraysOut()
    {
        var view = _catalog.LoadFromEnumerable(Sample());
        var row = _catalog.CreateEnumerable<AllTypes>(view).First();
        row.Vector[0] = 99f;

        Assert.Equal(0.5f, view.GetColumn<float[]>("Vector")[0][0]);
    }

    [Fact]
    public void CreateEnumerable_ReusesOneObjectWhenAsked()
    {
        var view = _catalog.LoadFromEnumerable(Sample());
        var reused = _catalog.CreateEnumerable<TextOnly>(view, reuseRowObject: true).ToList();
        var fresh = _catalog.CreateEnumerable<TextOnly>(view).ToList();

        Assert.Same(reused[0], reused[2]);
        Assert.Equal("", reused[0].Text);
        Assert.NotSame(fresh[0], fresh[1]);
        Assert.Equal(["a", "bb", ""], fresh.Select(r => r.Text));
    }

    [Fact]
    public void CreateEnumerable_IgnoresExtraColumns()
    {
        var view = new DataView([("Other", new[] { 1.0 }), ("Text", new[] { "hi" })]);

        Assert.Equal("hi", _catalog.CreateEnumerable<TextOnly>(view).Single().Text);
    }

    [Fact]
    public void CreateEnumerable_ThrowsForMissingColumnListingTheAvailableOnes()
    {
        var view = new DataView([("Body", new[] { "x" }), ("Label", new[] { "y" })]);
        var e = Assert.Throws<ArgumentException>(() => _catalog.CreateEnumerable<TextOnly>(view));

        Assert.Contains("Column 'Text' for the property 'Text' of TextOnly not found", e.Message);
        Assert.Contains("Available columns: 'Body', 'Label'", e.Message);
    }

    [Fact]
    public void CreateEnumerable_ThrowsForTypeMismatchAtCallTime()
    {
        var view = new DataView([("Score", new[] { new[] { 1f } })]);
        var e = Assert.Throws<ArgumentException>(() => _catalog.CreateEnumerable<ScoreOnly>(view));

        Assert.Contains("Column 'Score' is Vector<Single>, property 'Score' is Single", e.Message);
        Assert.Contains("Single[]", e.Message);
    }

    [Fact]
    public void LoadFromEnumerable_RejectsNullValuesAndRows()
    {
        var nullText = Assert.Throws<ArgumentException>(() => _catalog.LoadFromEnumerable(new[] { new TextOnly(), new TextOnly { Text = null! } }));
        Assert.Contains("Row 1 (0-based), column 'Text' is null", nullText.Message);

        var nullRow = Assert.Throws<ArgumentException>(() => _catalog.LoadFromEnumerable(new[] { new TextOnly(), null! }));
        Assert.Contains("Row 1 (0-based) is null", nullRow.Message);

        var nullArray = Assert.Throws<ArgumentException>(() => _catalog.LoadFromEnumerable(new[] { new ArrayOnly { Ids = null! } }));
        Assert.Contains("Row 0 (0-based), column 'Ids' is null", nullArray.Message);

        Assert.Throws<ArgumentNullException>(() => _catalog.LoadFromEnumerable<TextOnly>(null!));
    }

    [Fact]
    public void LoadFromEnumerable_RejectsUnsupportedMemberTypes()
    {
        var nullable = Assert.Throws<InvalidOperationException>(() => _catalog.LoadFromEnumerable(new[] { new NullableRow() }));
        Assert.Contains("property 'Count' of NullableRow is Nullable<Int32>", nullable.Message);

        var list = Assert.Throws<InvalidOperationException>(() => _catalog.LoadFromEnumerable(new[] { new ListRow() }));
        Assert.Contains("property 'Items' of ListRow is List<String>", list.Message);
        Assert.Contains("Int32[]", list.Message);

        var clash = Assert.Throws<InvalidOperationException>(() => _catalog.LoadFromEnumerable(new[] { new ClashRow() }));
        Assert.Contains("both map to column 'Text'", clash.Message);
    }

    [Fact]
    public void LoadFromEnumerable_OfNoRowsKeepsTheSchema()
    {
        var view = _catalog.LoadFromEnumerable(Array.Empty<TextOnly>());

        Assert.Equal(0, view.RowCount);
        Assert.Equal(typeof(string), view.Schema["Text"].Type);
    }

    private static List<AllTypes> Sample() =>
    [
        new() { Text = "a", Score = 0.5f, Weight = 1.25, Id = 1, Big = long.MaxValue, Flag = true, Tokens = ["x", "y"], Ids = [], Vector = [0.5f], Field = 10 },
        new() { Text = "bb", Score = -1f, Weight = 2, Id = -7, Big = 0, Flag = false, Tokens = [], Ids = [1, 2], Vector = [1f, 2f], Field = 20 },
        new() { Text = "", Score = float.NaN, Weight = 0, Id = 0, Big = -1, Flag = true, Tokens = [""], Ids = [3], Vector = [], Field = 30 },
    ];

    private sealed class AllTypes
    {
        public string Text { get; set; } = "";

        public float Score { get; set; }

        public double Weight { get; set; }

        public int Id { get; set; }

        public long Big { get; set; }

        public bool Flag { get; set; }

        public string[] Tokens { get; set; } = [];

        public int[] Ids { get; set; } = [];

        public float[] Vector { get; set; } = [];

        public int Length => Text.Length;

        public int Field = 0;
    }

    private sealed class TextOnly
    {
        public string Text { get; set; } = "";
    }

    private sealed class ScoreOnly
    {
        public float Score { get; set; }
    }

    private sealed class ArrayOnly
    {
        public int[] Ids { get; set; } = [];
    }

    private sealed class NullableRow
    {
        public int? Count { get; set; }
    }

    private sealed class ListRow
    {
        public List<string> Items { get; set; } = [];
    }

    private sealed class ClashRow
    {
        public string Text { get; set; } = "";

        [ColumnName("Text")]
        public string Other { get; set; } = "";
    }
}
