namespace MLNetRnn.SequenceToSequence;

/// <summary>How a sequence-to-sequence model splits a target text into tokens, and joins predicted tokens back.</summary>
public enum TokenLevel
{
    /// <summary>One token per character (text element); predictions are joined with nothing between them.</summary>
    Character,

    /// <summary>Whitespace-separated tokens, kept as written (case and punctuation included); predictions are joined with one space.</summary>
    Word,
}
