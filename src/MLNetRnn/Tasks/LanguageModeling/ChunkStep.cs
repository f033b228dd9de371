using MLNetRnn.Training;

namespace MLNetRnn.LanguageModeling;

// T = steps of a chunk, B = streams (BatchSize), S = streams this process reads (B alone; its share in a data-parallel group).

/// <summary>
/// The language model's forward and backward pass for one batch of <see cref="TokenStreams.Plan"/>: this process's S
/// streams of one chunk, each starting from the state it ended the previous chunk with (zeros at an epoch's start, after
/// validation, or at a chunk reached out of order, as on resume). A process of a data-parallel group reads the same streams
/// in every chunk, so the state it carries is always its own streams'.
/// </summary>
internal sealed class ChunkStep
{
    private readonly LanguageModelNetwork _network;
    private readonly TokenStreams _streams;
    private readonly int[] _mine, _inputs, _targets;
    private readonly LanguageModelState _state;
    private int _next = -1; // the chunk whose start state is in _state; any other starts from zeros

    /// <param name="network">The network whose gradients the step adds to.</param>
    /// <param name="streams">The text's streams.</param>
    /// <param name="group">The data-parallel processes, or null (or a group of one) to read all B streams.</param>
    public ChunkStep(LanguageModelNetwork network, TokenStreams streams, DataParallelGroup? group)
    {
        (_network, _streams) = (network, streams);
        int[] all = [.. Enumerable.Range(0, streams.Streams)];
        _mine = group is { Size: > 1 } g ? DataParallelStep.Shard(all, g.Rank, g.Size) : all; // the rows EpochLoop hands this process
        _state = network.NewState(_mine.Length);
        _inputs = new int[streams.Bptt * _mine.Length];
        _targets = new int[_inputs.Length];
    }

    /// <summary>Gets the streams this process reads, in the order of its rows.</summary>
    public ReadOnlySpan<int> Streams => _mine;

    /// <summary>
    /// Runs forward and backward on <paramref name="rows"/> (this process's rows of one chunk) and returns their loss sum
    /// over the T·S predicted tokens (the unit: the network's loss is the mean per token).
    /// </summary>
    /// <exception cref="InvalidDataException">The rows are not this process's streams of one chunk (a checkpoint's plan of an earlier version).</exception>
    public BatchLoss Train(int[] rows)
    {
        int chunk = _streams.Chunk(rows, _mine), steps = _streams.Steps(chunk), n = steps * _mine.Length;
        if (chunk != _next)
        {
            _state.Clear();
        }

        _streams.Fill(chunk, _mine, _inputs, _targets);
        double loss = _network.Forward(_inputs.AsSpan(0, n), steps, _state, _targets.AsSpan(0, n), training: true);
        _network.Backward();
        _next = chunk + 1;
        return new BatchLoss(loss * n, n, n);
    }

    /// <summary>The next chunk starts from zeros (called when the network's buffers were used for something else, such as validation).</summary>
    public void Restart() => _next = -1;
}
