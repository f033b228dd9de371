namespace MLNetRnn.Tests.TestSupport;

/// <summary>
/// Central finite differences against an analytic gradient, in float32: <c>(f(x+ε) − f(x−ε)) / 2ε</c> with the loss
/// accumulated in double. An element passes when <c>|a − n| ≤ 1e-2 · max(|a|, |n|) + 2e-3</c> (the absolute floor
/// covers float32 round-off in the difference quotient); the relative error reported is over elements with |n| ≥ 0.05.
/// </summary>
internal static class GradientCheck
{
    public const float Epsilon = 5e-3f;

    /// <summary>
    /// Checks <paramref name="analytic"/> against differences of <paramref name="loss"/> when perturbing
    /// <c>values[offset .. offset + analytic.Length)</c>.
    /// </summary>
    /// <returns>The worst relative error over significant elements.</returns>
    public static double Run(float[] values, int offset, ReadOnlySpan<float> analytic, Func<double> loss, string what, int maxChecks = 120, int seed = 20240501, float epsilon = Epsilon, Func<bool>? crossedKink = null)
    {
        int length = analytic.Length;
        var random = new Random(seed);
        int count = Math.Min(maxChecks, length);
        double worstRelative = 0;
        bool anyNonZero = false;
        int skipped = 0;
        for (int c = 0; c < count; c++)
        {
            int k = length <= maxChecks ? c : random.Next(length);
            int i = offset + k;
            float saved = values[i];
            values[i] = saved + epsilon;
            double up = loss();
            values[i] = saved - epsilon;
            double down = loss();
            values[i] = saved;
            if (crossedKink?.Invoke() == true)
            {
                // The two evaluations took different branches of a max: the difference quotient is not a derivative.
                skipped++;
                continue;
            }

            double numeric = (up - down) / (2 * (double)epsilon);
            double a = analytic[k];
            double diff = Math.Abs(a - numeric);
            anyNonZero |= Math.Abs(numeric) > 1e-3;
            Assert.True(diff <= (1e-2 * Math.Max(Math.Abs(a), Math.Abs(numeric))) + 2e-3,
                $"{what}[{k}]: analytic {a:G6}, numeric {numeric:G6}, difference {diff:E2}.");
            if (Math.Abs(numeric) >= 0.05)
            {
                worstRelative = Math.Max(worstRelative, diff / Math.Max(Math.Abs(a), Math.Abs(numeric)));
            }
        }

        Assert.True(anyNonZero, $"{what}: every numeric gradient was ~0, so the check proves nothing.");
        Assert.True(skipped <= count / 4, $"{what}: {skipped} of {count} checks crossed a kink; use a smaller epsilon.");
        return worstRelative;
    }
}
