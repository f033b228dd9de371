using System.Text.Json;
using MLNetRnn.Diagnostics;
using MLNetRnn.Layers;
using MLNetRnn.Tests.Cli;
using MLNetRnn.Tests.Plots;

namespace MLNetRnn.Tests.Diagnostics;

/// <summary><c>mlnet-rnn diagnose gradient-flow</c> run as a process: the JSON contract, the table, the plot, a trained model's stack, and usage errors.</summary>
public sealed class DiagnoseCommandTests : IClassFixture<DiagnoseCommandTests.Models>
{
    private readonly Models _models;

    public DiagnoseCommandTests(Models models) => _models = models;

    [Fact]
    public void GradientFlow_JsonHasEveryNormOfEachCellAsTheLibraryMeasuresThem()
    {
        var (code, stdout, stderr) = CliProcess.Run("diagnose", "gradient-flow", "--cell", "rnn,gru", "--cell", "lstm", "--length", "12", "--json");
        Assert.True(code == 0, stderr);
        Assert.Equal(string.Empty, stderr);
        using var doc = JsonDocument.Parse(Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(["cells"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        var cells = doc.RootElement.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(["rnn", "gru", "lstm"], cells.Select(c => c.GetProperty("cell").GetString()));
        foreach (var (cell, type) in cells.Zip([RecurrentCellType.SimpleRnn, RecurrentCellType.Gru, RecurrentCellType.Lstm]))
        {
            Assert.Equal(["cell", "forgetBias", "length", "norms"], cell.EnumerateObject().Select(p => p.Name));
            Assert.Equal(0, cell.GetProperty("forgetBias").GetDouble());
            Assert.Equal(12, cell.GetProperty("length").GetInt32());
            double[] norms = [.. cell.GetProperty("norms").EnumerateArray().Select(n => n.GetDouble())];
            double[] expected = GradientFlow.Measure(type, length: 12).Norms;
            Assert.Equal(expected.Length, norms.Length);
            Assert.All(norms.Zip(expected), p => Assert.Equal(p.Second, p.First, p.Second * 1e-5)); // six significant digits
        }
    }

    [Fact]
    public void GradientFlow_ForgetBiasAddsAnLstmCurveWithThatBias()
    {
        var (code, stdout, stderr) = CliProcess.Run("diagnose", "gradient-flow", "--cell", "rnn", "--forget-bias", "1", "--length", "10", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());
        var cells = doc.RootElement.GetProperty("cells").EnumerateArray().ToList();
        Assert.Equal(["rnn", "lstm"], cells.Select(c => c.GetProperty("cell").GetString()));
        Assert.Equal(1, cells[1].GetProperty("forgetBias").GetDouble());
        double[] expected = GradientFlow.Measure(RecurrentCellType.Lstm, length: 10, forgetGateBias: 1f).Norms;
        Assert.All(cells[1].GetProperty("norms").EnumerateArray().Select(n => n.GetDouble()).Zip(expected), p => Assert.Equal(p.Second, p.First, p.Second * 1e-5));

        (code, stdout, stderr) = CliProcess.Run("diagnose", "gradient-flow", "--cell", "lstm", "--forget-bias", "1", "--length", "10");
        Assert.True(code == 0, stderr);
        Assert.Equal(["t", "LSTM", "LSTM, forget bias +1"], stdout.Split('\n')[1].Split("  ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public void GradientFlow_DefaultsToAllThreeCellsAndPrintsATableAndThePlot()
    {
        string png = Path.Combine(_models.Directory, $"flow-{Guid.NewGuid():N}.png");
        var (code, stdout, stderr) = CliProcess.Run("diagnose", "gradient-flow", "--length", "30", "--samples", "2", "--plot", png);
        Assert.True(code == 0, stderr);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["t", "SimpleRNN", "LSTM", "GRU"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["1", "3", "6", "9", "12", "15", "18", "21", "24", "27", "30"], lines.Skip(2).Take(11).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0]));
        Assert.StartsWith("first/last", lines[13].Trim());
        Assert.Equal($"plot: {png}", lines[^1]);
        PlotAssert.Png(File.ReadAllBytes(png), 800, 500);
    }

    [Fact]
    public void GradientFlow_ModelMeasuresItsRecurrentLayersInAnSvg()
    {
        string svg = Path.Combine(_models.Directory, $"model-flow-{Guid.NewGuid():N}.svg");
        var (code, stdout, stderr) = CliProcess.Run("diagnose", "gradient-flow", "--model", _models.ClassifierPath, "--length", "20", "--plot", svg, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());
        var cell = Assert.Single(doc.RootElement.GetProperty("cells").EnumerateArray().ToList());
        Assert.Equal("gru", cell.GetProperty("cell").GetString());
        Assert.Equal(20, cell.GetProperty("norms").GetArrayLength());
        Assert.All(cell.GetProperty("norms").EnumerateArray(), n => Assert.True(n.GetDouble() > 0));
        var texts = PlotAssert.Svg(File.ReadAllText(svg), 800, 500);
        Assert.Contains(texts, t => t.Contains("classifier.zip", StringComparison.Ordinal) && t.Contains("GRU classifier", StringComparison.Ordinal));
    }

    [Fact]
    public void GradientFlow_ModelOfASequenceToSequenceTaskMeasuresItsEncoder()
    {
        var (code, stdout, stderr) = CliProcess.Run("diagnose", "gradient-flow", "--model", _models.Seq2SeqPath, "--length", "7");
        Assert.True(code == 0, stderr);
        Assert.Contains("encoder", stdout.Split('\n')[0]);
        Assert.Equal(["t", "LSTM"], stdout.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Theory]
    [InlineData("diagnose", "gradient-flow", "--cell", "transformer")]
    [InlineData("diagnose", "gradient-flow", "--cell", "rnn,cnn")]
    [InlineData("diagnose", "gradient-flow", "--length", "0")]
    [InlineData("diagnose", "gradient-flow", "--plot", "flow.jpg")]
    [InlineData("diagnose", "gradient-flow", "--model", "m.zip", "--cell", "lstm")]
    [InlineData("diagnose", "gradient-flow", "--model", "m.zip", "--hidden", "8")]
    [InlineData("diagnose", "gradient-flow", "--model", "m.zip", "--forget-bias", "1")]
    [InlineData("diagnose", "gradient-flow", "--forget-bias", "0")]
    [InlineData("diagnose")]
    public void GradientFlow_BadArgumentsAreUsageErrors(params string[] args) => CliProcess.AssertUsageError(args);

    [Fact]
    public void GradientFlow_MissingPlotFolderIsOneLineErrorBeforeMeasuring()
    {
        string line = CliProcess.RunFailing("diagnose", "gradient-flow", "--plot", Path.Combine(_models.Directory, "missing", "flow.png"), "--json");
        Assert.Contains("does not exist", line);
    }

    /// <summary>A 1-epoch GRU classifier and a 1-epoch LSTM encoder–decoder, tiny, for the <c>--model</c> runs.</summary>
    public sealed class Models : IDisposable
    {
        public Models()
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("mlnetrnn-diagnose-").FullName;
            string classify = Path.Combine(Directory, "classify.tsv");
            File.WriteAllLines(classify, ["Text\tLabel", .. Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? "good fun\tpositive" : "bad dull\tnegative")]);
            ClassifierPath = Path.Combine(Directory, "classifier.zip");
            var (code, _, stderr) = CliProcess.Run("train", "classify", "--data", classify, "--model", ClassifierPath, "--cell", "gru", "--epochs", "1", "--embedding", "4", "--hidden", "4", "--json");
            Assert.True(code == 0, stderr);

            string pairs = Path.Combine(Directory, "pairs.tsv");
            File.WriteAllLines(pairs, ["Source\tTarget", .. Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? "ab\tb a" : "cd\td c")]);
            Seq2SeqPath = Path.Combine(Directory, "seq2seq.zip");
            (code, _, stderr) = CliProcess.Run("train", "seq2seq", "--data", pairs, "--model", Seq2SeqPath, "--epochs", "1", "--embedding", "4", "--hidden", "4", "--beam", "1", "--json");
            Assert.True(code == 0, stderr);
        }

        public string Directory { get; }

        public string ClassifierPath { get; }

        public string Seq2SeqPath { get; }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
