using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Training;
using Xunit.Abstractions;

namespace MLNetRnn.Tests.Layers;

/// <summary>
/// <see cref="LinearChainCrf"/>: log Z, gold scores, marginals and Viterbi against brute-force enumeration of all Kᴸ tag
/// paths (the enumeration here scores each path straight from the definition), finite-difference checks of every
/// gradient, parity with PyTorch autograd (fixtures/make_crf_fixtures.py), ragged batches against one sequence at a time, padding never read, learning a transition rule, errors and
/// steady-state allocation.
/// </summary>
public sealed class LinearChainCrfTests(ITestOutputHelper output)
{
    private const int T = 5, B = 4, K = 3;
    private static readonly int[] Lengths = [5, 1, 3, 4]; // uneven, unsorted, includes 1 and T

    public static TheoryData<LossReduction> Reductions() => new(Enum.GetValues<LossReduction>());

    [Fact]
    public void Forward_MatchesBruteForceEnumeration()
    {
        var (_, crf, emissions, tags) = Build(20240501);
        double sum = crf.Forward(emissions, T, B, Lengths, tags, LossReduction.Sum);
        double expectedSum = 0;
        for (int b = 0; b < B; b++)
        {
            var (logZ, _, _) = Enumerate(crf, emissions, b);
            double gold = ScorePath(crf, emissions, b, Gold(tags, b));
            Assert.Equal(logZ, crf.LogPartitions[b], 1e-9);
            Assert.Equal(gold, crf.GoldScores[b], 1e-9);
            Assert.True(logZ > gold, $"row {b}: log Z {logZ} must exceed the gold score {gold}.");
            expectedSum += logZ - gold;
        }

        Assert.Equal(expectedSum, sum, 1e-9);
        Assert.Equal(expectedSum / B, crf.Forward(emissions, T, B, Lengths, tags, LossReduction.Mean), 1e-9);
    }

