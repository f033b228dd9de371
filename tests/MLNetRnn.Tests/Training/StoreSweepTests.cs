using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Training;

namespace MLNetRnn.Tests.Training;

/// <summary>
/// The per-step passes over the parameter store (optimizer update, clipping, clearing gradients) run as two halves on two
/// engine threads (<see cref="SliceSweep"/>): every element exactly once, cuts aligned inside a slice, and the same bits
/// as one thread.
/// </summary>
public sealed class StoreSweepTests
{
    [Fact]
    public void ElementWise_VisitsEveryElementOnce_AndCutsASliceOnlyAtAnAlignedElement()
    {
        int[] lengths = [5, 70_003, 64, 64, 1, 33_333, 64];
        var sweep = new Recording();
        int offset = 0;
        foreach (int length in lengths)
        {
            sweep.Add(offset, length);
            offset += length + 3; // gaps between slices are never touched
        }

        var sliceStarts = new HashSet<int>();
        int start = 0;
        foreach (int length in lengths)
        {
            sliceStarts.Add(start);
            start += length + 3;
        }

        // Other tests set the process-wide thread count meanwhile; a run on one thread does not cut, so run until one cuts.
        bool cutSeen = false;
        for (int attempt = 0; attempt < 50 && !cutSeen; attempt++)
        {
            sweep.Calls.Clear();
            EngineThreadCount.With(2, () => sweep.Run());
            var seen = new int[offset];
            foreach (var (at, length) in sweep.Calls)
            {
                for (int i = at; i < at + length; i++)
                {
                    seen[i]++;
                }
            }

            start = 0;
            foreach (int length in lengths)
            {
                Assert.All(seen.AsSpan(start, length).ToArray(), n => Assert.Equal(1, n));
                Assert.All(seen.AsSpan(start + length, 3).ToArray(), n => Assert.Equal(0, n));
                start += length + 3;
            }

            if (sweep.Calls.Count == lengths.Length + 1)
            {
                // One slice was cut (7 slices, 8 calls), at a multiple of the alignment from that slice's start.
                var cut = Assert.Single(sweep.Calls, c => !sliceStarts.Contains(c.Offset));
                Assert.Equal(0, (cut.Offset - 8) % SliceSweep.Alignment); // inside the 70,003-element slice, which starts at 8
                cutSeen = true;
            }
            else
            {
                Assert.Equal(lengths.Length, sweep.Calls.Count);
            }
        }

        Assert.True(cutSeen, "the sweep never split in two");
    }

    [Fact]
    public void WholeSlices_VisitsEachSliceOnce_AndSmallWorkStaysOnTheCaller()
    {
        var sweep = new Recording();
        for (int i = 0; i < 40; i++)
        {
            sweep.Add(i * 5000, 4000 + i);
        }

        EngineThreadCount.With(2, () => sweep.RunWholeSlices());
        Assert.Equal(Enumerable.Range(0, 40), sweep.Slices.Order());

        var small = new Recording();
        small.Add(0, (int)SliceSweep.MinSplitElements - 1);
        EngineThreadCount.With(2, () => small.Run());
        Assert.Equal([(0, (int)SliceSweep.MinSplitElements - 1)], small.Calls);
    }

    public static TheoryData<string> Optimizers => ["adam", "adamw", "sgd-nesterov"];

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void OptimizerClippingAndZeroGrad_TwoThreadsGiveTheSameBitsAsOne(string optimizer)
    {
        var one = EngineThreadCount.With(1, () => Train(optimizer));
        var two = EngineThreadCount.With(2, () => Train(optimizer));
        Assert.Equal(one.Norms, two.Norms);
        Assert.Equal(one.Values, two.Values); // exact: element-wise updates and fixed summation units
    }

    [Fact]
    public void ClipByGlobalNorm_IsTheDoublePrecisionNorm_OfALargeTensor()
    {
        // Four million gradients of 0.1: one float sum of squares over the whole tensor drifts from the exact value (each
        // lane's running sum grows until 0.01 is a few of its ulps: 1.8e-3 relative here); the chunks' float sums combined
        // in double stay within 1e-5.
        var store = new ParameterStore();
        var large = store.Add("large", 4_000_000);
        large.Gradient.Fill(0.1f);
        double exact = Math.Sqrt(4_000_000 * ((double)0.1f * 0.1f));
        foreach (int threads in new[] { 1, 2 })
        {
            float norm = EngineThreadCount.With(threads, () => GradientClipping.ClipByGlobalNorm(store, 1e6f));
            Assert.True(Math.Abs(norm - exact) <= exact * 2e-5, $"{threads} thread(s): norm {norm}, exactly {exact}");
        }
    }

    private static (float[] Values, float[] Norms) Train(string name)
    {
        var random = new SeededRandom(11);
        var store = new ParameterStore();
        var embedding = new Embedding(store, 2000, 48, random, prefix: "embedding.");
        embedding.UseSparseUpdates();
        var dense = store.Add("dense", 90_001); // odd: the cut and the vector tail meet inside it
        random.FillGaussian(dense.Value, 0f, 0.1f);
        var bias = store.Add("bias", 7);
        Optimizer optimizer = name switch
        {
            "adam" => new Adam(store, 0.01f),
            "adamw" => new AdamW(store, 0.01f, weightDecay: 0.1f),
            _ => new Sgd(store, 0.05f, momentum: 0.9f, nesterov: true),
        };

        var norms = new List<float>();
        var data = new SeededRandom(5);
        for (int step = 0; step < 4; step++)
        {
            store.ZeroGrad();
            int[] ids = [.. Enumerable.Range(0, 300).Select(_ => data.NextInt(2000))];
            var output = new float[ids.Length * 48];
            data.FillGaussian(output, 0f, 1f);
            embedding.Backward(ids, output);
            data.FillGaussian(dense.Gradient, 0f, 0.01f);
            data.FillGaussian(bias.Gradient, 0f, 1f);
            norms.Add(GradientClipping.ClipByGlobalNorm(store, 0.5f));
            optimizer.Step();
        }

        store.ZeroGrad();
        Assert.All(store.Gradients.ToArray(), g => Assert.Equal(0f, g));
        return (store.Values.ToArray(), [.. norms]);
    }

    private sealed class Recording : SliceSweep
    {
        private readonly Lock _lock = new();

        public List<(int Offset, int Length)> Calls { get; } = [];

        public List<int> Slices { get; } = [];

        protected override void Apply(int offset, int length)
        {
            lock (_lock)
            {
                Calls.Add((offset, length));
            }
        }

        protected override void ApplySlice(int index, int offset, int length)
        {
            Assert.Equal(this[index], (offset, length));
            lock (_lock)
            {
                Slices.Add(index);
            }
        }
    }
}
