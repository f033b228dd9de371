using System.Globalization;

using MLNetRnn.Evaluation;

namespace MLNetRnn.SequenceToSequence;

// R = rows (reference/hypothesis pairs).

/// <summary>
/// Exact match, token error rate and corpus BLEU of a sequence-to-sequence model's outputs against references, one
/// reference per row. Immutable; create with <see cref="Compute"/>.
/// </summary>
/// <remarks>
/// Tokens are whatever the task predicts: phones for grapheme-to-phoneme (the token error rate is then the phone
/// error rate, PER), characters (character error rate, CER) or words (word error rate, WER). Tokens are compared
/// ordinally (case-sensitive).
/// </remarks>
public sealed class SequenceToSequenceMetrics
{
    private SequenceToSequenceMetrics(int count, double exactMatch, double tokenErrorRate, double bleu)
    {
        Count = count;
        ExactMatch = exactMatch;
        TokenErrorRate = tokenErrorRate;
        Bleu = bleu;
    }

    /// <summary>Gets the fraction of rows whose hypothesis equals the reference token for token, in [0, 1].</summary>
    /// <remarks><c>ExactMatch = (1/R) Σ_r [hyp_r = ref_r]</c> (word accuracy in G2P, sentence accuracy in translation).</remarks>
    public double ExactMatch { get; }

    /// <summary>Gets the summed edit distance divided by the summed reference length, ≥ 0 (may exceed 1 when hypotheses are long); 0 is perfect.</summary>
    /// <remarks>
    /// <c>TokenErrorRate = Σ_r EditDistance(ref_r, hyp_r) / Σ_r |ref_r|</c>, with the unit-cost Levenshtein distance of
    /// <see cref="EditDistance"/>: a corpus-level rate, so long references weigh more than short ones. It is PER for
    /// phones, CER for characters, WER for words.
    /// </remarks>
    public double TokenErrorRate { get; }

    /// <summary>Gets the corpus BLEU on a 0–100 scale (4-grams, brevity penalty, 'exp' smoothing), as sacrebleu computes it for pre-tokenised text.</summary>
    /// <remarks>See <see cref="Evaluation.Bleu.CorpusBleu"/> for the formula.</remarks>
    public double Bleu { get; }

    /// <summary>Gets the number of rows evaluated, R.</summary>
    public int Count { get; }

    /// <summary>Computes the metrics of the hypotheses against the references.</summary>
    /// <param name="references">(R) the expected token sequences; R ≥ 1, none null or empty, no null token.</param>
    /// <param name="hypotheses">(R) the predicted token sequences, in the same order; may be empty, no null token.</param>
    /// <returns>The metrics of the R rows.</returns>
    /// <remarks>
    /// <c>ExactMatch = (1/R) Σ_r [hyp_r = ref_r]</c>; <c>TokenErrorRate = Σ_r EditDistance(ref_r, hyp_r) / Σ_r |ref_r|</c>;
    /// <c>Bleu = Bleu.CorpusBleu(hypotheses, references)</c> (0–100).
    /// </remarks>
    /// <exception cref="ArgumentNullException"><paramref name="references"/> or <paramref name="hypotheses"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// There are no rows; the two lists have different lengths; a row is null; a reference is empty (the token error
    /// rate needs a reference length); a token is null. The message gives the row.
    /// </exception>
    public static SequenceToSequenceMetrics Compute(IReadOnlyList<IReadOnlyList<string>> references, IReadOnlyList<IReadOnlyList<string>> hypotheses)
    {
        ArgumentNullException.ThrowIfNull(references);
        ArgumentNullException.ThrowIfNull(hypotheses);
        if (references.Count == 0)
        {
            throw new ArgumentException("There are no rows to evaluate: 'references' is empty. Pass at least one reference/hypothesis pair.", nameof(references));
        }

        if (hypotheses.Count != references.Count)
        {
            throw new ArgumentException($"There are {references.Count} references but {hypotheses.Count} hypotheses; pass exactly one hypothesis per reference, in the same order.", nameof(hypotheses));
        }

        int exact = 0;
        long edits = 0, referenceLength = 0;
        for (int row = 0; row < references.Count; row++)
        {
            IReadOnlyList<string> reference = references[row]
                ?? throw new ArgumentException($"Reference at row {row} is null; every row needs a non-empty reference.", nameof(references));
            IReadOnlyList<string> hypothesis = hypotheses[row]
                ?? throw new ArgumentException($"Hypothesis at row {row} is null; pass an empty list for an empty output.", nameof(hypotheses));
            if (reference.Count == 0)
            {
                throw new ArgumentException($"Reference at row {row} is empty; the token error rate divides by the reference length, so every reference needs at least one token (drop the row).", nameof(references));
            }

            CheckTokens(reference, row, nameof(references));
            CheckTokens(hypothesis, row, nameof(hypotheses));
            int distance = EditDistance.Compute(reference, hypothesis, StringComparer.Ordinal);
            edits += distance;
            referenceLength += reference.Count;
            exact += distance == 0 ? 1 : 0;
        }

        double bleu = Evaluation.Bleu.CorpusBleu(hypotheses, references);
        return new SequenceToSequenceMetrics(references.Count, (double)exact / references.Count, (double)edits / referenceLength, bleu);
    }

    /// <summary>Formats the metrics on one line, in invariant culture.</summary>
    /// <returns>For example <c>rows 2000, exact match 0.6215, token error rate 0.0873, BLEU 81.27</c>.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"rows {Count}, exact match {ExactMatch:F4}, token error rate {TokenErrorRate:F4}, BLEU {Bleu:F2}");

    private static void CheckTokens(IReadOnlyList<string> tokens, int row, string parameterName)
    {
        for (int i = 0; i < tokens.Count; i++)
        {
            if (tokens[i] is null)
            {
                throw new ArgumentException($"Token {i} at row {row} of '{parameterName}' is null; tokens must be strings.", parameterName);
            }
        }
    }
}
