using Microsoft.ML;
using MLNetRnn.Classification;
using MLNetRnn.Forecasting;
using MLNetRnn.LanguageModeling;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Tagging;
using MLNetRnn.Tests.Forecasting;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Training;

namespace MLNetRnn.Tests.Training;

/// <summary>
/// Data-parallel training without MPI: two training loops on two threads joined by <see cref="ThreadGroup"/>. The split
/// batch's reduced gradient is the whole batch's, and two members train to a single process's weights (and to each
/// other's, bit for bit). The MPI run itself is <c>Cli.DistributedCliTests</c>.
/// </summary>
public sealed class DataParallelTests
{
    private static readonly string[] Vocabulary = ["<PAD>", "<UNK>", .. Enumerable.Range(2, 18).Select(i => $"w{i}")];

    [Fact]
    public void Shard_TakesEverySizethRowFromTheRank()
    {
        int[] rows = [10, 11, 12, 13, 14];
        Assert.Equal([10, 12, 14], DataParallelStep.Shard(rows, 0, 2));
        Assert.Equal([11, 13], DataParallelStep.Shard(rows, 1, 2));
        Assert.Equal([12], DataParallelStep.Shard([10, 11, 12], 2, 3));
        Assert.Empty(DataParallelStep.Shard([10, 11], 2, 3)); // a batch smaller than the group leaves a member idle
    }

    [Fact]
    public void Shard_ReusesOneArrayPerLength_AndAllocatesNothingOnceEachLengthIsMet()
    {
        var reuse = new ShardArrays();
        int[] batch = [100, 101, 102, 103, 104, 105, 106, 107, 108], last = [7, 8, 9];
        int[] first = DataParallelStep.Shard(batch, 1, 2, reuse);
        Assert.Equal([101, 103, 105, 107], first);
        Assert.Equal([100, 102, 104, 106, 108], DataParallelStep.Shard(batch, 0, 2, reuse));
        Assert.Equal([7, 9], DataParallelStep.Shard(last, 0, 2, reuse));
        Assert.Equal([8], DataParallelStep.Shard(last, 1, 2, reuse));
        Assert.Empty(DataParallelStep.Shard([1], 1, 2, reuse));

        long before = GC.GetAllocatedBytesForCurrentThread();
        int[] again = first;
        for (int step = 0; step < 100; step++)
        {
            again = DataParallelStep.Shard(batch, step % 2, 2, reuse); // 5 or 4 rows
            DataParallelStep.Shard(last, step % 2, 2, reuse);
            DataParallelStep.Shard(last, 3, 4, reuse); // none
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, allocated);
        Assert.Same(first, again); // step 99 took rank 1's four rows into the same array
        Assert.Equal([101, 103, 105, 107], again);
    }

    [Theory]
    [InlineData(5)] // shards of 3 and 2 rows: each member's gradient must count 3/5 and 2/5, not 1/2
    [InlineData(1)] // member 1 has no rows at all
    public void Train_TwoShardsGiveTheWholeBatchsLossAndGradient(int batchSize)
    {
        var (sequences, targets) = Rows(batchSize, 3);
        int[] rows = [.. Enumerable.Range(0, batchSize)];
        var whole = Network();
        whole.Parameters.ZeroGrad();
        double loss = TrainBatch(whole, sequences, targets)(rows).LossSum;
        float[] expected = whole.Parameters.Gradients.ToArray();

        var members = ThreadGroup.Run(2, group =>
        {
            var network = Network();
            network.Parameters.ZeroGrad();
            var (batch, cancel) = DataParallelStep.Train(group, network.Parameters, rows, TrainBatch(network, sequences, targets), cancel: group.Rank == 1);
            return (batch, cancel, Gradient: network.Parameters.Gradients.ToArray());
        });

        foreach (var (batch, cancel, gradient) in members)
        {
            Assert.Equal(loss, batch.LossSum, 1e-9);
            Assert.Equal(batchSize, batch.Units);
            Assert.True(cancel); // member 1's cancellation reaches both
            Assert.Equal(expected.Length, gradient.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                Assert.True(Math.Abs(expected[i] - gradient[i]) <= 1e-6f + (1e-5f * Math.Abs(expected[i])), $"gradient {i}: {gradient[i]} vs the whole batch's {expected[i]}");
            }
        }

        Assert.Equal(members[0].Gradient, members[1].Gradient);
    }

