using System.Reflection;
using MLNetRnn.Data;

namespace MLNetRnn.Tests.Data;

public sealed class ColumnNameAttributeTests
{
    [Fact]
    public void Ctor_StoresName()
    {
        Assert.Equal("PredictedLabel", new ColumnNameAttribute("PredictedLabel").Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Ctor_ThrowsForBlankName(string name)
    {
        Assert.Throws<ArgumentException>(() => new ColumnNameAttribute(name));
    }

    [Fact]
    public void Ctor_ThrowsForNullName()
    {
        Assert.Throws<ArgumentNullException>(() => new ColumnNameAttribute(null!));
    }

    [Fact]
    public void Usage_AllowsPropertiesAndFieldsOnly()
    {
        var usage = typeof(ColumnNameAttribute).GetCustomAttribute<AttributeUsageAttribute>()!;
        Assert.Equal(AttributeTargets.Property | AttributeTargets.Field, usage.ValidOn);
    }

    [Fact]
    public void Name_NamesTheColumnEverywhere()
    {
        var catalog = new DataCatalog(new(1));
        var view = catalog.LoadFromEnumerable([new Row { Label = "pos" }]);
        Assert.Equal("PredictedLabel", view.Schema[0].Name);

        var back = catalog.CreateEnumerable<Row>(view).Single();
        Assert.Equal("pos", back.Label);

        using var file = TempFile.Write("Text\tpredictedlabel\nhello\tneg\n");
        var loaded = catalog.LoadFromTextFile<Row>(file.Path);
        Assert.Equal(["neg"], loaded.GetColumn<string>("PredictedLabel"));
    }

    private sealed class Row
    {
        [ColumnName("PredictedLabel")]
        public string Label { get; set; } = "";
    }
}
