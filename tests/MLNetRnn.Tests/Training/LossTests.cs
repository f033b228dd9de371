using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Training;

namespace MLNetRnn.Tests.Training;

/// <summary><see cref="SoftmaxCrossEntropy"/> and <see cref="MeanSquaredError"/> against PyTorch and on bad input.</summary>
public sealed class LossTests
{
    [Theory]
    [InlineData(LossReduction.Mean, "ce_loss", "ce_grad_logits")]
    [InlineData(LossReduction.Sum, "ce_loss_sum", "ce_grad_logits_sum")]
    public void CrossEntropy_MatchesPyTorchWithIgnoreIndex(LossReduction reduction, string lossKey, string gradKey)
    {
        var npz = Fixtures.Load("losses.npz");
        var grad = new float[50];
        float loss = SoftmaxCrossEntropy.Compute(npz.F("ce_logits"), npz.I("ce_targets"), 5, grad, npz.I("ce_ignore_index")[0], reduction);
        Assert.Equal(npz.F(lossKey)[0], loss, 5);
        Compare.Close(grad, npz.F(gradKey), 1e-6, gradKey);
    }

    [Fact]
    public void CrossEntropy_LabelSmoothingMatchesPyTorch()
    {
        var npz = Fixtures.Load("losses.npz");
        var grad = new float[50];
        float loss = SoftmaxCrossEntropy.Compute(npz.F("ce_logits"), npz.I("ce_targets"), 5, grad, npz.I("ce_ignore_index")[0], labelSmoothing: 0.1f);
        Assert.Equal(npz.F("ce_ls_loss")[0], loss, 5);
        Compare.Close(grad, npz.F("ce_ls_grad_logits"), 1e-6, "label-smoothed grad");
    }

    [Fact]
    public void MeanSquaredError_MatchesPyTorch()
    {
        var npz = Fixtures.Load("losses.npz");
        var grad = new float[18];
        float loss = MeanSquaredError.Compute(npz.F("mse_pred"), npz.F("mse_target"), grad);
        Assert.Equal(npz.F("mse_loss")[0], loss, 5);
        Compare.Close(grad, npz.F("mse_grad_pred"), 1e-6, "mse grad");
    }

    [Fact]
    public void CrossEntropy_HandComputedTwoClassCase()
    {
        // logits (0, ln 3): softmax (1/4, 3/4); target 1 → loss = −ln(3/4).
        var grad = new float[2];
        float loss = SoftmaxCrossEntropy.Compute([0f, MathF.Log(3f)], [1], 2, grad);
        Assert.Equal(-Math.Log(0.75), loss, 6);
        Assert.Equal(0.25f, grad[0], 6);
        Assert.Equal(-0.25f, grad[1], 6);
    }

    [Fact]
    public void CrossEntropy_ThrowsForNaNLogitNamingRowAndClass()
    {
        var e = Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Compute([0f, 1f, float.NaN, 2f], [0, 1], 2, default));
        Assert.Contains("row 1, class 0 is NaN", e.Message);
    }

    [Fact]
    public void CrossEntropy_ThrowsForTargetOutOfRange()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SoftmaxCrossEntropy.Compute([0f, 1f], [4], 2, default));
        Assert.Contains("Target 4 at row 0", e.Message);
    }

    [Fact]
    public void CrossEntropy_ThrowsForMismatchedSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => SoftmaxCrossEntropy.Compute(new float[5], [0, 1], 2, default));
        Assert.Contains("'logits' has 5 values but 2 targets x 2 classes need 4", e.Message);
    }

    [Fact]
    public void MeanSquaredError_ThrowsForNaNTarget()
    {
        var e = Assert.Throws<ArgumentException>(() => MeanSquaredError.Compute([1f, 2f], [1f, float.NaN], default));
        Assert.Contains("'targets' holds NaN at index 1", e.Message);
    }

    [Fact]
    public void MeanSquaredError_ThrowsForMismatchedLengths()
    {
        var e = Assert.Throws<ArgumentException>(() => MeanSquaredError.Compute([1f, 2f], [1f], default));
        Assert.Contains("'predictions' has 2 values but 'targets' has 1", e.Message);
    }
}
