using System.Text.Json;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Cli;

/// <summary>
/// The <c>mlnet-rnn</c> contract scripts rely on, run as a real process on a small file: train, evaluate, predict,
/// inspect with <c>--json</c>, and the errors (one line on stderr, non-zero exit code).
/// </summary>
public sealed class CliTests : IClassFixture<CliTests.TrainedModel>
{
    private readonly TrainedModel _trained;

    public CliTests(TrainedModel trained) => _trained = trained;

    [Fact]
    public void Train_PrintsOneJsonObjectPerEpochAndAFinalSummary()
    {
        var lines = _trained.TrainOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // 2 epochs + summary
        using var last = JsonDocument.Parse(lines[^1]);
        var root = last.RootElement;
        Assert.Equal(2, root.GetProperty("epochs").GetInt32());
        Assert.True(root.GetProperty("seconds").GetDouble() > 0);
        Assert.True(root.GetProperty("tokensPerSecond").GetDouble() > 0);
        Assert.InRange(root.GetProperty("validation").GetProperty("accuracy").GetDouble(), 0, 1);
        Assert.True(File.Exists(_trained.ModelPath));
    }

    [Fact]
    public void Evaluate_PrintsTheContractFields()
    {
        var (code, stdout, _) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", _trained.DataPath, "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        Assert.Equal(40, doc.RootElement.GetProperty("count").GetInt32());
        foreach (string field in new[] { "accuracy", "macroF1", "logLoss" })
        {
            Assert.True(doc.RootElement.TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public void Predict_InputShowsLabelProbabilitiesTokensAndIds()
    {
        var (code, stdout, _) = CliProcess.Run("predict", "--model", _trained.ModelPath, "--input", "Great food, zyzzyva!", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout.Trim());
        var root = doc.RootElement;
        Assert.Contains(root.GetProperty("label").GetString(), new[] { "negative", "positive" });
        double sum = root.GetProperty("probabilities").EnumerateObject().Sum(p => p.Value.GetDouble());
        Assert.Equal(1.0, sum, 4);
        Assert.Equal(["great", "food", ",", "zyzzyva", "!"], root.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(1, root.GetProperty("ids")[3].GetInt32()); // unknown word -> <UNK>
    }

    [Fact]
    public void Predict_DataPrintsJsonLinesOnePerRow()
    {
        var (code, stdout, _) = CliProcess.Run("predict", "--model", _trained.ModelPath, "--data", _trained.DataPath, "--json");
        Assert.Equal(0, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(40, lines.Length);
        Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
    }

    [Fact]
    public void Inspect_ListsTaskTensorsAndTotal()
    {
        var (code, stdout, _) = CliProcess.Run("inspect", "--model", _trained.ModelPath, "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout.Trim());
        var root = doc.RootElement;
        Assert.Equal("SequenceClassification", root.GetProperty("task").GetString());
        long total = root.GetProperty("tensors").EnumerateArray().Sum(t => t.GetProperty("parameters").GetInt64());
        Assert.Equal(total, root.GetProperty("totalParameters").GetInt64());
        Assert.Contains(root.GetProperty("tensors").EnumerateArray(), t => t.GetProperty("name").GetString()!.EndsWith("rnn.weight_hh_l0", StringComparison.Ordinal));
    }

    [Fact]
    public void Train_MissingColumnIsOneLineOnStderrWithNonZeroExit()
    {
        string line = CliProcess.RunFailing("train", "classify", "--data", _trained.DataPath, "--model", Path.Combine(Path.GetTempPath(), "x.zip"), "--text-column", "Body", "--json");
        Assert.Contains("Column 'Body' not found", line);
        Assert.Contains("Text, Label", line);
    }

    [Theory]
    [InlineData("train", "classify", "--model", "m.zip")]                 // --data missing
    [InlineData("train", "classify", "--data", "d.tsv", "--model", "m.zip", "--cell", "transformer")]
    [InlineData("predict", "--model", "m.zip")]                           // neither --input nor --data
    [InlineData("evaluate", "--model", "m.zip", "--data", "d.tsv", "--epochs", "3")]
    public void BadArguments_ExitWithUsageErrorOnStderr(params string[] args) => CliProcess.AssertUsageError(args);

    [Fact]
    public void Evaluate_CorruptModelSaysSoWithoutStackTrace()
    {
        string bad = Path.Combine(Path.GetTempPath(), $"mlnetrnn-bad-{Guid.NewGuid():N}.zip");
        File.WriteAllText(bad, "not a zip");
        try
        {
            var (code, _, stderr) = CliProcess.Run("evaluate", "--model", bad, "--data", _trained.DataPath);
            Assert.Equal(1, code);
            Assert.Contains("not a valid MLNetRnn model", stderr);
            Assert.DoesNotContain("   at ", stderr);
        }
        finally
        {
            File.Delete(bad);
        }
    }

    /// <summary>Trains once per test class: a 2-epoch model on 160 real sentences.</summary>
    public sealed class TrainedModel : IDisposable
    {
        private readonly string _dir = Directory.CreateTempSubdirectory("mlnetrnn-cli-").FullName;

        public TrainedModel()
        {
            DataPath = Path.Combine(_dir, "small.tsv");
            var lines = File.ReadLines(Sentiment.Dataset("train.tsv")).Take(161).ToList();
            File.WriteAllLines(DataPath, lines.Take(41)); // header + 40 rows for evaluate/predict
            string trainPath = Path.Combine(_dir, "train.tsv");
            File.WriteAllLines(trainPath, lines);
            ModelPath = Path.Combine(_dir, "model.zip");
            var (code, stdout, stderr) = CliProcess.Run("train", "classify", "--data", trainPath, "--validation", DataPath, "--model", ModelPath,
                "--epochs", "2", "--embedding", "8", "--hidden", "8", "--bidirectional", "--patience", "5", "--json");
            Assert.True(code == 0, stderr);
            TrainOutput = stdout;
        }

        public string DataPath { get; }

        public string ModelPath { get; }

        public string TrainOutput { get; }

        public void Dispose() => Directory.Delete(_dir, recursive: true);
    }
}
