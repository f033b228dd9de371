using System.Security.Cryptography;
using System.Runtime.InteropServices;
using MLNetRnn.Numerics;

namespace MLNetRnn.Training;

/// <summary>
/// What a trainer hands <see cref="EpochLoop"/> besides the loop's settings: checkpointing and resume, cancellation,
/// the bad-batch policy, and the identity of the run (task, settings text, data digest) that a checkpoint must match.
/// </summary>
/// <param name="Task">The task name written into checkpoints (<c>SequenceClassification</c>, <c>SequenceToSequence</c>).</param>
/// <param name="Settings">Every setting that shapes the result except the epoch count, as text.</param>
/// <param name="DataSha256">The digest of the rows the run reads (<see cref="Digest"/>).</param>
/// <param name="Randoms">Every random stream training draws from, in a fixed order: the loop's own first.</param>
/// <param name="Checkpoint">Where and how often to save, or null.</param>
/// <param name="MaxSkippedBatches">Batches with a non-finite loss or gradient skipped before training stops.</param>
/// <param name="Cancellation">Stops training at the next step boundary, after a final checkpoint.</param>
/// <param name="History">The run's history list, which a resumed run refills with the epochs done before.</param>
/// <param name="AfterStep">Called after each optimizer step with the epoch and the step within it (tests stop runs at exact steps).</param>
/// <param name="DataParallel">The processes this run trains with, or null for this one alone. Every stream in
/// <paramref name="Randoms"/> after the first must be a per-row noise stream (dropout): a process other than 0 offsets them by its rank.</param>
internal sealed record TrainingControl(
    string Task,
    string Settings,
    string DataSha256,
    IReadOnlyList<SeededRandom> Randoms,
    CheckpointSettings? Checkpoint,
    int MaxSkippedBatches,
    CancellationToken Cancellation,
    List<TrainingProgress>? History,
    Action<int, int>? AfterStep = null,
    DataParallelGroup? DataParallel = null)
{
    /// <summary>A digest of token-id rows and their targets, to recognise the same data on resume.</summary>
    public static string Digest(params IEnumerable<int[]>?[] parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var part in parts)
        {
            BitConverter.TryWriteBytes(length, part is null ? -1 : 0);
            hash.AppendData(length);
            foreach (int[] row in part ?? [])
            {
                BitConverter.TryWriteBytes(length, row.Length);
                hash.AppendData(length);
                hash.AppendData(MemoryMarshal.AsBytes(row.AsSpan()));
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}
