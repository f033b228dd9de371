namespace MLNetRnn.Benchmarks.Workloads;

// B = batch, T = time steps, V = vocabulary.

/// <summary>
/// The batch of a workload: lengths, time-major ids and targets, drawn from a 64-bit linear congruential generator that
/// <c>benchmarks/pytorch/compare.py</c> implements identically, so both engines see the same lengths and ids.
/// </summary>
/// <remarks>
/// Generator: <c>s ← s·6364136223846793005 + 1442695040888963407 (mod 2⁶⁴)</c>, value <c>s ≫ 33</c>, seeded with
/// <see cref="Seed"/>. Draw order: lengths (B values; ragged and padded rows <c>5 + v mod (T − 4)</c>, else T), then
/// ids in time-major order (T·B values, <c>1 + v mod (V − 1)</c>, replaced by 0 = padding at and past the row's
/// length), then targets (B values, <c>v mod 2</c>). The padded workload then sets every length to T.
/// </remarks>
public sealed class WorkloadInputs
{
    /// <summary>The generator's seed (shared with compare.py).</summary>
    public const ulong Seed = 20240501;

    /// <summary>The shortest ragged row.</summary>
    public const int MinimumRaggedLength = 5;

    private WorkloadInputs(int[] lengths, int[] ids, int[] targets)
    {
        Lengths = lengths;
        Ids = ids;
        Targets = targets;
    }

    /// <summary>Gets (B) lengths in [1, T].</summary>
    public int[] Lengths { get; }

    /// <summary>Gets (T, B) time-major ids; 0 past each row's ragged length.</summary>
    public int[] Ids { get; }

    /// <summary>Gets (B) class ids in {0, 1}.</summary>
    public int[] Targets { get; }

    /// <summary>Gets the sum of <see cref="Lengths"/>: the tokens a step really processes.</summary>
    public long RealTokens => Lengths.Sum(l => (long)l);

    /// <summary>Draws the batch of <paramref name="spec"/>.</summary>
    /// <param name="spec">The workload.</param>
    /// <returns>The batch.</returns>
    public static WorkloadInputs Create(WorkloadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int b = spec.BatchSize, t = spec.TimeSteps;
        ulong state = Seed;
        var lengths = new int[b];
        for (int row = 0; row < b; row++)
        {
            uint v = Next(ref state);
            lengths[row] = spec.Lengths == LengthKind.Full ? t : MinimumRaggedLength + (int)(v % (uint)(t - MinimumRaggedLength + 1));
        }

        var ids = new int[t * b];
        for (int step = 0; step < t; step++)
        {
            for (int row = 0; row < b; row++)
            {
                uint v = Next(ref state);
                ids[(step * b) + row] = step < lengths[row] ? 1 + (int)(v % (WorkloadSpec.VocabularySize - 1)) : 0;
            }
        }

        var targets = new int[b];
        for (int row = 0; row < b; row++)
        {
            targets[row] = (int)(Next(ref state) % WorkloadSpec.Classes);
        }

        if (spec.Lengths == LengthKind.Padded)
        {
            Array.Fill(lengths, t);
        }

        return new WorkloadInputs(lengths, ids, targets);
    }

    private static uint Next(ref ulong state)
    {
        state = unchecked((state * 6364136223846793005UL) + 1442695040888963407UL);
        return (uint)(state >> 33);
    }
}
