using MLNetRnn.Notebooks.Tests.TestSupport;

namespace MLNetRnn.Notebooks.Tests;

/// <summary>
/// MLNetRnn.Interactive's formatters, seen as a notebook sees them: values made in the C# kernel after the same #r lines
/// the notebooks use, formatted by .NET Interactive. Expected numbers are worked out by hand.
/// </summary>
public sealed class RnnFormattersTests : IAsyncLifetime, IDisposable
{
    private static readonly string[] Assemblies =
        ["Microsoft.ML.Core", "Microsoft.ML.Data", "Microsoft.ML.DataView", "MLNetRnn", "MLNetRnn.Plots", "MLNetRnn.Interactive"];

    private readonly NotebookKernel _kernel = new(Repository.Notebooks);

    public async Task InitializeAsync()
    {
        string references = string.Concat(Assemblies.Select(a => $"#r \"{Path.Combine(Repository.InteractiveBin, a + ".dll")}\"\n"));
        await Run(references + "MLNetRnn.Interactive.RnnFormatters.Register();");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _kernel.Dispose();

    [Fact]
    public async Task SequenceToSequenceMetrics_IsATable()
    {
        // Row 1 exact; row 2 one substitution in 2 tokens: exact match 1/2, token error rate 1/4.
        var cell = await Run("""MLNetRnn.SequenceToSequence.SequenceToSequenceMetrics.Compute([["a", "b"], ["c", "d"]], [["a", "b"], ["c", "x"]])""");
        Assert.Contains("<table class=\"mlnetrnn-metrics\">", cell.Html);
        Assert.Contains("<td style=\"text-align:left\">exact match</td><td style=\"text-align:right\">0.5000</td>", cell.Html);
        Assert.Contains("<td style=\"text-align:left\">token error rate</td><td style=\"text-align:right\">0.2500</td>", cell.Html);
        Assert.Contains("<td style=\"text-align:left\">rows</td><td style=\"text-align:right\">2</td>", cell.Html);
    }

    [Fact]
    public async Task TrainingHistory_IsOneRowPerEpoch_WithTheBestMarked()
    {
        var cell = await Run("""
            using MLNetRnn.Training;
            IReadOnlyList<TrainingProgress> history =
            [
                new(1, 2, 0.75, 0.5, 0.625, 1234, TimeSpan.FromSeconds(1.5), true),
                new(2, 2, 0.25, null, null, 2000, TimeSpan.FromSeconds(3), false),
            ];
            history
            """);
        Assert.Contains("<table class=\"mlnetrnn-training\">", cell.Html);
        Assert.Equal(2, cell.Html.Split("<tr>").Length - 2);   // header + 2 rows
        Assert.Contains("<td style=\"text-align:right\">1/2</td><td style=\"text-align:right\">0.7500</td><td style=\"text-align:right\">0.5000</td><td style=\"text-align:right\">0.6250</td><td style=\"text-align:right\">1234</td><td style=\"text-align:right\">1.5</td><td style=\"text-align:left\">✓</td>", cell.Html);
        Assert.Contains("<td style=\"text-align:right\">2/2</td><td style=\"text-align:right\">0.2500</td><td style=\"text-align:right\">–</td>", cell.Html);
    }

    [Fact]
    public async Task PlotImage_IsAnInlinePng()
    {
        var cell = await Run("""
            MLNetRnn.Plots.RnnPlots.TrainingCurves([new MLNetRnn.Training.TrainingProgress(1, 1, 0.5, 0.4, 0.8, 100, TimeSpan.FromSeconds(1), true)]).Resize(320, 200)
            """);
        Assert.Contains("width=\"320\" height=\"200\"", cell.Html);
        byte[] png = Assert.Single(cell.Images);
        Assert.Equal(320, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)));
        Assert.Equal(200, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    private async Task<CellRun> Run(string code)
    {
        var cell = await _kernel.SubmitAsync(0, code);
        Assert.True(cell.Failure is null, $"{cell.Describe("formatter test")}\nfailed: {cell.Failure?.Message}");
        return cell;
    }
}
