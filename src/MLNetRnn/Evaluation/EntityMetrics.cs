namespace MLNetRnn.Evaluation;

/// <summary>
/// Entity-level (chunk) quality as conlleval reports it: a predicted entity counts only when a gold entity has exactly
/// the same first token, last token and type (see <see cref="TaggingEvaluator.EvaluateEntities"/>).
/// </summary>
public sealed class EntityMetrics
{
    internal EntityMetrics(TagScore overall, IReadOnlyList<TagScore> perType)
    {
        Overall = overall;
        PerType = perType;
    }

    /// <summary>Gets the counts over all types; its <see cref="TagScore.Name"/> is empty.</summary>
    public TagScore Overall { get; }

    /// <summary>Gets the entity precision in [0, 1] (conlleval's overall precision / 100).</summary>
    public double Precision => Overall.Precision;

    /// <summary>Gets the entity recall in [0, 1].</summary>
    public double Recall => Overall.Recall;

    /// <summary>Gets the entity F1 in [0, 1] (conlleval's FB1 / 100).</summary>
    public double F1 => Overall.F1;

    /// <summary>Gets the scores of each entity type seen in the gold or predicted tags, ordered by type (ordinal).</summary>
    public IReadOnlyList<TagScore> PerType { get; }
}
