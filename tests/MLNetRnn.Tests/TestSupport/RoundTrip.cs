using Microsoft.ML;
using Microsoft.ML.Data;

namespace MLNetRnn.Tests.TestSupport;

/// <summary>The shared check: fit, save with ML.NET, load with ML.NET, and the reloaded model predicts exactly the same.</summary>
internal static class RoundTrip
{
    /// <summary>Saves with <c>ml.Model.Save</c> to a temporary file and loads it back with <c>ml.Model.Load</c> in a fresh context.</summary>
    public static (ITransformer Loaded, string Path) SaveAndLoad(MLContext ml, ITransformer model, DataViewSchema inputSchema)
    {
        string path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"mlnetrnn-test-{Guid.NewGuid():N}.zip");
        ml.Model.Save(model, inputSchema, path);
        var loaded = new MLContext(seed: 7).Model.Load(path, out var schema);
        Assert.Equal(inputSchema.Select(c => c.Name), schema.Select(c => c.Name));
        return (loaded, path);
    }

    /// <summary>Asserts two views have identical values in a Single-vector column, row by row.</summary>
    public static void AssertSameScores(IDataView expected, IDataView actual, string column)
    {
        var a = expected.GetColumn<float[]>(column).ToArray();
        var b = actual.GetColumn<float[]>(column).ToArray();
        Assert.Equal(a.Length, b.Length);
        for (int i = 0; i < a.Length; i++)
        {
            Assert.Equal(a[i], b[i]);
        }
    }

    /// <summary>The Single-vector column of a view, read with a fresh array per row.</summary>
    public static float[][] Scores(IDataView view, string column) => [.. view.GetColumn<float[]>(column).Select(s => s.ToArray())];

    /// <summary>The vector-of-String column of a view, row by row.</summary>
    public static string[][] Tokens(IDataView view, string column) =>
        [.. view.GetColumn<VBuffer<ReadOnlyMemory<char>>>(column).Select(v => v.DenseValues().Select(m => m.ToString()).ToArray())];
}
