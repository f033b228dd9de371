using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tests.TestSupport;

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
        float[] Run(int threads) => EngineThreadCount.With(threads, () =>
        {
            var c = new float[m * n];
            Gemm.Multiply(ta, tb, m, n, k, 1f, a, ta ? m : k, b, tb ? k : n, 0f, c, n);
            return c;
        });

        Assert.Equal(Run(1), Run(2));
    }

    // The managed kernel cuts a product whose A is the larger operand (M ≥ 2N) into row halves: every transpose, a split
    // that is not a multiple of the kernel rows' tail, and padded strides; the same bits with one thread or two, and the
    // product itself against the reference.
    [Theory]
    [InlineData(false, false, 300, 64, 70)]
    [InlineData(true, false, 300, 64, 70)]
    [InlineData(false, true, 517, 33, 129)]
    [InlineData(true, true, 2048, 256, 96)]
    public void ManagedRowHalves_TwoThreadsGiveTheSameBitsAsOne_AndTheProduct(bool ta, bool tb, int m, int n, int k)
    {
        var random = new SeededRandom(20241129);
        int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5;
        var a = new float[(ta ? k : m) * lda];
        var b = new float[(tb ? n : k) * ldb];
        var c0 = new float[m * ldc];
        random.FillUniform(a, -1, 1);
        random.FillUniform(b, -1, 1);
        random.FillUniform(c0, -1, 1);
        float[] Run(int threads) => EngineThreadCount.With(threads, () =>
        {
            float[] c = (float[])c0.Clone();
            Gemm.MultiplyInHalves(false, ta, tb, m, n, k, 0.5f, a, lda, b, ldb, 2f, c, ldc);
            return c;
        });

        float[] one = Run(1);
        Assert.Equal(one, Run(2));
        float[] expected = (float[])c0.Clone();
        ReferenceGemm.Multiply(ta, tb, m, n, k, 0.5f, a, lda, b, ldb, 2f, expected, ldc);
        for (int i = 0; i < one.Length; i++)
        {
            Assert.True(Math.Abs(one[i] - expected[i]) <= 1e-4f * (1 + Math.Abs(expected[i])), $"element {i}: {one[i]} vs reference {expected[i]}");
        }
    }

    // Bidirectional, small: the directions run in parallel. Unidirectional, B·G·H·H = 32·4·256·256 ≥ Gemm.SplitWork: the
    // time loops run as two row blocks and the input and weight-gradient products as column halves, whatever the provider.
    [Theory]
    [InlineData(RecurrentCellType.Lstm, true, 20, 16, 24, 48)]
    [InlineData(RecurrentCellType.Gru, true, 20, 16, 24, 48)]
    [InlineData(RecurrentCellType.Lstm, false, 12, 32, 64, 256)]
    [InlineData(RecurrentCellType.Gru, false, 12, 32, 64, 256)]
    [InlineData(RecurrentCellType.SimpleRnn, false, 12, 32, 64, 256)]
    public void Stack_TwoThreadsGiveTheSameBitsAsOne(RecurrentCellType cell, bool bidirectional, int T, int B, int I, int H)
    {
        int[] lengths = Enumerable.Range(0, B).Select(i => bidirectional ? 1 + ((i * 7) % T) : T - (i % 5)).ToArray();
        (float[] Output, float[] Gradients, float[] InputGradient) Run(int threads) => EngineThreadCount.With(threads, () =>
        {
            var random = new SeededRandom(3);
            var store = new ParameterStore();
            var stack = new RecurrentStack(store, cell, I, H, random, 2, bidirectional, dropout: 0.3f);
            var x = new float[T * B * I];
            random.FillUniform(x, -1, 1);
            var y = new float[T * B * stack.OutputSize];
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

    [Theory]
    [InlineData(RecurrentCellType.Lstm, false)]
    [InlineData(RecurrentCellType.Gru, true)]
    [InlineData(RecurrentCellType.SimpleRnn, true)]
    public void BatchLargeEnoughForTwoRowBlocks_GivesEachRowWhatItGetsAlone(RecurrentCellType cell, bool bidirectional)
    {
        // B = 24 ragged rows with initial states and every gradient input: the batch runs its time loops as two row
        // blocks; each row alone (B = 1) runs one block. Outputs, final states and every gradient must agree, the
        // parameter gradient being the sum of the rows' (float rounding apart: the products have other shapes).
        const int T = 30, B = 24, I = 16, H = 160;
        int d = bidirectional ? 2 : 1, layers = 2, s = layers * d, o = d * H;
        int[] lengths = Enumerable.Range(0, B).Select(i => T - ((i * 7) % 23)).ToArray();
        var random = new SeededRandom(5);
        var x = new float[T * B * I];
        var h0 = new float[s * B * H];
        var c0 = new float[cell == RecurrentCellType.Lstm ? s * B * H : 0];
        var dy = new float[T * B * o];
        var dhN = new float[s * B * H];
        var dcN = new float[c0.Length];
        foreach (var a in new[] { x, h0, c0, dy, dhN, dcN })
        {
            random.FillUniform(a, -1, 1);
        }

        var store = new ParameterStore();
        var stack = new RecurrentStack(store, cell, I, H, new SeededRandom(8), layers, bidirectional);
        var (y, hN, cN, dx, dh0, dc0) = (new float[dy.Length], new float[h0.Length], new float[c0.Length], new float[x.Length], new float[h0.Length], new float[c0.Length]);
        store.ZeroGrad();
        stack.Forward(x, T, B, lengths, y, h0, c0, hN, cN);
        stack.Backward(dy, dhN, dcN, dx, dh0, dc0);
        float[] batchGradients = store.Gradients.ToArray();

        var summed = new double[batchGradients.Length];
        for (int b = 0; b < B; b++)
        {
            float[] Row(float[] source, int width, int outer) // rows of a (outer, B, width) buffer → (outer, 1, width)
            {
                var row = new float[outer * width];
                for (int k = 0; k < outer; k++)
                {
                    Array.Copy(source, ((k * B) + b) * width, row, k * width, width);
                }

                return row;
            }

            var (y1, hN1, cN1, dx1, dh01, dc01) = (new float[T * o], new float[s * H], new float[c0.Length / B], new float[T * I], new float[s * H], new float[c0.Length / B]);
            store.ZeroGrad();
            stack.Forward(Row(x, I, T), T, 1, [lengths[b]], y1, Row(h0, H, s), c0.Length == 0 ? default : Row(c0, H, s), hN1, cN1);
            stack.Backward(Row(dy, o, T), Row(dhN, H, s), dcN.Length == 0 ? default : Row(dcN, H, s), dx1, dh01, dc01);
            AssertClose(Row(y, o, T), y1, $"output of row {b}");
            AssertClose(Row(hN, H, s), hN1, $"hN of row {b}");
            AssertClose(Row(dx, I, T), dx1, $"input gradient of row {b}");
            AssertClose(Row(dh0, H, s), dh01, $"h0 gradient of row {b}");
            if (c0.Length > 0)
            {
                AssertClose(Row(cN, H, s), cN1, $"cN of row {b}");
                AssertClose(Row(dc0, H, s), dc01, $"c0 gradient of row {b}");
            }

            ReadOnlySpan<float> g = store.Gradients;
            for (int i = 0; i < summed.Length; i++)
            {
                summed[i] += g[i];
            }
        }

        AssertClose(batchGradients, [.. summed.Select(v => (float)v)], "parameter gradients (batch vs sum of rows)");
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            float tolerance = 2e-5f * (1 + Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"{what}, element {i}: {expected[i]} vs {actual[i]}");
        }
    }

    [Fact]
    public void TwoWay_RunsEachPartOnce_OnTheWorkerThread()
    {
        EngineThreadCount.With(2, () =>
        {
            var (workerBefore, takenBefore) = TwoWay.Counts;
            var work = new Recording();
            const int jobs = 2000;
            for (int j = 0; j < jobs; j++)
            {
                work.Reset();
                TwoWay.Run(work);
                Assert.Equal([1, 1], work.Runs);
            }

            var (workerAfter, takenAfter) = TwoWay.Counts;

            // The worker ran part 0 of jobs (the caller takes a part back only when the worker is late to claim it).
            Assert.True(workerAfter > workerBefore, $"the worker ran no part 0 in {jobs} jobs ({takenAfter - takenBefore} taken back)");
        });
    }

    [Fact]
    public void TwoWay_ManyCallersAtOnce_EveryJobCompletesWithItsOwnResults()
    {
        EngineThreadCount.With(2, () =>
        {
            const int callers = 6, jobs = 500;
            var failures = new int[callers];
            Parallel.For(0, callers, new ParallelOptions { MaxDegreeOfParallelism = callers }, caller =>
            {
                var work = new Recording();
                for (int j = 0; j < jobs; j++)
                {
                    work.Reset();
                    TwoWay.Run(work);
                    if (work.Runs[0] != 1 || work.Runs[1] != 1)
                    {
                        failures[caller]++;
                    }
                }
            });

            Assert.All(failures, f => Assert.Equal(0, f));
        });
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void TwoWay_AnExceptionInEitherPartReachesTheCaller_AndTheWorkerStaysUsable(int failingPart)
    {
        EngineThreadCount.With(2, () =>
        {
            var error = Assert.Throws<InvalidOperationException>(() => TwoWay.Run(new Failing(failingPart)));
            Assert.Equal($"part {failingPart} failed", error.Message);
            var work = new Recording();
            TwoWay.Run(work);
            Assert.Equal([1, 1], work.Runs);
        });
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

    private sealed class Recording : ITwoPartWork
    {
        public int[] Runs { get; } = new int[2];

        public void Reset() => Array.Clear(Runs);

        public void Execute(int part)
        {
            Thread.SpinWait(200); // long enough that the worker usually claims part 0 before the caller finishes part 1
            Interlocked.Increment(ref Runs[part]);
        }
    }

    private sealed class Failing(int part) : ITwoPartWork
    {
        public void Execute(int p)
        {
            if (p == part)
            {
                throw new InvalidOperationException($"part {p} failed");
            }
        }
    }
}
