using MLNetRnn.Classification;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tagging;
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
            return (Weights: TrainClassifier(options, sequences, targets, out var loss), Loss: loss);
        });

        Assert.Equal(members[0].Weights, members[1].Weights); // in step without ever sending weights
        AssertClose(single, members[0].Weights, 1e-5f);
        Assert.Equal(singleLoss, members[0].Loss, 1e-5); // the reported loss is the whole batch's, not the member's
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

    private static void AssertClose(float[] expected, float[] actual, float tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        float worst = expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max();
        Assert.True(worst <= tolerance, $"largest difference {worst} > {tolerance}");
    }
}
