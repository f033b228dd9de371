using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Training;

namespace MLNetRnn.Tests.Training;

/// <summary>
/// The training loop's policies on a one-parameter model whose batches are scripted: a non-finite loss or gradient stops
/// training with the position and the remedy, or is skipped without a step up to a limit; cancellation stops at a step
/// boundary after a final checkpoint.
/// </summary>
public sealed class EpochLoopPolicyTests : IDisposable
{
    private const int Rows = 40, BatchSize = 4; // 10 steps per epoch
    private readonly string _folder = Directory.CreateTempSubdirectory("mlnetrnn-loop-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void NonFiniteLoss_StopsWithEpochStepLearningRateAndRemedy_KeepingTheLastCheckpoint()
    {
        string path = Path.Combine(_folder, "diverged.ckpt");
        var (store, steps) = (Store(), new List<(int, int)>());
        int row = Plan(epoch: 1)[5][0]; // in the 6th batch of the first epoch, after two checkpoints
        var e = Assert.Throws<TrainingDivergedException>(() => Run(store, poisonedRow: row, maxSkipped: 0, path, steps));

        Assert.Equal(1, e.Epoch);
        Assert.Equal(6, e.Step);
        Assert.Equal(0.1f, e.LearningRate);
        Assert.Contains($"Training diverged at epoch 1, step {e.Step}: the loss was NaN with learning rate 0.1", e.Message, StringComparison.Ordinal);
        Assert.Contains("Lower the learning rate (try 0.01)", e.Message, StringComparison.Ordinal);
        Assert.Equal(e.Step - 1, steps.Count); // every step before the bad one was taken, none after
        Assert.True(File.Exists(path)); // written every 2 steps before the bad batch
        Assert.Equal(path, e.CheckpointPath);
    }

    [Fact]
    public void NonFiniteGradient_WithClippingOff_IsCaughtToo()
    {
        var store = Store();
        var e = Assert.Throws<TrainingDivergedException>(() => EpochLoop.Run(store, new EpochSettings(1, BatchSize, 0.1f, 0f, 1, 1f),
            Enumerable.Repeat(3, Rows).ToArray(), new SeededRandom(1), rows =>
            {
                store.Gradients[0] = rows.Contains(7) ? float.PositiveInfinity : 1f;
                return new BatchLoss(rows.Length, rows.Length, rows.Length);
            }, null, null, Control(null, 0)));
        Assert.Contains("gradient norm was NaN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SkipPolicy_SkipsEachBadBatchWithoutAStep_UpToTheLimit()
    {
        // Row 7 is in one batch per epoch: 3 epochs give 3 bad batches.
        var (store, steps) = (Store(), new List<(int, int)>());
        Run(store, poisonedRow: 7, maxSkipped: 3, null, steps);
        Assert.Equal(3 * ((Rows / BatchSize) - 1), steps.Count);
        Assert.True(float.IsFinite(store.Values[0]));

        var tooFew = Assert.Throws<TrainingDivergedException>(() => Run(Store(), poisonedRow: 7, maxSkipped: 2, null, []));
        Assert.Equal(3, tooFew.Epoch);
    }

    [Fact]
    public void Cancellation_WritesAFinalCheckpointAtTheStepBoundary_AndResumeFinishesTheSameRun()
    {
        var straight = Store();
        Run(straight, poisonedRow: -1, maxSkipped: 0, null, []);

        string path = Path.Combine(_folder, "cancelled.ckpt");
        var stop = new CancellationTokenSource();
        var store = Store();
        var e = Assert.Throws<OperationCanceledException>(() => Run(store, -1, 0, path, [], stop, (epoch, step) =>
        {
            if (epoch == 2 && step == 6)
            {
                stop.Cancel();
            }
        }));
        Assert.Contains("epoch 2, step 7", e.Message, StringComparison.Ordinal);

        var resumed = Store();
        var resumedSteps = new List<(int, int)>();
        Run(resumed, -1, 0, path, resumedSteps, resume: true);
        Assert.Equal((2, 7), resumedSteps[0]); // continued after the last step taken, not from the start
        Assert.Equal(30 - 16, resumedSteps.Count);
        Assert.Equal(straight.Values.ToArray(), resumed.Values.ToArray());
    }

    private static ParameterStore Store()
    {
        var store = new ParameterStore();
        store.Add("w", 1);
        return store;
    }

    /// <summary>The batches of an epoch of the scripted run (the loop's random stream draws nothing else).</summary>
    private static int[][] Plan(int epoch)
    {
        var random = new SeededRandom(1);
        int[][] plan = [];
        for (int e = 1; e <= epoch; e++)
        {
            plan = LengthBuckets.Plan(Enumerable.Repeat(3, Rows).ToArray(), BatchSize, random);
        }

        return plan;
    }

    /// <summary>3 epochs; the loss of a batch is the mean of (w − row)², NaN when it holds <paramref name="poisonedRow"/>.</summary>
    private static void Run(ParameterStore store, int poisonedRow, int maxSkipped, string? checkpoint, List<(int, int)> steps,
        CancellationTokenSource? stop = null, Action<int, int>? afterStep = null, bool resume = false)
    {
        var random = new SeededRandom(1);
        var control = Control(checkpoint is null ? null : new CheckpointSettings { Path = checkpoint, EverySteps = 2, Resume = resume }, maxSkipped)
            with { Randoms = [random], Cancellation = stop?.Token ?? default, AfterStep = (e, s) => { steps.Add((e, s)); afterStep?.Invoke(e, s); } };
        EpochLoop.Run(store, new EpochSettings(3, BatchSize, 0.1f, 1f, 1, 1f), Enumerable.Repeat(3, Rows).ToArray(), random, rows =>
        {
            float w = store.Values[0];
            double loss = rows.Contains(poisonedRow) ? double.NaN : rows.Sum(r => (double)(w - r) * (w - r));
            store.Gradients[0] = (float)rows.Sum(r => 2.0 * (w - r)) / rows.Length;
            return new BatchLoss(loss, rows.Length, rows.Length);
        }, null, null, control);
    }

    private static TrainingControl Control(CheckpointSettings? checkpoint, int maxSkipped) =>
        new("Test", "scripted", "data", [new SeededRandom(1)], checkpoint, maxSkipped, default, null);
}
