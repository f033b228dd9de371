using System.Globalization;
using MLNetRnn.Classification;

namespace MLNetRnn.Cli;

/// <summary>
/// What <c>train classify</c> says about the validation slice it holds out when given no <c>--validation</c> file: a line
/// before training, a line after it, and the <c>"heldOutValidation"</c> object of the JSON summary.
/// </summary>
internal static class HeldOutReport
{
    /// <summary>The line printed before training.</summary>
    public static string Announcement(float fraction, int seed) => string.Create(CultureInfo.InvariantCulture,
        $"validation: no --validation file, so {RowProgress.Percent(fraction)} of the training rows (stratified by label, seed {seed}) are held out for early stopping and best-weight restore; the model is trained on the rest. --validation none turns this off.");

    /// <summary>The line printed after training, or null when nothing was held out.</summary>
    public static string? Line(SequenceClassificationModel model)
    {
        if (model.HeldOutValidation is not { } h)
        {
            return null;
        }

        if (h.Rows.Count == 0)
        {
            return $"held-out validation: none (too few rows to hold out {RowProgress.Percent(h.Fraction)} and keep every label in training); trained on all {h.TrainingRows} rows, all epochs.";
        }

        var best = Best(model);
        return string.Create(CultureInfo.InvariantCulture,
            $"held-out validation: {h.Rows.Count} rows ({RowProgress.Percent(h.Fraction)}, stratified, seed {h.Seed}); trained on {h.TrainingRows} rows; best epoch {best?.Epoch}: validation loss {best?.ValidationLoss:F4}, accuracy {(best?.ValidationAccuracy is { } a ? RowProgress.Percent(a) : "-")}");
    }

    /// <summary>The JSON summary's <c>"heldOutValidation"</c>: null when a validation file was given or <c>--validation none</c>.</summary>
    public static object? Json(SequenceClassificationModel model)
    {
        if (model.HeldOutValidation is not { } h)
        {
            return null;
        }

        var best = Best(model);
        return new
        {
            fraction = JsonOut.Round(h.Fraction), seed = h.Seed, stratified = true, rows = h.Rows.Count, trainingRows = h.TrainingRows,
            bestEpoch = best?.Epoch, loss = best?.ValidationLoss is { } l ? JsonOut.Round(l) : (double?)null,
            accuracy = best?.ValidationAccuracy is { } a ? JsonOut.Round(a) : (double?)null,
        };
    }

    private static MLNetRnn.Training.TrainingProgress? Best(SequenceClassificationModel model) => model.TrainingHistory.LastOrDefault(p => p.IsBest);
}
