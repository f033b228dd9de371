namespace MLNetRnn.LanguageModeling;

// N = tokens of the text, B = streams, L = steps per stream = (N − 1) / B, T = bptt.

/// <summary>
/// The text cut into B parallel streams for truncated BPTT: stream b reads inputs <c>ids[b·L + s]</c> and targets
/// <c>ids[b·L + s + 1]</c> for s in [0, L), so each stream is a contiguous stretch of the text (the last
/// <c>(N − 1) mod B</c> tokens are left out). Chunk k holds steps [k·T, min((k+1)·T, L)) of every stream; reading the chunks
/// in order with the state carried, each stream continues exactly where it stopped.
/// </summary>
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

    /// <summary>Writes chunk <paramref name="chunk"/>'s (T, B) inputs and targets, time-major.</summary>
    public void Fill(int chunk, Span<int> inputs, Span<int> targets)
    {
        int steps = Steps(chunk), b = Streams, start = chunk * Bptt;
        for (int t = 0; t < steps; t++)
        {
            for (int s = 0; s < b; s++)
            {
                int at = (s * StepsPerStream) + start + t;
                inputs[(t * b) + s] = _ids[at];
                targets[(t * b) + s] = _ids[at + 1];
            }
        }
    }
}
