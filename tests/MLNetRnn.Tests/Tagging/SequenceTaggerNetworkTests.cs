using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tagging;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Training;

namespace MLNetRnn.Tests.Tagging;

/// <summary>The whole tagger network (embedding → stack → dense per token → softmax or CRF) against finite differences,
/// ragged batches against one sentence at a time, and a rule it can only learn by reading right to left.</summary>
public sealed class SequenceTaggerNetworkTests
{
    internal static readonly int[][] Sentences = [[2, 5, 3], [7], [4, 8, 1, 6, 2], [3, 3]];
    internal static readonly int[][] Gold = [[0, 2, 1], [1], [2, 2, 0, 1, 0], [1, 2]];

    [Theory]
    [InlineData(false, RecurrentCellType.Lstm, true, 2)]
    [InlineData(false, RecurrentCellType.Gru, false, 1)]
    [InlineData(true, RecurrentCellType.Lstm, true, 1)]
    [InlineData(true, RecurrentCellType.SimpleRnn, true, 2)]
    public void Backward_MatchesFiniteDifferences(bool crf, RecurrentCellType cell, bool bidirectional, int layers)
    {
        var network = new SequenceTaggerNetwork(new TaggerArchitecture(9, 3, cell, 4, 5, layers, bidirectional, 0f, crf), new SeededRandom(20240501));
        int[] rows = [0, 1, 2, 3];
        var batch = SequenceBatch.Create(Sentences, rows);
        int[] tags = SequenceTaggingTrainer.TimeMajor(Gold, rows, batch.TimeSteps);

        // The mean loss gives deep weights gradients near float32 noise; scale it so the check has signal.
        const float Scale = 100f;
        double Loss() => Scale * network.Forward(batch, false, tags);

        network.Parameters.ZeroGrad();
        network.Forward(batch, true, tags); // dropout is 0, so training mode computes the same loss
        network.Backward();
        float[] grads = [.. network.Parameters.Gradients.ToArray().Select(g => g * Scale)];
        foreach (var p in network.Parameters.Parameters)
        {
            GradientCheck.Run(network.Parameters.ValueArray, p.Offset, grads.AsSpan(p.Offset, p.Length), Loss, p.Name, maxChecks: 40);
        }

        Assert.Equal(crf, network.Parameters.Parameters.Any(p => p.Name == "crf.transitions"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RaggedBatch_GivesTheSameTagsAndLossesAsOneSentenceAtATime(bool crf)
    {
        var network = new SequenceTaggerNetwork(new TaggerArchitecture(9, 4, RecurrentCellType.Lstm, 4, 6, 2, true, 0f, crf), new SeededRandom(3));
        int[] all = [0, 1, 2, 3];
        var batch = SequenceBatch.Create(Sentences, all);
        int[][] together = network.Predict(batch);
        double batchLoss = network.Forward(batch, false, SequenceTaggingTrainer.TimeMajor(Gold, all, batch.TimeSteps));
        double weighted = 0;
        for (int r = 0; r < Sentences.Length; r++)
        {
            var one = SequenceBatch.Create(Sentences, [r]);
            Assert.Equal(network.Predict(one)[0], together[r]);
            double loss = network.Forward(one, false, SequenceTaggingTrainer.TimeMajor(Gold, [r], one.TimeSteps));
            weighted += loss * (crf ? 1 : Sentences[r].Length); // CRF: mean over sentences; softmax: mean over tokens
        }

        // float32 GEMMs of different batch shapes round differently; padding leaking in would move the loss far more.
        Assert.Equal(weighted / (crf ? Sentences.Length : Sentences.Sum(s => s.Length)), batchLoss, 1e-6);
        Assert.Equal([3, 1, 5, 2], together.Select(t => t.Length));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Train_LearnsATagThatDependsOnTheNextWord(bool crf)
    {
        // Words 2..9; a token's tag is 1 when the next word is even, 0 when odd, 2 at the end of the sentence. Only the
        // right-to-left direction sees the next word.
        var random = new Random(20240501);
        (int[][] Words, int[][] Tags) Make(int count)
        {
            var words = new int[count][];
            var tags = new int[count][];
            for (int s = 0; s < count; s++)
            {
                words[s] = [.. Enumerable.Range(0, random.Next(1, 9)).Select(_ => random.Next(2, 10))];
                tags[s] = [.. words[s].Select((_, i) => i == words[s].Length - 1 ? 2 : words[s][i + 1] % 2 == 0 ? 1 : 0)];
            }

            return (words, tags);
        }

        var (trainWords, trainTags) = Make(600);
        var (testWords, testTags) = Make(200);
        var trainer = new SequenceTaggingTrainer(new SequenceTaggingOptions
        {
            CellType = RecurrentCellType.Gru, EmbeddingSize = 8, HiddenSize = 16, Crf = crf, Epochs = 12, BatchSize = 16, LearningRate = 0.01f, Seed = 5,
        });
        var network = trainer.TrainNetwork(10, 3, trainWords, trainTags, null, new Progress<TrainingProgress>()); // reports are not read
        int[] rows = [.. Enumerable.Range(0, testWords.Length)];
        int[][] predicted = network.Predict(SequenceBatch.Create(testWords, rows));
        int wrong = testTags.Select((gold, s) => gold.Where((g, i) => predicted[s][i] != g).Count()).Sum();
        Assert.Equal(0, wrong);
    }

    [Fact]
    public void Forward_ThrowsWhenTagsDoNotFitTheBatch()
    {
        var network = new SequenceTaggerNetwork(new TaggerArchitecture(9, 3, RecurrentCellType.Lstm, 4, 5, 1, true, 0f, false), new SeededRandom(1));
        var batch = SequenceBatch.Create(Sentences, [0, 1]);
        var e = Assert.Throws<ArgumentException>(() => network.Forward(batch, true, new int[5]));
        Assert.Contains("needs 6", e.Message);
        Assert.Throws<InvalidOperationException>(() => new SequenceTaggerNetwork(network.Architecture, new SeededRandom(1)).Backward());
    }
}
