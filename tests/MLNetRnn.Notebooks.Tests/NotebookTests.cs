using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;
using MLNetRnn.Notebooks.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNetRnn.Notebooks.Tests;

/// <summary>
/// Every notebook in examples/notebooks runs headless, cell by cell, in .NET Interactive's C# kernel with the notebook's
/// folder as working directory, exactly as stored (its #r lines reference src/MLNetRnn.Interactive/bin/Release/net10.0).
/// </summary>
public sealed class NotebookTests(NotebookRuns runs, ITestOutputHelper output) : IClassFixture<NotebookRuns>
{
    public static TheoryData<string> Notebooks() => [.. NotebookRuns.Files];

    [Fact]
    public void Notebooks_AreTheExamples()
    {
        Assert.Contains("sentiment.ipynb", NotebookRuns.Files);
        Assert.Contains("seq2seq.ipynb", NotebookRuns.Files);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task Notebook_RunsEveryCell(string file)
    {
        var run = await runs.Get(file);
        foreach (var cell in run.Cells)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file} cell {cell.Index,2}: {cell.Elapsed.TotalSeconds,5:F1} s"));
            Assert.True(cell.Failure is null, $"{cell.Describe(file)}\nfailed: {cell.Failure?.Message}");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{file}: {run.Elapsed.TotalSeconds:F1} s"));
        int codeCells = CodeCells(file).Count;
        Assert.Equal(codeCells, run.Cells.Count);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task PlotCells_DisplayPngImages(string file)
    {
        var run = await runs.Get(file);
        foreach (var cell in run.Cells.Where(c => c.Source.Contains("RnnPlots.", StringComparison.Ordinal)))
        {
            Assert.True(cell.Images.Count > 0, $"{cell.Describe(file)}\ndisplayed no image; its HTML starts: {Start(cell.Html)}");
            foreach (byte[] png in cell.Images)
            {
                var (width, height) = PngSize(png);
                Assert.True(width >= 100 && height >= 100, $"{cell.Describe(file)}\ndisplayed a {width}×{height} PNG.");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public async Task EvaluationCells_DisplayMetricTables(string file)
    {
        var run = await runs.Get(file);
        foreach (var cell in run.Cells.Where(c => c.Source.Contains(".Evaluate(", StringComparison.Ordinal)))
        {
            Assert.True(cell.Html.Contains("<table class=\"mlnetrnn-metrics\">", StringComparison.Ordinal),
                $"{cell.Describe(file)}\ndisplayed no metrics table; its HTML starts: {Start(cell.Html)}");
        }
    }

    [Fact]
    public async Task Sentiment_ShowsSummaryMetricsPerClassAndPredictions()
    {
        var run = Completed(await runs.Get("sentiment.ipynb"));
        string html = string.Concat(run.Cells.Select(c => c.Html));
        Assert.Equal(2, run.Cells.Sum(c => c.Images.Count));               // training curves, confusion matrix
        Assert.Contains("<table class=\"mlnetrnn-summary\">", html);      // the classifier's layer table
        Assert.Contains("<table class=\"mlnetrnn-training\">", html);     // its training history
        Assert.Contains("accuracy (micro)", html);
        Assert.Contains("<td style=\"text-align:left\">negative</td>", html);   // per-class rows named by label
        Assert.Contains("<td style=\"text-align:left\">positive</td>", html);
        Assert.Contains("epoch 1/", string.Concat(run.Cells.Select(c => c.Output)));   // the progress printer
        var last = run.Cells[^1];
        Assert.Contains("Worst phone I have ever owned.", last.Html);      // PredictionEngine on the loaded zip
        Assert.True(File.Exists(Path.Combine(Repository.Root, "artifacts", "notebooks", "sentiment.zip")));
    }

    [Fact]
    public async Task SequenceToSequence_ShowsSummaryNBestAndAttention()
    {
        var run = Completed(await runs.Get("seq2seq.ipynb"));
        string html = string.Concat(run.Cells.Select(c => c.Html));
        Assert.Equal(2, run.Cells.Sum(c => c.Images.Count));               // training curves, attention
        Assert.Contains("<table class=\"mlnetrnn-summary\">", html);
        Assert.Equal(2, run.Cells.Count(c => c.Html.Contains("token error rate", StringComparison.Ordinal)));   // beam, greedy
        var nbest = run.Cells.Single(c => c.Source.Contains("nBest: 3", StringComparison.Ordinal));
        Assert.Contains("quixotic", nbest.Html);
        var attention = run.Cells.Single(c => c.Source.Contains("RnnPlots.Attention", StringComparison.Ordinal));
        Assert.Single(attention.Images);
    }

    [Theory]
    [MemberData(nameof(Notebooks))]
    public void Notebook_IsACSharpPolyglotNotebook(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Notebooks, file)));
        var root = json.RootElement;
        Assert.Equal(4, root.GetProperty("nbformat").GetInt32());
        var metadata = root.GetProperty("metadata");
        Assert.Equal(".net-csharp", metadata.GetProperty("kernelspec").GetProperty("name").GetString());
        Assert.Equal("C#", metadata.GetProperty("kernelspec").GetProperty("language").GetString());
        Assert.Equal("C#", metadata.GetProperty("language_info").GetProperty("name").GetString());
        foreach (var cell in CodeCells(file))
        {
            Assert.Equal("csharp", cell.GetProperty("metadata").GetProperty("dotnet_interactive").GetProperty("language").GetString());
            Assert.Equal(0, cell.GetProperty("outputs").GetArrayLength());   // stored without outputs: the test runs them
        }
    }

    /// <summary>The run, after checking that no cell failed (Notebook_RunsEveryCell reports the failure in full).</summary>
    private static NotebookRunner.Run Completed(NotebookRunner.Run run)
    {
        var failed = run.Cells.FirstOrDefault(c => c.Failure is not null);
        Assert.True(failed is null, $"{failed?.Describe(run.Name)}\nfailed: {failed?.Failure?.Message}");
        return run;
    }

    private static List<JsonElement> CodeCells(string file)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Notebooks, file)));
        return [.. json.RootElement.GetProperty("cells").EnumerateArray().Where(c => c.GetProperty("cell_type").GetString() == "code").Select(c => c.Clone())];
    }

    /// <summary>Width and height from a PNG's IHDR chunk, after checking the signature.</summary>
    private static (int Width, int Height) PngSize(byte[] png)
    {
        byte[] signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.True(png.Length > 24 && png.AsSpan(0, 8).SequenceEqual(signature), "The image is not a PNG.");
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    private static string Start(string html) => html.Length <= 300 ? html : html[..300] + "…";
}