    [Fact]
    public void Classifier_TwoMembersTrainToTheSingleProcessWeights()
    {
        var (sequences, targets) = Rows(43, 5);
        SequenceClassificationOptions Options() => new()
        {
            EmbeddingSize = 6, HiddenSize = 5, Epochs = 3, BatchSize = 5, Dropout = 0f, TokenDropout = 0.2f, Seed = 3, ValidationFraction = 0f,
        };
        float[] single = TrainClassifier(Options(), sequences, targets, out var singleLoss);
        var members = ThreadGroup.Run(2, group =>
        {
            var options = Options();
            options.DataParallelGroup = group;
            if (group.Rank == 1)
            {
                Thread.Sleep(200); // a late start: member 0 waits in the first weight check, not in a step
            }

            return (Weights: TrainClassifier(options, sequences, targets, out var loss), Loss: loss, Group: group);
        });

        Assert.Equal(members[0].Weights, members[1].Weights); // in step without ever sending weights
        AssertClose(single, members[0].Weights, 1e-5f);
        Assert.Equal(singleLoss, members[0].Loss, 1e-5); // the reported loss is the whole batch's, not the member's
        var first = members[0].Group;
        Assert.True(first.Steps >= 27, $"{first.Steps} steps"); // 3 epochs of at least ⌈43 / 5⌉ batches
        Assert.True(first.CommunicationTime >= TimeSpan.FromMilliseconds(150), $"{first.CommunicationTime}");
        Assert.True(first.StepCommunicationTime <= first.StepTime, $"the steps' all-reduce time {first.StepCommunicationTime} exceeds their time {first.StepTime}");
    }

    [Fact]
    public void Tagger_TwoMembersWeightTheirGradientsByTokens()
    {
        // Per-token loss: shards with different token counts must be weighted by them.
        int[][] words = [[2, 5, 3], [7], [4, 8, 1, 6, 2], [3, 3], [9, 2, 4, 4], [6, 5], [2, 2, 2, 9, 8, 7, 1]];
        int[][] tags = [[0, 2, 1], [1], [2, 2, 0, 1, 0], [1, 2], [0, 0, 1, 2], [2, 1], [0, 1, 2, 0, 1, 2, 0]];
        SequenceTaggingOptions Options() => new() { EmbeddingSize = 4, HiddenSize = 5, Epochs = 3, BatchSize = 3, Dropout = 0f, Seed = 11 };
        float[] Train(SequenceTaggingOptions o) => new SequenceTaggingTrainer(o).TrainNetwork(10, 3, words, tags, null, new Progress<TrainingProgress>()).Parameters.Values.ToArray();
        float[] single = Train(Options());
        var members = ThreadGroup.Run(2, group =>
        {
            var options = Options();
            options.DataParallelGroup = group;
            return Train(options);
        });

        Assert.Equal(members[0], members[1]);
        AssertClose(single, members[0], 1e-5f);
    }

