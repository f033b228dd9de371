using MLNetRnn.LanguageModeling;

namespace MLNetRnn.Tests.LanguageModeling;

/// <summary>
/// <see cref="GeometricMixture"/>: its probabilities form a distribution, the normalised geometric mean at the start, and
/// each update is one gradient step of −log p(target) against finite differences.
/// </summary>
public sealed class GeometricMixtureTests
{
    private const int M = 3, V = 6;

    [Fact]
    public void Mix_StartsAsTheNormalisedGeometricMean_AndSumsToOneOverTargets()
    {
        double[] logs = Logs(new Random(4));
        double[] expected = new double[V];
        for (int x = 0; x < V; x++)
        {
            expected[x] = Math.Exp((logs[x] + logs[V + x] + logs[(2 * V) + x]) / M);
        }

        double total = expected.Sum();
        double sum = 0;
        for (int target = 0; target < V; target++)
        {
            double p = new GeometricMixture(M, V, 0.1).Mix(logs, target); // a fresh mixture: every target sees the same weights
            Assert.Equal(expected[target] / total, p, 12);
            sum += p;
        }

        Assert.Equal(1.0, sum, 12);
    }

    [Fact]
    public void Mix_StepsAlongTheGradientOfTheLoss_AgainstFiniteDifferences()
    {
        var random = new Random(9);
        var mixture = new GeometricMixture(M, V, 0.05);
        for (int t = 0; t < 5; t++)
        {
            mixture.Mix(Logs(random), random.Next(V)); // weights away from 1/M
        }

        double[] logs = Logs(random);
        const int target = 2;
        double[] before = mixture.Weights.ToArray();
        mixture.Mix(logs, target);
        double[] after = mixture.Weights.ToArray();
        for (int k = 0; k < M; k++)
        {
            double[] up = (double[])before.Clone(), down = (double[])before.Clone();
            up[k] += 1e-6;
            down[k] -= 1e-6;
            double gradient = (Loss(up, logs, target) - Loss(down, logs, target)) / 2e-6;
            Assert.Equal(-0.05 * gradient, after[k] - before[k], 8);
        }
    }

    [Fact]
    public void Mix_LearnsToTrustTheModelThatPredictsWell()
    {
        // Model 0 always gives the coming token 0.9, the others spread evenly: its weight must grow past theirs.
        var random = new Random(3);
        var mixture = new GeometricMixture(M, V, 0.05);
        double first = 0, last = 0;
        for (int t = 0; t < 200; t++)
        {
            int target = random.Next(V);
            double[] logs = new double[M * V];
            for (int x = 0; x < V; x++)
            {
                logs[x] = Math.Log(x == target ? 0.9 : 0.1 / (V - 1));
                logs[V + x] = logs[(2 * V) + x] = Math.Log(1.0 / V);
            }

            double p = mixture.Mix(logs, target);
            (first, last) = t == 0 ? (p, p) : (first, p);
        }

        Assert.True(mixture.Weights[0] > 1 && mixture.Weights[1] < mixture.Weights[0], string.Join(", ", mixture.Weights.ToArray()));
        Assert.True(last > 0.85 && last > first, $"first {first:F3}, last {last:F3}");
    }

    // −log of the normalised exp(Σₖ wₖ logsₖ) at the target, computed directly.
    private static double Loss(double[] weights, double[] logs, int target)
    {
        double[] z = new double[V];
        for (int x = 0; x < V; x++)
        {
            for (int k = 0; k < M; k++)
            {
                z[x] += weights[k] * logs[(k * V) + x];
            }
        }

        return Math.Log(z.Sum(Math.Exp)) - z[target];
    }

    // M random distributions over V, as log-probabilities.
    private static double[] Logs(Random random)
    {
        double[] logs = new double[M * V];
        for (int k = 0; k < M; k++)
        {
            double[] p = [.. Enumerable.Range(0, V).Select(_ => random.NextDouble() + 0.05)];
            double sum = p.Sum();
            for (int x = 0; x < V; x++)
            {
                logs[(k * V) + x] = Math.Log(p[x] / sum);
            }
        }

        return logs;
    }
}
