using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Cli;

/// <summary>
/// <c>mpirun.mpich -np 2 mlnet-rnn train classify … --distributed</c> on this machine against the same command in one
/// process: the same global batch gives the same model within float rounding, only process 0 prints and writes files.
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
        var (code, alone, stderr) = Run("dotnet", [Cli, .. train, "--model", single]);
        Assert.True(code == 0, stderr);
        (code, string stdout, stderr) = Run(MpiFactAttribute.MpiRun, ["-np", "2", "dotnet", Cli, .. train, "--model", distributed, "--distributed"]);
        Assert.True(code == 0, $"exit code {code}: {stderr}");

        // Process 0 alone printed (2 epochs + summary) and wrote files: the model, and no checkpoint or temporary file left.
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal(["model.zip"], Directory.GetFiles(Path.GetDirectoryName(distributed)!).Select(Path.GetFileName));
        using (var summary = JsonDocument.Parse(lines[^1]))
        {
            var group = summary.RootElement.GetProperty("distributed");
            Assert.Equal(2, group.GetProperty("processes").GetInt32());
            Assert.True(group.GetProperty("steps").GetInt64() >= 100); // 400 rows in batches of at most 8, per epoch
            Assert.InRange(group.GetProperty("communicationShare").GetDouble(), 0, 1);
        }

        // The same losses per epoch (sums over both processes' rows) and the same model.
        string[] aloneLines = alone.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            Assert.Equal(Loss(aloneLines[epoch]), Loss(lines[epoch]), 1e-5);
        }

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
        for (int epoch = 0; epoch < 2; epoch++)
        {
            Assert.Equal(Loss(aloneLines[epoch]), Loss(lines[epoch]), 1e-5);
        }

        using var one = JsonDocument.Parse(aloneLines[^1]);
        using var two = JsonDocument.Parse(lines[^1]);
        Assert.Equal(2, two.RootElement.GetProperty("distributed").GetProperty("processes").GetInt32());
        Assert.Equal(one.RootElement.GetProperty("validation").GetRawText(), two.RootElement.GetProperty("validation").GetRawText()); // the same tags on every validation token
    }

    /// <summary>The first <paramref name="count"/> blank-line-separated sentences of a CoNLL file.</summary>
    private static string Sentences(string path, int count) =>
        string.Join("\n\n", File.ReadAllText(path).Replace("\r\n", "\n").Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Take(count)) + "\n";

    private static string Cli => Path.Combine(AppContext.BaseDirectory, "mlnet-rnn.dll");

    private static double Loss(string epochLine)
    {
        using var json = JsonDocument.Parse(epochLine);
        return json.RootElement.GetProperty("loss").GetDouble();
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
