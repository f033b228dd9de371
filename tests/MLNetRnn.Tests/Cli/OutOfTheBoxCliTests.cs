using System.Globalization;
using System.Text.Json;
using MLNetRnn.Numerics;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Cli;

/// <summary>
/// Issue 9 from the command line: the held-out validation slice when no <c>--validation</c> file is given (reported in
/// the progress output and the JSON summary; <c>--validation none</c> turns it off), <c>--level char</c>, and
/// <c>mlnet-rnn baseline</c> (ML.NET's FeaturizeText + SdcaMaximumEntropy, NaiveBayes, majority class; ours beside them).
/// </summary>
public sealed class OutOfTheBoxCliTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mlnetrnn-ootb-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Train_WithoutValidationFile_HoldsOutAStratifiedTenthAndSaysSo()
    {
        // 130 "yes" and 70 "no" rows: 10 % of each class is 13 and 7.
        string data = Write("seven.tsv", Synthetic.Rows(400, seed: 21).GroupBy(r => r.Label).SelectMany(g => g.Take(g.Key == "yes" ? 130 : 70)).Select(r => (r.Text, r.Label)));
        string model = Path.Combine(_directory, "m.zip");
        var (code, stdout, stderr) = CliProcess.Run("train", "classify", "--data", data, "--model", model, "--epochs", "2", "--embedding", "8", "--hidden", "8", "--seed", "4", "--json");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines[..^1], l => Assert.NotEqual(JsonValueKind.Null, JsonDocument.Parse(l).RootElement.GetProperty("validationLoss").ValueKind));
        using var summary = JsonDocument.Parse(lines[^1]);
        var held = summary.RootElement.GetProperty("heldOutValidation");
        Assert.Equal(20, held.GetProperty("rows").GetInt32());
        Assert.Equal(180, held.GetProperty("trainingRows").GetInt32());
        Assert.Equal(0.1, held.GetProperty("fraction").GetDouble());
        Assert.Equal(4, held.GetProperty("seed").GetInt32());
        Assert.True(held.GetProperty("stratified").GetBoolean());
        Assert.InRange(held.GetProperty("bestEpoch").GetInt32(), 1, 2);
        Assert.Equal(200, summary.RootElement.GetProperty("rows").GetInt32());

        (code, stdout, stderr) = CliProcess.Run("train", "classify", "--data", data, "--model", model, "--epochs", "2", "--embedding", "8", "--hidden", "8", "--seed", "4");
        Assert.True(code == 0, stderr);
        Assert.Contains("validation: no --validation file, so 10.0% of the training rows (stratified by label, seed 4) are held out", stdout);
        Assert.Contains("held-out validation: 20 rows (10.0%, stratified, seed 4); trained on 180 rows", stdout);
    }

    [Fact]
    public void Train_ValidationNone_TrainsOnEveryRowForEveryEpoch()
    {
        string data = Write("seven.tsv", Synthetic.Rows(120, seed: 22).Select(r => (r.Text, r.Label)));
        string model = Path.Combine(_directory, "m.zip");
        var (code, stdout, stderr) = CliProcess.Run("train", "classify", "--data", data, "--model", model, "--epochs", "3", "--embedding", "8", "--hidden", "8",
            "--patience", "1", "--validation", "none", "--json");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length); // 3 epochs, no early stop, then the summary
        Assert.All(lines[..^1], l => Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(l).RootElement.GetProperty("validationLoss").ValueKind));
        using var summary = JsonDocument.Parse(lines[^1]);
        Assert.Equal(JsonValueKind.Null, summary.RootElement.GetProperty("heldOutValidation").ValueKind);
        Assert.Equal(JsonValueKind.Null, summary.RootElement.GetProperty("validation").ValueKind);
        Assert.Equal(3, summary.RootElement.GetProperty("epochs").GetInt32());

        (code, stdout, stderr) = CliProcess.Run("train", "classify", "--data", data, "--model", model, "--epochs", "1", "--embedding", "8", "--hidden", "8", "--validation", "none");
        Assert.True(code == 0, stderr);
        Assert.DoesNotContain("held", stdout);
    }

    [Fact]
    public void Train_LevelChar_LearnsATaskOnlyCharactersShow()
    {
        // Made-up words, each seen once: the label is whether the word ends in 'a'. Words are all different, so a word
        // model sees only unknown tokens at test time; a character model can read the last letter.
        var random = new SeededRandom(20240501);
        (string Text, string Label) Row()
        {
            var letters = Enumerable.Range(0, 3 + random.NextInt(5)).Select(_ => (char)('b' + random.NextInt(24))).ToList();
            bool a = random.NextInt(2) == 0;
            letters.Add(a ? 'a' : (char)('b' + random.NextInt(24)));
            return (new string([.. letters]), a ? "a" : "other");
        }

        string train = Write("train.tsv", Enumerable.Range(0, 600).Select(_ => Row()));
        string test = Write("test.tsv", Enumerable.Range(0, 200).Select(_ => Row()));
        string model = Path.Combine(_directory, "char.zip");
        var (code, stdout, stderr) = CliProcess.Run("train", "classify", "--data", train, "--model", model, "--level", "char", "--epochs", "8", "--embedding", "16", "--hidden", "16", "--json");
        Assert.True(code == 0, stderr);
        using (var summary = JsonDocument.Parse(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]))
        {
            Assert.Equal("char", summary.RootElement.GetProperty("level").GetString());
            Assert.InRange(summary.RootElement.GetProperty("vocabulary").GetInt32(), 3, 2 + 25); // <PAD>, <UNK>, the letters
        }

        (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", model, "--data", test, "--json");
        Assert.True(code == 0, stderr);
        using var metrics = JsonDocument.Parse(stdout.Trim());
        Assert.True(metrics.RootElement.GetProperty("accuracy").GetDouble() >= 0.95, stdout);
    }

    [Fact]
    public void Baseline_ScoresMLNetsClassifiersAndOursOnTheTestFile()
    {
        var rows = Synthetic.Rows(500, seed: 23).Select(r => (r.Text, r.Label)).ToList();
        string train = Write("train.tsv", rows.Take(400));
        string test = Write("test.tsv", rows.Skip(400));
        string model = Path.Combine(_directory, "ours.zip");
        var (code, _, stderr) = CliProcess.Run("train", "classify", "--data", train, "--model", model, "--epochs", "3", "--embedding", "8", "--hidden", "8");
        Assert.True(code == 0, stderr);

        (code, var stdout, stderr) = CliProcess.Run("baseline", "--data", train, "--test", test, "--model", model, "--json");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout.Trim());
        var results = json.RootElement.GetProperty("results").EnumerateArray().ToList();
        string majority = rows.Take(400).GroupBy(r => r.Label).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
        Assert.Equal(["FeaturizeText + SdcaMaximumEntropy", "FeaturizeText + NaiveBayes", $"majority class ('{majority}')", $"mlnet-rnn {model}"],
            results.Select(r => r.GetProperty("name").GetString()));
        Assert.Equal((400, 100), (json.RootElement.GetProperty("trainRows").GetInt32(), json.RootElement.GetProperty("testRows").GetInt32()));

        // "Does the word seven occur" is one feature of FeaturizeText: SDCA must get it nearly always right.
        Assert.True(results[0].GetProperty("accuracy").GetDouble() >= 0.95, stdout);
        // The majority class's accuracy is the test share of the most frequent training label, counted here.
        Assert.Equal(rows.Skip(400).Count(r => r.Label == majority) / 100.0, results[2].GetProperty("accuracy").GetDouble(), 6);
        // Ours is scored as `evaluate` (ML.NET's evaluator) scores it.
        (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", model, "--data", test, "--json");
        Assert.True(code == 0, stderr);
        using var evaluated = JsonDocument.Parse(stdout.Trim());
        Assert.Equal(evaluated.RootElement.GetProperty("accuracy").GetDouble(), results[3].GetProperty("accuracy").GetDouble(), 6);

        (code, stdout, stderr) = CliProcess.Run("baseline", "--data", train, "--test", test);
        Assert.True(code == 0, stderr);
        Assert.Contains("FeaturizeText + SdcaMaximumEntropy", stdout);
    }

    private string Write(string name, IEnumerable<(string Text, string Label)> rows)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllLines(path, ["Text\tLabel", .. rows.Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Text}\t{r.Label}"))]);
        return path;
    }
}
