using MLNetRnn.Diagnostics;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Diagnostics;

/// <summary>
/// <see cref="GradientFlow"/>: the exact Jacobian norms against finite differences of the stack's own forward pass, and
/// the vanishing-gradient picture it is for (SimpleRNN loses the start of a 100-step sequence far faster than LSTM/GRU).
/// </summary>
public sealed class GradientFlowTests
{
    public static TheoryData<RecurrentCellType, int, bool> Stacks => new()
    {
        { RecurrentCellType.SimpleRnn, 1, false },
        { RecurrentCellType.Lstm, 1, false },
        { RecurrentCellType.Gru, 1, false },
        { RecurrentCellType.Lstm, 2, true },   // the gradient of the top forward state also crosses the lower reverse direction
        { RecurrentCellType.Gru, 2, false },
    };

    [Theory]
    [MemberData(nameof(Stacks))]
    public void Measure_MatchesFiniteDifferencesOfTheFinalState(RecurrentCellType cell, int layers, bool bidirectional)
    {
        const int T = 6, N = 2, I = 3, H = 4;
        var stack = new RecurrentStack(new ParameterStore(), cell, I, H, new SeededRandom(7), layers, bidirectional);
        var random = new Random(20240501);
        float[] inputs = [.. Enumerable.Range(0, T * N * I).Select(_ => (float)((random.NextDouble() * 2) - 1))];

        var result = GradientFlow.Measure(stack, inputs, T, N);

        Assert.Equal(cell, result.Cell);
        Assert.Equal(T, result.Length);
        double[] expected = FiniteDifferenceNorms(stack, inputs, T, N);
        for (int t = 0; t < T; t++)
        {
            Assert.True(Math.Abs(result.Norms[t] - expected[t]) <= 2e-3 * expected[t] + 1e-6,
                $"t = {t + 1}: exact {result.Norms[t]:G6}, finite differences {expected[t]:G6}.");
        }
    }

    [Fact]
    public void Measure_SimpleRnnLosesTheFirstStepsOfAHundred()
    {
        var rnn = GradientFlow.Measure(RecurrentCellType.SimpleRnn);

        Assert.Equal(100, rnn.Norms.Length);
        Assert.InRange(rnn.Norms[^1], 0.5, 10);                 // the last input moves h_T by O(1) (measured 2.8)
        Assert.True(rnn.Norms[0] < 1e-20 * rnn.Norms[^1], $"‖∂h_T/∂x_1‖ = {rnn.Norms[0]:E2} (measured 4.0e-27)");
        Assert.True(rnn.Norms.Zip(rnn.Norms.Skip(1)).All(p => p.First < p.Second), "the norm grows towards t = T at every step");
    }

    [Fact]
    public void Measure_LstmAndGruKeepTheFirstStepsOrdersOfMagnitudeBetterThanSimpleRnn()
    {
        double rnn = GradientFlow.Measure(RecurrentCellType.SimpleRnn).Ratio;
        double lstm = GradientFlow.Measure(RecurrentCellType.Lstm).Ratio;
        double gru = GradientFlow.Measure(RecurrentCellType.Gru).Ratio;

        // Measured with seed 1: SimpleRNN 1.4e-27, LSTM 1.7e-21, GRU 3.8e-21 — all vanish at initialisation, the gated cells a million times less.
        Assert.True(lstm > 1e4 * rnn, $"LSTM ratio {lstm:E2} vs SimpleRNN {rnn:E2}");
        Assert.True(gru > 1e4 * rnn, $"GRU ratio {gru:E2} vs SimpleRNN {rnn:E2}");
    }

    [Fact]
    public void Measure_LstmWithForgetBiasOneHoldsOnWhereThePyTorchInitialisationVanishes()
    {
        var plain = GradientFlow.Measure(RecurrentCellType.Lstm);
        var biased = GradientFlow.Measure(RecurrentCellType.Lstm, forgetGateBias: 1f);

        // Measured with seed 1: t = 1 norm 1.25e-21 at PyTorch's initialisation, 6.3e-9 with the forget gate starting near σ(1).
        Assert.True(biased.Norms[0] > 1e9 * plain.Norms[0], $"‖∂h_T/∂x_1‖ {biased.Norms[0]:E2} with bias 1 vs {plain.Norms[0]:E2}");
        Assert.InRange(biased.Norms[^1], 0.5 * plain.Norms[^1], 2 * plain.Norms[^1]); // the last step is not what changes
        Assert.Equal(1f, biased.ForgetGateBias);
        Assert.Equal("LSTM, forget bias +1", biased.Label);
        Assert.Null(plain.Label);

        var e = Assert.Throws<ArgumentException>(() => GradientFlow.Measure(RecurrentCellType.Gru, forgetGateBias: 1f));
        Assert.Contains("only an LSTM has a forget gate", e.Message);
        Assert.Throws<ArgumentException>(() => GradientFlow.Measure(RecurrentCellType.Lstm, forgetGateBias: float.NaN));
    }

    [Fact]
    public void Measure_IsTheSameForTheSameSeedAndDiffersForAnother()
    {
        var a = GradientFlow.Measure(RecurrentCellType.Gru, length: 8, inputSize: 4, hiddenSize: 6, seed: 3, samples: 2);
        var b = GradientFlow.Measure(RecurrentCellType.Gru, length: 8, inputSize: 4, hiddenSize: 6, seed: 3, samples: 2);
        var c = GradientFlow.Measure(RecurrentCellType.Gru, length: 8, inputSize: 4, hiddenSize: 6, seed: 4, samples: 2);

        Assert.Equal(a.Norms, b.Norms);
        Assert.NotEqual(a.Norms, c.Norms);
    }

