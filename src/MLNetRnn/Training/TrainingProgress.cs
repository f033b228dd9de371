namespace MLNetRnn.Training;

/// <summary>What a trainer reports after each epoch through <see cref="IProgress{T}"/>.</summary>
/// <param name="Epoch">The epoch just finished, from 1.</param>
/// <param name="Epochs">The most epochs the run will take.</param>
/// <param name="TrainingLoss">Mean training loss over the epoch's rows.</param>
/// <param name="ValidationLoss">Mean validation loss, or null without a validation set.</param>
/// <param name="ValidationAccuracy">Validation accuracy (classification), or null.</param>
/// <param name="TokensPerSecond">Training tokens processed per second of training (evaluation excluded).</param>
/// <param name="Elapsed">Wall time since training started.</param>
/// <param name="IsBest">Whether this epoch has the best validation loss so far (its weights are kept).</param>
public sealed record TrainingProgress(
    int Epoch,
    int Epochs,
    double TrainingLoss,
    double? ValidationLoss,
    double? ValidationAccuracy,
    double TokensPerSecond,
    TimeSpan Elapsed,
    bool IsBest);
