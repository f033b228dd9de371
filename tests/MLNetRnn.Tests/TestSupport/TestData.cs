using MLNetRnn.Numerics;

namespace MLNetRnn.Tests.TestSupport;

/// <summary>Small numeric helpers shared by the layer tests.</summary>
internal static class TestData
{
    /// <summary>n values uniform in [−1, 1) from a seeded source.</summary>
    public static float[] Uniform(SeededRandom random, int n)
    {
        var v = new float[n];
        random.FillUniform(v, -1f, 1f);
        return v;
    }

    /// <summary>Σ a·b accumulated in double (the losses of the gradient checks).</summary>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += (double)a[i] * b[i];
        }

        return s;
    }

    /// <summary>Bytes this thread allocates over five calls of <paramref name="step"/>, after two warm-up calls grow the buffers.</summary>
    public static long SteadyStateAllocation(Action step)
    {
        step();
        step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 5; i++)
        {
            step();
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
