using System.Numerics.Tensors;
using MLNetRnn.Numerics;

namespace MLNetRnn.Tests.Numerics;

/// <summary>
/// The engine's single-precision σ, tanh and exp (<see cref="Activations"/>) against double precision on a dense grid,
/// at the limits, and for position independence (an element's bits do not depend on where the span starts or ends).
/// </summary>
public sealed class ActivationsTests
{
    // A dense grid over [−100, 100] plus points near 0 and the ends of exp's range.
    private static float[] Grid()
    {
        var values = new List<float>();
        for (int i = -2_000_000; i <= 2_000_000; i += 7)
        {
            values.Add(i * 5e-5f);
        }

        for (int e = -40; e <= 0; e++)
        {
            values.Add(MathF.Pow(10, e));
            values.Add(-MathF.Pow(10, e));
        }

        values.AddRange([-87.3f, -87.29f, 88.7f, 88.72f, 88.7228f, 0.625f, -0.625f, 0.6249999f, 9f, -9f]);
        return [.. values];
    }

    [Fact]
    public void Exp_IsWithinTwoUlpOfDoublePrecision_InItsRange()
    {
        float[] x = [.. Grid().Where(v => v >= -87.3f && v <= 88.72f)];
        var y = new float[x.Length];
        Activations.Exp(x, y);
        for (int i = 0; i < x.Length; i++)
        {
            double exact = Math.Exp(x[i]);
            double ulp = MathF.BitIncrement((float)exact) - (float)exact;
            Assert.True(Math.Abs(y[i] - exact) <= 2 * ulp, $"exp({x[i]:R}) = {y[i]:R}, exact {exact:R}: {Math.Abs(y[i] - exact) / ulp:F2} ulp");
        }
    }

    [Fact]
    public void SigmoidAndTanh_AreWithin2e7OfDoublePrecision_AndTanhKeepsRelativeAccuracyNearZero()
    {
        float[] x = Grid();
        var s = new float[x.Length];
        var t = new float[x.Length];
        Activations.Sigmoid(x, s);
        Activations.Tanh(x, t);
        for (int i = 0; i < x.Length; i++)
        {
            double sigmoid = 1 / (1 + Math.Exp(-(double)x[i])), tanh = Math.Tanh(x[i]);
            Assert.True(Math.Abs(s[i] - sigmoid) <= 2e-7, $"σ({x[i]:R}) = {s[i]:R}, exact {sigmoid:R}");
            Assert.True(Math.Abs(t[i] - tanh) <= 2e-7, $"tanh({x[i]:R}) = {t[i]:R}, exact {tanh:R}");
            if (Math.Abs(x[i]) < 0.625f && x[i] != 0)
            {
                Assert.True(Math.Abs(t[i] - tanh) <= 3.6e-7 * Math.Abs(tanh), $"tanh({x[i]:R}) = {t[i]:R}, exact {tanh:R}: relative error above 3 ulp");
            }
        }
    }

    [Fact]
    public void Limits_NaNStaysNaN_InfinitiesGiveTheLimits()
    {
        float[] x = [float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, 89f, -104f, -1000f, 1000f, float.NaN];
        var e = new float[x.Length];
        var s = new float[x.Length];
        var t = new float[x.Length];
        Activations.Exp(x, e);
        Activations.Sigmoid(x, s);
        Activations.Tanh(x, t);
        Assert.Equal([float.NaN, float.PositiveInfinity, 0f, 1f, float.PositiveInfinity, 0f, 0f, float.PositiveInfinity, float.NaN], e);
        Assert.Equal([float.NaN, 1f, 0f, 0.5f, 1f, 0f, 0f, 1f, float.NaN], s);
        Assert.Equal([float.NaN, 1f, -1f, 0f, 1f, -1f, -1f, 1f, float.NaN], t);
    }

    [Fact]
    public void AnElementsBits_DoNotDependOnItsPositionInTheSpan()
    {
        var random = new SeededRandom(11);
        var x = new float[37];
        random.FillUniform(x, -12, 12);
        foreach (var apply in new Action<ReadOnlySpan<float>, Span<float>>[] { Activations.Exp, Activations.Sigmoid, Activations.Tanh })
        {
            var whole = new float[x.Length];
            apply(x, whole);
            for (int start = 0; start < x.Length; start++)
            {
                for (int length = 1; start + length <= x.Length; length += 5)
                {
                    var part = new float[length];
                    apply(x.AsSpan(start, length), part);
                    Assert.Equal(whole.AsSpan(start, length).ToArray(), part); // bitwise: float equality, no tolerance
                }
            }
        }
    }

    [Fact]
    public void InPlace_EqualsSeparateOutput_AndAnOverlapAtAnotherOffsetIsRefused()
    {
        var random = new SeededRandom(12);
        var x = new float[19];
        random.FillUniform(x, -5, 5);
        var separate = new float[x.Length];
        Activations.Tanh(x, separate);
        float[] inPlace = (float[])x.Clone();
        Activations.Tanh(inPlace, inPlace);
        Assert.Equal(separate, inPlace);

        var error = Assert.Throws<ArgumentException>(() => Activations.Sigmoid(x.AsSpan(0, 10), x.AsSpan(1, 10)));
        Assert.Contains("overlaps", error.Message);
        Assert.Throws<ArgumentException>(() => Activations.Exp(x.AsSpan(0, 10), new float[9]));
    }

    [Fact]
    public void AgreesWithTensorPrimitives_WhichTheEngineUsedBefore()
    {
        var random = new SeededRandom(13);
        var x = new float[4096];
        random.FillUniform(x, -10, 10);
        var ours = new float[x.Length];
        var theirs = new float[x.Length];
        Activations.Sigmoid(x, ours);
        TensorPrimitives.Sigmoid(x, theirs);
        Assert.True(TensorPrimitives.Distance(ours, theirs) / Math.Sqrt(x.Length) < 1e-7);
        Activations.Tanh(x, ours);
        TensorPrimitives.Tanh(x, theirs);
        Assert.True(TensorPrimitives.Distance(ours, theirs) / Math.Sqrt(x.Length) < 1e-7);
    }
}
