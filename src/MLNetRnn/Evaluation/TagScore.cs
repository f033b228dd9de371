namespace MLNetRnn.Evaluation;

/// <summary>Precision, recall and F1 of one class (a tag, or an entity type) from its three counts.</summary>
/// <param name="Name">The tag or entity type; <see cref="string.Empty"/> for untyped entities.</param>
/// <param name="Gold">How many gold items (tokens or spans) have this class: the support.</param>
/// <param name="Predicted">How many predicted items have this class.</param>
/// <param name="Correct">How many predicted items match a gold item of this class (for spans: same start, end and type).</param>
/// <remarks>
/// <c>Precision = Correct / Predicted</c>, <c>Recall = Correct / Gold</c>, <c>F1 = 2PR / (P + R)</c>, each in [0, 1]; a ratio
/// whose denominator is 0 is 0, as conlleval and scikit-learn's <c>zero_division=0</c> report it.
/// </remarks>
public sealed record TagScore(string Name, long Gold, long Predicted, long Correct)
{
    /// <summary>Gets <c>Correct / Predicted</c>, or 0 when nothing was predicted.</summary>
    public double Precision => Predicted == 0 ? 0 : (double)Correct / Predicted;

    /// <summary>Gets <c>Correct / Gold</c>, or 0 when there is no gold item.</summary>
    public double Recall => Gold == 0 ? 0 : (double)Correct / Gold;

    /// <summary>Gets the harmonic mean <c>2PR / (P + R)</c>, or 0 when both are 0.</summary>
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}
