namespace MLNetRnn.SequenceToSequence;

// S = sentences decoded together, K = beam size, R = S*K decoder rows (row s*K + i is beam slot i of sentence s),
// V = target vocabulary, Ts = the decoder's attention width (the longest source of the batch).

/// <summary>
/// Beam search of many sentences at once: every step runs the decoder once over the rows of all sentences still searching
/// (one per sentence at the first step, which reads <c>&lt;BOS&gt;</c>; K after), then each sentence ranks its own rows exactly
/// as <see cref="BeamSearch.Search"/> does (see <see cref="SentenceBeam"/>). A sentence stops when K of its hypotheses have
/// finished or none is open; its rows are then left out of the next step's parents, so later steps only compute the
/// sentences still searching.
/// </summary>
/// <remarks>
/// The decoder must have been prepared with K copies of each source (<see cref="Seq2SeqNetwork.StartDecoding"/>). The
/// ranking, tie-breaking, finishing and length-penalty rules are those of the one-sentence search, so a sentence gets the
/// same hypotheses whenever its log-probabilities are the same. These are equal to float rounding, not always bitwise:
/// attention scores and contexts of one decoding step are per-row dot products (the same in any batch), but the GEMM kernels
/// pick their path by the number of rows (dot products for a few rows, the blocked kernel or OpenBLAS above), so the
/// encoder (one source vs a bucket) and the decoder's products (K rows vs S·K) may round a row's sums differently.
/// </remarks>
internal static class BatchedBeamSearch
{
    /// <summary>Decodes S sentences; returns, for each, its <paramref name="nBest"/> best hypotheses, best first.</summary>
    /// <param name="model">The decoder, with <c>Rows = S·K</c>.</param>
    /// <param name="attentionWidths">(S) each sentence's source length: its attention rows are cut to it (the decoder pads to the longest).</param>
    /// <param name="bos">The <c>&lt;BOS&gt;</c> id.</param>
    /// <param name="eos">The <c>&lt;EOS&gt;</c> id.</param>
    /// <param name="beamSize">K.</param>
    /// <param name="maxLength">The most decoder steps (<c>&lt;EOS&gt;</c> included).</param>
    /// <param name="lengthPenalty">α of <c>log p / length^α</c>.</param>
    /// <param name="nBest">Hypotheses returned per sentence.</param>
    public static List<Seq2SeqHypothesis>[] Search(IStepDecoder model, ReadOnlySpan<int> attentionWidths, int bos, int eos, int beamSize, int maxLength,
        float lengthPenalty, int nBest)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(beamSize);
        int s = attentionWidths.Length, k = beamSize, rows = s * k, v = model.VocabularySize, stride = model.AttentionWidth;
        if (model.Rows != rows)
        {
            throw new ArgumentException($"The decoder has {model.Rows} rows but {s} sentences with a beam of {k} need {rows}.", nameof(model));
        }

        var beams = new SentenceBeam[s];
        for (int j = 0; j < s; j++)
        {
            if (stride > 0 && (attentionWidths[j] < 1 || attentionWidths[j] > stride))
            {
                throw new ArgumentOutOfRangeException(nameof(attentionWidths), attentionWidths[j],
                    $"Sentence {j} has attention width {attentionWidths[j]}; it must be in [1, {stride}], the decoder's attention width.");
            }

            beams[j] = new SentenceBeam(k, eos, stride == 0 ? 0 : attentionWidths[j]);
        }

        // The step's rows: sentence j still searching has its block at from[j] (one row at the first step, K after); the
        // next step's parents and tokens are written into the other pair of arrays, blocks of K in sentence order.
        int[] parents = new int[rows], tokens = new int[rows], nextParents = new int[rows], nextTokens = new int[rows], from = new int[s];
        for (int j = 0; j < s; j++)
        {
            (parents[j], tokens[j], from[j]) = (j * k, bos, j); // the first of the K prepared rows of sentence j
        }

        var logProbs = new float[rows * v];
        var attention = new float[rows * stride];
        for (int step = 0, count = s; step < maxLength && count > 0; step++)
        {
            model.Step(parents.AsSpan(0, count), tokens.AsSpan(0, count), logProbs.AsSpan(0, count * v), attention.AsSpan(0, count * stride));
            int next = 0;
            for (int j = 0; j < s; j++)
            {
                var beam = beams[j];
                if (!beam.IsActive)
                {
                    continue;
                }

                int first = from[j];
                beam.Advance(logProbs.AsSpan(first * v), v, attention.AsSpan(first * stride), stride, first, nextParents.AsSpan(next, k), nextTokens.AsSpan(next, k));
                if (beam.IsActive)
                {
                    from[j] = next;
                    next += k;
                }
            }

            (parents, nextParents) = (nextParents, parents);
            (tokens, nextTokens) = (nextTokens, tokens);
            count = next;
        }

        var results = new List<Seq2SeqHypothesis>[s];
        for (int j = 0; j < s; j++)
        {
            results[j] = beams[j].Results(lengthPenalty, nBest);
        }

        return results;
    }
}
