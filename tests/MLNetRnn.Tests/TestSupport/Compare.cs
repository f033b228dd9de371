namespace MLNetRnn.Tests.TestSupport;

/// <summary>Element-wise comparison with a combined absolute/relative tolerance, reporting the worst element.</summary>
internal static class Compare
{
    /// <summary>Largest |a − e| / max(1, |e|) over all elements: absolute error for small values, relative for large ones.</summary>
    public static double WorstError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, out int worstIndex)
    {
        Assert.Equal(expected.Length, actual.Length);
        double worst = 0;
        worstIndex = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs((double)actual[i] - expected[i]) / Math.Max(1.0, Math.Abs(expected[i]));
            if (double.IsNaN(err) || err > worst)
            {
                worst = double.IsNaN(err) ? double.PositiveInfinity : err;
                worstIndex = i;
            }
        }

        return worst;
    }

    /// <summary>Asserts every element is within <paramref name="tolerance"/> (absolute, or relative above 1) and returns the worst error.</summary>
    public static double Close(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected, double tolerance, string what)
    {
        double worst = WorstError(actual, expected, out int at);
        if (worst > tolerance)
        {
            Assert.Fail($"{what}: worst error {worst:E2} at index {at} (actual {actual[at]}, expected {expected[at]}) exceeds {tolerance:E0}.");
        }

        return worst;
    }
}
