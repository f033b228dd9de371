using System.Diagnostics;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;

namespace MLNetRnn.Training;

/// <summary>The settings of <see cref="EpochLoop.Run"/>, taken from a trainer's options.</summary>
internal sealed record EpochSettings(int Epochs, int BatchSize, float LearningRate, float ClipNorm, int Patience, float LearningRateDecay);

/// <summary>What one training batch contributes: its loss summed over its units (rows or tokens), the unit count, and the tokens read.</summary>
internal readonly record struct BatchLoss(double LossSum, long Units, long Tokens);

/// <summary>
/// The training loop shared by the trainers: per epoch, length-bucketed batches in random order, each with zeroed
/// gradients, the caller's forward and backward pass, global-norm clipping and an Adam step; then, with a validation
/// scorer, early stopping on validation loss (best weights restored at the end) and, on a plateau, a restart from the
/// best weights with a smaller learning rate; progress after every epoch.
/// </summary>
internal static class EpochLoop
{
    /// <param name="store">The parameters the optimizer updates.</param>
    /// <param name="settings">Epochs, batch size, learning rate, clip norm (0 = off), patience, plateau decay (1 = off).</param>
    /// <param name="lengths">Each training row's length, for bucketing.</param>
    /// <param name="random">The seeded source of the batch order.</param>
    /// <param name="trainBatch">Runs forward and backward on the given rows (gradients are zero on entry).</param>
    /// <param name="validate">Scores the validation set (loss, optional accuracy), or null for none.</param>
    /// <param name="progress">Where per-epoch progress goes, or null.</param>
    public static void Run(ParameterStore store, EpochSettings settings, IReadOnlyList<int> lengths, SeededRandom random,
        Func<int[], BatchLoss> trainBatch, Func<(double Loss, double? Accuracy)>? validate, IProgress<TrainingProgress>? progress)
    {
        var optimizer = new Adam(store, settings.LearningRate);
        var stopping = validate is null ? null : new EarlyStopping(settings.Patience);
        var clock = Stopwatch.StartNew();
        var trainingTime = new Stopwatch();
        long tokens = 0;
        for (int epoch = 1; epoch <= settings.Epochs; epoch++)
        {
            double lossSum = 0;
            long units = 0;
            trainingTime.Start();
            foreach (int[] rows in LengthBuckets.Plan(lengths, settings.BatchSize, random))
            {
                store.ZeroGrad();
                var batch = trainBatch(rows);
                lossSum += batch.LossSum;
                units += batch.Units;
                tokens += batch.Tokens;
                if (settings.ClipNorm > 0f)
                {
                    GradientClipping.ClipByGlobalNorm(store, settings.ClipNorm);
                }

                optimizer.Step();
            }

            trainingTime.Stop();
            double? validLoss = null, validAccuracy = null;
            bool best = false;
            if (validate is not null)
            {
                (double loss, validAccuracy) = validate();
                validLoss = loss;
                best = stopping!.Observe(epoch, loss, store.Values);
                if (!best && settings.LearningRateDecay < 1f && !stopping.ShouldStop)
                {
                    // Plateau: go back to the best weights and take smaller steps from there.
                    stopping.RestoreBest(store.Values);
                    optimizer.LearningRate *= settings.LearningRateDecay;
                }
            }

            progress?.Report(new TrainingProgress(epoch, settings.Epochs, lossSum / units, validLoss, validAccuracy,
                tokens / Math.Max(trainingTime.Elapsed.TotalSeconds, 1e-9), clock.Elapsed, best));
            if (stopping?.ShouldStop == true)
            {
                break;
            }
        }

        stopping?.RestoreBest(store.Values);
    }
}