    [Fact]
    public void SequenceToSequence_TwoMembersWeightTheirGradientsByTargetTokens()
    {
        // Targets of 2–7 tokens (+ <EOS>): the loss is per target token, so shards with different token counts must be weighted by them.
        var random = new SeededRandom(20240501);
        var pairs = Enumerable.Range(0, 37).Select(_ => new string([.. Enumerable.Range(0, 2 + random.NextInt(6)).Select(_ => (char)('a' + random.NextInt(8)))]))
            .Select(w => new Pair { Source = w, Target = string.Join(' ', w.Reverse()) }).ToArray();
        (float[] Weights, double[] Losses) Train(DataParallelGroup? group)
        {
            var ml = new MLContext(seed: 1);
            var data = ml.Data.LoadFromEnumerable(pairs[..30]);
            var prefix = ml.Transforms.Text.TokenizeCharacters("SourceTokens", "Source").Append(ml.Transforms.Text.MapTokensToIds("SourceIds", "SourceTokens")).Fit(data);
            var options = new SequenceToSequenceOptions
            {
                EmbeddingSize = 6, HiddenSize = 6, Epochs = 3, BatchSize = 5, LearningRate = 0.01f, Dropout = 0f, LabelSmoothing = 0.1f, Seed = 4,
                ValidationSet = prefix.Transform(ml.Data.LoadFromEnumerable(pairs[30..])), DataParallelGroup = group,
            };
            var model = ml.SequenceToSequence.Trainers.EncoderDecoder(options).Fit(prefix.Transform(data));
            return (model.Parameters.Values.ToArray(), [.. model.TrainingHistory.Select(h => h.TrainingLoss)]);
        }

        AssertTwoMembersEqualOneProcess(Train);
    }

    [Fact]
    public void Forecaster_TwoMembersTrainToTheSingleProcessWeights()
    {
        // The loss unit is a window (each has K values): shards of 3 and 2 windows count 3/5 and 2/5.
        var (values, covariate) = ForecastData.LeadingIndicator(90, 8);
        (float[] Weights, double[] Losses) Train(DataParallelGroup? group)
        {
            var ml = new MLContext(seed: 1);
            var options = new SequenceForecastingOptions
            {
                ValueColumnName = "Value", FeatureColumnNames = ["Covariate"], DateColumnName = "Date", WindowSize = 6, Horizon = 3,
                HiddenSize = 5, Epochs = 3, BatchSize = 5, Dropout = 0f, ValidationFraction = 0.2f, Seed = 6, DataParallelGroup = group,
            };
            var model = ml.Forecasting.Trainers.Gru(options).Fit(ForecastData.Daily(ml, values, covariate));
            return (model.Parameters.Values.ToArray(), [.. model.TrainingHistory.Select(h => h.TrainingLoss)]);
        }

        AssertTwoMembersEqualOneProcess(Train);
    }

    [Fact]
    public void Forecaster_ThrowsOnEveryMemberWhenTheMembersReadDifferentSeries()
    {
        var (values, covariate) = ForecastData.LeadingIndicator(60, 8);
        var errors = ThreadGroup.Run(2, group =>
        {
            var ml = new MLContext(seed: 1);
            var options = new SequenceForecastingOptions
            {
                ValueColumnName = "Value", FeatureColumnNames = ["Covariate"], DateColumnName = "Date", WindowSize = 6, Horizon = 2,
                HiddenSize = 4, Epochs = 1, Dropout = 0f, ValidationFraction = 0f, DataParallelGroup = group,
            };
            float[] mine = [.. values.Select(v => v + group.Rank)]; // member 1's series is shifted by one
            return Record.Exception(() => ml.Forecasting.Trainers.Gru(options).Fit(ForecastData.Daily(ml, mine, covariate)));
        });

        Assert.All(errors, e => Assert.Contains("hold different weights, optimizer state, batch order or data", Assert.IsType<InvalidOperationException>(e).Message, StringComparison.Ordinal));
    }

