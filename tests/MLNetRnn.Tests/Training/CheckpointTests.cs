using System.IO.Compression;
using Microsoft.ML;
using MLNetRnn.Classification;
using MLNetRnn.Layers;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Training;

namespace MLNetRnn.Tests.Training;

/// <summary>
/// Checkpoints and resume through the trainers: a run stopped at any step (cancellation, an exception, a kill) and
/// resumed ends with the weights of a run never stopped, bit for bit; a checkpoint of other settings, other data or
/// damaged bytes is refused with the reason.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnetrnn-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<int, int> StopPoints => new()
    {
        { 1, 5 },   // inside the first epoch
        { 2, 1 },   // just after an epoch's first step
        { 3, 9 },   // the last epoch
    };

    [Theory]
    [MemberData(nameof(StopPoints))]
    public void Classifier_StoppedAtAStepAndResumed_EqualsAnUninterruptedRun(int stopEpoch, int stopStep) => StopAndResume(stopEpoch, stopStep, sparse: false);

    [Fact]
    public void Classifier_WithSparseEmbeddingUpdates_StoppedAndResumed_EqualsAnUninterruptedRun() => StopAndResume(2, 1, sparse: true);

    private void StopAndResume(int stopEpoch, int stopStep, bool sparse)
    {
        var (train, validation) = SentimentIds(out var ml);
        var straightOptions = ClassifierOptions(validation, null);
        straightOptions.SparseEmbeddingUpdates = sparse;
        var straight = (SequenceClassificationModel)ml.MulticlassClassification.Trainers.Lstm(straightOptions).Fit(train);
        string path = Path.Combine(_folder, "classifier.ckpt");

        var stop = new CancellationTokenSource();
        var options = ClassifierOptions(validation, new CheckpointSettings { Path = path, EverySteps = 4, Resume = true });
        options.SparseEmbeddingUpdates = sparse;
        options.CancellationToken = stop.Token;
        options.AfterStep = (epoch, step) =>
        {
            if (epoch == stopEpoch && step == stopStep)
            {
                stop.Cancel();
            }
        };
        var e = Assert.Throws<OperationCanceledException>(() => ml.MulticlassClassification.Trainers.Lstm(options).Fit(train));
        Assert.Contains($"epoch {stopEpoch}, step {stopStep + 1}", e.Message, StringComparison.Ordinal);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);

        var resumedOptions = ClassifierOptions(validation, new CheckpointSettings { Path = path, EverySteps = 4, Resume = true });
        resumedOptions.SparseEmbeddingUpdates = sparse;
        var resumedSteps = new List<(int Epoch, int Step)>();
        var reported = new List<int>();
        resumedOptions.AfterStep = (epoch, step) => resumedSteps.Add((epoch, step));
        resumedOptions.Progress = new Progress(p => reported.Add(p.Epoch));
        var resumed = (SequenceClassificationModel)ml.MulticlassClassification.Trainers.Lstm(resumedOptions).Fit(train);

        // The resumed run took only the steps after the stop, and reported only the epochs it finished itself.
        const int StepsPerEpoch = 15; // 240 rows, batches of 16
        Assert.Equal((stopEpoch, stopStep + 1), resumedSteps[0]);
        Assert.Equal((4 * StepsPerEpoch) - (((stopEpoch - 1) * StepsPerEpoch) + stopStep), resumedSteps.Count);
        Assert.Equal(Enumerable.Range(stopEpoch, 5 - stopEpoch), reported);
        Assert.Equal(Weights(straight), Weights(resumed));
        Assert.Equal(straight.TrainingHistory.Select(h => (h.Epoch, h.TrainingLoss, h.ValidationLoss, h.IsBest)),
            resumed.TrainingHistory.Select(h => (h.Epoch, h.TrainingLoss, h.ValidationLoss, h.IsBest)));
        Assert.Equal(straight.GetOnnxModel(), resumed.GetOnnxModel());
    }

    [Fact]
    public void Classifier_ResumedWithMoreEpochs_ContinuesWhereTheShorterRunEnded()
    {
        var (train, validation) = SentimentIds(out var ml);
        string path = Path.Combine(_folder, "more.ckpt");
        var three = ClassifierOptions(validation, new CheckpointSettings { Path = path, Resume = true });
        three.Epochs = 3;
        ml.MulticlassClassification.Trainers.Lstm(three).Fit(train);

        var four = ClassifierOptions(validation, new CheckpointSettings { Path = path, Resume = true }); // Epochs = 4
        var steps = new List<(int Epoch, int Step)>();
        four.AfterStep = (epoch, step) => steps.Add((epoch, step));
        var resumed = (SequenceClassificationModel)ml.MulticlassClassification.Trainers.Lstm(four).Fit(train);
        var straight = Classifier(ml, train, validation, null);

        Assert.All(steps, s => Assert.Equal(4, s.Epoch));

        Assert.Equal(Weights(straight), Weights(resumed));
        Assert.Equal(4, resumed.TrainingHistory.Count);
    }

    [Fact]
    public void SequenceToSequence_StoppedInsideAnEpochWithScheduledSamplingAndDropout_EqualsAnUninterruptedRun()
    {
        var ml = new MLContext(seed: 1);
        var pairs = Words().Take(160).Select(w => new Pair { Source = w, Target = string.Join(' ', w.Reverse()) }).ToList();
        var data = ml.Data.LoadFromEnumerable(pairs.Take(128));
        var validation = ml.Data.LoadFromEnumerable(pairs.Skip(128));
        var prefix = ml.Transforms.Text.TokenizeCharacters("SourceTokens", "Source").Append(ml.Transforms.Text.MapTokensToIds("SourceIds", "SourceTokens")).Fit(data);
        var train = prefix.Transform(data);
        SequenceToSequenceOptions Options(CheckpointSettings? checkpoint) => new()
        {
            EmbeddingSize = 8, HiddenSize = 8, Epochs = 3, BatchSize = 16, LearningRate = 0.01f, EncoderLayers = 2, Dropout = 0.2f,
            ScheduledSampling = 0.3f, LearningRateDecay = 0.5f, ValidationSet = prefix.Transform(validation), Checkpoint = checkpoint,
        };
        var straight = ml.SequenceToSequence.Trainers.EncoderDecoder(Options(null)).Fit(train);

        string path = Path.Combine(_folder, "seq2seq.ckpt");
        var stop = new CancellationTokenSource();
        var stopped = Options(new CheckpointSettings { Path = path, Resume = true });
        stopped.CancellationToken = stop.Token;
        stopped.AfterStep = (epoch, step) =>
        {
            if (epoch == 2 && step == 3)
            {
                stop.Cancel();
            }
        };
        Assert.Throws<OperationCanceledException>(() => ml.SequenceToSequence.Trainers.EncoderDecoder(stopped).Fit(train));
        var again = Options(new CheckpointSettings { Path = path, Resume = true });
        var steps = new List<(int Epoch, int Step)>();
        again.AfterStep = (epoch, step) => steps.Add((epoch, step));
        var resumed = ml.SequenceToSequence.Trainers.EncoderDecoder(again).Fit(train);

        Assert.Equal((2, 4), steps[0]);
        Assert.Equal(straight.GetOnnxModel(), resumed.GetOnnxModel());
    }

    [Fact]
    public void Resume_WithOtherSettingsOrOtherData_IsRefusedWithTheReason()
    {
        var (train, validation) = SentimentIds(out var ml);
        string path = Path.Combine(_folder, "other.ckpt");
        var first = ClassifierOptions(validation, new CheckpointSettings { Path = path, Resume = true });
        first.Epochs = 1;
        ml.MulticlassClassification.Trainers.Lstm(first).Fit(train);

        var otherRate = ClassifierOptions(validation, new CheckpointSettings { Path = path, Resume = true });
        otherRate.LearningRate = 0.005f;
        var e = Assert.Throws<InvalidOperationException>(() => ml.MulticlassClassification.Trainers.Lstm(otherRate).Fit(train));
        Assert.Contains("learning rate 0.005", e.Message, StringComparison.Ordinal);
        Assert.Contains("learning rate 0.01", e.Message, StringComparison.Ordinal);
        Assert.Contains("delete it to start over", e.Message, StringComparison.Ordinal);

        var fewerRows = ml.Data.TakeRows(train, 150);
        e = Assert.Throws<InvalidOperationException>(() => ml.MulticlassClassification.Trainers.Lstm(ClassifierOptions(validation, new CheckpointSettings { Path = path, Resume = true })).Fit(fewerRows));
        Assert.Contains("other training or validation data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resume_FromADamagedCheckpoint_NamesTheEntry()
    {
        var (train, validation) = SentimentIds(out var ml);
        string path = Path.Combine(_folder, "damaged.ckpt");
        var options = ClassifierOptions(validation, new CheckpointSettings { Path = path, Resume = true });
        options.Epochs = 1;
        ml.MulticlassClassification.Trainers.Lstm(options).Fit(train);

        // Change one weight inside the (stored, uncompressed) weights entry, keeping the zip itself valid.
        string damaged = Path.Combine(_folder, "flipped.ckpt");
        using (var source = ZipFile.OpenRead(path))
        using (var target = ZipFile.Open(damaged, ZipArchiveMode.Create))
        {
            foreach (var entry in source.Entries)
            {
                using var input = entry.Open();
                var bytes = new MemoryStream();
                input.CopyTo(bytes);
                byte[] content = bytes.ToArray();
                if (entry.FullName == "weights.npy")
                {
                    content[^3] ^= 0x40;
                }

                using var output = target.CreateEntry(entry.FullName).Open();
                output.Write(content);
            }
        }

        var again = ClassifierOptions(validation, new CheckpointSettings { Path = damaged, Resume = true });
        var e = Assert.Throws<InvalidDataException>(() => ml.MulticlassClassification.Trainers.Lstm(again).Fit(train));
        Assert.Contains("'weights.npy' does not match its SHA-256", e.Message, StringComparison.Ordinal);

        File.WriteAllText(damaged, "not a zip");
        e = Assert.Throws<InvalidDataException>(() => ml.MulticlassClassification.Trainers.Lstm(again).Fit(train));
        Assert.Contains("damaged or not a checkpoint", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Checkpoint_HoldsTheSameArraysForTheSameState_AndNoTemporaryFileRemains()
    {
        var (train, validation) = SentimentIds(out var ml);
        string a = Path.Combine(_folder, "a.ckpt"), b = Path.Combine(_folder, "b.ckpt");
        foreach (string path in new[] { a, b })
        {
            var options = ClassifierOptions(validation, new CheckpointSettings { Path = path });
            options.Epochs = 1;
            ml.MulticlassClassification.Trainers.Lstm(options).Fit(train);
        }

        // Only the timings in checkpoint.json differ between two runs.
        static Dictionary<string, byte[]> Arrays(string path)
        {
            using var zip = ZipFile.OpenRead(path);
            return zip.Entries.Where(e => e.FullName.EndsWith(".npy", StringComparison.Ordinal)).ToDictionary(e => e.FullName, e =>
            {
                using var s = e.Open();
                var m = new MemoryStream();
                s.CopyTo(m);
                return m.ToArray();
            });
        }

        var (arraysA, arraysB) = (Arrays(a), Arrays(b));
        Assert.Equal(["adam_m.npy", "adam_v.npy", "best.npy", "weights.npy"], arraysA.Keys.Order());
        Assert.All(arraysA, kv => Assert.Equal(kv.Value, arraysB[kv.Key]));
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp", SearchOption.AllDirectories));
    }

    private static (IDataView Train, IDataView Validation) SentimentIds(out MLContext ml)
    {
        ml = new MLContext(seed: 1);
        var data = Sentiment.Load(ml, "train.tsv", 240);
        var prefix = Sentiment.Prefix(ml).Fit(data);
        return (prefix.Transform(data), prefix.Transform(Sentiment.Load(ml, "validation.tsv", 60)));
    }

    private static SequenceClassificationOptions ClassifierOptions(IDataView validation, CheckpointSettings? checkpoint) => new()
    {
        FeatureColumnName = "Ids", EmbeddingSize = 8, HiddenSize = 8, NumberOfLayers = 2, Bidirectional = true, Dropout = 0.3f,
        Epochs = 4, BatchSize = 16, LearningRate = 0.01f, EarlyStoppingPatience = 4, ValidationSet = validation, Checkpoint = checkpoint,
    };

    private static SequenceClassificationModel Classifier(MLContext ml, IDataView train, IDataView validation, CheckpointSettings? checkpoint) =>
        (SequenceClassificationModel)ml.MulticlassClassification.Trainers.Lstm(ClassifierOptions(validation, checkpoint)).Fit(train);

    private static byte[] Weights(RecurrentModel model) => model.GetOnnxModel();

    private static IEnumerable<string> Words() => File.ReadLines(Sentiment.Dataset("train.tsv")).Skip(1)
        .SelectMany(l => l.Split('\t')[0].ToLowerInvariant().Split(' '))
        .Where(w => w.Length is >= 2 and <= 6 && w.All(char.IsAsciiLetterLower)).Distinct();

    /// <summary>Calls back on the training thread.</summary>
    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    private sealed class Pair
    {
        public string Source { get; set; } = string.Empty;

        public string Target { get; set; } = string.Empty;
    }
}
