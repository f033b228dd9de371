namespace MLNetRnn.Evaluation;

// R = rows (hypothesis/reference pairs), n = n-gram order in 1..4.

/// <summary>
/// Corpus BLEU (Papineni et al., 2002) of pre-tokenised hypotheses against one reference each, computed as sacrebleu
/// computes it with <c>tokenize='none'</c> and its defaults (<c>smooth_method='exp'</c>, 4-grams, no lower-casing,
/// <c>effective_order=False</c>), on sacrebleu's 0–100 scale.
/// </summary>
/// <remarks>
/// <para>
/// Over the whole corpus, for n = 1..4: <c>total_n</c> = number of hypothesis n-grams, <c>correct_n</c> = Σ over rows
/// and distinct hypothesis n-grams g of <c>min(count_hyp(g), count_ref(g))</c> (clipped counts);
/// <c>c</c> = Σ hypothesis lengths, <c>r</c> = Σ reference lengths. Then
/// </para>
/// <para>
/// <c>p_n = 100 · correct_n / total_n</c> when <c>correct_n &gt; 0</c>; otherwise ('exp' smoothing, NIST mteval-v13a)
/// <c>p_n = 100 / (2^k · total_n)</c>, where k counts the orders with no match so far, this one included (the first
/// such order gets 2, the second 4, …);
/// <c>BP = 1</c> if <c>c ≥ r</c>, else <c>exp(1 − r / c)</c> (0 when c = 0);
/// <c>BLEU = BP · exp((1/4) Σ_n ln p_n)</c>.
/// </para>
/// <para>
/// BLEU is 0 when no hypothesis unigram matches (<c>correct_n = 0</c> for every n), and when some order has no
/// hypothesis n-gram at all (<c>total_n = 0</c>: every hypothesis is shorter than n tokens), as in sacrebleu. A
/// perfect corpus scores 100 (when it has at least one 4-gram).
/// </para>
/// <para>
/// Tokens are compared ordinally (case-sensitive). The score equals sacrebleu's
/// <c>corpus_bleu([" ".join(h) ...], [[" ".join(r) ...]], tokenize="none")</c> as long as no token is empty or holds
/// whitespace (sacrebleu re-splits the joined text on whitespace).
/// </para>
/// </remarks>
public static class Bleu
{
    /// <summary>The highest n-gram order counted, 4, as in sacrebleu's default.</summary>
    public const int MaxOrder = 4;

    /// <summary>Computes corpus BLEU of the hypotheses against their references.</summary>
    /// <param name="hypotheses">(R) the system outputs, each a list of tokens; a hypothesis may be empty.</param>
    /// <param name="references">(R) one reference per hypothesis, each a list of tokens; a reference may be empty.</param>
    /// <returns>BLEU on a 0–100 scale (sacrebleu's <c>BLEUScore.score</c>); 0 when there are no rows.</returns>
    /// <remarks>See the class remarks for the formula.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="hypotheses"/> or <paramref name="references"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The two lists have different lengths, or a row or a token is null (the message gives the row and position).
    /// </exception>
    public static double CorpusBleu(IReadOnlyList<IReadOnlyList<string>> hypotheses, IReadOnlyList<IReadOnlyList<string>> references)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(references);
        if (hypotheses.Count != references.Count)
        {
            throw new ArgumentException($"There are {hypotheses.Count} hypotheses but {references.Count} references; pass exactly one reference per hypothesis, in the same order.", nameof(references));
        }

        var correct = new long[MaxOrder];
        var total = new long[MaxOrder];
        long hypothesisLength = 0, referenceLength = 0;

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var referenceCounts = new Dictionary<NGram, int>();
        var hypothesisCounts = new Dictionary<NGram, int>();
        var referenceIds = new List<int>();
        var hypothesisIds = new List<int>();
        for (int row = 0; row < hypotheses.Count; row++)
        {
            ToIds(references[row], row, nameof(references), ids, referenceIds);
            ToIds(hypotheses[row], row, nameof(hypotheses), ids, hypothesisIds);
            referenceLength += referenceIds.Count;
            hypothesisLength += hypothesisIds.Count;

            CountNGrams(referenceIds, referenceCounts);
            CountNGrams(hypothesisIds, hypothesisCounts);
            foreach (var (gram, count) in hypothesisCounts)
            {
                int order = gram.Order;
                total[order - 1] += count;
                if (referenceCounts.TryGetValue(gram, out int inReference))
                {
                    correct[order - 1] += Math.Min(count, inReference);
                }
            }
        }

