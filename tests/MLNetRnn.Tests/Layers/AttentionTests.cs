using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNetRnn.Tests.Layers;

/// <summary>
/// <see cref="Attention"/>: finite-difference checks of every gradient for each score, masking of padded memory,
/// parity with PyTorch (fixtures/make_attention_fixtures.py), argument errors and steady-state allocation.
/// The gradient-check loss is <c>Σ context ⊙ W</c> with a fixed random W.
/// </summary>
public sealed class AttentionTests(ITestOutputHelper output)
{
    private const int Tq = 3, Ts = 5, B = 3, Hq = 4, A = 5;
    private static readonly int[] Lengths = [5, 1, 3]; // includes 1 and Ts, unsorted

    public static TheoryData<AttentionScore> Scores() => new(Enum.GetValues<AttentionScore>());

    public static TheoryData<string> FixtureNames() => new("dot", "general", "additive");

    [Theory]
    [MemberData(nameof(Scores))]
    public void Backward_MatchesFiniteDifferences(AttentionScore score)
    {
        var (store, attention, queries, memory) = Build(score, 20240501);
        int hm = attention.MemorySize;
        var random = new SeededRandom(99);
        random.FillUniform(store.Values, -1f, 1f); // larger than the default init, so every gradient is well above the noise floor
        var wContext = TestData.Uniform(random, Tq * B * hm);
        var context = new float[Tq * B * hm];
        var weights = new float[Tq * B * Ts];

        double Loss()
        {
            attention.Forward(queries, Tq, memory, Ts, B, Lengths, context, weights);
            return TestData.Dot(context, wContext);
        }

        Loss();
        store.ZeroGrad();
        var dq = new float[queries.Length];
        var dm = new float[memory.Length];
        attention.Backward(wContext, dq, dm);

        var worst = new List<string>
        {
            $"queries {GradientCheck.Run(queries, 0, dq, Loss, "dQueries"):E1}",
            $"memory {GradientCheck.Run(memory, 0, dm, Loss, "dMemory"):E1}",
        };
        float[] gradients = store.Gradients.ToArray();
        foreach (var p in store.Parameters)
        {
            worst.Add($"{p.Name} {GradientCheck.Run(store.ValueArray, p.Offset, gradients.AsSpan(p.Offset, p.Length), Loss, p.Name):E1}");
        }

        AssertPaddingRowsZero(dm, hm);
        output.WriteLine($"{score}: worst relative error {string.Join(", ", worst)}");
    }

