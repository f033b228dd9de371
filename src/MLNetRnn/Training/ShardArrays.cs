namespace MLNetRnn.Training;

/// <summary>
/// One reusable row array per shard length, for <see cref="DataParallelStep.Shard"/>: a trainer's batch function takes an
/// array of exactly the shard's rows, so each step reuses the array of its shard's length instead of allocating one. A run
/// meets few lengths (at most ⌈batch size / processes⌉ + 1), so the arrays stay few and small. An array is overwritten by
/// the next shard of the same length: a batch function must not keep it after it returns.
/// </summary>
internal sealed class ShardArrays
{
    private int[]?[] _byLength = [];

    /// <summary>The array for shards of <paramref name="length"/> rows: the same array on every call with that length.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public int[] Get(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        if (length >= _byLength.Length)
        {
            Array.Resize(ref _byLength, Math.Max(length + 1, 2 * _byLength.Length));
        }

        return _byLength[length] ??= length == 0 ? [] : new int[length];
    }
}
