using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;

namespace MLNetRnn.Training;

/// <summary>
/// What <see cref="EpochLoop"/> does differently in a <see cref="DataParallelGroup"/> of more than one process: the
/// shard of each batch, the reduction of losses and gradients, the rank offset of the dropout streams, and the check
/// that every process holds the same weights. The maths is in <see cref="DataParallelGroup"/>'s remarks.
/// </summary>
internal static class DataParallelStep
{
    /// <summary>Fingerprints are 40-bit integers, so the sum over up to 8,192 processes is exact in a double.</summary>
    private const int FingerprintBits = 40;

    /// <summary>Rows <paramref name="rank"/>, rank + size, rank + 2·size, … of <paramref name="rows"/> (lengths stay balanced: bucketed batches hold rows of similar length).</summary>
    /// <param name="rows">The whole batch's rows.</param>
    /// <param name="rank">This process's rank.</param>
    /// <param name="size">The number of processes.</param>
    /// <param name="reuse">Where to take the shard's array from (no allocation once each length has been met), or null for a new array.</param>
    public static int[] Shard(int[] rows, int rank, int size, ShardArrays? reuse = null)
    {
        int length = rows.Length > rank ? ((rows.Length - rank - 1) / size) + 1 : 0;
        int[] shard = reuse?.Get(length) ?? new int[length];
        for (int i = 0; i < shard.Length; i++)
        {
            shard[i] = rows[rank + (i * size)];
        }

        return shard;
    }

    /// <summary>
    /// Runs this process's shard of <paramref name="rows"/> through <paramref name="trainBatch"/> (gradients are zero on
    /// entry) and leaves in the store every process's same gradient of the whole batch's mean loss.
    /// </summary>
    /// <param name="group">The processes.</param>
    /// <param name="store">The parameters, whose gradients are zero on entry and hold the whole batch's on return.</param>
    /// <param name="rows">The whole batch's rows, the same in every process.</param>
    /// <param name="trainBatch">Runs forward and backward on this process's shard (an array it must not keep; see <see cref="ShardArrays"/>).</param>
    /// <param name="cancel">Whether this process asks to stop.</param>
    /// <param name="shards">The run's reusable shard arrays, or null to allocate each shard.</param>
    /// <returns>The whole batch's loss sum, units and tokens, and whether any process asked to cancel.</returns>
    public static (BatchLoss Batch, bool Cancel) Train(DataParallelGroup group, ParameterStore store, int[] rows, Func<int[], BatchLoss> trainBatch, bool cancel,
        ShardArrays? shards = null)
    {
        int[] shard = Shard(rows, group.Rank, group.Size, shards);
        var local = shard.Length > 0 ? trainBatch(shard) : default;
        Span<double> totals = [local.LossSum, local.Units, local.Tokens, cancel ? 1 : 0];
        group.AllreduceSum(totals);
        if (totals[1] > 0 && local.Units > 0)
        {
            // ∇(L_r / u_r) · u_r / U, summed over the processes: ∇(Σ L_r) / U, the whole batch's mean loss.
            float share = (float)(local.Units / totals[1]);
            foreach (var p in store.Parameters)
            {
                if (p.RequiresGradient)
                {
                    System.Numerics.Tensors.TensorPrimitives.Multiply(p.Gradient, share, p.Gradient);
                }
            }
        }

        SumTrainable(group, store);
        return (new BatchLoss(totals[0], (long)totals[1], (long)totals[2]), totals[3] > 0);
    }

    /// <summary>
    /// Moves every random stream after the loop's own (the dropout streams) to one derived from it and the rank, so the
    /// processes draw different masks for their different rows; process 0 keeps its streams.
    /// </summary>
    public static void OffsetDropoutStreams(IReadOnlyList<SeededRandom> randoms, int rank)
    {
        for (int i = 1; i < randoms.Count && rank > 0; i++)
        {
            randoms[i].State = new SeededRandom(unchecked((long)(randoms[i].NextUInt64() ^ ((ulong)rank * 0x9E3779B97F4A7C15UL)))).State;
        }
    }

    /// <summary>Throws on every process when the processes do not all hold the same weights, optimizer step, batch-order stream and data.</summary>
    /// <exception cref="NotSupportedException">A parameter takes row-sparse updates (each process would update only its own rows).</exception>
    /// <exception cref="InvalidOperationException">The fingerprints differ; <paramref name="when"/> says at which point.</exception>
    public static void RequireSame(DataParallelGroup group, ParameterStore store, long optimizerSteps, SeededRandom random, string dataDigest, string when, string? checkpoint)
    {
        if (store.Parameters.FirstOrDefault(p => p.RowSparse is not null) is { } sparse)
        {
            throw new NotSupportedException($"Parameter '{sparse.Name}' takes row-sparse updates (SparseEmbeddingUpdates, --sparse-embedding-updates), which data-parallel training does not support: each process would update only the rows its own shard looked up. Turn them off for a distributed run.");
        }

        double fingerprint = Fingerprint(store, optimizerSteps, random, dataDigest);
        Span<double> sums = [fingerprint, group.Rank == 0 ? fingerprint : 0, 1];
        group.AllreduceSum(sums);
        if (sums[2] != group.Size)
        {
            throw new InvalidOperationException($"The data-parallel group says it has {group.Size} processes, but {sums[2]} took part in the all-reduce; every process must report the same Size.");
        }

        if (sums[0] != group.Size * sums[1])
        {
            throw new InvalidOperationException(
                $"The {group.Size} processes of this data-parallel run hold different weights, optimizer state, batch order or data {when}. "
                + "Give every process the same data files, options and seed"
                + (checkpoint is null ? "." : $", and when resuming let every process read checkpoint '{checkpoint}' (a shared folder, or the same copy at that path on every machine).")
                + " If they already are the same, the MPI library's sum differs between processes; use MPICH.");
        }
    }

    /// <summary>Sums the gradients of the trainable parameters, one all-reduce per contiguous run of them (frozen tensors are not sent).</summary>
    private static void SumTrainable(DataParallelGroup group, ParameterStore store)
    {
        int start = -1, end = -1;
        foreach (var p in store.Parameters)
        {
            if (!p.RequiresGradient)
            {
                continue;
            }

            if (p.Offset != end && end > start)
            {
                group.AllreduceSum(store.Gradients[start..end]);
                start = -1;
            }

            start = start < 0 ? p.Offset : start;
            end = p.Offset + p.Length;
        }

        if (end > start && start >= 0)
        {
            group.AllreduceSum(store.Gradients[start..end]);
        }
    }

    /// <summary>A 40-bit digest (as an exact double) of the weights, the optimizer's step count, the batch-order stream and the data digest.</summary>
    private static double Fingerprint(ParameterStore store, long optimizerSteps, SeededRandom random, string dataDigest)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(MemoryMarshal.AsBytes(store.Values));
        var (s0, s1, s2, s3) = random.State;
        Span<byte> words = stackalloc byte[40];
        BinaryPrimitives.WriteUInt64LittleEndian(words, s0);
        BinaryPrimitives.WriteUInt64LittleEndian(words[8..], s1);
        BinaryPrimitives.WriteUInt64LittleEndian(words[16..], s2);
        BinaryPrimitives.WriteUInt64LittleEndian(words[24..], s3);
        BinaryPrimitives.WriteInt64LittleEndian(words[32..], optimizerSteps);
        hash.AppendData(words);
        hash.AppendData(Encoding.UTF8.GetBytes(dataDigest));
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return BinaryPrimitives.ReadUInt64LittleEndian(digest) >> (64 - FingerprintBits);
    }
}
