using System.Diagnostics;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;

namespace MLNetRnn.Training;

/// <summary>The settings of <see cref="EpochLoop.Run"/>, taken from a trainer's options.</summary>
/// <param name="Epochs">The most epochs.</param>
/// <param name="BatchSize">Rows per batch.</param>
/// <param name="LearningRate">Adam's initial learning rate.</param>
/// <param name="ClipNorm">The global gradient-norm limit, 0 = off.</param>
/// <param name="Patience">Epochs without validation improvement before stopping.</param>
/// <param name="LearningRateDecay">The learning-rate factor on a validation plateau (1 = off).</param>
/// <param name="CosineSchedule">When true, each step's learning rate is the current rate times a half cosine of the run's progress
/// (1 at the first step, falling to 0 after the last planned step), on top of any plateau decay.</param>
internal sealed record EpochSettings(int Epochs, int BatchSize, float LearningRate, float ClipNorm, int Patience, float LearningRateDecay, bool CosineSchedule = false)
{
    /// <summary>The cosine factor for step <paramref name="step"/> of <paramref name="steps"/> in epoch <paramref name="epoch"/> (1-based) of <see cref="Epochs"/>.</summary>
    internal float ScheduleFactor(int epoch, int step, int steps) =>
        !CosineSchedule ? 1f : (float)(0.5 * (1 + Math.Cos(Math.PI * (epoch - 1 + ((double)step / Math.Max(steps, 1))) / Epochs)));
}

/// <summary>
/// What one training batch contributes: its loss summed over its units (rows or tokens), the unit count, and the tokens
/// read. The gradient the batch leaves must be that of <c>LossSum / Units</c> (the batch's mean loss): a data-parallel
/// run (<see cref="DataParallelGroup"/>) weights each process's gradient by its units on that understanding.
/// </summary>
internal readonly record struct BatchLoss(double LossSum, long Units, long Tokens);

