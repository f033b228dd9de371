using System.Reflection;
using MLNetRnn.Data;

namespace MLNetRnn.Tests.Data;

public sealed class LoadColumnAttributeTests
{
    [Fact]
    public void Ctor_StoresIndex()
    {
        Assert.Equal(3, new LoadColumnAttribute(3).Index);
        Assert.Equal(0, new LoadColumnAttribute(0).Index);
    }

    [Fact]
    public void Ctor_ThrowsForNegativeIndex()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LoadColumnAttribute(-1));
        Assert.Equal("index", e.ParamName);
        Assert.Contains("got -1", e.Message);
    }

    [Fact]
    public void Usage_AllowsPropertiesAndFieldsOnly()
    {
        var usage = typeof(LoadColumnAttribute).GetCustomAttribute<AttributeUsageAttribute>()!;
        Assert.Equal(AttributeTargets.Property | AttributeTargets.Field, usage.ValidOn);
        Assert.False(usage.AllowMultiple);
    }

    [Fact]
    public void Index_SelectsTheFieldWithoutHeader()
    {
        using var file = TempFile.Write("x\t2.5\tfirst\ny\t-1\tsecond\n");
        var view = new DataCatalog(new(1)).LoadFromTextFile<Row>(file.Path, hasHeader: false);

        Assert.Equal(["first", "second"], view.GetColumn<string>("Name"));
        Assert.Equal([2.5f, -1f], view.GetColumn<float>("Value"));
    }

    private sealed class Row
    {
        [LoadColumn(2)]
        public string Name { get; set; } = "";

        [LoadColumn(1)]
        public float Value { get; set; }
    }
}
