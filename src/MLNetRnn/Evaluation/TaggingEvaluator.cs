namespace MLNetRnn.Evaluation;

// S = sentences; each sentence holds its tokens' tags in order.

/// <summary>Scores predicted tag sequences against gold ones: token accuracy, accuracy on unknown words, per-tag and
/// entity-level precision, recall and F1.</summary>
/// <remarks>Tags are compared ordinally (case-sensitive). Sentences are independent: an entity never crosses a sentence
/// boundary.</remarks>
public static class TaggingEvaluator
{
    /// <summary>Computes token accuracy, out-of-vocabulary accuracy and per-tag precision/recall/F1.</summary>
    /// <param name="gold">(S) the gold tags of each sentence.</param>
    /// <param name="predicted">(S) the predicted tags, one per gold tag.</param>
    /// <param name="tokens">(S) the words, one per tag, for the out-of-vocabulary accuracy; null to skip it.</param>
    /// <param name="trainingVocabulary">The words seen in training (its comparer decides case); a token not in it is
    /// out-of-vocabulary. Null to skip; needs <paramref name="tokens"/>.</param>
    /// <returns>The metrics.</returns>
    /// <remarks>For tag c: <c>Gold</c> = tokens whose gold tag is c, <c>Predicted</c> = tokens predicted c, <c>Correct</c> =
    /// tokens with both; precision, recall and F1 follow <see cref="TagScore"/>.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="gold"/> or <paramref name="predicted"/> is null, or only one of
    /// <paramref name="tokens"/> and <paramref name="trainingVocabulary"/> is given.</exception>
    /// <exception cref="ArgumentException">The sentence counts or a sentence's lengths differ, or a sentence or tag is null;
    /// the message names the sentence.</exception>
    public static TaggingMetrics Evaluate(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted,
        IReadOnlyList<IReadOnlyList<string>>? tokens = null, IReadOnlySet<string>? trainingVocabulary = null)
    {
        CheckAligned(gold, predicted, nameof(predicted));
        if ((tokens is null) != (trainingVocabulary is null))
        {
            throw new ArgumentNullException(tokens is null ? nameof(tokens) : nameof(trainingVocabulary),
                "Out-of-vocabulary accuracy needs both the tokens and the training vocabulary; pass both or neither.");
        }

        if (tokens is not null)
        {
            CheckAligned(gold, tokens, nameof(tokens));
        }

        var counts = new SortedDictionary<string, long[]>(StringComparer.Ordinal); // gold, predicted, correct
        long total = 0, correct = 0, unknown = 0, unknownCorrect = 0;
        for (int s = 0; s < gold.Count; s++)
        {
            for (int i = 0; i < gold[s].Count; i++)
            {
                string g = gold[s][i], p = predicted[s][i];
                bool right = string.Equals(g, p, StringComparison.Ordinal);
                Count(counts, g)[0]++;
                Count(counts, p)[1]++;
                total++;
                if (right)
                {
                    Count(counts, g)[2]++;
                    correct++;
                }

                if (tokens is not null && !trainingVocabulary!.Contains(tokens[s][i]))
                {
                    unknown++;
                    unknownCorrect += right ? 1 : 0;
                }
            }
        }

        return new TaggingMetrics(total, correct, unknown, unknownCorrect, Scores(counts));
    }

    /// <summary>Computes entity-level precision, recall and F1 on exact spans, as the CoNLL script <c>conlleval</c> does.</summary>
    /// <param name="gold">(S) the gold IOB tags of each sentence.</param>
    /// <param name="predicted">(S) the predicted IOB tags, one per gold tag.</param>
    /// <returns>The overall and per-type scores.</returns>
    /// <remarks>Spans are read by <see cref="EntitySpans.Extract"/> (conlleval's rules, so BIO and IOB1 alike). A predicted
    /// span is correct only when a gold span has the same start, end and type: a span that overlaps a gold one without
    /// matching both ends, or has the wrong type, counts as one false positive and leaves the gold one missed.</remarks>
    /// <exception cref="ArgumentNullException"><paramref name="gold"/> or <paramref name="predicted"/> is null.</exception>
    /// <exception cref="ArgumentException">The sentence counts or lengths differ, or a tag is not an IOB tag; the message
    /// names the sentence, the position and the tag.</exception>
    public static EntityMetrics EvaluateEntities(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted)
    {
        CheckAligned(gold, predicted, nameof(predicted));
        var counts = new SortedDictionary<string, long[]>(StringComparer.Ordinal);
        long goldTotal = 0, predictedTotal = 0, correctTotal = 0;
        for (int s = 0; s < gold.Count; s++)
        {
            var goldSpans = Spans(gold[s], s, nameof(gold));
            var predictedSpans = Spans(predicted[s], s, nameof(predicted));
            var goldSet = new HashSet<EntitySpan>(goldSpans);
            foreach (var span in goldSpans)
            {
                Count(counts, span.Type)[0]++;
            }

            foreach (var span in predictedSpans)
            {
                Count(counts, span.Type)[1]++;
                if (goldSet.Contains(span))
                {
                    Count(counts, span.Type)[2]++;
                    correctTotal++;
                }
            }

            goldTotal += goldSpans.Count;
            predictedTotal += predictedSpans.Count;
        }

        return new EntityMetrics(new TagScore(string.Empty, goldTotal, predictedTotal, correctTotal), Scores(counts));
    }

    private static IReadOnlyList<EntitySpan> Spans(IReadOnlyList<string> tags, int sentence, string name)
    {
        try
        {
            return EntitySpans.Extract(tags);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Sentence {sentence} of '{name}': {e.Message}", name, e);
        }
    }

    private static long[] Count(SortedDictionary<string, long[]> counts, string key)
    {
        if (!counts.TryGetValue(key, out var c))
        {
            c = new long[3];
            counts.Add(key, c);
        }

        return c;
    }

    private static TagScore[] Scores(SortedDictionary<string, long[]> counts) =>
        counts.Select(kv => new TagScore(kv.Key, kv.Value[0], kv.Value[1], kv.Value[2])).ToArray();

    private static void CheckAligned(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> other, string name)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(other, name);
        if (gold.Count != other.Count)
        {
            throw new ArgumentException($"There are {gold.Count} gold sentences but {other.Count} in '{name}'; pass one per gold sentence, in the same order.", name);
        }

        for (int s = 0; s < gold.Count; s++)
        {
            if (gold[s] is null || other[s] is null)
            {
                throw new ArgumentException($"Sentence {s} is null in '{(gold[s] is null ? nameof(gold) : name)}'; pass an empty list for an empty sentence.", name);
            }

            if (gold[s].Count != other[s].Count)
            {
                throw new ArgumentException($"Sentence {s} has {gold[s].Count} gold tags but {other[s].Count} in '{name}'; give one per token.", name);
            }

            for (int i = 0; i < gold[s].Count; i++)
            {
                if (gold[s][i] is null || other[s][i] is null)
                {
                    throw new ArgumentException($"Token {i} of sentence {s} has a null tag or word; every entry must be a string.", name);
                }
            }
        }
    }
}
