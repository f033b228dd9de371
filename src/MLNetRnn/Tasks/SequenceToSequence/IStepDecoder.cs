namespace MLNetRnn.SequenceToSequence;

/// <summary>A model that can be decoded one token at a time over rows (beam slots or batch rows).</summary>
internal interface IStepDecoder
{
    /// <summary>Gets the number of rows of the last step (before the first: the rows the decoder was prepared with).</summary>
    int Rows { get; }

    /// <summary>Gets the output vocabulary size.</summary>
    int VocabularySize { get; }

    /// <summary>Gets the width of one attention row (source length), or 0 without attention.</summary>
    int AttentionWidth { get; }

    /// <summary>
    /// One step of <c>parents.Length</c> rows (at most the rows the decoder was prepared with): row k continues the state of
    /// row <c>parents[k]</c> of the previous step (before the first step: of the prepared rows) after reading
    /// <c>tokens[k]</c>; writes log-probabilities (rows, V) of the next token and, when not empty, attention (rows,
    /// AttentionWidth). <see cref="Rows"/> becomes <c>parents.Length</c>: a step keeps, copies and drops rows.
    /// </summary>
    void Step(ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens, Span<float> logProbabilities, Span<float> attention);
}