    [Theory]
    [InlineData(20240501)]
    [InlineData(7)]
    [InlineData(123)]
    public void Decode_MatchesBruteForceArgMax(int seed)
    {
        var (_, crf, emissions, _) = Build(seed);
        var decoded = new int[T * B];
        var scores = new double[B];
        crf.Decode(emissions, T, B, Lengths, decoded, scores);
        for (int b = 0; b < B; b++)
        {
            var (_, best, bestScore) = Enumerate(crf, emissions, b);
            Assert.Equal(best, Gold(decoded, b));
            Assert.Equal(bestScore, scores[b], 1e-9);
            for (int t = Lengths[b]; t < T; t++)
            {
                Assert.Equal(-1, decoded[(t * B) + b]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void Backward_EmissionGradientIsMarginalsMinusGold(LossReduction reduction)
    {
        // dLoss/de[t, b, j] = g (p(y_t = j) − [gold_t = j]); p from the enumeration.
        var (_, crf, emissions, tags) = Build(31);
        crf.Forward(emissions, T, B, Lengths, tags, reduction);
        var de = new float[T * B * K];
        crf.Backward(de);
        double g = reduction == LossReduction.Mean ? 1.0 / B : 1.0;
        for (int b = 0; b < B; b++)
        {
            var marginals = new double[Lengths[b] * K];
            Enumerate(crf, emissions, b, (path, probability) =>
            {
                for (int t = 0; t < path.Length; t++)
                {
                    marginals[(t * K) + path[t]] += probability;
                }
            });
            for (int t = 0; t < T; t++)
            {
                for (int j = 0; j < K; j++)
                {
                    double expected = t < Lengths[b]
                        ? g * (marginals[(t * K) + j] - (tags[(t * B) + b] == j ? 1 : 0))
                        : 0;
                    Assert.Equal(expected, de[(((t * B) + b) * K) + j], 1e-6);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Reductions))]
    public void Backward_MatchesFiniteDifferences(LossReduction reduction)
    {
        var (store, crf, emissions, tags) = Build(20240501);
        double Loss() => crf.Forward(emissions, T, B, Lengths, tags, reduction);

        Loss();
        store.ZeroGrad();
        var de = new float[emissions.Length];
        crf.Backward(de); // padding emissions stay NaN: never read, so their differences are 0 like their gradients

        var worst = new List<string> { $"emissions {GradientCheck.Run(emissions, 0, de, Loss, "dEmissions"):E1}" };
        float[] gradients = store.Gradients.ToArray();
        foreach (var p in store.Parameters)
        {
            worst.Add($"{p.Name} {GradientCheck.Run(store.ValueArray, p.Offset, gradients.AsSpan(p.Offset, p.Length), Loss, p.Name):E1}");
        }

        output.WriteLine($"{reduction}: worst relative error {string.Join(", ", worst)}");
    }

    [Fact]
    public void ForwardBackwardDecode_MatchPyTorch()
    {
        // fixtures/make_crf_fixtures.py: the forward algorithm written in PyTorch, gradients by autograd, Viterbi;
        // the script also checks its file against brute-force enumeration in float64.
        var npz = Fixtures.Load("crf.npz");
        int[] shape = npz["emissions"].Shape;
        int t = shape[0], b = shape[1], k = shape[2];
        var store = new ParameterStore();
        var crf = new LinearChainCrf(store, k, new SeededRandom(1));
        store.LoadStateDict(npz.Where(kv => store.TryGet("crf." + kv.Key, out _)), "crf.");
        int[] lengths = npz.I("lengths");

        double loss = crf.Forward(npz.F("emissions"), t, b, lengths, npz.I("tags"));
        store.ZeroGrad();
        var de = new float[t * b * k];
        crf.Backward(de);
        var decoded = new int[t * b];
        var best = new double[b];
        crf.Decode(npz.F("emissions"), t, b, lengths, decoded, best);

        const double tolerance = 1e-5;
        var worst = new List<string>
        {
            $"loss {Compare.Close([(float)loss], npz.F("loss"), tolerance, "loss"):E1}",
            $"log_partition {Compare.Close(crf.LogPartitions.ToArray().Select(v => (float)v).ToArray(), npz.F("log_partition"), tolerance, "log_partition"):E1}",
            $"gold_score {Compare.Close(crf.GoldScores.ToArray().Select(v => (float)v).ToArray(), npz.F("gold_score"), tolerance, "gold_score"):E1}",
            $"grad_emissions {Compare.Close(de, npz.F("grad_emissions"), tolerance, "grad_emissions"):E1}",
            $"best_score {Compare.Close(best.Select(v => (float)v).ToArray(), npz.F("best_score"), tolerance, "best_score"):E1}",
        };
        foreach (var p in store.Parameters)
        {
            string key = "grad." + p.Name["crf.".Length..];
            worst.Add($"{key} {Compare.Close(p.Gradient, npz.F(key), tolerance, key):E1}");
        }

        Assert.Equal(npz.I("decoded"), decoded);
        output.WriteLine($"worst error {string.Join(", ", worst)}");
    }

    [Fact]
    public void Recursions_FactoredAndExactAgree()
    {
        (double[] LogZ, float[] De, float[] Grads) Run(bool exact)
        {
            var (store, crf, emissions, tags) = Build(17);
            crf.ExactRecursions = exact;
            crf.Forward(emissions, T, B, Lengths, tags, LossReduction.Sum);
            Assert.Equal(!exact, crf.UsedFactoredRecursions);
            store.ZeroGrad();
            var de = new float[emissions.Length];
            crf.Backward(de);
            return (crf.LogPartitions.ToArray(), de, store.Gradients.ToArray());
        }

        var factored = Run(false);
        var exact = Run(true);
        for (int b = 0; b < B; b++)
        {
            Assert.Equal(exact.LogZ[b], factored.LogZ[b], 1e-12);
        }

        Compare.Close(factored.De, exact.De, 1e-6, "dEmissions");
        Compare.Close(factored.Grads, exact.Grads, 1e-6, "parameter gradients");
    }

    [Theory]
    [InlineData(500f, true)]  // just inside the factored recursions' safe spread (600)
    [InlineData(800f, false)] // beyond it: the exact log-space recursions run
    public void ForwardAndBackward_StayExactForExtremeScores(float spread, bool factored)
    {
        // Transitions uniform over a range of width `spread`, emissions over ±300: exp of any raw score overflows, and most
        // paths have probability below the smallest double. log Z, the gold score and the marginals must still match the
        // brute-force enumeration.
        var (store, crf, emissions, tags) = Build(23);
        var random = new SeededRandom(29);
        random.FillUniform(crf.Transitions.Value, -spread / 2, spread / 2);
        random.FillUniform(crf.StartTransitions.Value, -100f, 100f);
        random.FillUniform(crf.EndTransitions.Value, -100f, 100f);
        for (int i = 0; i < emissions.Length; i++)
        {
            emissions[i] = float.IsNaN(emissions[i]) ? float.NaN : emissions[i] * 150f;
        }

        crf.Forward(emissions, T, B, Lengths, tags, LossReduction.Sum);
        Assert.Equal(factored, crf.UsedFactoredRecursions);
        store.ZeroGrad();
        var de = new float[emissions.Length];
        crf.Backward(de);
        Assert.All(store.Gradients.ToArray(), v => Assert.True(float.IsFinite(v)));
        for (int b = 0; b < B; b++)
        {
            var marginals = new double[Lengths[b] * K];
            var (logZ, _, _) = Enumerate(crf, emissions, b, (path, probability) =>
            {
                for (int t = 0; t < path.Length; t++)
                {
                    marginals[(t * K) + path[t]] += probability;
                }
            });
            Assert.True(Math.Abs(logZ - crf.LogPartitions[b]) <= 1e-12 * Math.Abs(logZ), $"row {b}: log Z {crf.LogPartitions[b]} vs {logZ}.");
            Assert.True(Math.Abs(ScorePath(crf, emissions, b, Gold(tags, b)) - crf.GoldScores[b]) <= 1e-9 * Math.Abs(logZ));
            for (int t = 0; t < Lengths[b]; t++)
            {
                for (int j = 0; j < K; j++)
                {
                    double expected = marginals[(t * K) + j] - (tags[(t * B) + b] == j ? 1 : 0);
                    Assert.Equal(expected, de[(((t * B) + b) * K) + j], 1e-6);
                }
            }
        }
    }

    [Fact]
    public void RaggedBatch_MatchesOneSequenceAtATime()
    {
        const int t = 7, b = 5, k = 4;
        int[] lengths = [2, 7, 1, 5, 6];
        var random = new SeededRandom(20240501);
        var store = new ParameterStore();
        var crf = new LinearChainCrf(store, k, random);
        random.FillUniform(store.Values, -1f, 1f);
        var emissions = TestData.Uniform(random, t * b * k);
        var tags = new int[t * b];
        for (int i = 0; i < tags.Length; i++)
        {
            tags[i] = random.NextInt(k);
        }

        crf.Forward(emissions, t, b, lengths, tags, LossReduction.Sum);
        double[] logZ = crf.LogPartitions.ToArray(), gold = crf.GoldScores.ToArray();
        store.ZeroGrad();
        var de = new float[t * b * k];
        crf.Backward(de);
        float[] batchGradients = store.Gradients.ToArray();
        var decoded = new int[t * b];
        crf.Decode(emissions, t, b, lengths, decoded);

        var summed = new double[store.Count];
        for (int row = 0; row < b; row++)
        {
            int len = lengths[row];
            var e1 = new float[len * k];
            var tags1 = new int[len];
            for (int s = 0; s < len; s++)
            {
                emissions.AsSpan(((s * b) + row) * k, k).CopyTo(e1.AsSpan(s * k, k));
                tags1[s] = tags[(s * b) + row];
            }

            crf.Forward(e1, len, 1, [len], tags1, LossReduction.Sum);
            Assert.Equal(logZ[row], crf.LogPartitions[0]);
            Assert.Equal(gold[row], crf.GoldScores[0]);
            store.ZeroGrad();
            var de1 = new float[len * k];
            crf.Backward(de1);
            for (int i = 0; i < store.Count; i++)
            {
                summed[i] += store.Gradients[i];
            }

            var decoded1 = new int[len];
            crf.Decode(e1, len, 1, [len], decoded1);
            for (int s = 0; s < len; s++)
            {
                Assert.Equal(de1.AsSpan(s * k, k).ToArray(), de.AsSpan(((s * b) + row) * k, k).ToArray());
                Assert.Equal(decoded1[s], decoded[(s * b) + row]);
            }
        }

        for (int i = 0; i < store.Count; i++)
        {
            Assert.Equal(summed[i], batchGradients[i], 1e-5);
        }
    }

    [Fact]
    public void ForwardBackwardDecode_PaddingIsNeverRead()
    {
        (double Loss, float[] De, float[] Grads, int[] Tags) Run(float padding, int paddingTag)
        {
            var (store, crf, emissions, tags) = Build(11);
            for (int b = 0; b < B; b++)
            {
                for (int t = Lengths[b]; t < T; t++)
                {
                    Array.Fill(emissions, padding, ((t * B) + b) * K, K);
                    tags[(t * B) + b] = paddingTag;
                }
            }

            double loss = crf.Forward(emissions, T, B, Lengths, tags);
            store.ZeroGrad();
            var de = new float[emissions.Length];
            crf.Backward(de);
            var decoded = new int[T * B];
            crf.Decode(emissions, T, B, Lengths, decoded);
            return (loss, de, store.Gradients.ToArray(), decoded);
        }

        var reference = Run(0.25f, 0);
        foreach (var (padding, tag) in new[] { (1000f, -100), (float.NaN, 99) })
        {
            var other = Run(padding, tag);
            Assert.Equal(reference.Loss, other.Loss);
            Assert.Equal(reference.De, other.De);
            Assert.Equal(reference.Grads, other.Grads);
            Assert.Equal(reference.Tags, other.Tags);
        }

        ZeroPaddingCheck(reference.De);
    }

    [Fact]
    public void GradientDescent_LearnsATransitionRule()
    {
        // Tag t+1 = (tag t + 1) mod K. Only the first step's emission says which tag starts; later emissions are noise
        // unrelated to the tags, so only learned transitions can decode the rest. Chance accuracy is 1/K.
        const int t = 6, b = 8, k = 4;
        var random = new SeededRandom(20240501);
        var store = new ParameterStore();
        var crf = new LinearChainCrf(store, k, random);
        int[] lengths = [6, 3, 5, 6, 2, 4, 6, 1];
        var emissions = new float[t * b * k];
        var tags = new int[t * b];
        for (int row = 0; row < b; row++)
        {
            int first = random.NextInt(k);
            emissions[(row * k) + first] = 3f;
            for (int s = 0; s < t; s++)
            {
                tags[(s * b) + row] = (first + s) % k;
                if (s > 0)
                {
                    random.FillUniform(emissions.AsSpan(((s * b) + row) * k, k), -0.5f, 0.5f);
                }
            }
        }

        double Accuracy()
        {
            var decoded = new int[t * b];
            crf.Decode(emissions, t, b, lengths, decoded);
            int right = 0, total = 0;
            for (int row = 0; row < b; row++)
            {
                for (int s = 0; s < lengths[row]; s++, total++)
                {
                    right += decoded[(s * b) + row] == tags[(s * b) + row] ? 1 : 0;
                }
            }

            return (double)right / total;
        }

        double before = Accuracy();
        double firstLoss = 0, loss = 0;
        var de = new float[emissions.Length];
        for (int step = 0; step < 100; step++)
        {
            loss = crf.Forward(emissions, t, b, lengths, tags);
            firstLoss = step == 0 ? loss : firstLoss;
            store.ZeroGrad();
            crf.Backward(de);
            for (int i = 0; i < store.Count; i++)
            {
                store.Values[i] -= 0.5f * store.Gradients[i];
            }
        }

        output.WriteLine($"accuracy {before:P1} -> {Accuracy():P1}, loss {firstLoss:F3} -> {loss:F3}");
        Assert.True(before < 0.6, $"The untrained CRF already decodes {before:P1}; the task is too easy to show learning.");
        Assert.Equal(1.0, Accuracy());
        Assert.True(loss < firstLoss / 5, $"Loss fell only from {firstLoss} to {loss}.");
    }

    [Fact]
    public void Constructor_NamesShapesAndInitialisationFollowPytorchCrf()
    {
        var store = new ParameterStore();
        var crf = new LinearChainCrf(store, 5, new SeededRandom(1), prefix: "tagger.crf.");
        Assert.Equal(["tagger.crf.start_transitions (5,)", "tagger.crf.end_transitions (5,)", "tagger.crf.transitions (5, 5)"],
            store.Parameters.Select(p => p.ToString()));
        Assert.Same(store["tagger.crf.transitions"], crf.Transitions);
        Assert.All(store.Values.ToArray(), v => Assert.InRange(v, -0.1f, 0.1f));
        Assert.Contains(store.Values.ToArray(), v => v != 0f);
    }

    [Fact]
    public void Methods_ThrowForBadArguments()
    {
        var (_, crf, emissions, tags) = Build(3);
        var fresh = new LinearChainCrf(new ParameterStore(), K, new SeededRandom(1));
        Assert.Contains("Backward needs a Forward first", Assert.Throws<InvalidOperationException>(() => fresh.Backward(new float[T * B * K])).Message);
        Assert.Contains("Row 1 has length 0", Assert.Throws<ArgumentOutOfRangeException>(() => crf.Forward(emissions, T, B, [5, 0, 3, 4], tags)).Message);
        Assert.Contains("Row 0 has length 6", Assert.Throws<ArgumentOutOfRangeException>(() => crf.Decode(emissions, T, B, [6, 1, 3, 4], new int[T * B])).Message);
        Assert.Contains("'lengths' has 3 entries", Assert.Throws<ArgumentException>(() => crf.Forward(emissions, T, B, [5, 1, 3], tags)).Message);
        Assert.Contains("needs 60", Assert.Throws<ArgumentException>(() => crf.Forward(emissions.AsSpan(1).ToArray(), T, B, Lengths, tags)).Message);
        var badTags = (int[])tags.Clone();
        badTags[(2 * B) + 3] = K;
        Assert.Contains("row 3 at step 2 is 3", Assert.Throws<ArgumentOutOfRangeException>(() => crf.Forward(emissions, T, B, Lengths, badTags)).Message);
        var nan = (float[])emissions.Clone();
        nan[(((1 * B) + 0) * K) + 2] = float.NaN;
        Assert.Contains("row 0 at step 1 for tag 2 is NaN", Assert.Throws<ArgumentException>(() => crf.Forward(nan, T, B, Lengths, tags)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new LinearChainCrf(new ParameterStore(), 0, new SeededRandom(1)));
    }

    [Fact]
    public void ForwardBackwardDecode_AllocateNothingInSteadyState()
    {
        var (_, crf, emissions, tags) = Build(5);
        var de = new float[emissions.Length];
        var decoded = new int[T * B];
        long bytes = TestData.SteadyStateAllocation(() =>
        {
            crf.Forward(emissions, T, B, Lengths, tags);
            crf.Backward(de);
            crf.Decode(emissions, T, B, Lengths, decoded);
        });
        Assert.Equal(0, bytes);
    }

    // A CRF with parameters in [−1, 1], emissions in [−2, 2] (NaN on padding) and random gold tags (-1 on padding).
    private static (ParameterStore Store, LinearChainCrf Crf, float[] Emissions, int[] Tags) Build(int seed)
    {
        var random = new SeededRandom(seed);
        var store = new ParameterStore();
        var crf = new LinearChainCrf(store, K, random);
        random.FillUniform(store.Values, -1f, 1f);
        var emissions = new float[T * B * K];
        random.FillUniform(emissions, -2f, 2f);
        var tags = new int[T * B];
        for (int b = 0; b < B; b++)
        {
            for (int t = 0; t < T; t++)
            {
                bool real = t < Lengths[b];
                tags[(t * B) + b] = real ? random.NextInt(K) : -1;
                if (!real)
                {
                    Array.Fill(emissions, float.NaN, ((t * B) + b) * K, K);
                }
            }
        }

        return (store, crf, emissions, tags);
    }

    private static int[] Gold(int[] tags, int b)
    {
        var path = new int[Lengths[b]];
        for (int t = 0; t < path.Length; t++)
        {
            path[t] = tags[(t * B) + b];
        }

        return path;
    }

    // s(y) straight from the definition: start[y0] + Σ e[t, y_t] + Σ trans[y_{t−1}, y_t] + end[y_{L−1}].
    private static double ScorePath(LinearChainCrf crf, float[] emissions, int b, int[] path)
    {
        double score = crf.StartTransitions.Value[path[0]] + (double)crf.EndTransitions.Value[path[^1]];
        for (int t = 0; t < path.Length; t++)
        {
            score += emissions[(((t * B) + b) * K) + path[t]];
            if (t > 0)
            {
                score += crf.Transitions.Value[(path[t - 1] * K) + path[t]];
            }
        }

        return score;
    }

    // Every one of the K^L paths of row b: log Σ exp(s), the arg-max path and its score; visit(path, p(path)) per path.
    private static (double LogZ, int[] Best, double BestScore) Enumerate(LinearChainCrf crf, float[] emissions, int b, Action<int[], double>? visit = null)
    {
        int len = Lengths[b], count = (int)Math.Pow(K, len);
        var scores = new double[count];
        var paths = new int[count][];
        for (int n = 0; n < count; n++)
        {
            paths[n] = new int[len];
            for (int t = 0, rest = n; t < len; t++, rest /= K)
            {
                paths[n][t] = rest % K;
            }

            scores[n] = ScorePath(crf, emissions, b, paths[n]);
        }

        int best = Array.IndexOf(scores, scores.Max());
        double max = scores[best], sum = 0;
        foreach (double score in scores)
        {
            sum += Math.Exp(score - max);
        }

        double logZ = max + Math.Log(sum);
        for (int n = 0; n < count; n++)
        {
            visit?.Invoke(paths[n], Math.Exp(scores[n] - logZ));
        }

        return (logZ, paths[best], max);
    }

    private static void ZeroPaddingCheck(float[] de)
    {
        for (int b = 0; b < B; b++)
        {
            for (int t = Lengths[b]; t < T; t++)
            {
                Assert.All(de.AsSpan(((t * B) + b) * K, K).ToArray(), v => Assert.Equal(0f, v));
            }
        }
    }
}