    [Theory]
    [MemberData(nameof(Scores))]
    public void Forward_WeightsSumToOneOverRealStepsAndAreZeroOnPadding(AttentionScore score)
    {
        var (_, attention, queries, memory) = Build(score, 7);
        var context = new float[Tq * B * attention.MemorySize];
        var weights = new float[Tq * B * Ts];
        attention.Forward(queries, Tq, memory, Ts, B, Lengths, context, weights);
        for (int t = 0; t < Tq; t++)
        {
            for (int b = 0; b < B; b++)
            {
                var row = weights.AsSpan(((t * B) + b) * Ts, Ts);
                double sum = 0;
                for (int s = 0; s < Ts; s++)
                {
                    if (s < Lengths[b])
                    {
                        Assert.InRange(row[s], 0f, 1f);
                        sum += row[s];
                    }
                    else
                    {
                        Assert.Equal(0f, row[s]);
                    }
                }

                Assert.Equal(1.0, sum, 1e-6);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Scores))]
    public void ForwardAndBackward_PaddedMemoryChangesNothing(AttentionScore score)
    {
        (float[] Context, float[] Weights, float[] Dq, float[] Dm, float[] Grads) Run(float padding)
        {
            var (store, attention, queries, memory) = Build(score, 11);
            int hm = attention.MemorySize;
            for (int b = 0; b < B; b++)
            {
                for (int s = Lengths[b]; s < Ts; s++)
                {
                    Array.Fill(memory, padding, ((s * B) + b) * hm, hm);
                }
            }

            var context = new float[Tq * B * hm];
            var weights = new float[Tq * B * Ts];
            attention.Forward(queries, Tq, memory, Ts, B, Lengths, context, weights);
            var dq = new float[queries.Length];
            var dm = new float[memory.Length];
            attention.Backward(TestData.Uniform(new SeededRandom(5), context.Length), dq, dm);
            return (context, weights, dq, dm, store.Gradients.ToArray());
        }

        var reference = Run(0.25f);
        foreach (float padding in new[] { 1000f, float.NaN })
        {
            var other = Run(padding);
            Assert.Equal(reference.Context, other.Context);
            Assert.Equal(reference.Weights, other.Weights);
            Assert.Equal(reference.Dq, other.Dq);
            Assert.Equal(reference.Dm, other.Dm);
            Assert.Equal(reference.Grads, other.Grads);
        }
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void ForwardAndBackward_MatchPyTorch(string name)
    {
        var npz = Fixtures.Load($"attention_{name}.npz");
        var score = name switch { "dot" => AttentionScore.Dot, "general" => AttentionScore.General, _ => AttentionScore.Additive };
        int[] qShape = npz["queries"].Shape, mShape = npz["memory"].Shape;
        int tq = qShape[0], b = qShape[1], hq = qShape[2], ts = mShape[0], hm = mShape[2];
        int additive = score == AttentionScore.Additive ? npz["v.weight"].Shape[1] : 0;
        var store = new ParameterStore();
        var attention = new Attention(store, score, hq, hm, new SeededRandom(1), additive);
        store.LoadStateDict(npz.Where(kv => store.TryGet("attention." + kv.Key, out _)), "attention.");

        var context = new float[tq * b * hm];
        var weights = new float[tq * b * ts];
        attention.Forward(npz.F("queries"), tq, npz.F("memory"), ts, b, npz.I("lengths"), context, weights);
        store.ZeroGrad();
        var dq = new float[tq * b * hq];
        var dm = new float[ts * b * hm];
        attention.Backward(npz.F("grad_context"), dq, dm);

        const double tolerance = 1e-5;
        var worst = new List<string>
        {
            $"context {Compare.Close(context, npz.F("context"), tolerance, "context"):E1}",
            $"weights {Compare.Close(weights, npz.F("weights"), tolerance, "weights"):E1}",
            $"grad_queries {Compare.Close(dq, npz.F("grad_queries"), tolerance, "grad_queries"):E1}",
            $"grad_memory {Compare.Close(dm, npz.F("grad_memory"), tolerance, "grad_memory"):E1}",
        };
        foreach (var p in store.Parameters)
        {
            string key = "grad." + p.Name["attention.".Length..];
            worst.Add($"{key} {Compare.Close(p.Gradient, npz.F(key), tolerance, key):E1}");
        }

        Assert.Equal(score == AttentionScore.Dot ? 0 : score == AttentionScore.General ? 1 : 4, store.Parameters.Count);
        output.WriteLine($"{name}: worst error {string.Join(", ", worst)}");
    }

    [Fact]
    public void Constructor_NamesAndShapesFollowPyTorch()
    {
        var store = new ParameterStore();
        _ = new Attention(store, AttentionScore.General, 5, 7, new SeededRandom(1), prefix: "dec.attn.");
        _ = new Attention(store, AttentionScore.Additive, 5, 7, new SeededRandom(1), prefix: "add.");
        _ = new Attention(store, AttentionScore.Additive, 5, 7, new SeededRandom(1), additiveSize: 3, prefix: "add3.");
        _ = new Attention(store, AttentionScore.Dot, 4, 4, new SeededRandom(1), prefix: "dot.");
        string[] expected =
        [
            "dec.attn.linear_in.weight (5, 7)",
            "add.query.weight (5, 5)", "add.memory.weight (5, 7)", "add.memory.bias (5,)", "add.v.weight (1, 5)",
            "add3.query.weight (3, 5)", "add3.memory.weight (3, 7)", "add3.memory.bias (3,)", "add3.v.weight (1, 3)",
        ];
        Assert.Equal(expected, store.Parameters.Select(p => p.ToString()));
        foreach (var p in store.Parameters)
        {
            int fanIn = p.Name.EndsWith("memory.bias", StringComparison.Ordinal) ? 7 : p.Shape[1];
            float bound = 1f / MathF.Sqrt(fanIn);
            Assert.All(p.Value.ToArray(), v => Assert.InRange(v, -bound, bound));
        }
    }

    [Fact]
    public void Constructor_ThrowsForDotWithDifferentSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => new Attention(new ParameterStore(), AttentionScore.Dot, 5, 7, new SeededRandom(1)));
        Assert.Contains("AttentionScore.Dot needs querySize == memorySize, got querySize 5 and memorySize 7", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new Attention(new ParameterStore(), AttentionScore.Additive, 5, 7, new SeededRandom(1), additiveSize: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Attention(new ParameterStore(), AttentionScore.General, 0, 7, new SeededRandom(1)));
    }