    [Fact]
    public void LanguageModel_TwoMembersGiveEachChunksWholeBatchLossAndGradient()
    {
        // 5 streams of 11 steps in chunks of 4, 4 and 3: member 0 reads streams 0, 2, 4 of every chunk and member 1 streams 1, 3,
        // so their gradients count 3/5 and 2/5; chunks 2 and 3 start from the state each stream ended the chunk before with.
        var random = new SeededRandom(20240501);
        int[] ids = [.. Enumerable.Range(0, 56).Select(_ => 4 + random.NextInt(8))];
        var streams = new TokenStreams(ids, 5, 4);
        int[][] plan = streams.Plan();
        Assert.Equal(3, plan.Length);
        LanguageModelNetwork NewNetwork() => new(new LanguageModelArchitecture(12, RecurrentCellType.Lstm, false, 5, 6, 2, 0f), new SeededRandom(9));

        var whole = NewNetwork();
        var wholeStep = new ChunkStep(whole, streams, null);
        var expected = plan.Select(rows =>
        {
            whole.Parameters.ZeroGrad();
            return (Batch: wholeStep.Train(rows), Gradient: whole.Parameters.Gradients.ToArray());
        }).ToList();

        var members = ThreadGroup.Run(2, group =>
        {
            var network = NewNetwork();
            var step = new ChunkStep(network, streams, group);
            var chunks = plan.Select(rows =>
            {
                network.Parameters.ZeroGrad();
                return (DataParallelStep.Train(group, network.Parameters, rows, step.Train, cancel: false).Batch, Gradient: network.Parameters.Gradients.ToArray());
            }).ToList();
            return (Streams: step.Streams.ToArray(), Chunks: chunks);
        });

        Assert.Equal([0, 2, 4], members[0].Streams);
        Assert.Equal([1, 3], members[1].Streams);
        foreach (var (_, chunks) in members)
        {
            for (int k = 0; k < plan.Length; k++)
            {
                Assert.Equal(expected[k].Batch.LossSum, chunks[k].Batch.LossSum, 1e-9);
                Assert.Equal(expected[k].Batch.Units, chunks[k].Batch.Units); // T·B predicted tokens
                AssertClose(expected[k].Gradient, chunks[k].Gradient, 1e-5f);
            }
        }

        Assert.Equal(members[0].Chunks.Select(c => c.Gradient), members[1].Chunks.Select(c => c.Gradient));
    }

    [Fact]
    public void LanguageModel_TwoMembersTrainToTheSingleProcessWeights()
    {
        // 5 streams split 3 / 2 between the members, a two-layer LSTM, validation scored (and early stopping decided) by both.
        string text = string.Concat(Enumerable.Repeat("the cat sat on the mat, the rat ran to the hat. ", 12));
        (float[] Weights, double[] Losses) Train(DataParallelGroup? group)
        {
            var model = new LanguageModelTrainer(new LanguageModelOptions
            {
                EmbeddingSize = 6, HiddenSize = 10, NumberOfLayers = 2, Bptt = 7, BatchSize = 5, Epochs = 3, LearningRate = 0.01f, Dropout = 0f, Seed = 4,
                DataParallelGroup = group,
            }).Fit(text, "the rat sat on the cat. ");
            return (model.Network.Parameters.Values.ToArray(), [.. model.TrainingHistory.SelectMany(h => new[] { h.TrainingLoss, h.ValidationLoss!.Value })]);
        }

        AssertTwoMembersEqualOneProcess(Train);
    }

    [Fact]
    public void LanguageModel_ThrowsOnEveryMemberWhenTheMembersReadDifferentText()
    {
        var errors = ThreadGroup.Run(2, group => Record.Exception(() => new LanguageModelTrainer(new LanguageModelOptions
        {
            HiddenSize = 4, EmbeddingSize = 3, Bptt = 5, BatchSize = 2, Epochs = 1, DataParallelGroup = group,
        }).Fit(group.Rank == 0 ? "the cat sat on the mat" : "the cat sat on the hat")));

        Assert.All(errors, e => Assert.Contains("hold different weights, optimizer state, batch order or data", Assert.IsType<InvalidOperationException>(e).Message, StringComparison.Ordinal));
    }