/// <summary>
/// The training loop shared by the trainers: per epoch, length-bucketed batches in random order, each with zeroed
/// gradients, the caller's forward and backward pass, global-norm clipping and an Adam step; then, with a validation
/// scorer, early stopping on validation loss (best weights restored at the end) and, on a plateau, a restart from the
/// best weights with a smaller learning rate; progress after every epoch. With a <see cref="TrainingControl"/> it also
/// saves checkpoints (every epoch end, every N steps or minutes, on cancellation), resumes from one exactly, and stops
/// on a non-finite loss or gradient (or skips a bounded number of such batches). With a <see cref="DataParallelGroup"/>
/// of several processes in the control, each process trains on its shard of every batch and the gradients are summed
/// (<see cref="DataParallelStep"/>); only process 0 writes checkpoints.
/// </summary>
internal static class EpochLoop
{
    /// <param name="store">The parameters the optimizer updates.</param>
    /// <param name="settings">Epochs, batch size, learning rate, clip norm (0 = off), patience, plateau decay (1 = off).</param>
    /// <param name="lengths">Each training row's length, for bucketing.</param>
    /// <param name="random">The seeded source of the batch order.</param>
    /// <param name="trainBatch">Runs forward and backward on the given rows (gradients are zero on entry); in a data-parallel
    /// group, on this process's shard of each batch, in an array reused by later shards of its length (do not keep it).</param>
    /// <param name="validate">Scores the validation set (loss, optional accuracy), or null for none.</param>
    /// <param name="progress">Where per-epoch progress goes, or null.</param>
    /// <param name="control">Checkpoints, resume, cancellation and the bad-batch policy, or null for none.</param>
    /// <param name="plan">Makes each epoch's batches instead of shuffled length buckets, or null (the language model's
    /// truncated BPTT reads its chunks in order, one row per stream of a chunk).</param>
    /// <param name="beforeBatch">Called with each whole batch's rows before <paramref name="trainBatch"/>, or null: per-row
    /// draws from <paramref name="random"/> belong here, so that in a data-parallel group every process draws what a single
    /// process would (its stream, which orders the batches, stays in step) and each row gets a single process's draws.</param>
    /// <exception cref="TrainingDivergedException">A loss or gradient was not finite more often than allowed.</exception>
    /// <exception cref="OperationCanceledException">The control's token was cancelled (after a final checkpoint).</exception>
    public static void Run(ParameterStore store, EpochSettings settings, IReadOnlyList<int> lengths, SeededRandom random,
        Func<int[], BatchLoss> trainBatch, Func<(double Loss, double? Accuracy)>? validate, IProgress<TrainingProgress>? progress,
        TrainingControl? control = null, Func<int[][]>? plan = null, Action<int[]>? beforeBatch = null)
    {
        var run = new RunState(store, settings, random, validate, control);
        run.Resume();
        var group = control?.DataParallel is { Size: > 1 } g ? g : null;
        var shards = group is null ? null : new ShardArrays();
        if (group is not null)
        {
            DataParallelStep.OffsetDropoutStreams(control!.Randoms, group.Rank);
            DataParallelStep.RequireSame(group, store, run.Optimizer.StepCount, random, control.DataSha256, "at the start", run.CheckpointPath is { } c && control.Checkpoint!.Resume ? c : null);
        }

        var clock = Stopwatch.StartNew();
        var trainingTime = new Stopwatch();
        bool cancelNext = false;
        for (; run.Epoch <= settings.Epochs && !run.Finished; run.Epoch++)
        {
            run.Plan ??= plan?.Invoke() ?? LengthBuckets.Plan(lengths, settings.BatchSize, random);
            trainingTime.Start();
            for (; run.Step < run.Plan.Length; run.Step++)
            {
                long started = Stopwatch.GetTimestamp();
                var communicated = group?.CommunicationTime ?? TimeSpan.Zero;
                if (group is null ? control?.Cancellation.IsCancellationRequested == true : cancelNext)
                {
                    run.SaveCheckpoint(clock.Elapsed + run.ElapsedBefore, trainingTime.Elapsed);
                    throw new OperationCanceledException(
                        $"Training was cancelled at epoch {run.Epoch}, step {run.Step + 1}" + (run.CheckpointPath is { } c ? $"; its state is in checkpoint '{c}', from which a run with the same settings and data continues." : "."),
                        control!.Cancellation);
                }

                int[] rows = run.Plan[run.Step];
                store.ZeroGrad();
                beforeBatch?.Invoke(rows);
                BatchLoss batch;
                if (group is null)
                {
                    batch = trainBatch(rows);
                }
                else
                {
                    // A process's cancellation travels with this step's sums; every process stops before the next step.
                    (batch, cancelNext) = DataParallelStep.Train(group, store, rows, trainBatch, control!.Cancellation.IsCancellationRequested, shards);
                }

                float norm = settings.ClipNorm > 0f ? GradientClipping.ClipByGlobalNorm(store, settings.ClipNorm) : FiniteOrNaN(store.Gradients);
                if (!double.IsFinite(batch.LossSum) || !float.IsFinite(norm))
                {
                    string what = !double.IsFinite(batch.LossSum) ? $"loss was {batch.LossSum}" : $"gradient norm was {norm}";
                    if (run.SkippedBatches >= (control?.MaxSkippedBatches ?? 0))
                    {
                        throw new TrainingDivergedException(run.Epoch, run.Step + 1, run.Optimizer.LearningRate, what, run.LastCheckpoint);
                    }

                    run.SkippedBatches++; // no step: the weights stay those of the last good step
                    continue;
                }

                run.LossSum += batch.LossSum;
                run.Units += batch.Units;
                run.Tokens += batch.Tokens;
                float rate = run.Optimizer.LearningRate; // the plateau-decayed rate; the schedule scales this step only
                run.Optimizer.LearningRate = rate * settings.ScheduleFactor(run.Epoch, run.Step, run.Plan.Length);
                run.Optimizer.Step();
                run.Optimizer.LearningRate = rate;
                group?.RecordStep(Stopwatch.GetElapsedTime(started), group.CommunicationTime - communicated);
                control?.AfterStep?.Invoke(run.Epoch, run.Step + 1);
                if (run.CheckpointDue())
                {
                    run.Step++;
                    run.SaveCheckpoint(clock.Elapsed + run.ElapsedBefore, trainingTime.Elapsed);
                    run.Step--;
                }
            }

            trainingTime.Stop();
            double? validLoss = null, validAccuracy = null;
            bool best = false;
            if (validate is not null)
            {
                (double loss, validAccuracy) = validate();
                validLoss = loss;
                best = run.Stopping!.Observe(run.Epoch, loss, store.Values);
                if (!best && settings.LearningRateDecay < 1f && !run.Stopping.ShouldStop)
                {
                    // Plateau: go back to the best weights and take smaller steps from there.
                    run.Stopping.RestoreBest(store.Values);
                    run.Optimizer.LearningRate *= settings.LearningRateDecay;
                }
            }

            var report = new TrainingProgress(run.Epoch, settings.Epochs, run.LossSum / run.Units, validLoss, validAccuracy,
                run.Tokens / Math.Max(trainingTime.Elapsed.TotalSeconds + run.TrainingSecondsBefore, 1e-9), clock.Elapsed + run.ElapsedBefore, best);
            run.History.Add(report);
            progress?.Report(report);
            run.Finished = run.Stopping?.ShouldStop == true || run.Epoch == settings.Epochs;
            (run.Plan, run.Step, run.LossSum, run.Units) = (null, 0, 0, 0);
            run.Epoch++;
            run.SaveCheckpoint(clock.Elapsed + run.ElapsedBefore, trainingTime.Elapsed);
            run.Epoch--;
            if (group is not null)
            {
                DataParallelStep.RequireSame(group, store, run.Optimizer.StepCount, random, control!.DataSha256, $"after epoch {run.Epoch}", null);
            }
        }

        run.Stopping?.RestoreBest(store.Values);
    }

