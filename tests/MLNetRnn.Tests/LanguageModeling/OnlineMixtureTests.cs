using MLNetRnn.LanguageModeling;

namespace MLNetRnn.Tests.LanguageModeling;

/// <summary>The follow-the-leader mixture against a hand-worked example and simplex_grid's order.</summary>
public sealed class OnlineMixtureTests
{
    [Fact]
    public void Mix_TwoModels_FollowsTheLeaderAsWorkedByHand()
    {
        // Grid (0, 1), (.5, .5), (1, 0). Losses in bits after each token, per grid point:
        //   token 1, q = (.5, .25):  equal weights give .375;  losses 2, −log2 .375, 1              -> leader (1, 0)
        //   token 2, q = (.125, .5): (1, 0) gives .125;         losses 3, −log2 .375 − log2 .3125, 4 -> leader (0, 1)
        //   token 3, q = (.5, .5):   (0, 1) gives .5;           losses 4, 1 − log2 .375 − log2 .3125, 5 -> leader (0, 1)
        var mixture = new OnlineMixture(2, step: 0.5);
        Assert.Equal(3, mixture.GridPoints);
        Assert.Equal([0.5, 0.5], mixture.Weights.ToArray());
        Assert.True(double.IsNaN(mixture.BestFixedInHindsightBits()));

        Assert.Equal(0.375, mixture.Mix([0.5, 0.25]));
        Assert.Equal([1.0, 0.0], mixture.Weights.ToArray());
        Assert.Equal(1.0, mixture.BestFixedInHindsightBits());

        Assert.Equal(0.125, mixture.Mix([0.125, 0.5]));
        Assert.Equal([0.0, 1.0], mixture.Weights.ToArray());
        Assert.Equal(3.0 / 2, mixture.BestFixedInHindsightBits());

        Assert.Equal(0.5, mixture.Mix([0.5, 0.5]));
        Assert.Equal([0.0, 1.0], mixture.Weights.ToArray());
        Assert.Equal(4.0 / 3, mixture.BestFixedInHindsightBits(), 15);
        Assert.True(1 - Math.Log2(0.375) - Math.Log2(0.3125) > 4); // the middle point never led
    }

    [Fact]
    public void Mix_Ties_GoToTheFirstGridPoint()
    {
        var mixture = new OnlineMixture(2, step: 0.5);
        Assert.Equal(0.25, mixture.Mix([0.25, 0.25]));
        Assert.Equal([0.0, 1.0], mixture.Weights.ToArray());
    }

    [Fact]
    public void Grid_FollowsSimplexGridOrder()
    {
        // itertools.product over the first M − 1 coordinates (the last fastest), sum ≤ 1; the last weight fills up to 1.
        var coarse = new OnlineMixture(3, step: 0.5);
        double[][] expected = [[0, 0, 1], [0, 0.5, 0.5], [0, 1, 0], [0.5, 0, 0.5], [0.5, 0.5, 0], [1, 0, 0]];
        Assert.Equal(expected.Length, coarse.GridPoints);
        for (int g = 0; g < expected.Length; g++)
        {
            Assert.Equal(expected[g], coarse.Point(g).ToArray());
        }

        var fine = new OnlineMixture(3);
        Assert.Equal(231, fine.GridPoints);
        Assert.Equal([0, 0.05, 1 - 0.05], fine.Point(1).ToArray());
        Assert.Equal([0.05, 0, 1 - 0.05], fine.Point(21).ToArray());
        Assert.Equal([1.0, 0, 0], fine.Point(230).ToArray());
    }

    [Fact]
    public void Constructor_ThrowsForBadArguments()
    {
        Assert.Contains("got 0", Assert.Throws<ArgumentOutOfRangeException>("models", () => new OnlineMixture(0)).Message);
        Assert.Throws<ArgumentOutOfRangeException>("step", () => new OnlineMixture(2, step: 0));
        Assert.Throws<ArgumentOutOfRangeException>("step", () => new OnlineMixture(2, step: 0.3));
        Assert.Throws<ArgumentOutOfRangeException>("step", () => new OnlineMixture(2, step: 1.5));
        Assert.Throws<ArgumentOutOfRangeException>("step", () => new OnlineMixture(2, step: double.NaN));
        Assert.Contains("more than", Assert.Throws<ArgumentOutOfRangeException>("step", () => new OnlineMixture(8, step: 0.01)).Message);
    }

    [Fact]
    public void Methods_ThrowForBadArguments()
    {
        var mixture = new OnlineMixture(2);
        Assert.Throws<ArgumentException>("probabilities", () => mixture.Mix([0.5]));
        Assert.Throws<ArgumentException>("probabilities", () => mixture.Mix([0.5, -0.1]));
        Assert.Throws<ArgumentException>("probabilities", () => mixture.Mix([0.5, double.NaN]));
        Assert.Throws<ArgumentOutOfRangeException>("index", () => mixture.Point(21));
    }
}
