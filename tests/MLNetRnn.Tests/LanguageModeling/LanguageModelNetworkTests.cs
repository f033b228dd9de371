using MLNetRnn.LanguageModeling;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.LanguageModeling;

/// <summary>
/// The language model's network against finite differences (embedding and one-hot input, every cell, a carried state),
/// the cut of the gradient at a chunk boundary, and chunked reading with the state carried against one long read.
/// </summary>
public sealed class LanguageModelNetworkTests
{
    private const int V = 9, T = 4, B = 3;

    // The mean loss gives deep weights gradients near float32 noise; scale it so the check has signal.
    private const float Scale = 100f;

    [Theory]
    [InlineData(RecurrentCellType.Lstm, false, 1)]
    [InlineData(RecurrentCellType.Lstm, true, 2)]
    [InlineData(RecurrentCellType.Gru, false, 2)]
    [InlineData(RecurrentCellType.SimpleRnn, true, 1)]
    public void Backward_MatchesFiniteDifferences(RecurrentCellType cell, bool oneHot, int layers)
    {
        var network = Network(cell, oneHot, layers, 20240501);
        var (ids, targets) = Chunk(new Random(1));
        var start = RandomState(network, 5);

        double Loss()
        {
            var state = Copy(network, start);
            return Scale * network.Forward(ids, T, state, targets, training: false);
        }

        network.Parameters.ZeroGrad();
        network.Forward(ids, T, Copy(network, start), targets, training: true); // dropout is 0: the same loss
        network.Backward();
        float[] grads = [.. network.Parameters.Gradients.ToArray().Select(g => g * Scale)];
        foreach (var p in network.Parameters.Parameters)
        {
            GradientCheck.Run(network.Parameters.ValueArray, p.Offset, grads.AsSpan(p.Offset, p.Length), Loss, p.Name, maxChecks: 30);
        }

        Assert.Equal(!oneHot, network.Embedding is not null);
    }

    [Theory]
    [InlineData(RecurrentCellType.Lstm)]
    [InlineData(RecurrentCellType.Gru)]
    public void Backward_StopsAtTheChunkBoundary(RecurrentCellType cell)
    {
        // Chunk 1 runs, its final state is carried into chunk 2, and only chunk 2's loss is back-propagated. Its gradient
        // must be that of chunk 2's loss with the carried state held constant (what truncated BPTT defines), and not that
        // of the loss as a function of the weights through both chunks (full BPTT), which the check shows to differ.
        var network = Network(cell, false, 1, 7);
        var random = new Random(3);
        var (first, firstTargets) = Chunk(random);
        var (second, secondTargets) = Chunk(random);
        var carried = network.NewState(B);
        network.Forward(first, T, carried, firstTargets, training: false);
        var frozen = Copy(network, carried);

        network.Parameters.ZeroGrad();
        network.Forward(second, T, Copy(network, frozen), secondTargets, training: true);
        network.Backward();
        float[] grads = [.. network.Parameters.Gradients.ToArray().Select(g => g * Scale)];
        var hh = network.Parameters["rnn.weight_hh_l0"];
        double Truncated() => Scale * network.Forward(second, T, Copy(network, frozen), secondTargets, training: false);
        GradientCheck.Run(network.Parameters.ValueArray, hh.Offset, grads.AsSpan(hh.Offset, hh.Length), Truncated, "weight_hh (truncated)", maxChecks: 40);

        double Full()
        {
            var state = network.NewState(B);
            network.Forward(first, T, state, firstTargets, training: false);
            return Scale * network.Forward(second, T, state, secondTargets, training: false);
        }

        double worst = 0;
        float[] values = network.Parameters.ValueArray;
        for (int k = 0; k < hh.Length; k++)
        {
            int i = hh.Offset + k;
            float saved = values[i];
            values[i] = saved + GradientCheck.Epsilon;
            double up = Full();
            values[i] = saved - GradientCheck.Epsilon;
            double down = Full();
            values[i] = saved;
            worst = Math.Max(worst, Math.Abs(((up - down) / (2 * GradientCheck.Epsilon)) - grads[i]));
        }

        Assert.True(worst > 0.05, $"The full-BPTT gradient differs from the truncated one by at most {worst:G3}; the check cannot tell them apart.");
    }