    [Fact]
    public void LanguageModelOptions_RefuseFewerStreamsThanProcesses()
    {
        var options = new LanguageModelOptions { BatchSize = 2, DataParallelGroup = ThreadGroup.Create(3)[0] };
        var e = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(nameof(LanguageModelOptions.BatchSize), e.ParamName);
        Assert.Contains("must be at least the DataParallelGroup's 3 processes, got 2", e.Message, StringComparison.Ordinal);
        options.BatchSize = 3;
        options.Validate();
    }

    [Fact]
    public void Run_ThrowsOnEveryMemberWhenTheMembersStartDifferently()
    {
        var (sequences, targets) = Rows(20, 5);
        var errors = ThreadGroup.Run(2, group =>
        {
            var options = new SequenceClassificationOptions { EmbeddingSize = 4, HiddenSize = 3, Epochs = 1, Seed = 1 + group.Rank, ValidationFraction = 0f, DataParallelGroup = group };
            return Record.Exception(() => TrainClassifier(options, sequences, targets, out _));
        });

        Assert.All(errors, e => Assert.Contains("hold different weights", Assert.IsType<InvalidOperationException>(e).Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Options_RefuseSparseEmbeddingUpdatesInAGroup()
    {
        var options = new SequenceClassificationOptions { SparseEmbeddingUpdates = true, DataParallelGroup = ThreadGroup.Create(2)[0] };
        var e = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Equal(nameof(SequenceClassificationOptions.SparseEmbeddingUpdates), e.ParamName);
        options.DataParallelGroup = ThreadGroup.Create(1)[0]; // a group of one is a single process
        options.Validate();
    }

    private static float[] TrainClassifier(SequenceClassificationOptions options, int[][] sequences, int[] targets, out double lastLoss)
    {
        var history = new List<TrainingProgress>();
        var network = new SequenceClassificationTrainer(options).TrainNetwork(Vocabulary, 2, sequences, targets, null, new Recorder(history, null), history);
        lastLoss = history[^1].TrainingLoss;
        return network.Parameters.Values.ToArray();
    }

    private static SequenceClassifierNetwork Network() =>
        new(new ClassifierArchitecture(Vocabulary.Length, 2, RecurrentCellType.Gru, 6, 5, 1, true, 0f, SequencePooling.Max), new SeededRandom(7));

    private static Func<int[], BatchLoss> TrainBatch(SequenceClassifierNetwork network, int[][] sequences, int[] targets) => rows =>
    {
        var batch = SequenceBatch.Create(sequences, rows);
        double loss = network.Forward(batch, true, rows.Select(r => targets[r]).ToArray(), default);
        network.Backward();
        return new BatchLoss(loss * rows.Length, rows.Length, batch.TokenCount);
    };

    /// <summary>Rows of 1–8 ids in [2, 20); the class is whether id 7 occurs.</summary>
    private static (int[][] Sequences, int[] Targets) Rows(int count, int seed)
    {
        var random = new SeededRandom(seed);
        int[][] sequences = [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, 1 + random.NextInt(8)).Select(_ => 2 + random.NextInt(18)).ToArray())];
        return (sequences, [.. sequences.Select(s => s.Contains(7) ? 1 : 0)]);
    }

    private sealed class Pair
    {
        public string Source { get; set; } = string.Empty;

        public string Target { get; set; } = string.Empty;
    }

    /// <summary>Two in-process members train to the same weights as each other and as one process, with the same losses per epoch.</summary>
    private static void AssertTwoMembersEqualOneProcess(Func<DataParallelGroup?, (float[] Weights, double[] Losses)> train)
    {
        var single = train(null);
        var members = ThreadGroup.Run(2, group => train(group));
        Assert.Equal(members[0].Weights, members[1].Weights);
        AssertClose(single.Weights, members[0].Weights, 1e-5f);
        Assert.Equal(single.Losses, members[0].Losses, (a, b) => Math.Abs(a - b) <= 1e-6);
    }

    private static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= tolerance, $"largest difference {worst} > {tolerance}");
    }
}
