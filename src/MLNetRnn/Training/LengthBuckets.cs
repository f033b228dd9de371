using MLNetRnn.Numerics;

namespace MLNetRnn.Training;

/// <summary>
/// Plans an epoch's mini-batches so rows of similar length share a batch (little padding) while the order stays random:
/// shuffle all rows, cut into pools of <c>8 × batchSize</c>, sort each pool by length, cut into batches, shuffle the batches.
/// </summary>
internal static class LengthBuckets
{
    /// <summary>Returns the batches of one epoch as arrays of row indices.</summary>
    /// <param name="lengths">Each row's length.</param>
    /// <param name="batchSize">Rows per batch (the last batch of a pool may be smaller); at least 1.</param>
    /// <param name="random">The seeded source of the shuffles.</param>
    /// <returns>Batches covering every row exactly once.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    public static int[][] Plan(IReadOnlyList<int> lengths, int batchSize, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var order = new int[lengths.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        random.Shuffle(order.AsSpan());
        var batches = order.Chunk(batchSize * 8)
            .SelectMany(pool => pool.OrderBy(i => lengths[i]).ThenBy(i => i).Chunk(batchSize))
            .ToArray();
        random.Shuffle(batches.AsSpan());
        return batches;
    }

    /// <summary>Returns rows in batches of rows sorted by length (for evaluation, where order does not matter).</summary>
    /// <param name="lengths">Each row's length.</param>
    /// <param name="batchSize">Rows per batch; at least 1.</param>
    /// <returns>Batches covering every row exactly once.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="batchSize"/> is not positive.</exception>
    public static int[][] Sorted(IReadOnlyList<int> lengths, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(lengths);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        return Enumerable.Range(0, lengths.Count).OrderBy(i => lengths[i]).ThenBy(i => i).Chunk(batchSize).ToArray();
    }
}
