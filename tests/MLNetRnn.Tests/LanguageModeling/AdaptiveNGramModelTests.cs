using MLNetRnn.LanguageModeling;

namespace MLNetRnn.Tests.LanguageModeling;

/// <summary>The adaptive n-gram model against counts and probabilities worked out by hand.</summary>
public sealed class AdaptiveNGramModelTests
{
    // a = 0, b = 1, r = 2, c = 3, d = 4
    private static readonly int[] Abracadabra = [0, 1, 2, 0, 3, 0, 4, 0, 1, 2, 0];

    [Fact]
    public void Probability_AfterAbracadabra_MatchesTheHandWorkedCounts()
    {
        // Counts after "abracadabra" (d = 0.75, V = 5, order 2), the history ending in "ra":
        //   order 0, context "":  a 5, b 2, r 2, c 1, d 1; total 11, distinct 5  ->  p0 = (c − .75 + .75 · 5 / 5) / 11 = c / 11
        //   order 1, context "a": b 2, c 1, d 1;            total 4,  distinct 3  ->  p1 = (max(c − .75, 0) + 2.25 · p0) / 4
        //       a 11.25/44, b 18.25/44, r 4.5/44, c 5/44, d 5/44
        //   order 2, context "ra": c 1;                     total 1,  distinct 1  ->  p2 = max(c − .75, 0) + .75 · p1
        //       a 8.4375/44, b 13.6875/44, r 3.375/44, c 14.75/44, d 3.75/44
        var model = new AdaptiveNGramModel(vocabularySize: 5, order: 2);
        model.Observe(Abracadabra);
        double[] expected = [8.4375 / 44, 13.6875 / 44, 3.375 / 44, 14.75 / 44, 3.75 / 44];
        for (int id = 0; id < 5; id++)
        {
            Assert.Equal(expected[id], model.Probability(id), 14);
        }

        Assert.Equal(2, model.MatchedOrder);
        Assert.Equal(11, model.Count);
        Assert.Equal(1 + 5 + 7, model.ContextCount); // "", a b r c d, ab br ra ac ca ad da
    }

    [Fact]
    public void Probability_WithAHistoryShorterThanTheOrder_StopsAtTheFirstUnseenContext()
    {
        // "ab" with order 5: context "b" was never followed, so only order 0 counts: total 2, distinct 2.
        var model = new AdaptiveNGramModel(5, 5);
        model.Observe([0, 1]);
        Assert.Equal((0.25 + 0.75 * 2 * 0.2) / 2, model.Probability(0), 15);
        Assert.Equal(0.75 * 2 * 0.2 / 2, model.Probability(3), 15);
        Assert.Equal(0, model.MatchedOrder);
    }

    [Fact]
    public void Probability_OrderZero_IsTheDiscountedUnigram()
    {
        var model = new AdaptiveNGramModel(4, 0, discount: 0.5);
        Assert.Equal(-1, model.MatchedOrder);
        for (int id = 0; id < 4; id++)
        {
            Assert.Equal(0.25, model.Probability(id)); // nothing counted: the uniform base
        }

        model.Observe([0, 0, 1]); // total 3, distinct 2: p = (max(c − .5, 0) + .5 · 2 · .25) / 3
        Assert.Equal(1.75 / 3, model.Probability(0), 15);
        Assert.Equal(0.75 / 3, model.Probability(1), 15);
        Assert.Equal(0.25 / 3, model.Probability(2), 15);
        Assert.Equal(0.25 / 3, model.Probability(3), 15);
    }

    [Fact]
    public void Probability_ManyFollowers_MatchesCountsTakenHere()
    {
        // 60 ids with many distinct followers per context, so lookups go through the (context, id) table.
        var random = new Random(20240501);
        int[] ids = [.. Enumerable.Range(0, 3000).Select(_ => random.Next(60))];
        var model = new AdaptiveNGramModel(60, 1, discount: 0.6);
        model.Observe(ids);

        int last = ids[^1];
        var unigram = ids.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var bigram = ids.Zip(ids.Skip(1)).Where(pair => pair.First == last).GroupBy(pair => pair.Second).ToDictionary(g => g.Key, g => g.Count());
        int bigramTotal = bigram.Values.Sum();
        Assert.True(bigram.Count > 16);
        for (int id = 0; id < 60; id++)
        {
            double p0 = (Math.Max(unigram.GetValueOrDefault(id) - 0.6, 0) + 0.6 * unigram.Count / 60.0) / ids.Length;
            double p1 = (Math.Max(bigram.GetValueOrDefault(id) - 0.6, 0) + 0.6 * bigram.Count * p0) / bigramTotal;
            Assert.Equal(p1, model.Probability(id), 14);
        }
    }

