using System.Reflection;
using MLNetRnn.Data;

namespace MLNetRnn.Tests.Data;

public sealed class NoColumnAttributeTests
{
    private readonly DataCatalog _catalog = new(new(1));

    [Fact]
    public void Usage_AllowsPropertiesAndFieldsOnly()
    {
        var usage = typeof(NoColumnAttribute).GetCustomAttribute<AttributeUsageAttribute>()!;
        Assert.Equal(AttributeTargets.Property | AttributeTargets.Field, usage.ValidOn);
    }

    [Fact]
    public void LoadFromEnumerable_SkipsMarkedMembers()
    {
        var view = _catalog.LoadFromEnumerable([new Row { Text = "a", Notes = null, Cache = [1.0] }]);

        Assert.Single(view.Schema);
        Assert.Equal("Text", view.Schema[0].Name);
    }

    [Fact]
    public void LoadFromTextFile_SkipsMarkedMembersOfUnsupportedTypes()
    {
        using var file = TempFile.Write("Text\na\n");
        var view = _catalog.LoadFromTextFile<Row>(file.Path);

        Assert.Equal(["Text"], view.Schema.Select(c => c.Name));
    }

    [Fact]
    public void CreateEnumerable_LeavesMarkedMembersAlone()
    {
        var view = new DataView([("Text", new[] { "a" })]);
        var row = _catalog.CreateEnumerable<Row>(view).Single();

        Assert.Equal("a", row.Text);
        Assert.Equal("untouched", row.Notes);
    }

    private sealed class Row
    {
        public string Text { get; set; } = "";

        [NoColumn]
        public string? Notes { get; set; } = "untouched";

        [NoColumn]
        public List<double> Cache = [];
    }
}
