namespace MLNetRnn.Training;

/// <summary>
/// Thrown when training produced a loss or gradient that is not a finite number (NaN or infinity) more often than the
/// trainer's <c>MaxSkippedBatches</c> allows. The weights of the last good step are not overwritten: the last
/// checkpoint written, if any, holds the last good state.
/// </summary>
public sealed class TrainingDivergedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="epoch">The epoch of the bad step, from 1.</param>
    /// <param name="step">The step within the epoch, from 1.</param>
    /// <param name="learningRate">The learning rate in use.</param>
    /// <param name="what">What was not finite ("loss NaN", "gradient norm ∞").</param>
    /// <param name="checkpointPath">The last good checkpoint, or null when none is kept.</param>
    public TrainingDivergedException(int epoch, int step, float learningRate, string what, string? checkpointPath)
        : base(Describe(epoch, step, learningRate, what, checkpointPath))
    {
        Epoch = epoch;
        Step = step;
        LearningRate = learningRate;
        CheckpointPath = checkpointPath;
    }

    /// <summary>Gets the epoch of the bad step, from 1.</summary>
    public int Epoch { get; }

    /// <summary>Gets the step within the epoch, from 1.</summary>
    public int Step { get; }

    /// <summary>Gets the learning rate in use.</summary>
    public float LearningRate { get; }

    /// <summary>Gets the last good checkpoint, or null.</summary>
    public string? CheckpointPath { get; }

    private static string Describe(int epoch, int step, float learningRate, string what, string? checkpointPath) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"Training diverged at epoch {epoch}, step {step}: the {what} with learning rate {learningRate:G4}. Lower the learning rate (try {learningRate / 10:G4}), clip gradients (ClipNorm / --clip, e.g. 1), or allow a few bad batches to be skipped (MaxSkippedBatches / --skip-bad-batches N).")
        + (checkpointPath is null ? string.Empty : $" The last good state is in checkpoint '{checkpointPath}'.");
}
