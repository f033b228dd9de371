using MLNetRnn.Layers;
using MLNetRnn.Classification;
using MLNetRnn.Numerics;
using MLNetRnn.Training;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Classification;

/// <summary>The whole classifier network (embedding → stack → pooling → head → cross-entropy) against finite differences.</summary>
public sealed class SequenceClassifierNetworkTests
{
    [Theory]
    [InlineData(SequencePooling.FinalState, RecurrentCellType.Lstm, true, 2)]
    [InlineData(SequencePooling.FinalState, RecurrentCellType.Gru, false, 1)]
    [InlineData(SequencePooling.Mean, RecurrentCellType.Gru, true, 1)]
    [InlineData(SequencePooling.Max, RecurrentCellType.SimpleRnn, true, 1)]
    public void Backward_MatchesFiniteDifferences(SequencePooling pooling, RecurrentCellType cell, bool bidirectional, int layers)
    {
        var architecture = new ClassifierArchitecture(9, 3, cell, 4, 5, layers, bidirectional, 0f, pooling);
        var network = new SequenceClassifierNetwork(architecture, new SeededRandom(20240501));
        int[][] sequences = [[2, 5, 3], [7], [4, 8, 1, 6, 2], [3, 3]];
        var batch = SequenceBatch.Create(sequences, [0, 1, 2, 3]);
        int[] targets = [2, 0, 1, 2];

        // The mean loss over 4 rows gives deep weights gradients near float32 noise; scale it so the check has signal.
        const float Scale = 100f;
        var choices = new List<int[]>();
        double Loss()
        {
            double loss = Scale * network.Forward(batch, false, targets, default);
            choices.Add(network.MaxPoolingChoices.ToArray());
            return loss;
        }

        // For max pooling, a perturbation can move a maximum to another step; such elements are skipped, not fudged.
        bool CrossedKink() => choices.Count >= 2 && !choices[^1].AsSpan().SequenceEqual(choices[^2]);

        Loss();
        network.Parameters.ZeroGrad();
        network.Forward(batch, true, targets, default); // dropout is 0, so training mode computes the same loss
        network.Backward();
        float[] grads = network.Parameters.Gradients.ToArray().Select(g => g * Scale).ToArray();
        foreach (var p in network.Parameters.Parameters)
        {
            GradientCheck.Run(network.Parameters.ValueArray, p.Offset, grads.AsSpan(p.Offset, p.Length), Loss, p.Name, maxChecks: 60, crossedKink: CrossedKink);
        }
    }

    [Fact]
    public void FinalStatePooling_IgnoresPaddingSoARowScoresTheSameAloneOrBatched()
    {
        var architecture = new ClassifierArchitecture(9, 2, RecurrentCellType.Lstm, 4, 6, 1, true, 0f, SequencePooling.FinalState);
        var network = new SequenceClassifierNetwork(architecture, new SeededRandom(3));
        int[][] sequences = [[2, 5, 3, 4, 4, 8], [7, 1]];
        var both = new float[4];
        network.Forward(SequenceBatch.Create(sequences, [0, 1]), false, default, both);
        var alone = new float[2];
        network.Forward(SequenceBatch.Create(sequences, [1]), false, default, alone);
        Assert.Equal(alone[0], both[2], 6);
        Assert.Equal(alone[1], both[3], 6);
    }

    [Fact]
    public void Batch_ThrowsForEmptySequenceNamingTheRow()
    {
        var e = Assert.Throws<ArgumentException>(() => SequenceBatch.Create([[1, 2], []], [0, 1]));
        Assert.Contains("Row 1 has no tokens", e.Message);
    }
}
