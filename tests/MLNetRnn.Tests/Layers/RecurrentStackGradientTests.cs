using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNetRnn.Tests.Layers;

/// <summary>
/// Finite-difference checks of <see cref="RecurrentStack.Backward"/>: inputs, every weight and bias, initial states,
/// for each cell, stacked and bidirectional, with uneven lengths in shuffled order. The loss
/// <c>Σ out ⊙ Wo + Σ hN ⊙ Wh (+ Σ cN ⊙ Wc)</c> uses fixed random weights so every output and state matters.
/// </summary>
public sealed class RecurrentStackGradientTests(ITestOutputHelper output)
{
    public static TheoryData<RecurrentCellType, int, bool> Configurations()
    {
        var data = new TheoryData<RecurrentCellType, int, bool>();
        foreach (var cell in Enum.GetValues<RecurrentCellType>())
        {
            data.Add(cell, 1, false);
            data.Add(cell, 1, true);
            data.Add(cell, 2, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Backward_MatchesFiniteDifferences(RecurrentCellType cell, int layers, bool bidirectional)
    {
        const int T = 6, B = 4, I = 5, H = 7;
        int[] lengths = [3, 6, 1, 4]; // uneven, unsorted, includes 1 and T
        var random = new SeededRandom(20240501);
        var store = new ParameterStore();
        var stack = new RecurrentStack(store, cell, I, H, random, layers, bidirectional);
        bool lstm = cell == RecurrentCellType.Lstm;
        int s = stack.StateCount, outSize = T * B * stack.OutputSize, stateSize = s * B * H;

        var x = TestData.Uniform(random, T * B * I);
        for (int t = 0; t < T; t++)
        {
            for (int b = 0; b < B; b++)
            {
                if (t >= lengths[b])
                {
                    Array.Clear(x, ((t * B) + b) * I, I); // padding: its gradient must be zero and it must not matter
                }
            }
        }

        var h0 = TestData.Uniform(random, stateSize);
        var c0 = lstm ? TestData.Uniform(random, stateSize) : [];
        var wOut = TestData.Uniform(random, outSize);
        var wH = TestData.Uniform(random, stateSize);
        var wC = lstm ? TestData.Uniform(random, stateSize) : [];
        var y = new float[outSize];
        var hN = new float[stateSize];
        var cN = lstm ? new float[stateSize] : [];

        double Loss()
        {
            stack.Forward(x, T, B, lengths, y, h0, c0, hN, cN);
            return TestData.Dot(y, wOut) + TestData.Dot(hN, wH) + (lstm ? TestData.Dot(cN, wC) : 0);
        }

        Loss();
        store.ZeroGrad();
        var dx = new float[x.Length];
        var dh0 = new float[stateSize];
        var dc0 = lstm ? new float[stateSize] : [];
        stack.Backward(wOut, wH, wC, dx, dh0, dc0);

        var worst = new List<string>
        {
            $"x {GradientCheck.Run(x, 0, dx, Loss, "dx"):E1}",
            $"h0 {GradientCheck.Run(h0, 0, dh0, Loss, "dh0"):E1}",
        };
        if (lstm)
        {
            worst.Add($"c0 {GradientCheck.Run(c0, 0, dc0, Loss, "dc0"):E1}");
        }

        float[] gradients = store.Gradients.ToArray();
        foreach (var p in store.Parameters)
        {
            worst.Add($"{p.Name} {GradientCheck.Run(store.ValueArray, p.Offset, gradients.AsSpan(p.Offset, p.Length), Loss, p.Name):E1}");
        }

        // Padding positions get exactly zero input gradient.
        for (int b = 0; b < B; b++)
        {
            for (int t = lengths[b]; t < T; t++)
            {
                Assert.All(dx.AsSpan(((t * B) + b) * I, I).ToArray(), v => Assert.Equal(0f, v));
            }
        }

        output.WriteLine($"{cell} L={layers} bi={bidirectional}: worst relative error {string.Join(", ", worst)}");
    }

    [Fact]
    public void Forward_OutputPastLengthIsZeroAndFinalStateIsAtLastRealStep()
    {
        const int T = 5, B = 3, I = 2, H = 4;
        int[] lengths = [2, 5, 3];
        var random = new SeededRandom(7);
        var stack = new RecurrentStack(new ParameterStore(), RecurrentCellType.Gru, I, H, random);
        var x = TestData.Uniform(random, T * B * I);
        var y = new float[T * B * H];
        var hN = new float[B * H];
        stack.Forward(x, T, B, lengths, y, hN: hN);

        for (int b = 0; b < B; b++)
        {
            for (int t = 0; t < T; t++)
            {
                var row = y.AsSpan(((t * B) + b) * H, H);
                if (t >= lengths[b])
                {
                    Assert.All(row.ToArray(), v => Assert.Equal(0f, v));
                }
                else if (t == lengths[b] - 1)
                {
                    Assert.Equal(hN.AsSpan(b * H, H).ToArray(), row.ToArray());
                }
            }
        }
    }

    [Fact]
    public void Forward_PaddingContentDoesNotChangeResults()
    {
        const int T = 4, B = 2, I = 3, H = 5;
        int[] lengths = [2, 4];
        var random = new SeededRandom(3);
        var stack = new RecurrentStack(new ParameterStore(), RecurrentCellType.Lstm, I, H, random, 2, true);
        var x = TestData.Uniform(random, T * B * I);
        var y1 = new float[T * B * 2 * H];
        var y2 = new float[y1.Length];
        stack.Forward(x, T, B, lengths, y1);
        for (int t = 2; t < T; t++)
        {
            Array.Fill(x, 1000f, ((t * B) + 0) * I, I); // garbage in row 0's padding
        }

        stack.Forward(x, T, B, lengths, y2);
        Assert.Equal(y1, y2);
    }

    [Fact]
    public void Forward_RowAloneEqualsRowInsideRaggedBatch()
    {
        const int T = 6, I = 3, H = 4;
        var random = new SeededRandom(11);
        var stack = new RecurrentStack(new ParameterStore(), RecurrentCellType.Lstm, I, H, random, 1, true);
        int[] lengths = [6, 3, 5];
        var x = TestData.Uniform(random, T * 3 * I);
        var y = new float[T * 3 * 2 * H];
        stack.Forward(x, T, 3, lengths, y);

        // Row 1 alone, as a batch of one with T = 3.
        var single = new float[3 * I];
        for (int t = 0; t < 3; t++)
        {
            x.AsSpan(((t * 3) + 1) * I, I).CopyTo(single.AsSpan(t * I));
        }

        var ySingle = new float[3 * 2 * H];
        stack.Forward(single, 3, 1, [3], ySingle);
        for (int t = 0; t < 3; t++)
        {
            var inBatch = y.AsSpan(((t * 3) + 1) * 2 * H, 2 * H).ToArray();
            var alone = ySingle.AsSpan(t * 2 * H, 2 * H).ToArray();
            for (int k = 0; k < alone.Length; k++)
            {
                Assert.Equal(alone[k], inBatch[k], 5);
            }
        }
    }

    [Fact]
    public void Forward_DropoutOnlyInTrainingAndReproducibleForASeed()
    {
        const int T = 3, B = 2, I = 4, H = 6;
        float[] Run(bool training, int seed)
        {
            var random = new SeededRandom(seed);
            var stack = new RecurrentStack(new ParameterStore(), RecurrentCellType.Gru, I, H, random, 2, false, dropout: 0.5f);
            var x = TestData.Uniform(new SeededRandom(99), T * B * I);
            var y = new float[T * B * H];
            stack.Forward(x, T, B, default, y, training: training);
            return y;
        }

        Assert.Equal(Run(true, 5), Run(true, 5));
        Assert.NotEqual(Run(true, 5), Run(false, 5));
        Assert.Equal(Run(false, 5), Run(false, 5));
    }
}
