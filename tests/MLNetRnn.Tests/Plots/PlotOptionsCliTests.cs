using System.Text.Json;
using MLNetRnn.Tests.Cli;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Plots;

/// <summary>
/// The CLI's image options run as a process: <c>train … --plot</c> (training curves), <c>evaluate --plot</c> (confusion
/// matrix), <c>predict --attention</c> as PNG; the JSON lines stay exactly as without them; wrong paths fail early.
/// </summary>
public sealed class PlotOptionsCliTests : IClassFixture<PlotOptionsCliTests.TrainedWithPlots>
{
    private readonly TrainedWithPlots _trained;

    public PlotOptionsCliTests(TrainedWithPlots trained) => _trained = trained;

    [Fact]
    public void TrainClassify_PlotWritesTheTrainingCurvesAndLeavesTheJsonAsItWas()
    {
        var texts = PlotAssert.Svg(File.ReadAllText(_trained.ClassifierCurves), 800, 500);
        Assert.Contains("Training classifier.zip (GRU classifier)", texts); // the CLI's default cell
        Assert.Contains("validation accuracy", texts);
        Assert.Contains("training loss", texts);

        var lines = _trained.ClassifierOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // 2 epochs + summary, nothing about the plot
        using var summary = JsonDocument.Parse(lines[^1]);
        Assert.Equal(["model", "epochs", "seconds", "tokensPerSecond", "rows", "parameters", "vocabulary", "labels", "level", "embeddings", "heldOutValidation", "validation"], summary.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Empty(Directory.GetFiles(_trained.Directory, "*.tmp"));
    }

    [Fact]
    public void TrainSeq2Seq_PlotWritesAPngOfTheLosses()
    {
        PlotAssert.Png(File.ReadAllBytes(_trained.Seq2SeqCurves), 800, 500);
    }

    [Fact]
    public void Evaluate_PlotWritesTheConfusionMatrixOfTheFilesRows()
    {
        string svg = Path.Combine(_trained.Directory, $"confusion-{Guid.NewGuid():N}.svg");
        var (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.ClassifierPath, "--data", _trained.ValidationPath, "--plot", svg, "--json");
        Assert.True(code == 0, stderr);
        using var metrics = JsonDocument.Parse(stdout.Trim());
        Assert.Equal(["accuracy", "macroF1", "logLoss", "count"], metrics.RootElement.EnumerateObject().Select(p => p.Name));

        string text = File.ReadAllText(svg);
        var doc = System.Xml.Linq.XDocument.Parse(text).Root!;
        var texts = PlotAssert.Svg(text, int.Parse((string)doc.Attribute("width")!), int.Parse((string)doc.Attribute("height")!));
        Assert.Equal(4, PlotAssert.HeatMapCells(text));
        Assert.Equal(2, texts.Count(t => t == "negative"));
        Assert.Equal(2, texts.Count(t => t == "positive"));
        Assert.Contains("classifier.zip on validation.tsv", texts);
        int[] counts = [.. texts.Where(t => t.Length > 0 && t.All(char.IsDigit)).Select(int.Parse)];
        Assert.Equal(4, counts.Length);
        Assert.Equal(40, counts.Sum());                                     // the four cells count every validation row
    }

    [Fact]
    public void Evaluate_PlotOfASequenceToSequenceModelIsOneLineError()
    {
        string line = CliProcess.RunFailing("evaluate", "--model", _trained.Seq2SeqPath, "--data", _trained.PairsPath, "--plot", Path.Combine(_trained.Directory, "cm.png"));
        Assert.Contains("--plot is for text classification", line);
    }

    [Fact]
    public void PredictAttention_PngExtensionWritesAPng()
    {
        string png = Path.Combine(_trained.Directory, $"attention-{Guid.NewGuid():N}.png");
        var (code, _, stderr) = CliProcess.Run("predict", "--model", _trained.Seq2SeqPath, "--input", "abc", "--attention", png, "--json");
        Assert.True(code == 0, stderr);
        using var bitmap = SkiaSharp.SKBitmap.Decode(png);
        Assert.True(bitmap.Width >= 400 && bitmap.Height >= 300, $"{bitmap.Width} × {bitmap.Height}");
        PlotAssert.Png(File.ReadAllBytes(png), bitmap.Width, bitmap.Height, minimumColours: 2);
    }

    [Theory]
    [InlineData("train", "classify", "--data", "d.tsv", "--model", "m.zip", "--plot", "curves.pdf")]
    [InlineData("train", "seq2seq", "--data", "d.tsv", "--model", "m.zip", "--plot", "curves")]
    [InlineData("evaluate", "--model", "m.zip", "--data", "d.tsv", "--plot", "cm.jpeg")]
    [InlineData("predict", "--model", "m.zip", "--input", "abc", "--attention", "a.html")]
    public void ImageOptions_OtherExtensionsAreUsageErrors(params string[] args) => CliProcess.AssertUsageError(args);

    [Fact]
    public void TrainClassify_MissingPlotFolderFailsBeforeTraining()
    {
        string model = Path.Combine(_trained.Directory, $"never-{Guid.NewGuid():N}.zip");
        string line = CliProcess.RunFailing("train", "classify", "--data", _trained.ValidationPath, "--model", model,
            "--plot", Path.Combine(_trained.Directory, "missing", "curves.png"), "--epochs", "1", "--json");
        Assert.Contains("--plot", line);
        Assert.Contains("does not exist", line);
        Assert.False(File.Exists(model));
    }

    /// <summary>Trains once per test class: a 2-epoch classifier on 160 sentences with validation and <c>--plot curves.svg</c>, and a 2-epoch encoder–decoder with <c>--plot curves.png</c>.</summary>
    public sealed class TrainedWithPlots : IDisposable
    {
        public TrainedWithPlots()
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("mlnetrnn-plot-cli-").FullName;
            var lines = File.ReadLines(Sentiment.Dataset("train.tsv")).Take(201).ToList();
            string trainPath = Path.Combine(Directory, "train.tsv");
            File.WriteAllLines(trainPath, lines.Take(161));
            ValidationPath = Path.Combine(Directory, "validation.tsv");
            File.WriteAllLines(ValidationPath, [lines[0], .. lines.Skip(161)]);
            ClassifierPath = Path.Combine(Directory, "classifier.zip");
            ClassifierCurves = Path.Combine(Directory, "curves.svg");
            var (code, stdout, stderr) = CliProcess.Run("train", "classify", "--data", trainPath, "--validation", ValidationPath, "--model", ClassifierPath,
                "--epochs", "2", "--embedding", "8", "--hidden", "8", "--patience", "5", "--plot", ClassifierCurves, "--json");
            Assert.True(code == 0, stderr);
            ClassifierOutput = stdout;

            PairsPath = Path.Combine(Directory, "pairs.tsv");
            File.WriteAllLines(PairsPath, ["Source\tTarget", .. Enumerable.Range(0, 40).Select(i => (i % 4) switch { 0 => "abc\tc b a", 1 => "bca\ta c b", 2 => "cab\tb a c", _ => "ab\tb a" })]);
            Seq2SeqPath = Path.Combine(Directory, "seq2seq.zip");
            Seq2SeqCurves = Path.Combine(Directory, "seq2seq-curves.png");
            (code, _, stderr) = CliProcess.Run("train", "seq2seq", "--data", PairsPath, "--validation", PairsPath, "--model", Seq2SeqPath, "--epochs", "2",
                "--embedding", "8", "--hidden", "8", "--beam", "1", "--max-length", "6", "--plot", Seq2SeqCurves, "--json");
            Assert.True(code == 0, stderr);
        }

        public string Directory { get; }

        public string ValidationPath { get; }

        public string ClassifierPath { get; }

        public string ClassifierCurves { get; }

        public string ClassifierOutput { get; }

        public string PairsPath { get; }

        public string Seq2SeqPath { get; }

        public string Seq2SeqCurves { get; }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
