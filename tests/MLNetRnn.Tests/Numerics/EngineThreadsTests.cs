using MLNetRnn.Layers;
using MLNetRnn.Numerics;

namespace MLNetRnn.Tests.Numerics;

/// <summary>Results do not depend on the thread count: GEMM column halves and parallel directions give the same bits.</summary>
public sealed class EngineThreadsTests
{
    [Theory]
    [InlineData(false, true, 64, 2048, 512)]
    [InlineData(false, false, 1600, 512, 64)]
    [InlineData(true, false, 512, 128, 1600)]
    [InlineData(false, true, 64, 2048, 520)]
    public void Gemm_TwoThreadsGiveTheSameBitsAsOne(bool ta, bool tb, int m, int n, int k)
    {
        var random = new SeededRandom(20240501);
        var a = new float[m * k];
        var b = new float[k * n];
        random.FillUniform(a, -1, 1);
        random.FillUniform(b, -1, 1);
        float[] Run(int threads) => WithThreads(threads, () =>
        {
            var c = new float[m * n];
            Gemm.Multiply(ta, tb, m, n, k, 1f, a, ta ? m : k, b, tb ? k : n, 0f, c, n);
            return c;
        });

        Assert.Equal(Run(1), Run(2));
    }

    [Theory]
    [InlineData(RecurrentCellType.Lstm)]
    [InlineData(RecurrentCellType.Gru)]
    public void BidirectionalStack_TwoThreadsGiveTheSameBitsAsOne(RecurrentCellType cell)
    {
        const int T = 20, B = 16, I = 24, H = 48; // large enough that the directions run in parallel
        int[] lengths = Enumerable.Range(0, B).Select(i => 1 + ((i * 7) % T)).ToArray();
        (float[] Output, float[] Gradients, float[] InputGradient) Run(int threads) => WithThreads(threads, () =>
        {
            var random = new SeededRandom(3);
            var store = new ParameterStore();
            var stack = new RecurrentStack(store, cell, I, H, random, 2, true, dropout: 0.3f);
            var x = new float[T * B * I];
            random.FillUniform(x, -1, 1);
            var y = new float[T * B * 2 * H];
            stack.Forward(x, T, B, lengths, y, training: true);
            var dy = new float[y.Length];
            random.FillUniform(dy, -1, 1);
            var dx = new float[x.Length];
            stack.Backward(dy, inputGradient: dx);
            return (y, store.Gradients.ToArray(), dx);
        });

        var one = Run(1);
        var two = Run(2);
        Assert.Equal(one.Output, two.Output);
        Assert.Equal(one.Gradients, two.Gradients);
        Assert.Equal(one.InputGradient, two.InputGradient);
    }

    [Fact]
    public void Parse_ReadsTheEnvironmentValue()
    {
        Assert.Equal(2, EngineThreads.Parse(null, 8));
        Assert.Equal(1, EngineThreads.Parse("", 1));
        Assert.Equal(3, EngineThreads.Parse(" 3 ", 2));
        Assert.Contains("MLNETRNN_THREADS='zero'", Assert.Throws<InvalidOperationException>(() => EngineThreads.Parse("zero", 2)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => EngineThreads.Count = 0);
    }

    // The setting is process-wide; other tests running meanwhile are unaffected in their results, which is the point.
    private static T WithThreads<T>(int threads, Func<T> run)
    {
        int saved = EngineThreads.Count;
        EngineThreads.Count = threads;
        try
        {
            return run();
        }
        finally
        {
            EngineThreads.Count = saved;
        }
    }
}