    [Fact]
    public void Measure_WithAnEmbeddingDrawsTokensOtherThanPadding()
    {
        // Two ids, 0 = padding: every drawn token must be id 1, so the inputs are row 1 at every step of every sequence.
        var store = new ParameterStore();
        var random = new SeededRandom(5);
        var embedding = new Embedding(store, 2, 3, random);
        var stack = new RecurrentStack(store, RecurrentCellType.Lstm, 3, 4, random);
        float[] row1 = embedding.Weight.Value.Slice(3, 3).ToArray();
        float[] inputs = [.. Enumerable.Range(0, 5 * 2).SelectMany(_ => row1)];

        var drawn = GradientFlow.Measure(stack, embedding, length: 5, seed: 9, samples: 2);
        var byHand = GradientFlow.Measure(stack, inputs, 5, 2);

        Assert.Equal(byHand.Norms, drawn.Norms);
    }

    [Fact]
    public void Measure_ThrowsForBadArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientFlow.Measure(RecurrentCellType.Lstm, length: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientFlow.Measure(RecurrentCellType.Lstm, samples: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientFlow.Measure(RecurrentCellType.Lstm, hiddenSize: -1));
        var stack = new RecurrentStack(new ParameterStore(), RecurrentCellType.SimpleRnn, 3, 4, new SeededRandom(1));
        var e = Assert.Throws<ArgumentException>(() => GradientFlow.Measure(stack, new float[5], 2, 1));
        Assert.Contains("'inputs' has 5 elements", e.Message);
        Assert.Throws<ArgumentException>(() => GradientFlow.Measure(stack, [float.NaN, 0, 0], 1, 1));
        var wide = new Embedding(new ParameterStore(), 10, 5, new SeededRandom(1));
        Assert.Contains("vectors of 5", Assert.Throws<ArgumentException>(() => GradientFlow.Measure(stack, wide)).Message);
        var onlyPadding = new Embedding(new ParameterStore(), 1, 3, new SeededRandom(1));
        Assert.Contains("no token to draw", Assert.Throws<ArgumentException>(() => GradientFlow.Measure(stack, onlyPadding)).Message);
    }

    [Fact]
    public void Result_NeedsOneNormPerStepAndRatioIsFirstOverLast()
    {
        Assert.Throws<ArgumentException>(() => new GradientFlowResult(RecurrentCellType.Lstm, 3, [1, 2]));
        Assert.Throws<ArgumentException>(() => new GradientFlowResult(RecurrentCellType.Lstm, 0, []));
        Assert.Throws<ArgumentNullException>(() => new GradientFlowResult(RecurrentCellType.Lstm, 1, null!));
        Assert.Equal(0.25, new GradientFlowResult(RecurrentCellType.Gru, 3, [1, 2, 4]).Ratio);
    }

    [Fact]
    public void DiagnosticsFolder_NeverReferencesMicrosoftML()
    {
        string root = Path.Combine(Sentiment.Repository(), "src", "MLNetRnn", "Diagnostics");
        Assert.NotEmpty(Directory.EnumerateFiles(root, "*.cs"));
        Assert.All(Directory.EnumerateFiles(root, "*.cs"), f => Assert.DoesNotContain("Microsoft.ML", File.ReadAllText(f), StringComparison.Ordinal));
    }

    /// <summary>
    /// ‖∂h_T/∂x_t‖_F by central differences (ε = 1e-2, float32 forward passes, double arithmetic) of the top layer's forward
    /// final state, one sequence at a time, averaged over the sequences.
    /// </summary>
    private static double[] FiniteDifferenceNorms(RecurrentStack stack, float[] inputs, int length, int samples)
    {
        const float Epsilon = 1e-2f;
        int inSize = stack.InputSize, h = stack.HiddenSize, top = (stack.NumberOfLayers - 1) * stack.Directions;
        var norms = new double[length];
        var output = new float[length * stack.OutputSize];
        var hN = new float[stack.StateCount * h];
        for (int s = 0; s < samples; s++)
        {
            float[] x = new float[length * inSize];
            for (int t = 0; t < length; t++)
            {
                inputs.AsSpan(((t * samples) + s) * inSize, inSize).CopyTo(x.AsSpan(t * inSize));
            }

            double[] FinalState()
            {
                stack.Forward(x, length, 1, default, output, hN: hN);
                return [.. hN.AsSpan(top * h, h).ToArray().Select(v => (double)v)];
            }

            for (int t = 0; t < length; t++)
            {
                double sum = 0;
                for (int i = 0; i < inSize; i++)
                {
                    int k = (t * inSize) + i;
                    float saved = x[k];
                    x[k] = saved + Epsilon;
                    double[] up = FinalState();
                    x[k] = saved - Epsilon;
                    double[] down = FinalState();
                    x[k] = saved;
                    sum += up.Zip(down).Sum(p => Math.Pow((p.First - p.Second) / (2 * Epsilon), 2));
                }

                norms[t] += Math.Sqrt(sum) / samples;
            }
        }

        return norms;
    }
}