    [Fact]
    public void Forward_ThrowsForBadLengthsAndSpanSizes()
    {
        var (_, attention, queries, memory) = Build(AttentionScore.General, 3);
        int hm = attention.MemorySize;
        var context = new float[Tq * B * hm];
        var weights = new float[Tq * B * Ts];

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => attention.Forward(queries, Tq, memory, Ts, B, [5, 0, 3], context, weights));
        Assert.Contains("Row 1 has memory length 0; memory lengths must be in [1, Ts=5]", e.Message);
        Assert.Equal("memoryLengths", e.ParamName);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => attention.Forward(queries, Tq, memory, Ts, B, [5, 1, 6], context, weights));
        Assert.Contains("Row 2 has memory length 6; memory lengths must be in [1, Ts=5]", e.Message);
        var a = Assert.Throws<ArgumentException>(() => attention.Forward(queries, Tq, memory, Ts, B, [5, 1], context, weights));
        Assert.Contains("'memoryLengths' has 2 entries but the batch has B=3 rows", a.Message);
        e = Assert.Throws<ArgumentOutOfRangeException>(() => attention.Forward(queries, 0, memory, Ts, B, Lengths, context, weights));
        Assert.Equal("queryLength", e.ParamName);

        a = Assert.Throws<ArgumentException>(() => attention.Forward(queries.AsSpan(1), Tq, memory, Ts, B, Lengths, context, weights));
        Assert.Contains($"'queries' has {(Tq * B * Hq) - 1} elements but its shape (Tq=3, B=3, Hq=4) needs {Tq * B * Hq}.", a.Message);
        a = Assert.Throws<ArgumentException>(() => attention.Forward(queries, Tq, memory.AsSpan(B * hm), Ts, B, Lengths, context, weights));
        Assert.Contains($"'memory' has {(Ts - 1) * B * hm} elements but its shape (Ts=5, B=3, Hm=6) needs {Ts * B * hm}.", a.Message);
        a = Assert.Throws<ArgumentException>(() => attention.Forward(queries, Tq, memory, Ts, B, Lengths, new float[(Tq * B * Hq) + 1], weights));
        Assert.Contains($"'context' has {(Tq * B * Hq) + 1} elements but its shape (Tq=3, B=3, Hm=6) needs {Tq * B * hm}.", a.Message);
        a = Assert.Throws<ArgumentException>(() => attention.Forward(queries, Tq, memory, Ts, B, Lengths, context, new float[Tq * B * (Ts - 1)]));
        Assert.Contains("'weights' has 36 elements but its shape (Tq=3, B=3, Ts=5) needs 45.", a.Message);
    }

    [Fact]
    public void Backward_ThrowsBeforeForwardAndForBadSpanSizes()
    {
        var (_, attention, queries, memory) = Build(AttentionScore.Additive, 3);
        int hm = attention.MemorySize;
        var dc = new float[Tq * B * hm];
        var ex = Assert.Throws<InvalidOperationException>(() => attention.Backward(dc, default, default));
        Assert.Contains("Backward needs a Forward first", ex.Message);

        attention.Forward(queries, Tq, memory, Ts, B, Lengths, new float[Tq * B * hm], new float[Tq * B * Ts]);
        var a = Assert.Throws<ArgumentException>(() => attention.Backward(dc.AsSpan(1), default, default));
        Assert.Contains($"'contextGradient' has {(Tq * B * hm) - 1} elements but its shape (Tq=3, B=3, Hm=6) needs {Tq * B * hm}.", a.Message);
        a = Assert.Throws<ArgumentException>(() => attention.Backward(dc, new float[Tq * B * hm], default));
        Assert.Contains($"'queriesGradient' has {Tq * B * hm} elements but its shape (Tq=3, B=3, Hq=4) needs {Tq * B * Hq}.", a.Message);
        a = Assert.Throws<ArgumentException>(() => attention.Backward(dc, default, new float[Tq * B * hm]));
        Assert.Contains($"'memoryGradient' has {Tq * B * hm} elements but its shape (Ts=5, B=3, Hm=6) needs {Ts * B * hm}.", a.Message);
    }

    [Theory]
    [MemberData(nameof(Scores))]
    public void Backward_EmptyInputGradientsStillAddParameterGradients(AttentionScore score)
    {
        var (store, attention, queries, memory) = Build(score, 13);
        int hm = attention.MemorySize;
        var dc = TestData.Uniform(new SeededRandom(2), Tq * B * hm);
        attention.Forward(queries, Tq, memory, Ts, B, Lengths, new float[Tq * B * hm], new float[Tq * B * Ts]);
        attention.Backward(dc, new float[queries.Length], new float[memory.Length]);
        float[] full = store.Gradients.ToArray();
        store.ZeroGrad();
        attention.Backward(dc, default, default);
        Assert.Equal(full, store.Gradients.ToArray());
    }

    [Theory]
    [MemberData(nameof(Scores))]
    public void ForwardAndBackward_AllocateNothingInSteadyState(AttentionScore score)
    {
        var (store, attention, queries, memory) = Build(score, 17);
        int hm = attention.MemorySize;
        var context = new float[Tq * B * hm];
        var weights = new float[Tq * B * Ts];
        var dc = TestData.Uniform(new SeededRandom(3), context.Length);
        var dq = new float[queries.Length];
        var dm = new float[memory.Length];
        int[] shortLengths = [2, 1, 2];
        void Step()
        {
            store.ZeroGrad();
            attention.Forward(queries, Tq, memory, Ts, B, Lengths, context, weights);
            attention.Backward(dc, dq, dm);
            // A smaller shape (Tq = 2, Ts = 2) reuses the grown buffers.
            attention.Forward(queries.AsSpan(0, 2 * B * Hq), 2, memory.AsSpan(0, 2 * B * hm), 2, B, shortLengths, context.AsSpan(0, 2 * B * hm), weights.AsSpan(0, 2 * B * 2));
            attention.Backward(dc.AsSpan(0, 2 * B * hm), dq.AsSpan(0, 2 * B * Hq), dm.AsSpan(0, 2 * B * hm));
        }

        Assert.Equal(0, TestData.SteadyStateAllocation(Step));
    }

    private static (ParameterStore Store, Attention Attention, float[] Queries, float[] Memory) Build(AttentionScore score, int seed)
    {
        var random = new SeededRandom(seed);
        var store = new ParameterStore();
        int hm = score == AttentionScore.Dot ? Hq : 6;
        var attention = new Attention(store, score, Hq, hm, random, score == AttentionScore.Additive ? A : 0);
        return (store, attention, TestData.Uniform(random, Tq * B * Hq), TestData.Uniform(random, Ts * B * hm));
    }

    private static void AssertPaddingRowsZero(float[] memoryGradient, int hm)
    {
        for (int b = 0; b < B; b++)
        {
            for (int s = Lengths[b]; s < Ts; s++)
            {
                Assert.All(memoryGradient.AsSpan(((s * B) + b) * hm, hm).ToArray(), v => Assert.Equal(0f, v));
            }
        }
    }
}
