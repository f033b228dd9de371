namespace MLNetRnn.SequenceToSequence;

/// <summary>A model that can be decoded one token at a time over a fixed number of rows (beam slots or batch rows).</summary>
internal interface IStepDecoder
{
    /// <summary>Gets the number of decoding rows.</summary>
    int Rows { get; }

    /// <summary>Gets the output vocabulary size.</summary>
    int VocabularySize { get; }

    /// <summary>Gets the width of one attention row (source length), or 0 without attention.</summary>
    int AttentionWidth { get; }

    /// <summary>
    /// Row k continues the state of row <c>parents[k]</c> after reading <c>tokens[k]</c>; writes log-probabilities
    /// (Rows, V) of the next token and, when not empty, attention (Rows, AttentionWidth).
    /// </summary>
    void Step(ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens, Span<float> logProbabilities, Span<float> attention);

    /// <summary>
    /// Keeps only the listed rows, in that order (new row i is old row <c>rows[i]</c>, with its state and source), so that
    /// later steps skip rows that are done; <see cref="Rows"/> becomes <c>rows.Length</c>.
    /// </summary>
    void KeepRows(ReadOnlySpan<int> rows);
}
