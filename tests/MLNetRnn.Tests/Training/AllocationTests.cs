using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Training;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Training;

/// <summary>
/// A whole training step (embedding, bidirectional stack over a ragged batch, dense head, loss, clipping, Adam)
/// allocates nothing once its buffers have grown: measured with <see cref="GC.GetAllocatedBytesForCurrentThread"/>.
/// </summary>
public sealed class AllocationTests
{
    [Theory]
    [InlineData(RecurrentCellType.SimpleRnn)]
    [InlineData(RecurrentCellType.Lstm)]
    [InlineData(RecurrentCellType.Gru)]
    public void TrainingStep_AllocatesNothingInSteadyState(RecurrentCellType cell)
    {
        const int T = 9, B = 6, V = 50, E = 8, H = 12, C = 3;
        var random = new SeededRandom(1);
        var store = new ParameterStore();
        var embedding = new Embedding(store, V, E, random, prefix: "embedding.");
        var rnn = new RecurrentStack(store, cell, E, H, random, 2, true, dropout: 0.2f);
        var head = new Dense(store, 2 * H, C, random, prefix: "head.");
        var adam = new Adam(store, 0.01f);
        int[] lengths = [9, 2, 5, 9, 1, 4];
        var ids = new int[T * B];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = random.NextInt(V);
        }

        var targets = new int[T * B];
        var x = new float[T * B * E];
        var y = new float[T * B * 2 * H];
        var logits = new float[T * B * C];
        var dLogits = new float[logits.Length];
        var dy = new float[y.Length];
        var dx = new float[x.Length];
        void Step()
        {
            store.ZeroGrad();
            embedding.Forward(ids, x);
            rnn.Forward(x, T, B, lengths, y, training: true);
            head.Forward(y, T * B, logits);
            SoftmaxCrossEntropy.Compute(logits, targets, C, dLogits);
            head.Backward(y, dLogits, T * B, dy);
            rnn.Backward(dy, inputGradient: dx);
            embedding.Backward(ids, dx);
            GradientClipping.ClipByGlobalNorm(store, 1f);
            adam.Step();
        }

        Assert.Equal(0, TestData.SteadyStateAllocation(Step));
    }
}
