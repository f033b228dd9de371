using MLNetRnn.Data;
using MLNetRnn.Evaluation;
using MLNetRnn.Models;

namespace MLNetRnn.Pipeline;

/// <summary>Sequence-to-sequence tasks (spelling to pronunciation, transliteration): trainers and evaluation.</summary>
public sealed class SequenceToSequenceCatalog
{
    internal SequenceToSequenceCatalog(int seed) => Trainers = new SequenceToSequenceTrainers(seed);

    /// <summary>Gets the trainers.</summary>
    public SequenceToSequenceTrainers Trainers { get; }

    /// <summary>Scores predictions against reference targets.</summary>
    /// <param name="data">The output of a fitted model's <c>Transform</c>, with the reference column.</param>
    /// <param name="targetColumnName">The reference texts. Default <c>"Target"</c>.</param>
    /// <param name="predictedTokensColumnName">The predicted tokens. Default <c>"PredictedTokens"</c>.</param>
    /// <param name="targetLevel">How references are tokenized (as the model's target level). Default words.</param>
    /// <returns>Exact-match accuracy, token error rate (edit distance / reference length) and corpus BLEU.</returns>
    /// <exception cref="ArgumentException">A column is missing or mistyped, there are no rows, or a reference is empty.</exception>
    public SequenceToSequenceMetrics Evaluate(DataView data, string targetColumnName = "Target", string predictedTokensColumnName = "PredictedTokens", TokenLevel targetLevel = TokenLevel.Word)
    {
        ArgumentNullException.ThrowIfNull(data);
        string[] references = data.GetColumn<string>(targetColumnName);
        string[][] predicted = data.GetColumn<string[]>(predictedTokensColumnName);
        return SequenceToSequenceMetrics.Compute(
            references.Select(r => (IReadOnlyList<string>)TargetTokens.Split(r ?? string.Empty, targetLevel)).ToList(),
            predicted.Select(p => (IReadOnlyList<string>)p).ToList());
    }
}