        return Score(correct, total, hypothesisLength, referenceLength);
    }

    /// <summary>BLEU from the corpus statistics, in sacrebleu's order of operations (<c>BLEU.compute_bleu</c>).</summary>
    private static double Score(long[] correct, long[] total, long hypothesisLength, long referenceLength)
    {
        if (Array.TrueForAll(correct, c => c == 0))
        {
            return 0.0;
        }

        double brevityPenalty = hypothesisLength >= referenceLength
            ? 1.0
            : hypothesisLength > 0 ? Math.Exp(1.0 - ((double)referenceLength / hypothesisLength)) : 0.0;

        double smooth = 1.0;
        double logSum = 0.0;
        for (int n = 0; n < MaxOrder; n++)
        {
            if (total[n] == 0)
            {
                // sacrebleu leaves this and every higher precision at 0, whose log it takes as −9999999999: BLEU = 0.
                return 0.0;
            }

            double precision;
            if (correct[n] == 0)
            {
                smooth *= 2;
                precision = 100.0 / (smooth * total[n]);
            }
            else
            {
                precision = 100.0 * correct[n] / total[n];
            }

            logSum += Math.Log(precision);
        }

        return brevityPenalty * Math.Exp(logSum / MaxOrder);
    }

    private static void ToIds(IReadOnlyList<string> tokens, int row, string parameterName, Dictionary<string, int> ids, List<int> destination)
    {
        if (tokens is null)
        {
            throw new ArgumentException($"Row {row} of '{parameterName}' is null; pass an empty list for an empty sequence.", parameterName);
        }

        destination.Clear();
        for (int i = 0; i < tokens.Count; i++)
        {
            string? token = tokens[i];
            if (token is null)
            {
                throw new ArgumentException($"Token {i} of row {row} of '{parameterName}' is null; tokens must be strings.", parameterName);
            }

            if (!ids.TryGetValue(token, out int id))
            {
                id = ids.Count;
                ids.Add(token, id);
            }

            destination.Add(id);
        }
    }

    /// <summary>Counts every n-gram of orders 1..<see cref="MaxOrder"/> of one sequence into <paramref name="counts"/> (cleared first).</summary>
    private static void CountNGrams(List<int> ids, Dictionary<NGram, int> counts)
    {
        counts.Clear();
        for (int start = 0; start < ids.Count; start++)
        {
            int a = ids[start];
            int b = start + 1 < ids.Count ? ids[start + 1] : NGram.None;
            int c = start + 2 < ids.Count ? ids[start + 2] : NGram.None;
            int d = start + 3 < ids.Count ? ids[start + 3] : NGram.None;
            Add(counts, new NGram(a, NGram.None, NGram.None, NGram.None));
            if (b != NGram.None)
            {
                Add(counts, new NGram(a, b, NGram.None, NGram.None));
            }

            if (c != NGram.None)
            {
                Add(counts, new NGram(a, b, c, NGram.None));
            }

            if (d != NGram.None)
            {
                Add(counts, new NGram(a, b, c, d));
            }
        }
    }

    private static void Add(Dictionary<NGram, int> counts, NGram gram)
    {
        counts.TryGetValue(gram, out int count);
        counts[gram] = count + 1;
    }

    /// <summary>An n-gram of 1 to 4 token ids; unused trailing slots hold <see cref="None"/>.</summary>
    private readonly record struct NGram(int A, int B, int C, int D)
    {
        public const int None = -1;

        public int Order => B == None ? 1 : C == None ? 2 : D == None ? 3 : 4;
    }
}