    /// <summary>The gradient's global norm when every value is finite, else NaN (the check when clipping is off).</summary>
    private static float FiniteOrNaN(ReadOnlySpan<float> gradients)
    {
        foreach (float g in gradients)
        {
            if (!float.IsFinite(g))
            {
                return float.NaN;
            }
        }

        return 0f;
    }

    /// <summary>The mutable state of one run: what a checkpoint saves and a resume restores.</summary>
    private sealed class RunState(ParameterStore store, EpochSettings settings, SeededRandom random, Func<(double Loss, double? Accuracy)>? validate, TrainingControl? control)
    {
        private readonly Stopwatch _sinceCheckpoint = Stopwatch.StartNew();
        private int _stepsSinceCheckpoint;

        public Adam Optimizer { get; } = new(store, settings.LearningRate);

        public EarlyStopping? Stopping { get; } = validate is null ? null : new EarlyStopping(settings.Patience);

        public List<TrainingProgress> History { get; } = [];

        public int Epoch { get; set; } = 1;

        public int Step { get; set; }

        public int[][]? Plan { get; set; }

        public bool Finished { get; set; }

        public int SkippedBatches { get; set; }

        public double LossSum { get; set; }

        public long Units { get; set; }

        public long Tokens { get; set; }

        public double TrainingSecondsBefore { get; private set; }

        public TimeSpan ElapsedBefore { get; private set; }

        /// <summary>Gets the checkpoint file when checkpoints are on.</summary>
        public string? CheckpointPath => control?.Checkpoint?.Path;

        /// <summary>Gets the checkpoint file once one has been written (or resumed from) in this run, else null.</summary>
        public string? LastCheckpoint { get; private set; }

        private IReadOnlyList<SeededRandom> Randoms => control?.Randoms ?? [random];

        public bool CheckpointDue()
        {
            _stepsSinceCheckpoint++;
            var c = control?.Checkpoint;
            return c is not null && ((c.EverySteps > 0 && _stepsSinceCheckpoint >= c.EverySteps) || (c.Interval > TimeSpan.Zero && _sinceCheckpoint.Elapsed >= c.Interval));
        }

