namespace MLNetRnn.Numerics;

/// <summary>
/// A small, fast, seeded pseudo-random generator (xoshiro256** seeded through SplitMix64) whose sequence is fixed
/// by this library, not by the .NET runtime version, so a seed gives the same model on every machine and release.
/// </summary>
/// <remarks>
/// Not thread-safe: give each thread or component its own instance, for example through <see cref="Fork"/>.
/// </remarks>
public sealed class SeededRandom
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator whose whole sequence is determined by <paramref name="seed"/>.</summary>
    /// <param name="seed">Any value; equal seeds give equal sequences.</param>
    public SeededRandom(long seed)
    {
        ulong x = unchecked((ulong)seed);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    /// <summary>Returns the next 64 uniformly distributed bits.</summary>
    /// <returns>A uniformly distributed 64-bit value.</returns>
    public ulong NextUInt64()
    {
        ulong result = BitRotate(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitRotate(_s3, 45);
        return result;
    }

    /// <summary>Returns a uniform value in [0, 1) with 24 random bits (every representable step of a float).</summary>
    /// <returns>A value <c>u</c> with <c>0 &lt;= u &lt; 1</c>.</returns>
    public float NextSingle() => (NextUInt64() >> 40) * (1.0f / (1 << 24));

    /// <summary>Returns a uniform value in [0, 1) with 53 random bits.</summary>
    /// <returns>A value <c>u</c> with <c>0 &lt;= u &lt; 1</c>.</returns>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Returns a uniform integer in [0, <paramref name="maxExclusive"/>), without modulo bias.</summary>
    /// <param name="maxExclusive">The exclusive upper bound; must be positive.</param>
    /// <returns>An integer <c>k</c> with <c>0 &lt;= k &lt; maxExclusive</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is zero or negative.</exception>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        ulong bound = (ulong)maxExclusive;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong r = NextUInt64();
            UInt128 product = (UInt128)r * bound;
            if ((ulong)product >= threshold)
            {
                return (int)(product >> 64);
            }
        }
    }

    /// <summary>Returns a standard normal sample (Box–Muller, one value per call).</summary>
    /// <returns>A sample from N(0, 1).</returns>
    public float NextGaussian()
    {
        double u1 = 1.0 - NextDouble(); // (0, 1]: log is finite
        double u2 = NextDouble();
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    /// <summary>Fills <paramref name="destination"/> with uniform values in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    /// <param name="destination">The values to overwrite.</param>
    /// <param name="low">Inclusive lower bound.</param>
    /// <param name="high">Exclusive upper bound; must not be below <paramref name="low"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="high"/> is below <paramref name="low"/>.</exception>
    public void FillUniform(Span<float> destination, float low, float high)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(high, low);
        float width = high - low;
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = low + (width * NextSingle());
        }
    }

    /// <summary>Fills <paramref name="destination"/> with samples from N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    /// <param name="destination">The values to overwrite.</param>
    /// <param name="mean">The mean.</param>
    /// <param name="std">The standard deviation; must not be negative.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="std"/> is negative.</exception>
    public void FillGaussian(Span<float> destination, float mean, float std)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(std);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = mean + (std * NextGaussian());
        }
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher–Yates).</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="values">The values to permute.</param>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>Gets or sets the generator's whole state (for checkpoints: restoring it continues the same sequence).</summary>
    internal (ulong S0, ulong S1, ulong S2, ulong S3) State
    {
        get => (_s0, _s1, _s2, _s3);
        set
        {
            if ((value.S0 | value.S1 | value.S2 | value.S3) == 0)
            {
                throw new InvalidDataException("A random generator state of all zeros is not a state xoshiro256** can reach; the checkpoint is damaged.");
            }

            (_s0, _s1, _s2, _s3) = value;
        }
    }

    /// <summary>
    /// Returns a new generator seeded from this one's next output, so components get independent, reproducible streams.
    /// </summary>
    /// <returns>A generator independent of this one.</returns>
    public SeededRandom Fork() => new(unchecked((long)NextUInt64()));

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    private static ulong BitRotate(ulong x, int k) => (x << k) | (x >> (64 - k));
}
