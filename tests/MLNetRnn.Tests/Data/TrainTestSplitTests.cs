using MLNetRnn.Data;
using MLNetRnn.Numerics;

namespace MLNetRnn.Tests.Data;

/// <summary><see cref="DataCatalog.TrainTestSplit"/>.</summary>
public sealed class TrainTestSplitTests
{
    [Fact]
    public void Split_SizesAreRoundedFraction()
    {
        var catalog = new DataCatalog(new(7));

        Assert.Equal((80, 20), Sizes(catalog.TrainTestSplit(Numbered(100), 0.2, seed: 1)));
        Assert.Equal((90, 10), Sizes(catalog.TrainTestSplit(Numbered(100))));
        Assert.Equal((2, 3), Sizes(catalog.TrainTestSplit(Numbered(5), 0.5, seed: 1))); // 2.5 rounds up
        Assert.Equal((7, 3), Sizes(catalog.TrainTestSplit(Numbered(10), 0.3, seed: 1))); // 10 * 0.3 = 3.0000000000000004
    }

    [Fact]
    public void Split_PartitionsRowsAndKeepsTheirOrder()
    {
        var split = new DataCatalog(new(7)).TrainTestSplit(Numbered(200), 0.25, seed: 3);
        int[] train = split.TrainSet.GetColumn<int>("Id");
        int[] test = split.TestSet.GetColumn<int>("Id");

        Assert.Empty(train.Intersect(test));
        Assert.Equal(Enumerable.Range(0, 200), train.Concat(test).Order());
        Assert.Equal(train.Order(), train);
        Assert.Equal(test.Order(), test);
        Assert.Equal(train.Select(i => $"row{i}"), split.TrainSet.GetColumn<string>("Name"));
    }

    [Fact]
    public void Split_IsDeterministicForASeed()
    {
        var a = new DataCatalog(new(1)).TrainTestSplit(Numbered(100), 0.3, seed: 42);
        var b = new DataCatalog(new(2)).TrainTestSplit(Numbered(100), 0.3, seed: 42);
        var c = new DataCatalog(new(1)).TrainTestSplit(Numbered(100), 0.3, seed: 43);

        Assert.Equal(a.TestSet.GetColumn<int>("Id"), b.TestSet.GetColumn<int>("Id"));
        Assert.NotEqual(a.TestSet.GetColumn<int>("Id"), c.TestSet.GetColumn<int>("Id"));
    }

    [Fact]
    public void Split_WithoutSeedFollowsTheContextGenerator()
    {
        var first = new DataCatalog(new SeededRandom(5));
        var second = new DataCatalog(new SeededRandom(5));
        var a1 = first.TrainTestSplit(Numbered(100), 0.3).TestSet.GetColumn<int>("Id");
        var a2 = first.TrainTestSplit(Numbered(100), 0.3).TestSet.GetColumn<int>("Id");
        var b1 = second.TrainTestSplit(Numbered(100), 0.3).TestSet.GetColumn<int>("Id");
        var b2 = second.TrainTestSplit(Numbered(100), 0.3).TestSet.GetColumn<int>("Id");

        Assert.Equal(a1, b1);
        Assert.Equal(a2, b2);
        Assert.NotEqual(a1, a2);
    }

    [Fact]
    public void Split_ShufflesRatherThanTakingTheTail()
    {
        var test = new DataCatalog(new(1)).TrainTestSplit(Numbered(100), 0.2, seed: 9).TestSet.GetColumn<int>("Id");

        Assert.NotEqual(Enumerable.Range(80, 20), test);
        Assert.NotEqual(Enumerable.Range(0, 20), test);
    }

    [Fact]
    public void Stratified_KeepsEachClassProportion()
    {
        string[] labels = [.. Enumerable.Range(0, 100).Select(i => i % 10 == 0 ? "rare" : "common")];
        var data = Numbered(100).WithColumn("Label", labels);
        var split = new DataCatalog(new(1)).TrainTestSplit(data, 0.2, "Label", seed: 11);
        string[] test = split.TestSet.GetColumn<string>("Label");
        string[] train = split.TrainSet.GetColumn<string>("Label");

        Assert.Equal(18, test.Count(l => l == "common"));
        Assert.Equal(2, test.Count(l => l == "rare"));
        Assert.Equal(8, train.Count(l => l == "rare"));
        Assert.Empty(split.TrainSet.GetColumn<int>("Id").Intersect(split.TestSet.GetColumn<int>("Id")));
    }

    [Fact]
    public void Stratified_RoundsEachGroupSeparately()
    {
        // Groups of 5, 5 and 3 at 0.5: round(2.5) + round(2.5) + round(1.5) = 3 + 3 + 2 = 8.
        int[] classes = [.. Enumerable.Repeat(0, 5), .. Enumerable.Repeat(1, 5), .. Enumerable.Repeat(2, 3)];
        var data = Numbered(13).WithColumn("Class", classes);
        var test = new DataCatalog(new(1)).TrainTestSplit(data, 0.5, "Class", seed: 4).TestSet.GetColumn<int>("Class");

        Assert.Equal(8, test.Length);
        Assert.Equal([3, 3, 2], test.GroupBy(c => c).OrderBy(g => g.Key).Select(g => g.Count()));
    }

    [Fact]
    public void Stratified_AcceptsBooleanColumns()
    {
        bool[] flags = [.. Enumerable.Range(0, 40).Select(i => i < 30)];
        var data = Numbered(40).WithColumn("Flag", flags);
        var test = new DataCatalog(new(1)).TrainTestSplit(data, 0.1, "Flag", seed: 2).TestSet.GetColumn<bool>("Flag");

        Assert.Equal(3, test.Count(f => f));
        Assert.Equal(1, test.Count(f => !f));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Split_ThrowsForFractionOutsideOpenUnitInterval(double fraction)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DataCatalog(new(1)).TrainTestSplit(Numbered(10), fraction));

        Assert.Equal("testFraction", e.ParamName);
        Assert.Contains($"got {fraction}", e.Message);
    }

    [Fact]
    public void Split_ThrowsForEmptyData()
    {
        var empty = new DataView([("Id", Array.Empty<int>())]);
        var e = Assert.Throws<ArgumentException>(() => new DataCatalog(new(1)).TrainTestSplit(empty));

        Assert.Contains("no rows", e.Message);
    }

    [Fact]
    public void Split_ThrowsForBadStratificationColumn()
    {
        var data = Numbered(10).WithColumn("Score", new float[10]);
        var catalog = new DataCatalog(new(1));

        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => catalog.TrainTestSplit(data, 0.2, "Label"));
        Assert.Contains("Column 'Label' not found", missing.Message);
        Assert.Contains("'Score'", missing.Message);

        var type = Assert.Throws<ArgumentException>(() => catalog.TrainTestSplit(data, 0.2, "Score"));
        Assert.Contains("Stratification column 'Score' is Single", type.Message);
        Assert.Equal("stratificationColumnName", type.ParamName);
    }

    [Fact]
    public void Split_ThrowsForNullData()
    {
        Assert.Throws<ArgumentNullException>(() => new DataCatalog(new(1)).TrainTestSplit(null!));
    }

    private static DataView Numbered(int n) =>
        new([("Id", Enumerable.Range(0, n).ToArray()), ("Name", Enumerable.Range(0, n).Select(i => $"row{i}").ToArray())]);

    private static (int Train, int Test) Sizes(TrainTestData split) => (split.TrainSet.RowCount, split.TestSet.RowCount);
}
