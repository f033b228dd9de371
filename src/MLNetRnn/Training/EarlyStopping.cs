namespace MLNetRnn.Training;

/// <summary>
/// Tracks the best validation loss and says when to stop: after <see cref="Patience"/> epochs without improvement.
/// Keeps a copy of the best weights so they can be restored.
/// </summary>
public sealed class EarlyStopping
{
    private float[]? _bestWeights;

    /// <summary>Creates the tracker.</summary>
    /// <param name="patience">Epochs without improvement before stopping; at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="patience"/> is not positive.</exception>
    public EarlyStopping(int patience)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(patience);
        Patience = patience;
    }

    /// <summary>Gets the patience.</summary>
    public int Patience { get; }

    /// <summary>Gets the best loss seen, or +∞.</summary>
    public double BestLoss { get; private set; } = double.PositiveInfinity;

    /// <summary>Gets the epoch of the best loss, or 0.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Gets whether training should stop.</summary>
    public bool ShouldStop { get; private set; }

    /// <summary>Records an epoch's validation loss; keeps a copy of <paramref name="weights"/> when it is the best so far.</summary>
    /// <param name="epoch">The epoch number.</param>
    /// <param name="loss">The validation loss.</param>
    /// <param name="weights">The current weights.</param>
    /// <returns>Whether this epoch is the best so far.</returns>
    public bool Observe(int epoch, double loss, ReadOnlySpan<float> weights)
    {
        if (loss < BestLoss)
        {
            BestLoss = loss;
            BestEpoch = epoch;
            _bestWeights ??= new float[weights.Length];
            weights.CopyTo(_bestWeights);
            ShouldStop = false;
            return true;
        }

        ShouldStop = epoch - BestEpoch >= Patience;
        return false;
    }

    /// <summary>Gets the kept best weights, or null (for checkpoints).</summary>
    internal float[]? BestWeights => _bestWeights;

    /// <summary>Restores the tracker's state from a checkpoint.</summary>
    internal void Restore(double bestLoss, int bestEpoch, bool shouldStop, float[]? bestWeights)
    {
        BestLoss = bestLoss;
        BestEpoch = bestEpoch;
        ShouldStop = shouldStop;
        _bestWeights = bestWeights;
    }

    /// <summary>Copies the best weights into <paramref name="weights"/>, if any were kept.</summary>
    /// <param name="weights">Where to restore them.</param>
    /// <returns>Whether weights were restored.</returns>
    public bool RestoreBest(Span<float> weights)
    {
        if (_bestWeights is null)
        {
            return false;
        }

        _bestWeights.CopyTo(weights);
        return true;
    }
}
