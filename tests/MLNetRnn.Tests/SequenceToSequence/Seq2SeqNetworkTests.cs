using MLNetRnn.Layers;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Numerics;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.SequenceToSequence;

/// <summary>The whole encoder–decoder (embeddings, encoder, bridge, decoder, attention, combine, head) against finite differences.</summary>
public sealed class Seq2SeqNetworkTests
{
    public static TheoryData<AttentionScore?, bool, RecurrentCellType> Configurations() => new()
    {
        { AttentionScore.General, false, RecurrentCellType.Lstm },
        { AttentionScore.Dot, false, RecurrentCellType.Gru },
        { AttentionScore.Additive, true, RecurrentCellType.Lstm },
        { null, false, RecurrentCellType.Gru },
        { null, true, RecurrentCellType.Lstm },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Backward_MatchesFiniteDifferences(AttentionScore? attention, bool tied, RecurrentCellType cell)
    {
        var architecture = new Seq2SeqArchitecture(9, 8, cell, cell, 5, 3, 1, true, 6, 1, attention, 0f, tied);
        var network = new Seq2SeqNetwork(architecture, new SeededRandom(20240501));
        int[][] sources = [[2, 5, 3], [7], [4, 8, 1, 6]];
        int[][] targets = [[4, 5], [6, 4, 7], [5]];
        var batch = Seq2SeqBatch.Create(sources, targets, [0, 1, 2], bos: 2, eos: 3);
        const float Scale = 100f;
        double Loss() => Scale * network.Forward(batch, false, 0.1f);

        Loss();
        network.Parameters.ZeroGrad();
        network.Forward(batch, true, 0.1f);
        network.Backward();
        float[] grads = network.Parameters.Gradients.ToArray().Select(g => g * Scale).ToArray();
        foreach (var p in network.Parameters.Parameters)
        {
            GradientCheck.Run(network.Parameters.ValueArray, p.Offset, grads.AsSpan(p.Offset, p.Length), Loss, p.Name, maxChecks: 40);
        }
    }

    [Fact]
    public void TiedHead_SharesTheTargetEmbedding()
    {
        var architecture = new Seq2SeqArchitecture(9, 8, RecurrentCellType.Lstm, RecurrentCellType.Lstm, 5, 3, 1, true, 6, 1, AttentionScore.General, 0f, true);
        var network = new Seq2SeqNetwork(architecture, new SeededRandom(1));
        Assert.False(network.Parameters.TryGet("head.weight", out _));
        Assert.True(network.Parameters.TryGet("head.bias", out _));
        Assert.Equal([5, 12], network.Parameters["combine.weight"].Shape.ToArray()); // [context (M = 2·3); decoder (6)] -> E
    }
}
