using MLNetRnn.LanguageModeling;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Training;

namespace MLNetRnn.Tests.LanguageModeling;

/// <summary>
/// Truncated BPTT carries the state across chunks: a copy that crosses a chunk boundary is learnt with the state
/// carried, and cannot be with the state reset at every chunk.
/// </summary>
public sealed class TruncatedBpttTests
{
    // The stream is blocks [a, b, a] of random keys a, b (ids 4..4+K): the third token of a block copies the first. With
    // chunks of 2 steps, half of the copies are predicted at the first step of a chunk whose key was read in the previous
    // chunk: only a carried state can know it. The other half lie inside a chunk, so both variants learn to copy.
    private const int Keys = 6, V = 4 + Keys, Bptt = 2, Streams = 8;

    [Fact]
    public void CarriedState_LearnsACopyAcrossTheChunkBoundary_ResetStateDoesNot()
    {
        var options = new LanguageModelOptions
        {
            HiddenSize = 24, EmbeddingSize = 8, Bptt = Bptt, BatchSize = Streams, Epochs = 6, LearningRate = 0.01f, ClipNorm = 1f, Seed = 3,
        };
        int[] train = Blocks(new Random(20240501), 6000);
        var carried = new LanguageModelTrainer(options).TrainNetwork(V, train, null, null);
        var reset = TrainWithResetState(options, train);

        int[] test = Blocks(new Random(99), 3000);
        var (carriedAcross, carriedInside) = CopyLosses(carried, test, resetEachChunk: false);
        var (resetAcross, resetInside) = CopyLosses(reset, test, resetEachChunk: true);

        // The carried state learns the copy everywhere; the reset state learns it inside a chunk (more slowly, as half its
        // copy targets look random to it) but stays at a guess across the boundary (ln 6 = 1.79).
        Assert.True(carriedInside < 0.3 && carriedAcross < 0.3, $"carried state: copy loss inside a chunk {carriedInside:F3}, across the boundary {carriedAcross:F3}");
        Assert.True(resetAcross > 1.2, $"reset state: copy loss across the boundary {resetAcross:F3}, expected near ln {Keys} = {Math.Log(Keys):F2}");
        Assert.True(resetInside < resetAcross - 0.5, $"reset state: copy loss inside a chunk {resetInside:F3}, across {resetAcross:F3}; it should have learnt the copy inside a chunk");
    }

    /// <summary>The same chunks, optimizer and clipping as the trainer, but every chunk starts from a zero state.</summary>
    private static LanguageModelNetwork TrainWithResetState(LanguageModelOptions o, int[] ids)
    {
        var network = new LanguageModelNetwork(new LanguageModelArchitecture(V, o.CellType, false, o.EmbeddingSize, o.HiddenSize, 1, 0f), new SeededRandom(o.Seed));
        var streams = new TokenStreams(ids, o.BatchSize, o.Bptt);
        var adam = new Adam(network.Parameters, o.LearningRate);
        int[] inputs = new int[o.Bptt * o.BatchSize], targets = new int[o.Bptt * o.BatchSize];
        var state = network.NewState(o.BatchSize);
        int[] all = [.. Enumerable.Range(0, o.BatchSize)];
        for (int epoch = 0; epoch < o.Epochs; epoch++)
        {
            for (int chunk = 0; chunk < streams.Chunks; chunk++)
            {
                int n = streams.Steps(chunk) * o.BatchSize;
                streams.Fill(chunk, all, inputs, targets);
                state.Clear();
                network.Parameters.ZeroGrad();
                network.Forward(inputs.AsSpan(0, n), streams.Steps(chunk), state, targets.AsSpan(0, n), training: true);
                network.Backward();
                GradientClipping.ClipByGlobalNorm(network.Parameters, o.ClipNorm);
                adam.Step();
            }
        }

        return network;
    }

    /// <summary>Mean loss at the copy positions of one stream read in chunks of <see cref="Bptt"/>: (key read in the previous chunk, key read in the same chunk).</summary>
    private static (double Across, double Inside) CopyLosses(LanguageModelNetwork network, int[] ids, bool resetEachChunk)
    {
        var state = network.NewState(1);
        double across = 0, inside = 0;
        int nAcross = 0, nInside = 0;
        for (int start = 0; start + Bptt < ids.Length; start += Bptt)
        {
            if (resetEachChunk)
            {
                state.Clear();
            }

            network.Forward(ids.AsSpan(start, Bptt), Bptt, state, default, training: false);
            for (int s = 0; s < Bptt; s++)
            {
                int target = start + s + 1;
                if (target % 3 != 2 || target < 3)
                {
                    continue; // not a copy
                }

                var z = network.Logits.Slice(s * V, V);
                double max = z.ToArray().Max(), sum = z.ToArray().Sum(x => Math.Exp(x - max));
                double loss = Math.Log(sum) + max - z[ids[target]];
                if (target - 2 < start)
                {
                    (across, nAcross) = (across + loss, nAcross + 1);
                }
                else
                {
                    (inside, nInside) = (inside + loss, nInside + 1);
                }
            }
        }

        return (across / nAcross, inside / nInside);
    }

    private static int[] Blocks(Random random, int blocks)
    {
        var ids = new int[3 * blocks];
        for (int k = 0; k < blocks; k++)
        {
            ids[3 * k] = ids[(3 * k) + 2] = 4 + random.Next(Keys);
            ids[(3 * k) + 1] = 4 + random.Next(Keys);
        }

        return ids;
    }
}
