using MLNetRnn.Layers;

namespace MLNetRnn.Diagnostics;

/// <summary>
/// One gradient-flow curve measured by <see cref="GradientFlow"/>: how strongly the final hidden state of a recurrent
/// stack depends on each input step.
/// </summary>
/// <param name="Cell">The recurrent cell that was measured.</param>
/// <param name="Length">T, the number of input steps; at least 1.</param>
/// <param name="Norms">
/// T values; <c>Norms[t − 1]</c> is the mean over the sample sequences of <c>‖∂h_T/∂x_t‖_F</c> for t = 1..T (see
/// <see cref="GradientFlow"/> for the exact definition).
/// </param>
/// <exception cref="ArgumentNullException"><paramref name="Norms"/> is null.</exception>
/// <exception cref="ArgumentException"><paramref name="Norms"/> does not hold exactly <paramref name="Length"/> values, or <paramref name="Length"/> is below 1.</exception>
public sealed record GradientFlowResult(RecurrentCellType Cell, int Length, double[] Norms)
{
    /// <summary>Gets T values, <c>Norms[t − 1]</c> for t = 1..T.</summary>
    public double[] Norms { get; init; } = Norms is null
        ? throw new ArgumentNullException(nameof(Norms))
        : Length >= 1 && Norms.Length == Length
            ? Norms
            : throw new ArgumentException($"A gradient-flow curve of length {Length} needs {Length} norms (t = 1..T, T at least 1), got {Norms.Length}.", nameof(Norms));

    /// <summary>
    /// Gets what a legend or table calls the curve when it is not just the cell (for example <c>LSTM, forget bias +1</c>);
    /// null for a plain cell.
    /// </summary>
    public string? Label { get; init; }

    /// <summary>Gets the LSTM forget-gate bias added to PyTorch's initialisation before measuring (0 for none, and for other cells).</summary>
    public float ForgetGateBias { get; init; }

    /// <summary>Gets the norm at the first step divided by the norm at the last, <c>Norms[0] / Norms[T − 1]</c>.</summary>
    /// <remarks>
    /// Near 1 (or above) when the earliest input still moves the final state as much as the latest one; orders of
    /// magnitude below 1 when the gradient vanishes over the sequence. IEEE division: NaN when both norms are 0,
    /// positive infinity when only the last is.
    /// </remarks>
    public double Ratio => Norms[0] / Norms[^1];
}
