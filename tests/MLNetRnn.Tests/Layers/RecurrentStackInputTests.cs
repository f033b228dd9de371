using MLNetRnn.Layers;
using MLNetRnn.Numerics;

namespace MLNetRnn.Tests.Layers;

/// <summary>Bad input to <see cref="RecurrentStack"/> gets a clear exception naming the value.</summary>
public sealed class RecurrentStackInputTests
{
    private static RecurrentStack Stack(RecurrentCellType cell = RecurrentCellType.Gru) =>
        new(new ParameterStore(), cell, 3, 4, new SeededRandom(1), 2, true);

    [Fact]
    public void Forward_ThrowsForLengthLongerThanTimeSteps()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Stack().Forward(new float[2 * 2 * 3], 2, 2, [2, 3], new float[2 * 2 * 8]));
        Assert.Contains("Row 1 has length 3", e.Message);
        Assert.Contains("[1, T=2]", e.Message);
    }

    [Fact]
    public void Forward_ThrowsForLengthBelowOne()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Stack().Forward(new float[2 * 2 * 3], 2, 2, [0, 2], new float[2 * 2 * 8]));
        Assert.Contains("Row 0 has length 0", e.Message);
    }

    [Fact]
    public void Forward_ThrowsForWrongNumberOfLengths()
    {
        var e = Assert.Throws<ArgumentException>(() => Stack().Forward(new float[2 * 2 * 3], 2, 2, [2], new float[2 * 2 * 8]));
        Assert.Contains("'lengths' has 1 entries but the batch has B=2", e.Message);
    }

    [Fact]
    public void Forward_ThrowsForMismatchedInputShape()
    {
        var e = Assert.Throws<ArgumentException>(() => Stack().Forward(new float[11], 2, 2, default, new float[2 * 2 * 8]));
        Assert.Contains("'input' has 11 elements but its shape (T=2, B=2, I=3) needs 12", e.Message);
    }

    [Fact]
    public void Forward_ThrowsForMisshapedInitialState()
    {
        var e = Assert.Throws<ArgumentException>(() => Stack().Forward(new float[12], 2, 2, default, new float[32], h0: new float[5]));
        Assert.Contains("'h0' has 5 elements but its shape (S=L*D=4, B=2, H=4) needs 32", e.Message);
    }

    [Fact]
    public void Forward_ThrowsForCellStateOnGru()
    {
        var e = Assert.Throws<ArgumentException>(() => Stack().Forward(new float[12], 2, 2, default, new float[32], c0: new float[32]));
        Assert.Contains("only LSTM has", e.Message);
    }

    [Fact]
    public void Backward_ThrowsWithoutForward()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Stack().Backward(new float[32]));
        Assert.Contains("Forward first", e.Message);
    }

    [Fact]
    public void Constructor_ThrowsForBadDropout()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new RecurrentStack(new ParameterStore(), RecurrentCellType.Lstm, 3, 4, new SeededRandom(1), dropout: 1f));
        Assert.Contains("[0, 1)", e.Message);
    }

    [Fact]
    public void Backward_WithDropout_GradientGoesOnlyThroughKeptUnits()
    {
        // With dropout, the gradient w.r.t. layer-0 parameters must match finite differences for a FIXED mask:
        // re-seeding the stack's dropout stream by rebuilding from the same seed gives the same mask.
        const int T = 3, B = 2, I = 3, H = 4;
        var x = new float[T * B * I];
        new SeededRandom(5).FillUniform(x, -1, 1);
        float[] Grad(out double loss)
        {
            var store = new ParameterStore();
            var stack = new RecurrentStack(store, RecurrentCellType.SimpleRnn, I, H, new SeededRandom(8), 2, false, dropout: 0.5f);
            var y = new float[T * B * H];
            stack.Forward(x, T, B, default, y, training: true);
            loss = y.Sum();
            var ones = Enumerable.Repeat(1f, y.Length).ToArray();
            stack.Backward(ones);
            return store["weight_ih_l0"].Gradient.ToArray();
        }

        float[] g = Grad(out _);
        Assert.Contains(g, v => v != 0f);
        Assert.Equal(g, Grad(out _)); // same seed, same mask, same gradient
    }
}
