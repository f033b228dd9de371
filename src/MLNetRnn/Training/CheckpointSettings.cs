namespace MLNetRnn.Training;

/// <summary>
/// Where and how often a trainer saves its whole training state (weights, optimizer moments, epoch and step, random
/// generator states, the epoch's batch order, the best weights so far and the history), so a run that crashes, is
/// killed or is cancelled can continue. A run resumed from a checkpoint with the same settings and data ends with the
/// same weights, bit for bit, as a run that was never interrupted.
/// </summary>
/// <remarks>
/// The file is a zip written to a temporary name, flushed and renamed over the previous one, so the last complete
/// checkpoint survives a crash during a save. Every entry's SHA-256 is recorded and verified on resume; a checkpoint
/// written for other settings or other data is refused with the difference named. A checkpoint is always written at
/// the end of every epoch, and when training is cancelled through the options' cancellation token.
/// </remarks>
public sealed class CheckpointSettings
{
    /// <summary>Gets or sets the checkpoint file, overwritten by each save. Required.</summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>Gets or sets how many optimizer steps pass between saves within an epoch; 0 (the default) saves only at epoch ends.</summary>
    public int EverySteps { get; set; }

    /// <summary>Gets or sets the wall time between saves within an epoch; <see cref="TimeSpan.Zero"/> (the default) for none.</summary>
    public TimeSpan Interval { get; set; }

    /// <summary>
    /// Gets or sets whether training continues from <see cref="Path"/> when that file exists (it starts from scratch when
    /// it does not). Default false: an existing file is overwritten by the new run's first save.
    /// </summary>
    public bool Resume { get; set; }

    /// <summary>Throws when a setting is out of range, naming it and its value.</summary>
    /// <exception cref="ArgumentException"><see cref="Path"/> is empty or names a folder.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><see cref="EverySteps"/> or <see cref="Interval"/> is negative.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException("CheckpointSettings.Path must name the checkpoint file, for example \"run.ckpt\".", nameof(Path));
        }

        if (Directory.Exists(Path))
        {
            throw new ArgumentException($"CheckpointSettings.Path '{Path}' is a folder; name a file in it, for example '{System.IO.Path.Combine(Path, "run.ckpt")}'.", nameof(Path));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(EverySteps, nameof(EverySteps));
        if (Interval < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(Interval), Interval, "CheckpointSettings.Interval must be zero (off) or positive.");
        }
    }

    /// <summary>A copy, so a trainer is not changed by later edits of the caller's object.</summary>
    internal CheckpointSettings Clone() => (CheckpointSettings)MemberwiseClone();
}
