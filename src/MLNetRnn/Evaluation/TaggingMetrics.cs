namespace MLNetRnn.Evaluation;

/// <summary>Token-level quality of predicted tags against gold tags (see <see cref="TaggingEvaluator.Evaluate"/>).</summary>
public sealed class TaggingMetrics
{
    internal TaggingMetrics(long tokens, long correct, long unknownTokens, long unknownCorrect, IReadOnlyList<TagScore> perTag)
    {
        Tokens = tokens;
        CorrectTokens = correct;
        OutOfVocabularyTokens = unknownTokens;
        OutOfVocabularyCorrect = unknownCorrect;
        PerTag = perTag;
    }

    /// <summary>Gets the number of tokens scored.</summary>
    public long Tokens { get; }

    /// <summary>Gets the number of tokens whose predicted tag equals the gold tag.</summary>
    public long CorrectTokens { get; }

    /// <summary>Gets <c>CorrectTokens / Tokens</c> in [0, 1]; 0 when there are no tokens.</summary>
    public double TokenAccuracy => Tokens == 0 ? 0 : (double)CorrectTokens / Tokens;

    /// <summary>Gets the number of tokens not in the training vocabulary (0 when no vocabulary was given).</summary>
    public long OutOfVocabularyTokens { get; }

    /// <summary>Gets how many of the out-of-vocabulary tokens were tagged right.</summary>
    public long OutOfVocabularyCorrect { get; }

    /// <summary>Gets the accuracy on out-of-vocabulary tokens in [0, 1], or <see cref="double.NaN"/> when there is none
    /// (no vocabulary given, or every token known), so an undefined value is never mistaken for 0.</summary>
    public double OutOfVocabularyAccuracy => OutOfVocabularyTokens == 0 ? double.NaN : (double)OutOfVocabularyCorrect / OutOfVocabularyTokens;

    /// <summary>Gets precision, recall and F1 of each tag seen in the gold or predicted tags, ordered by tag (ordinal).</summary>
    public IReadOnlyList<TagScore> PerTag { get; }

    /// <summary>Gets the unweighted mean F1 over <see cref="PerTag"/> (scikit-learn's <c>average='macro'</c>); 0 when there is no tag.</summary>
    public double MacroF1 => PerTag.Count == 0 ? 0 : PerTag.Average(s => s.F1);
}
