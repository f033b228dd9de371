using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Forecasting;
using MLNetRnn.LanguageModeling;
using MLNetRnn.Onnx;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Cli;

/// <summary>
/// <c>mpirun.mpich -np 2 mlnet-rnn train classify|tag|seq2seq|forecast|lm … --distributed</c> on this machine against the same
/// command in one process: the same global batch gives the same model within float rounding, only process 0 prints and writes files.
/// Skipped, with the reason, where MPICH is not installed (CI installs it: <c>.ci/run</c>).
/// </summary>
public sealed class DistributedCliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnetrnn-mpi-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [MpiFact]
    public void Train_TwoProcessesWithTheSameGlobalBatch_EqualOneProcess()
    {
        string data = Path.Combine(_folder, "train.tsv"), texts = Path.Combine(_folder, "texts.tsv");
        string names = Path.Combine(Sentiment.Repository(), "datasets", "names");
        File.WriteAllLines(data, File.ReadLines(Path.Combine(names, "train.tsv")).Take(401)); // header + 400 names
        File.WriteAllLines(texts, File.ReadLines(Path.Combine(names, "test.tsv")).Take(101));
        string single = Path.Combine(_folder, "single.zip"), distributed = Path.Combine(Directory.CreateDirectory(Path.Combine(_folder, "mpi")).FullName, "model.zip");

        // Dropout 0 (each process draws its own masks); token dropout stays on: every process draws the whole batch's.
        string[] train = ["train", "classify", "--data", data, "--validation", "none", "--level", "char", "--glove", "none", "--embedding", "16", "--hidden", "16",
            "--dropout", "0", "--token-dropout", "0.1", "--epochs", "2", "--batch-size", "8", "--seed", "5", "--json"];
        var (lines, aloneLines) = RunBoth(train, single, distributed);
        using (var summary = JsonDocument.Parse(lines[^1]))
        {
            var group = summary.RootElement.GetProperty("distributed");
            Assert.True(group.GetProperty("steps").GetInt64() >= 100); // 400 rows in batches of at most 8, per epoch
            Assert.InRange(group.GetProperty("communicationShare").GetDouble(), 0, 1);
        }

        // The same losses per epoch (sums over both processes' rows) and the same model.
        AssertEpochLossesEqual(aloneLines, lines, epochs: 2, "loss");

        float[][] expected = Scores(single, texts), actual = Scores(distributed, texts);
        Assert.Equal(100, actual.Length);
        float worst = expected.Zip(actual, (e, a) => e.Zip(a, (x, y) => Math.Abs(x - y)).Max()).Max();
        Assert.True(worst <= 1e-5f, $"the two-process model's probabilities differ from the single process's by up to {worst}");
    }

    [MpiFact]
    public void TrainTag_TwoProcessesWithTheSameGlobalBatch_EqualOneProcess()
    {
        // A BiLSTM-CRF tagger on 200 Brown sentences: its loss is per token, so each process weights its share by tokens.
        string brown = Path.Combine(Sentiment.Repository(), "datasets", "brown", "names");
        string data = Path.Combine(_folder, "train.conll"), validation = Path.Combine(_folder, "validation.conll");
        File.WriteAllText(data, Sentences(Path.Combine(brown, "train.conll"), 200));
        File.WriteAllText(validation, Sentences(Path.Combine(brown, "validation.conll"), 60));
        string single = Path.Combine(_folder, "single.zip"), distributed = Path.Combine(Directory.CreateDirectory(Path.Combine(_folder, "mpi")).FullName, "model.zip");
        string[] train = ["train", "tag", "--data", data, "--validation", validation, "--crf", "--embedding", "16", "--hidden", "16", "--dropout", "0",
            "--epochs", "2", "--batch-size", "8", "--learning-rate", "0.01", "--seed", "3", "--json"];
        var (code, alone, stderr) = Run("dotnet", [Cli, .. train, "--model", single]);
        Assert.True(code == 0, stderr);
        (code, string stdout, stderr) = Run(MpiFactAttribute.MpiRun, ["-np", "2", "dotnet", Cli, .. train, "--model", distributed, "--distributed"]);
        Assert.True(code == 0, $"exit code {code}: {stderr}");

        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), aloneLines = alone.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // process 0 alone: 2 epochs + summary
        Assert.Equal(["model.zip"], Directory.GetFiles(Path.GetDirectoryName(distributed)!).Select(Path.GetFileName));
        AssertEpochLossesEqual(aloneLines, lines, epochs: 2, "loss");

        using var one = JsonDocument.Parse(aloneLines[^1]);
        using var two = JsonDocument.Parse(lines[^1]);
        Assert.Equal(2, two.RootElement.GetProperty("distributed").GetProperty("processes").GetInt32());
        Assert.Equal(one.RootElement.GetProperty("validation").GetRawText(), two.RootElement.GetProperty("validation").GetRawText()); // the same tags on every validation token
    }

    [MpiFact]
    public void TrainSeq2Seq_TwoProcessesWithTheSameGlobalBatch_EqualOneProcess()
    {
        // Spelling → phones on 300 CMU dictionary words: the loss is per target token, so each process weights its share by them.
        string cmudict = Path.Combine(Sentiment.Repository(), "datasets", "cmudict");
        string data = Path.Combine(_folder, "train.tsv"), validation = Path.Combine(_folder, "validation.tsv");
        File.WriteAllLines(data, File.ReadLines(Path.Combine(cmudict, "train.tsv")).Take(301)); // header + 300 words
        File.WriteAllLines(validation, File.ReadLines(Path.Combine(cmudict, "validation.tsv")).Take(61));
        string single = Path.Combine(_folder, "single.zip"), distributed = Path.Combine(Directory.CreateDirectory(Path.Combine(_folder, "mpi")).FullName, "model.zip");
        string[] train = ["train", "seq2seq", "--data", data, "--validation", validation, "--embedding", "16", "--hidden", "16", "--dropout", "0",
            "--epochs", "2", "--batch-size", "16", "--learning-rate", "0.01", "--beam", "1", "--max-length", "20", "--seed", "3", "--json"];
        var (lines, aloneLines) = RunBoth(train, single, distributed);

        AssertEpochLossesEqual(aloneLines, lines, epochs: 2, "loss", "validationLoss");

        using (var one = JsonDocument.Parse(aloneLines[^1]))
        using (var two = JsonDocument.Parse(lines[^1]))
        {
            Assert.Equal(one.RootElement.GetProperty("validation").GetRawText(), two.RootElement.GetProperty("validation").GetRawText());
        }

        // The held-out words' greedy outputs and their scores, through a plain ML.NET Model.Load.
        var (expectedTokens, expectedScores) = Pronounce(single, validation);
        var (actualTokens, actualScores) = Pronounce(distributed, validation);
        Assert.Equal(60, actualTokens.Length);
        Assert.Equal(expectedTokens, actualTokens);
        float worst = expectedScores.Zip(actualScores, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1e-5f, $"the two-process model's scores differ from the single process's by up to {worst}");
    }

    [MpiFact]
    public void TrainForecast_TwoProcessesWithTheSameGlobalBatch_EqualOneProcess()
    {
        // Seattle's daily maximum temperature from 14 days of weather; the loss is per window (3 values each).
        string weather = Path.Combine(Sentiment.Repository(), "datasets", "weather");
        string single = Path.Combine(_folder, "single.zip"), distributed = Path.Combine(Directory.CreateDirectory(Path.Combine(_folder, "mpi")).FullName, "model.zip");
        string[] train = ["train", "forecast", "--data", Path.Combine(weather, "train.csv"), "--value-column", "temp_max", "--feature-columns", "temp_min,precipitation",
            "--date-column", "date", "--window", "14", "--horizon", "3", "--hidden", "8", "--dropout", "0", "--epochs", "2", "--batch-size", "16",
            "--validation-fraction", "0.1", "--seed", "2", "--json"];
        var (lines, aloneLines) = RunBoth(train, single, distributed);

        AssertEpochLossesEqual(aloneLines, lines, epochs: 2, "loss", "validationLoss");

        // Every 2015 window's forecast (the held-out year), through a plain ML.NET Model.Load.
        string test = Path.Combine(weather, "test.csv");
        float[][] expected = Forecasts(single, test), actual = Forecasts(distributed, test);
        Assert.Equal(365 - 13, actual.Length);
        float worst = expected.Zip(actual, (e, a) => e.Zip(a, (x, y) => Math.Abs(x - y) / Math.Max(1f, Math.Abs(x))).Max()).Max();
        Assert.True(worst <= 1e-5f, $"the two-process model's forecasts differ from the single process's by up to {worst} (relative)");
    }

    [MpiFact]
    public void TrainLm_TwoProcessesWithTheSameGlobalBatch_EqualOneProcess()
    {
        // A character LSTM on the first 20,000 characters of Moby-Dick in 7 streams: process 0 reads streams 0, 2, 4, 6 of every
        // chunk and process 1 streams 1, 3, 5, each carrying its streams' state; the loss is per predicted character, so the
        // shares count 4/7 and 3/7 (an odd batch, so that weighting them 1/2 each would show).
        string moby = File.ReadAllText(Path.Combine(Sentiment.Repository(), "datasets", "moby-dick", "moby-dick.txt"));
        string data = Path.Combine(_folder, "train.txt"), heldOut = Path.Combine(_folder, "heldout.txt");
        File.WriteAllText(data, moby[..20_000]);
        File.WriteAllText(heldOut, moby[20_000..22_000]);
        string single = Path.Combine(_folder, "single.zip"), distributed = Path.Combine(Directory.CreateDirectory(Path.Combine(_folder, "mpi")).FullName, "model.zip");
        string[] train = ["train", "lm", "--data", data, "--validation", heldOut, "--hidden", "32", "--bptt", "20", "--batch-size", "7", "--dropout", "0",
            "--epochs", "2", "--patience", "5", "--seed", "3", "--json"];
        var (lines, aloneLines) = RunBoth(train, single, distributed);

        AssertEpochLossesEqual(aloneLines, lines, epochs: 2, "loss", "validationLoss");

        using (var one = JsonDocument.Parse(aloneLines[^1]))
        using (var two = JsonDocument.Parse(lines[^1]))
        {
            Assert.Equal(2 * 143, two.RootElement.GetProperty("distributed").GetProperty("steps").GetInt64()); // ⌈⌊19,999 / 7⌋ / 20⌉ chunks an epoch, one step each
            var (expected, actual) = (one.RootElement.GetProperty("validation"), two.RootElement.GetProperty("validation"));
            Assert.Equal(expected.GetProperty("bitsPerToken").GetDouble(), actual.GetProperty("bitsPerToken").GetDouble(), 1e-5);
            Assert.Equal(1999, actual.GetProperty("count").GetInt32());
        }

        // The saved models themselves: every weight within float rounding as Adam amplifies it. Its per-weight normalisation
        // turns the rounding of the split sums (1e-7 relative) into larger steps for weights with tiny gradients, over 286
        // steps: at the default learning rate 0.002 the largest difference was 2.1e-6 with TensorPrimitives' activations and
        // 2.2e-5 with the engine's own (whose roundings differ), 1.1e-4 at 0.01, while the losses agree within 1e-5 in every
        // case. A wrong weighting of the shares moves the losses by 2e-4 (checked above).
        float[] weights = [.. LanguageModel.Load(single).Network.Parameters.Values], distributedWeights = [.. LanguageModel.Load(distributed).Network.Parameters.Values];
        Assert.Equal(weights.Length, distributedWeights.Length);
        float worst = weights.Zip(distributedWeights, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= 1e-4f, $"the two-process model's weights differ from the single process's by up to {worst}");
    }

    /// <summary>
    /// Runs <paramref name="train"/> in one process (model <paramref name="single"/>) and in two under mpirun (model
    /// <paramref name="distributed"/>, alone in its folder), checks that process 0 alone printed (2 epochs + summary, which
    /// reports the 2 processes) and wrote files (the model, no checkpoint or temporary file left), and returns both outputs' lines.
    /// </summary>
    private static (string[] Distributed, string[] Alone) RunBoth(string[] train, string single, string distributed)
    {
        var (code, alone, stderr) = Run("dotnet", [Cli, .. train, "--model", single]);
        Assert.True(code == 0, stderr);
        (code, string stdout, stderr) = Run(MpiFactAttribute.MpiRun, ["-np", "2", "dotnet", Cli, .. train, "--model", distributed, "--distributed"]);
        Assert.True(code == 0, $"exit code {code}: {stderr}");

        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(["model.zip"], Directory.GetFiles(Path.GetDirectoryName(distributed)!).Select(Path.GetFileName));
        using var summary = JsonDocument.Parse(lines[^1]);
        Assert.Equal(2, summary.RootElement.GetProperty("distributed").GetProperty("processes").GetInt32());
        return (lines, alone.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>A seq2seq model's predicted tokens (joined by spaces) and score for each source of a TSV file.</summary>
    private static (string[] Tokens, float[] Scores) Pronounce(string model, string pairs)
    {
        var ml = new MLContext(seed: 1);
        var output = ml.Model.Load(model, out _).Transform(ml.Data.LoadFromTextFile(pairs, [new TextLoader.Column("Source", DataKind.String, 0)], '\t', hasHeader: true));
        return ([.. output.GetColumn<string[]>("PredictedTokens").Select(t => string.Join(' ', t))], [.. output.GetColumn<float[]>("Score").Select(s => s[0])]);
    }

    /// <summary>A forecaster's forecasts for every window of a CSV file, built from the layout saved in the model.</summary>
    private static float[][] Forecasts(string model, string csv)
    {
        var ml = new MLContext(seed: 1);
        var layout = ForecasterOnnx.ReadLayout(ModelZip.Read(model).Find(OnnxMetadata.ForecasterKind)!);
        var rows = ml.Data.LoadFromTextFile(csv, [.. new[] { "date", "precipitation", "temp_max", "temp_min" }.Select((c, i) => new TextLoader.Column(c, DataKind.String, i))], ',', hasHeader: true);
        var windows = ForecastWindowView.Of(layout, ForecastSeries.Read(rows, layout.DateColumn, layout.ValueColumns, layout.InterpolateMissing));
        return [.. ml.Model.Load(model, out _).Transform(windows).GetColumn<float[]>(layout.ForecastColumn)];
    }

    /// <summary>The first <paramref name="count"/> blank-line-separated sentences of a CoNLL file.</summary>
    private static string Sentences(string path, int count) =>
        string.Join("\n\n", File.ReadAllText(path).Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Take(count)) + "\n";

    private static string Cli => Path.Combine(AppContext.BaseDirectory, "mlnet-rnn.dll");

    /// <summary>The named per-epoch figures of the two runs' first <paramref name="epochs"/> JSON lines agree within 1e-5.</summary>
    private static void AssertEpochLossesEqual(string[] expectedLines, string[] actualLines, int epochs, params string[] fields)
    {
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            foreach (string field in fields)
            {
                Assert.Equal(Loss(expectedLines[epoch], field), Loss(actualLines[epoch], field), 1e-5);
            }
        }
    }

    private static double Loss(string epochLine, string field = "loss")
    {
        using var json = JsonDocument.Parse(epochLine);
        return json.RootElement.GetProperty(field).GetDouble();
    }

    /// <summary>The model's class probabilities for each text, through a plain ML.NET <c>Model.Load</c>.</summary>
    private static float[][] Scores(string model, string texts)
    {
        var ml = new MLContext(seed: 1);
        var transformer = ml.Model.Load(model, out _);
        return [.. transformer.Transform(ml.Data.LoadFromTextFile<Review>(texts, hasHeader: true)).GetColumn<float[]>("Score")];
    }

    /// <summary>Runs a program with one engine thread per process (the two processes share the machine's cores).</summary>
    private static (int Code, string Stdout, string Stderr) Run(string program, string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.Environment["MLNETRNN_THREADS"] = "1";
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(180_000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{Path.GetFileName(program)} did not finish within 3 minutes");
        }

        return (process.ExitCode, stdout, stderr.Result);
    }
}