    [Theory]
    [InlineData(RecurrentCellType.Lstm, 2)]
    [InlineData(RecurrentCellType.Gru, 1)]
    [InlineData(RecurrentCellType.SimpleRnn, 2)]
    public void ChunksWithTheStateCarried_GiveTheLogitsOfOneLongRead(RecurrentCellType cell, int layers)
    {
        var network = Network(cell, true, layers, 11);
        var random = new Random(5);
        int[] ids = [.. Enumerable.Range(0, 3 * T * B).Select(_ => random.Next(V))]; // (3T, B) time-major
        var whole = network.NewState(B);
        network.Forward(ids, 3 * T, whole, default, training: false);
        float[] expected = network.Logits.ToArray();
        var state = network.NewState(B);
        var chunked = new List<float>();
        for (int c = 0; c < 3; c++)
        {
            network.Forward(ids.AsSpan(c * T * B, T * B), T, state, default, training: false);
            chunked.AddRange(network.Logits.ToArray());
        }

        Compare.Close(expected, [.. chunked], 1e-5f, "chunked logits");
        Compare.Close(whole.H, state.H, 1e-5f, "final hidden state");
    }

    [Theory]
    [InlineData(RecurrentCellType.Lstm, true, 1)]
    [InlineData(RecurrentCellType.Gru, false, 2)]
    public void WeightDrop_BackwardMatchesFiniteDifferencesThroughTheMaskedMatrices(RecurrentCellType cell, bool oneHot, int layers)
    {
        // The loss with weight drop is a function of the weights once its mask is fixed: replaying the mask stream's state
        // before every forward fixes it, so finite differences check the chain rule through W_hh ⊙ mask.
        var network = Network(cell, oneHot, layers, 31);
        var masks = new SeededRandom(8);
        network.UseWeightDrop(0.4f, masks);
        var drawn = masks.State;
        var (ids, targets) = Chunk(new Random(2));
        var start = RandomState(network, 6);
        float[] weights = network.Parameters.Values.ToArray();

        double Loss()
        {
            masks.State = drawn;
            return Scale * network.Forward(ids, T, Copy(network, start), targets, training: true);
        }

        network.Parameters.ZeroGrad();
        double loss = Loss();
        network.Backward();
        Assert.Equal(weights, network.Parameters.Values.ToArray()); // the stored weights are never left masked
        float[] grads = [.. network.Parameters.Gradients.ToArray().Select(g => g * Scale)];
        foreach (var p in network.Parameters.Parameters)
        {
            GradientCheck.Run(network.Parameters.ValueArray, p.Offset, grads.AsSpan(p.Offset, p.Length), Loss, p.Name, maxChecks: 30);
        }

        for (int l = 0; l < layers; l++)
        {
            var hh = network.Parameters[$"rnn.weight_hh_l{l}"];
            ReadOnlySpan<float> mask = network.WeightDropMask(l);
            int dropped = 0;
            for (int k = 0; k < mask.Length; k++)
            {
                Assert.True(mask[k] is 0f or (1f / 0.6f), $"mask entry {k} = {mask[k]}");
                if (mask[k] == 0f)
                {
                    dropped++;
                    Assert.Equal(0f, grads[hh.Offset + k]); // a dropped weight does not take part in the chunk
                }
            }

            Assert.InRange(dropped, mask.Length / 5, mask.Length * 3 / 5); // ~40 % of the entries
        }

        // Scoring uses the full matrices: the same as a network that never heard of weight drop, and unlike the masked loss.
        var plain = Network(cell, oneHot, layers, 31);
        double full = plain.Forward(ids, T, Copy(plain, start), targets, training: false);
        Assert.Equal(full, network.Forward(ids, T, Copy(network, start), targets, training: false));
        Assert.NotEqual(full, loss / Scale, 4);
    }

    [Fact]
    public void WeightDrop_OutsideZeroToOne_IsRefused()
    {
        var network = Network(RecurrentCellType.Lstm, true, 1, 1);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => network.UseWeightDrop(1f, new SeededRandom(1)));
        Assert.Contains("WeightDrop must be in [0, 1)", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LanguageModelOptions { WeightDrop = -0.1f }.Validate());
    }

    internal static LanguageModelNetwork Network(RecurrentCellType cell, bool oneHot, int layers, int seed) =>
        new(new LanguageModelArchitecture(V, cell, oneHot, oneHot ? V : 5, 6, layers, 0f), new SeededRandom(seed));

    // Ids from 1: <PAD> (0) never occurs in a language model's text, and its embedding row gets no gradient.
    private static (int[] Ids, int[] Targets) Chunk(Random random) =>
        ([.. Enumerable.Range(0, T * B).Select(_ => random.Next(1, V))], [.. Enumerable.Range(0, T * B).Select(_ => random.Next(1, V))]);

    private static LanguageModelState RandomState(LanguageModelNetwork network, int seed)
    {
        var state = network.NewState(B);
        var random = new SeededRandom(seed);
        random.FillUniform(state.H, -0.5f, 0.5f);
        random.FillUniform(state.C, -0.5f, 0.5f);
        return state;
    }

    private static LanguageModelState Copy(LanguageModelNetwork network, LanguageModelState source)
    {
        var state = network.NewState(source.Rows);
        source.H.CopyTo(state.H, 0);
        source.C.CopyTo(state.C, 0);
        return state;
    }
}
