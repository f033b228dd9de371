using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MLNetRnn.Numerics;

/// <summary>
/// The engine's element-wise σ, tanh and exp in single precision on 8 lanes with FMA (a recurrent cell spends about a fifth
/// of its step in them), through <see cref="TensorPrimitives"/> on hardware without AVX2 and FMA. On rows of 256–1024
/// here they take σ 0.7–0.85, tanh 0.55 and exp 0.5–0.75 of <see cref="TensorPrimitives"/>' time: one range-reduced
/// polynomial and (σ, tanh) one division; tanh as −m / (2 + m) with m = exp(−2|x|) − 1 computed without cancellation.
/// </summary>
/// <remarks>
/// <para>Accuracy (held by <c>ActivationsTests</c> against double precision on a dense grid): exp within 2 ulp on
/// [−87.3, 88.7]; σ and tanh within 2·10⁻⁷ absolute everywhere, tanh within 3 ulp near 0. NaN stays NaN, ±∞ give the
/// limits. exp is 0 below −87.3 (where the exact value is subnormal, under 1.2·10⁻³⁸) and +∞ above ln(float.MaxValue).</para>
/// <para>An element's bits do not depend on its position in the span: the tail runs through the same 8-lane code on a
/// padded copy, so rows cut at other offsets (two threads, other batch sizes) compute the same values.</para>
/// </remarks>
internal static class Activations
{
    private static readonly bool s_vectorized = Vector256.IsHardwareAccelerated && Fma.IsSupported;

    // exp: x = k ln 2 + r, |r| ≤ ln 2 / 2, ln 2 split in a short high part (exact in k·high) and the rest; exp(r) by a
    // degree-7 Taylor-like minimax polynomial 1 + r + r² p(r).
    private const float Log2E = 1.44269504088896341f, Ln2High = 0.693359375f, Ln2Low = -2.12194440e-4f;
    private const float ExpLow = -87.3f, ExpHigh = 88.72283f; // below: 0 (the subnormal range); above: +∞
    private const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f, P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f,
        P5 = 5.0000001201e-1f;

    /// <summary>y = exp(x) element-wise; <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void Exp(ReadOnlySpan<float> x, Span<float> y) => Apply<ExpOp>(x, y);

    /// <summary>y = σ(x) = 1 / (1 + exp(−x)) element-wise; <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void Sigmoid(ReadOnlySpan<float> x, Span<float> y) => Apply<SigmoidOp>(x, y);

    /// <summary>y = tanh(x) element-wise; <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void Tanh(ReadOnlySpan<float> x, Span<float> y) => Apply<TanhOp>(x, y);

    private interface IOp
    {
        static abstract Vector256<float> Vector(Vector256<float> x);

        static abstract void Fallback(ReadOnlySpan<float> x, Span<float> y);
    }

    private static void Apply<TOp>(ReadOnlySpan<float> x, Span<float> y)
        where TOp : IOp
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException($"The output has {y.Length} elements, fewer than the input's {x.Length}.", nameof(y));
        }

        if (x.Overlaps(y, out int offset) && offset != 0)
        {
            throw new ArgumentException("The output overlaps the input at another offset; use the same span or separate ones.", nameof(y));
        }

        if (!s_vectorized)
        {
            TOp.Fallback(x, y);
            return;
        }

        int n = x.Length, i = 0;
        ref float xs = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x);
        ref float ys = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y);
        for (; i <= n - 8; i += 8)
        {
            TOp.Vector(Vector256.LoadUnsafe(ref xs, (nuint)i)).StoreUnsafe(ref ys, (nuint)i);
        }

        if (i < n)
        {
            // The tail through the same lanes, on a copy padded with zeros.
            Span<float> pad = stackalloc float[8];
            pad.Clear();
            x[i..].CopyTo(pad);
            TOp.Vector(Vector256.Create<float>(pad)).CopyTo(pad);
            pad[..(n - i)].CopyTo(y[i..]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpCore(Vector256<float> x)
    {
        // NaN is restored by the caller
        var clamped = Vector256.Min(Vector256.Max(x, Vector256.Create(ExpLow)), Vector256.Create(ExpHigh));
        var k = Vector256.Round(clamped * Vector256.Create(Log2E));
        var r = Fma.MultiplyAddNegated(k, Vector256.Create(Ln2High), clamped);
        r = Fma.MultiplyAddNegated(k, Vector256.Create(Ln2Low), r);
        var p = Fma.MultiplyAdd(Polynomial(r), r * r, r + Vector256<float>.One);
        // 2^k as two factors, since k reaches 128 near the top of the range
        var ki = Vector256.ConvertToInt32(k);
        var half = Vector256.ShiftRightArithmetic(ki, 1);
        var bias = Vector256.Create(127);
        var e = p * ((half + bias) << 23).AsSingle() * ((ki - half + bias) << 23).AsSingle();
        e = Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(ExpHigh)), Vector256.Create(float.PositiveInfinity), e);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(ExpLow)), Vector256<float>.Zero, e);
    }

    /// <summary>exp(x) − 1 for x in [−87.3, 0], accurate relative to the result near 0 as well: 2^k (exp(r) − 1) + (2^k − 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpM1Negative(Vector256<float> x)
    {
        var k = Vector256.Round(x * Vector256.Create(Log2E));
        var r = Fma.MultiplyAddNegated(k, Vector256.Create(Ln2High), x);
        r = Fma.MultiplyAddNegated(k, Vector256.Create(Ln2Low), r);
        var q = Fma.MultiplyAdd(Polynomial(r), r * r, r); // exp(r) − 1
        var scale = ((Vector256.ConvertToInt32(k) + Vector256.Create(127)) << 23).AsSingle(); // k ≥ −126
        return Fma.MultiplyAdd(scale, q, scale - Vector256<float>.One);
    }

    // p(r) of exp(r) = 1 + r + r² p(r)
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Polynomial(Vector256<float> r)
    {
        var p = Fma.MultiplyAdd(Vector256.Create(P0), r, Vector256.Create(P1));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(P2));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(P3));
        p = Fma.MultiplyAdd(p, r, Vector256.Create(P4));
        return Fma.MultiplyAdd(p, r, Vector256.Create(P5));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> KeepNaN(Vector256<float> x, Vector256<float> result) =>
        Vector256.ConditionalSelect(Vector256.Equals(x, x), result, x);

    private readonly struct ExpOp : IOp
    {
        public static Vector256<float> Vector(Vector256<float> x) => KeepNaN(x, ExpCore(x));

        public static void Fallback(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Exp(x, y);
    }

    private readonly struct SigmoidOp : IOp
    {
        public static Vector256<float> Vector(Vector256<float> x) =>
            KeepNaN(x, Vector256<float>.One / (Vector256<float>.One + ExpCore(-x)));

        public static void Fallback(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Sigmoid(x, y);
    }

    private readonly struct TanhOp : IOp
    {
        public static Vector256<float> Vector(Vector256<float> x)
        {
            // tanh |x| = −m / (2 + m) with m = exp(−2|x|) − 1 ∈ (−1, 0], computed without cancellation near 0
            var sign = Vector256.Create(-0f);
            var twice = Vector256.AndNot(x, sign) * Vector256.Create(-2f); // −2|x|
            var m = ExpM1Negative(Vector256.Max(twice, Vector256.Create(ExpLow)));
            var t = -m / (Vector256.Create(2f) + m);
            return KeepNaN(x, t | (x & sign)); // x's sign
        }

        public static void Fallback(ReadOnlySpan<float> x, Span<float> y) => TensorPrimitives.Tanh(x, y);
    }
}