        public void Resume()
        {
            if (control?.Checkpoint is not { Resume: true, Path: var path } || !File.Exists(path))
            {
                return;
            }

            var checkpoint = Checkpoint.Read(path, store.Count, state =>
            {
                if (state.Task != control.Task || state.Settings != control.Settings)
                {
                    throw new InvalidOperationException($"Checkpoint '{path}' was written by a {state.Task} run with settings [{state.Settings}], not this {control.Task} run's [{control.Settings}]. Resume with the settings it was written with (the epoch count may change), or delete it to start over.");
                }

                if (state.DataSha256 != control.DataSha256)
                {
                    throw new InvalidOperationException($"Checkpoint '{path}' was written for other training or validation data (its rows, order or vocabulary differ). Resume with the same data files, or delete it to start over.");
                }
            });
            var state = checkpoint.State;

            if (state.Randoms.Length != Randoms.Count || (checkpoint.BestWeights is null) != (state.BestLoss is null) || (Stopping is null && state.BestLoss is not null))
            {
                throw new InvalidDataException($"Checkpoint '{path}' does not fit this run (random streams {state.Randoms.Length} vs {Randoms.Count}, validation {(state.BestLoss is null ? "absent" : "present")}); resume with the settings and data it was written with.");
            }

            checkpoint.Weights.CopyTo(store.Values);
            checkpoint.AdamFirst.CopyTo(Optimizer.Moments.First);
            checkpoint.AdamSecond.CopyTo(Optimizer.Moments.Second);
            Optimizer.StepCount = state.OptimizerSteps;
            Optimizer.LearningRate = state.LearningRate;
            Stopping?.Restore(state.BestLoss ?? double.PositiveInfinity, state.BestEpoch, state.ShouldStop, checkpoint.BestWeights);
            for (int i = 0; i < Randoms.Count; i++)
            {
                Randoms[i].State = Checkpoint.Manifest.State(state.Randoms[i]);
            }

            if (checkpoint.Plan is { } plan && (state.Step > plan.Length || plan.SelectMany(b => b).Any(r => r < 0)))
            {
                throw new InvalidDataException($"Checkpoint '{path}' has a batch plan that does not fit its position; it is damaged.");
            }

            (Epoch, Step, Plan, Finished) = (state.Epoch, state.Step, checkpoint.Plan, state.Finished);
            (SkippedBatches, LossSum, Units, Tokens) = (state.SkippedBatches, state.EpochLossSum, state.EpochUnits, state.Tokens);
            TrainingSecondsBefore = state.TrainingSeconds;
            ElapsedBefore = TimeSpan.FromSeconds(state.ElapsedSeconds);
            var restored = state.History.Select(h => h.ToProgress()).ToList();
            History.AddRange(restored);
            control.History?.AddRange(restored);
            if (Finished && Epoch <= settings.Epochs && Stopping?.ShouldStop != true)
            {
                Finished = false; // the run ended at its epoch count; a larger count continues it
            }

            LastCheckpoint = path;
        }

        public void SaveCheckpoint(TimeSpan elapsed, TimeSpan trainingTime)
        {
            if (control?.Checkpoint is not { } c || control.DataParallel is { Rank: > 0 })
            {
                return;
            }

            var checkpoint = new Checkpoint
            {
                State = new Checkpoint.Manifest
                {
                    Task = control.Task, Settings = control.Settings, DataSha256 = control.DataSha256, Scalars = store.Count,
                    Epoch = Epoch, Step = Step, Finished = Finished, OptimizerSteps = Optimizer.StepCount, LearningRate = Optimizer.LearningRate,
                    SkippedBatches = SkippedBatches, EpochLossSum = LossSum, EpochUnits = Units, Tokens = Tokens,
                    TrainingSeconds = TrainingSecondsBefore + trainingTime.TotalSeconds, ElapsedSeconds = elapsed.TotalSeconds,
                    BestLoss = Stopping is { BestEpoch: > 0 } s ? s.BestLoss : null, BestEpoch = Stopping?.BestEpoch ?? 0, ShouldStop = Stopping?.ShouldStop ?? false,
                    Randoms = [.. Randoms.Select(r => Checkpoint.Manifest.Words(r.State))],
                    History = [.. History.Select(Checkpoint.HistoryItem.Of)],
                },
                Weights = store.Values.ToArray(),
                AdamFirst = Optimizer.Moments.First.ToArray(),
                AdamSecond = Optimizer.Moments.Second.ToArray(),
                BestWeights = Stopping is { BestEpoch: > 0 } ? Stopping.BestWeights : null,
                Plan = Plan,
            };
            try
            {
                checkpoint.Save(c.Path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"Could not write checkpoint '{c.Path}' ({e.Message.TrimEnd('.')}); the previous checkpoint, if any, is unchanged. Free space or make the folder writable, or checkpoint elsewhere (CheckpointSettings.Path / --checkpoint).", e);
            }

            LastCheckpoint = c.Path;
            _stepsSinceCheckpoint = 0;
            _sinceCheckpoint.Restart();
        }
    }
}
