using MLNetRnn.Data;
using MLNetRnn.Pipeline;

namespace MLNetRnn.Tests.TestSupport;

/// <summary>The shared check: fit, save, load, and the reloaded model predicts exactly the same.</summary>
internal static class RoundTrip
{
    public static (ITransformer Loaded, string Path) SaveAndLoad(RnnContext ctx, ITransformer model, DataView data)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlnetrnn-test-{Guid.NewGuid():N}.zip");
        ctx.Model.Save(model, data.Schema, path);
        var loaded = ctx.Model.Load(path, out var schema);
        Assert.NotNull(schema);
        Assert.Equal(data.Schema.Select(c => c.Name), schema!.Select(c => c.Name));
        return (loaded, path);
    }

    public static void AssertSameColumn(DataView expected, DataView actual, string column)
    {
        var a = expected.GetColumn(column);
        var b = actual.GetColumn(column);
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a.GetValue(i), b.GetValue(i));
        }
    }
}
