namespace MLNetRnn.LanguageModeling;

/// <summary>How well a language model predicts a text: each token from all tokens before it, the state carried through the whole text.</summary>
/// <param name="CrossEntropy">Mean of <c>−ln p(token | history)</c> in nats per predicted token.</param>
/// <param name="Count">The number of predicted tokens (stream: every token after the first; line mode: every token and <c>&lt;EOS&gt;</c> of every line).</param>
public sealed record LanguageModelMetrics(double CrossEntropy, long Count)
{
    /// <summary>Gets the perplexity, <c>exp(CrossEntropy)</c>.</summary>
    public double Perplexity => Math.Exp(CrossEntropy);

    /// <summary>Gets the bits per token, <c>CrossEntropy / ln 2</c> (bits per character for a character model).</summary>
    public double BitsPerToken => CrossEntropy / Math.Log(2);

    /// <summary>
    /// Scores <paramref name="ids"/> (at least 2) as one stream from a zero state: ids[0..n−2] in, ids[1..n−1] predicted,
    /// read in chunks of <paramref name="chunk"/> steps with the state carried.
    /// </summary>
    internal static LanguageModelMetrics Score(LanguageModelNetwork network, int[] ids, int chunk = 512)
    {
        if (ids.Length < 2)
        {
            throw new ArgumentException($"The text has {ids.Length} token(s); perplexity needs at least 2 (one predicted from another).", nameof(ids));
        }

        var state = network.NewState(1);
        double total = 0;
        for (int start = 0; start < ids.Length - 1; start += chunk)
        {
            int steps = Math.Min(chunk, ids.Length - 1 - start);
            double mean = network.Forward(ids.AsSpan(start, steps), steps, state, ids.AsSpan(start + 1, steps), training: false);
            total += mean * steps;
        }

        return new LanguageModelMetrics(total / (ids.Length - 1), ids.Length - 1);
    }
}
