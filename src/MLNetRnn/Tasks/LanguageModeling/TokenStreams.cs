namespace MLNetRnn.LanguageModeling;

// N = tokens of the text, B = streams, L = steps per stream = (N − 1) / B, T = bptt, S = streams read by this process.

/// <summary>
/// The text cut into B parallel streams for truncated BPTT: stream b reads inputs <c>ids[b·L + s]</c> and targets
/// <c>ids[b·L + s + 1]</c> for s in [0, L), so each stream is a contiguous stretch of the text (the last
/// <c>(N − 1) mod B</c> tokens are left out). Chunk k holds steps [k·T, min((k+1)·T, L)) of every stream; reading the chunks
/// in order with the state carried, each stream continues exactly where it stopped.
/// </summary>
/// <remarks>
/// As a batch plan (<see cref="Plan"/>) chunk k is the batch of rows <c>k·B + b</c>, one row per stream b, so the share of a
/// data-parallel process (rows r, r + N, … of every batch) is the same streams in every chunk and their carried state
/// stays with it.
/// </remarks>
internal sealed class TokenStreams
{
    private readonly int[] _ids;

    /// <exception cref="ArgumentException">The text is too short for B streams of at least one step.</exception>
    public TokenStreams(int[] ids, int streams, int bptt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(streams);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bptt);
        if (ids.Length < streams + 1)
        {
            throw new ArgumentException($"The training text has {ids.Length} tokens; {streams} parallel streams (BatchSize) need at least {streams + 1}. Use a smaller BatchSize or more text.", nameof(ids));
        }

        _ids = ids;
        Streams = streams;
        Bptt = bptt;
        StepsPerStream = (ids.Length - 1) / streams;
        Chunks = (StepsPerStream + bptt - 1) / bptt;
    }

    public int Streams { get; }

    public int Bptt { get; }

    /// <summary>Gets L.</summary>
    public int StepsPerStream { get; }

    /// <summary>Gets the number of chunks per epoch, ⌈L / T⌉.</summary>
    public int Chunks { get; }

    /// <summary>Gets the steps of chunk <paramref name="chunk"/> (T, or fewer for the last).</summary>
    public int Steps(int chunk) => Math.Min(Bptt, StepsPerStream - (chunk * Bptt));

    /// <summary>An epoch's batches: the chunks in order, batch k holding the rows <c>k·B + b</c> of the B streams b (all below N, as Chunks·B ≤ L·B &lt; N).</summary>
    public int[][] Plan() => [.. Enumerable.Range(0, Chunks).Select(k => Enumerable.Range(k * Streams, Streams).ToArray())];

    /// <summary>
    /// The chunk of <paramref name="rows"/>, a batch of <see cref="Plan"/> or a process's share of one, checked to be the
    /// rows of <paramref name="streams"/> in one chunk (the streams whose carried state the caller holds).
    /// </summary>
    /// <exception cref="InvalidDataException">The rows are not those streams of one chunk: the plan came from a checkpoint
    /// written inside an epoch by an earlier version, whose plan held one row per chunk.</exception>
    public int Chunk(ReadOnlySpan<int> rows, ReadOnlySpan<int> streams)
    {
        int chunk = rows.IsEmpty ? -1 : rows[0] / Streams;
        bool fits = rows.Length == streams.Length && chunk >= 0 && chunk < Chunks;
        for (int i = 0; i < rows.Length && fits; i++)
        {
            fits = rows[i] == (chunk * Streams) + streams[i];
        }

        return fits ? chunk : throw new InvalidDataException(
            $"The batch rows [{string.Join(", ", rows.ToArray().Take(8))}{(rows.Length > 8 ? ", …" : "")}] are not streams [{string.Join(", ", streams.ToArray().Take(8))}{(streams.Length > 8 ? ", …" : "")}] of one chunk of {Streams} streams. "
            + "The batch plan came from a checkpoint written inside an epoch by an earlier version of the language-model trainer (one row per chunk); delete the checkpoint to start over.");
    }

    /// <summary>Writes chunk <paramref name="chunk"/>'s (T, S) inputs and targets of <paramref name="streams"/>, time-major.</summary>
    /// <param name="chunk">The chunk, in [0, <see cref="Chunks"/>).</param>
    /// <param name="streams">The S streams to read, each in [0, B), in the order of the rows they fill.</param>
    /// <param name="inputs">At least T·S values.</param>
    /// <param name="targets">At least T·S values.</param>
    public void Fill(int chunk, ReadOnlySpan<int> streams, Span<int> inputs, Span<int> targets)
    {
        int steps = Steps(chunk), b = streams.Length, start = chunk * Bptt;
        for (int t = 0; t < steps; t++)
        {
            for (int s = 0; s < b; s++)
            {
                int at = (streams[s] * StepsPerStream) + start + t;
                inputs[(t * b) + s] = _ids[at];
                targets[(t * b) + s] = _ids[at + 1];
            }
        }
    }
}
