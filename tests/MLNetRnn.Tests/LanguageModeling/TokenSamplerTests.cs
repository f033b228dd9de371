using MLNetRnn.LanguageModeling;
using MLNetRnn.Numerics;

namespace MLNetRnn.Tests.LanguageModeling;

/// <summary>The sampling step: temperature, top-k, top-p and the draw, against distributions computed here by hand.</summary>
public sealed class TokenSamplerTests
{
    private static readonly float[] Logits = [0.3f, -1.2f, 2.0f, 0.9f, -0.4f, 1.4f, 0.0f, -2.5f];

    [Fact]
    public void TinyTemperature_LeavesOnlyTheArgMax()
    {
        var p = Distribution(new GenerationOptions { Temperature = 1e-6f }, Logits);
        Assert.Equal(1.0, p[2]);
        Assert.Equal(1.0, p.Sum(), 12);
    }

    [Fact]
    public void TemperatureOne_IsTheSoftmax_AndHigherIsFlatter()
    {
        double[] softmax = Softmax(Logits, 1.0);
        Assert.Equal(softmax, Distribution(new GenerationOptions(), Logits), new Tolerance(1e-12));
        double[] hot = Distribution(new GenerationOptions { Temperature = 2f }, Logits);
        Assert.Equal(Softmax(Logits, 2.0), hot, new Tolerance(1e-12));
        Assert.True(hot.Max() < softmax.Max() && hot.Min() > softmax.Min());
    }

    [Fact]
    public void NeverTokens_AreNeverDrawn()
    {
        var sampler = new TokenSampler(new GenerationOptions(), Logits.Length, [2, 5]);
        var p = sampler.Distribution(Logits).ToArray();
        Assert.Equal(0.0, p[2]);
        Assert.Equal(0.0, p[5]);
        Assert.Equal(1.0, p.Sum(), 12);
    }

    [Theory]
    [InlineData(0.45f, new[] { 0 })]       // 0.5 alone reaches 0.45
    [InlineData(0.75f, new[] { 0, 1 })]    // 0.5 < 0.75 ≤ 0.8
    [InlineData(0.81f, new[] { 0, 1, 2 })] // 0.8 < 0.81 ≤ 0.95
    [InlineData(1f, new[] { 0, 1, 2, 3 })]
    public void TopP_KeepsTheSmallestSetReachingP(float topP, int[] kept)
    {
        float[] logits = [.. new[] { 0.5, 0.3, 0.15, 0.05 }.Select(q => (float)Math.Log(q))];
        var p = Distribution(new GenerationOptions { TopP = topP }, logits);
        Assert.Equal(kept, Enumerable.Range(0, 4).Where(i => p[i] > 0));
        double mass = kept.Sum(i => new[] { 0.5, 0.3, 0.15, 0.05 }[i]);
        foreach (int i in kept)
        {
            Assert.Equal(new[] { 0.5, 0.3, 0.15, 0.05 }[i] / mass, p[i], 6); // renormalised
        }
    }

    [Fact]
    public void TopK_KeepsTheKMostLikely()
    {
        var p = Distribution(new GenerationOptions { TopK = 3 }, Logits);
        Assert.Equal([2, 3, 5], Enumerable.Range(0, Logits.Length).Where(i => p[i] > 0));
        double[] softmax = Softmax(Logits, 1.0);
        double mass = softmax[2] + softmax[3] + softmax[5];
        Assert.Equal(softmax[5] / mass, p[5], 12);
    }

    [Fact]
    public void Draws_FollowTheSoftmax_ChiSquare()
    {
        // 40,000 draws at T = 1 against the softmax computed here. With 7 degrees of freedom, chi-square exceeds 24.32
        // with probability 0.001 when the draws follow the distribution; a sampler off by a few percent on a token fails.
        var sampler = new TokenSampler(new GenerationOptions(), Logits.Length, []);
        var random = new SeededRandom(20240501);
        const int Draws = 40_000;
        var counts = new int[Logits.Length];
        for (int n = 0; n < Draws; n++)
        {
            sampler.Distribution(Logits);
            counts[sampler.Draw(random)]++;
        }

        double[] expected = [.. Softmax(Logits, 1.0).Select(q => q * Draws)];
        double chiSquare = counts.Select((c, i) => (c - expected[i]) * (c - expected[i]) / expected[i]).Sum();
        Assert.True(chiSquare < 24.32, $"chi-square {chiSquare:F2} with 7 degrees of freedom (counts {string.Join(", ", counts)})");

        // The same test tells a wrong distribution apart: the draws against the T = 1.3 softmax.
        double[] other = [.. Softmax(Logits, 1.3).Select(q => q * Draws)];
        double wrong = counts.Select((c, i) => (c - other[i]) * (c - other[i]) / other[i]).Sum();
        Assert.True(wrong > 100, $"chi-square against a wrong distribution is only {wrong:F1}");
    }

    [Theory]
    [InlineData(0f, 0, 1f, 10, "Temperature")]
    [InlineData(-1f, 0, 1f, 10, "Temperature")]
    [InlineData(float.NaN, 0, 1f, 10, "Temperature")]
    [InlineData(1f, -1, 1f, 10, "TopK")]
    [InlineData(1f, 0, 0f, 10, "TopP")]
    [InlineData(1f, 0, 1.5f, 10, "TopP")]
    [InlineData(1f, 0, 1f, 0, "MaxTokens")]
    public void Validate_NamesTheBadSetting(float temperature, int topK, float topP, int maxTokens, string name)
    {
        var options = new GenerationOptions { Temperature = temperature, TopK = topK, TopP = topP, MaxTokens = maxTokens };
        var e = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(name, e.ParamName);
        Assert.Contains(name, e.Message);
    }

    [Fact]
    public void StopStrings_ReleaseTextBeforeTheStop_AndHoldBackAPossibleStart()
    {
        var stops = new StopStrings(["END", "\n\n"]);
        Assert.Equal("ab", stops.Push("ab"));
        Assert.Equal("c", stops.Push("cE")); // "E" may start "END"
        Assert.Equal("Ex", stops.Push("x")); // it did not
        Assert.Equal(string.Empty, stops.Push("EN"));
        Assert.False(stops.Stopped);
        Assert.Equal(string.Empty, stops.Push("D and more"));
        Assert.True(stops.Stopped);

        var other = new StopStrings(["\n\n"]);
        Assert.Equal("line", other.Push("line\n"[..4]));
        Assert.Equal(string.Empty, other.Push("\n"));
        Assert.Equal("\n", other.Flush());
    }

    private static double[] Distribution(GenerationOptions options, float[] logits) =>
        new TokenSampler(options, logits.Length, []).Distribution(logits).ToArray();

    private static double[] Softmax(float[] logits, double temperature)
    {
        double[] e = [.. logits.Select(z => Math.Exp(z / temperature))];
        double sum = e.Sum();
        return [.. e.Select(x => x / sum)];
    }

    private sealed class Tolerance(double epsilon) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= epsilon;

        public int GetHashCode(double obj) => 0;
    }
}
