using MLNetRnn.Training;

namespace MLNetRnn.SequenceToSequence;

// Ts = longest source, Tt = longest target + 1 (for <EOS>), B = rows.

/// <summary>
/// A padded, time-major training batch: source ids and lengths; decoder inputs <c>&lt;BOS&gt; y1 … yn</c> and targets
/// <c>y1 … yn &lt;EOS&gt;</c> (targets −1 past each length, ignored by the loss).
/// </summary>
internal sealed class Seq2SeqBatch
{
    public const int IgnoreTarget = -1;

    private Seq2SeqBatch(SequenceBatch source, int[] decoderInput, int[] targets, int[] targetLengths, int targetSteps)
    {
        Source = source;
        DecoderInput = decoderInput;
        Targets = targets;
        TargetLengths = targetLengths;
        TargetSteps = targetSteps;
    }

    public SequenceBatch Source { get; }

    public int[] DecoderInput { get; }

    public int[] Targets { get; }

    public int[] TargetLengths { get; }

    public int TargetSteps { get; }

    public int BatchSize => TargetLengths.Length;

    public int TargetTokenCount => TargetLengths.Sum();

    public static Seq2SeqBatch Create(IReadOnlyList<int[]> sources, IReadOnlyList<int[]> targets, ReadOnlySpan<int> rows, int bos, int eos)
    {
        var source = SequenceBatch.Create(sources, rows);
        int b = rows.Length, t = 0;
        var lengths = new int[b];
        for (int j = 0; j < b; j++)
        {
            lengths[j] = targets[rows[j]].Length + 1;
            t = Math.Max(t, lengths[j]);
        }

        var input = new int[t * b];
        var output = new int[t * b];
        Array.Fill(output, IgnoreTarget);
        for (int j = 0; j < b; j++)
        {
            int[] y = targets[rows[j]];
            input[j] = bos;
            for (int step = 0; step < y.Length; step++)
            {
                input[((step + 1) * b) + j] = y[step];
                output[(step * b) + j] = y[step];
            }

            output[(y.Length * b) + j] = eos;
        }

        return new Seq2SeqBatch(source, input, output, lengths, t);
    }
}