    [Fact]
    public void ModifiedDiscounts_OrderZero_MatchTheHandWorkedCountsOfCounts()
    {
        // a a b c c c d over V = 5: counts a 2, b 1, c 3, d 1, e 0, so n1 = 2, n2 = 1, n3 = 1, n4 = 0 and Y = 2 / (2 + 2 · 1) = 0.5;
        // D1 = 1 − 2 · .5 · 1/2 = .5, D2 = 2 − 3 · .5 · 1/1 = .5, D3+ = 3 − 4 · .5 · 0/1 = 3; γ = (.5 · 2 + .5 · 1 + 3 · 1) / 7.
        var model = new AdaptiveNGramModel(5, 0, discount: null);
        model.Observe([0, 0, 1, 2, 2, 2, 3]);
        double gamma = 4.5 / 7, lower = 0.2;
        Assert.Equal((1.5 / 7) + (gamma * lower), model.Probability(0), 15);
        Assert.Equal((0.5 / 7) + (gamma * lower), model.Probability(1), 15);
        Assert.Equal(gamma * lower, model.Probability(2), 15); // counted 3 times, all of it discounted (D3+ = 3)
        Assert.Equal((0.5 / 7) + (gamma * lower), model.Probability(3), 15);
        Assert.Equal(gamma * lower, model.Probability(4), 15);

        model.Observe(4); // e once: n1 = 3, so Y = 3/5, D1 = 1 − 2 · .6 · 1/3 = .6, and e gets its own count
        double d1 = 0.6, d2 = 2 - (3 * 0.6 * 1 / 1);
        gamma = ((d1 * 3) + (d2 * 1) + (3 * 1)) / 8;
        Assert.Equal(((1 - d1) / 8) + (gamma * lower), model.Probability(4), 15);
    }

    [Theory]
    [InlineData(0.75)]
    [InlineData(null)]
    public void Distribution_SumsToOne_AndEqualsProbability(double? discount)
    {
        var random = new Random(20240501);
        var model = new AdaptiveNGramModel(40, 4, discount);
        double[] p = new double[40];
        for (int t = 0; t < 4000; t++)
        {
            int id = random.Next(10) < 7 ? t % 7 : random.Next(40); // repeats, so long contexts match
            if (t % 500 == 0 || t < 6)
            {
                model.Distribution(p);
                Assert.Equal(1.0, p.Sum(), 12);
                for (int x = 0; x < 40; x++)
                {
                    Assert.Equal(model.Probability(x), p[x]); // the same operations, to the last bit
                }
            }

            model.Observe(id);
        }

        Assert.Equal(4, model.MatchedOrder);
    }

    [Fact]
    public void Observe_Span_EqualsOneAtATime()
    {
        var one = new AdaptiveNGramModel(5, 3);
        foreach (int id in Abracadabra)
        {
            one.Observe(id);
        }

        var many = new AdaptiveNGramModel(5, 3);
        many.Observe(Abracadabra);
        double[] a = new double[5], b = new double[5];
        one.Distribution(a);
        many.Distribution(b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Observe_Repeatedly_RaisesTheProbability()
    {
        var model = new AdaptiveNGramModel(90, 3);
        model.Observe(Abracadabra);
        double before = model.Probability(7);
        for (int i = 0; i < 20; i++)
        {
            model.Observe(7);
            double after = model.Probability(7);
            Assert.True(after > before, $"p(7) fell from {before} to {after} after observing 7 {i + 1} times.");
            before = after;
        }

        Assert.True(before > 0.9);
    }

    [Fact]
    public void Constructor_ThrowsForBadArguments()
    {
        Assert.Contains("got 1", Assert.Throws<ArgumentOutOfRangeException>("vocabularySize", () => new AdaptiveNGramModel(1, 2)).Message);
        Assert.Contains("got -1", Assert.Throws<ArgumentOutOfRangeException>("order", () => new AdaptiveNGramModel(5, -1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>("discount", () => new AdaptiveNGramModel(5, 2, 0));
        Assert.Throws<ArgumentOutOfRangeException>("discount", () => new AdaptiveNGramModel(5, 2, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>("discount", () => new AdaptiveNGramModel(5, 2, double.NaN));
    }

    [Fact]
    public void Methods_ThrowForIdsOutsideTheVocabulary()
    {
        var model = new AdaptiveNGramModel(5, 2);
        Assert.Contains("Token id 5", Assert.Throws<ArgumentOutOfRangeException>("id", () => model.Observe(5)).Message);
        Assert.Throws<ArgumentOutOfRangeException>("id", () => model.Observe(-1));
        Assert.Throws<ArgumentOutOfRangeException>("ids", () => model.Observe([0, 1, 9]));
        Assert.Equal(0, model.Count); // a bad span counts nothing
        Assert.Throws<ArgumentOutOfRangeException>("id", () => model.Probability(5));
        Assert.Throws<ArgumentException>("probabilities", () => model.Distribution(new double[4]));
    }
}
