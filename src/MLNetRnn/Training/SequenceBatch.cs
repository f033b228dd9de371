namespace MLNetRnn.Training;

// T = longest row in the batch, B = rows.

/// <summary>A padded, time-major batch of id sequences: <c>Ids[t * B + b]</c> is row b's id at step t, 0 (<c>&lt;PAD&gt;</c>) past its length.</summary>
internal sealed class SequenceBatch
{
    private SequenceBatch(int[] ids, int[] lengths, int timeSteps)
    {
        Ids = ids;
        Lengths = lengths;
        TimeSteps = timeSteps;
    }

    public int[] Ids { get; }

    public int[] Lengths { get; }

    public int TimeSteps { get; }

    public int BatchSize => Lengths.Length;

    public int TokenCount => Lengths.Sum();

    /// <summary>Pads the given rows of <paramref name="sequences"/> into one batch.</summary>
    /// <exception cref="ArgumentException">A sequence is empty.</exception>
    public static SequenceBatch Create(IReadOnlyList<int[]> sequences, ReadOnlySpan<int> rows)
    {
        int b = rows.Length, t = 0;
        var lengths = new int[b];
        for (int j = 0; j < b; j++)
        {
            int n = sequences[rows[j]].Length;
            if (n == 0)
            {
                throw new ArgumentException($"Row {rows[j]} has no tokens; every text needs at least one token (empty text is not a sequence).", nameof(sequences));
            }

            lengths[j] = n;
            t = Math.Max(t, n);
        }

        var ids = new int[t * b];
        for (int j = 0; j < b; j++)
        {
            int[] s = sequences[rows[j]];
            for (int step = 0; step < s.Length; step++)
            {
                ids[(step * b) + j] = s[step];
            }
        }

        return new SequenceBatch(ids, lengths, t);
    }
}
