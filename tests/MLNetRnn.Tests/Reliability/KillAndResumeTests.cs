using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using System.IO.Compression;
using MLNetRnn.Tests.Cli;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// <c>mlnet-rnn train</c> as a real process, killed (SIGKILL) at random moments several times and resumed with
/// <c>--resume</c>, ends with the model of a run never killed; Ctrl+C (SIGINT) and SIGTERM stop it at a batch boundary
/// with a final checkpoint, exit code 130 and the command to continue.
/// </summary>
public sealed class KillAndResumeTests : IClassFixture<KillAndResumeTests.Uninterrupted>
{
    private readonly Uninterrupted _straight;

    public KillAndResumeTests(Uninterrupted straight) => _straight = straight;

    [Fact]
    public void KilledThreeTimesAtRandomSteps_ResumedRunSavesTheSameModel()
    {
        string model = Path.Combine(_straight.Directory, $"killed-{Guid.NewGuid():N}.zip");
        string checkpoint = model + ".ckpt";
        var random = new Random(20261129);
        int kills = 0;
        var positions = new List<(int Epoch, int Step)>();

        // First run, then two resumed runs, each killed by SIGKILL a random moment after it saved a new checkpoint.
        for (int attempt = 0; attempt < 3; attempt++)
        {
            DateTime before = File.Exists(checkpoint) ? File.GetLastWriteTimeUtc(checkpoint) : DateTime.MinValue;
            using var run = Start(_straight.Arguments(model, attempt == 0 ? [] : ["--resume", checkpoint]));
            if (WaitFor(() => File.Exists(checkpoint) && File.GetLastWriteTimeUtc(checkpoint) > before, run))
            {
                Thread.Sleep(random.Next(0, 300));
                run.Kill();
                kills++;
            }

            run.WaitForExit();
            positions.Add(Position(checkpoint));
        }

        // Each resumed run saved a later position than the run before it: it continued, it did not start over.
        Assert.True(positions.Zip(positions.Skip(1)).All(p => p.First.CompareTo(p.Second) < 0), string.Join(" → ", positions));
        Assert.True(kills >= 2, $"only {kills} of 3 runs were still training when the kill came; the run is too short for the test");
        Assert.False(File.Exists(model), "a killed run must not leave a model");

        var (code, stdout, stderr) = CliProcess.Run(_straight.Arguments(model, ["--resume", checkpoint]));
        Assert.True(code == 0, stderr);
        Assert.Contains("\"epochs\":6", stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1], StringComparison.Ordinal);
        AssertSameModel(_straight.ModelPath, model);
        Assert.False(File.Exists(checkpoint), "the checkpoint is removed once the model is saved");
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void Signal_StopsAtABatchBoundaryWithACheckpoint_ThenResumeFinishesTheSameModel(string signal)
    {
        string model = Path.Combine(_straight.Directory, $"signal-{signal}.zip");
        string checkpoint = model + ".ckpt";
        using (var run = Start(_straight.Arguments(model, [])))
        {
            Assert.True(WaitFor(() => File.Exists(checkpoint), run), "the run ended before its first checkpoint");
            using (var kill = Process.Start("kill", ["-s", signal, run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                kill.WaitForExit();
            }

            string stderr = run.StandardError.ReadToEnd();
            run.WaitForExit();
            Assert.Equal(130, run.ExitCode);
            Assert.StartsWith("interrupted: Training was cancelled at epoch ", stderr, StringComparison.Ordinal);
            Assert.Contains($"To continue, run the same command with --resume {checkpoint}", stderr, StringComparison.Ordinal);
        }

        Assert.True(File.Exists(checkpoint));
        var (code, _, error) = CliProcess.Run(_straight.Arguments(model, ["--resume", checkpoint]));
        Assert.True(code == 0, error);
        AssertSameModel(_straight.ModelPath, model);
    }

    [Fact]
    public void Resume_WithOtherSettings_IsAOneLineErrorNamingBoth()
    {
        string model = Path.Combine(_straight.Directory, "settings.zip");
        string checkpoint = model + ".ckpt";
        using (var run = Start(_straight.Arguments(model, [])))
        {
            Assert.True(WaitFor(() => File.Exists(checkpoint), run), "the run ended before its first checkpoint");
            run.Kill();
            run.WaitForExit();
        }

        string line = CliProcess.RunFailing(_straight.Arguments(model, ["--resume", checkpoint], hidden: 12));
        Assert.Contains("HiddenSize = 16", line, StringComparison.Ordinal);
        Assert.Contains("HiddenSize = 12", line, StringComparison.Ordinal);
    }

    /// <summary>What a model does: its scores on the validation file through a plain <c>Model.Load</c>.</summary>
    private static float[][] Scores(string path)
    {
        var ml = new MLContext(seed: 1);
        var model = ml.Model.Load(path, out _);
        var texts = ml.Data.LoadFromTextFile<Review>(Sentiment.Dataset("validation.tsv"), hasHeader: true);
        return model.Transform(texts).GetColumn<float[]>("Score").ToArray();
    }

    /// <summary>The resumed run's model file is byte for byte the uninterrupted run's, and scores the same.</summary>
    private static void AssertSameModel(string expected, string actual)
    {
        byte[] a = File.ReadAllBytes(expected), b = File.ReadAllBytes(actual);
        int first = a.AsSpan().CommonPrefixLength(b);
        Assert.True(a.AsSpan().SequenceEqual(b), $"'{actual}' ({b.Length} bytes) differs from '{expected}' ({a.Length} bytes) from byte {first}");
        var (scoresA, scoresB) = (Scores(expected), Scores(actual));
        Assert.Equal(scoresA.Length, scoresB.Length);
        Assert.All(scoresA.Zip(scoresB), p => Assert.Equal(p.First, p.Second));
    }

    /// <summary>The (epoch, step) a checkpoint continues from, read from its manifest.</summary>
    private static (int Epoch, int Step) Position(string checkpoint)
    {
        using var zip = ZipFile.OpenRead(checkpoint);
        using var manifest = zip.GetEntry("checkpoint.json")!.Open();
        var root = System.Text.Json.JsonDocument.Parse(manifest).RootElement;
        return (root.GetProperty("epoch").GetInt32(), root.GetProperty("step").GetInt32());
    }

    private static Process Start(string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mlnet-rnn.dll"));
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { }; // drain stdout so the child never blocks on a full pipe
        process.BeginOutputReadLine();
        return process;
    }

    /// <summary>Polls until <paramref name="condition"/> holds (true) or the process exits or a minute passes (false).</summary>
    private static bool WaitFor(Func<bool> condition, Process run)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(1))
        {
            if (condition())
            {
                return true;
            }

            if (run.HasExited)
            {
                return false;
            }

            Thread.Sleep(5);
        }

        return false;
    }

    private sealed class Review
    {
        [LoadColumn(0)]
        public string Text { get; set; } = string.Empty;
    }

    /// <summary>The run never interrupted, and the arguments every run of these tests shares.</summary>
    public sealed class Uninterrupted : IDisposable
    {
        public const int Epochs = 6;

        public Uninterrupted()
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("mlnetrnn-kill-").FullName;
            ModelPath = Path.Combine(Directory, "straight.zip");
            var (code, _, stderr) = CliProcess.Run(Arguments(ModelPath, []));
            Assert.True(code == 0, stderr);
        }

        public string Directory { get; }

        public string ModelPath { get; }

        public string[] Arguments(string model, string[] extra, int hidden = 16) =>
        [
            "train", "classify", "--data", Sentiment.Dataset("train.tsv"), "--validation", Sentiment.Dataset("validation.tsv"), "--model", model,
            "--embedding", "16", "--hidden", hidden.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bidirectional", "--dropout", "0.2", "--epochs", Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--patience", "6", "--checkpoint-every", "8", "--cell", "lstm", "--pooling", "final", "--token-dropout", "0", "--json", .. extra, // the run length this test was sized for
        ];

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
