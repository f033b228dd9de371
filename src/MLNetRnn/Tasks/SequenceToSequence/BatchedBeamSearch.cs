namespace MLNetRnn.SequenceToSequence;

// S = sentences decoded together, K = beam size, R = S*K decoder rows (row s*K + i is beam slot i of sentence s),
// V = target vocabulary, Ts = the decoder's attention width (the longest source of the batch).

/// <summary>
/// Beam search of many sentences at once: every step runs the decoder once over all S·K rows, then each sentence ranks its
/// own K rows exactly as <see cref="BeamSearch.Search"/> does (see <see cref="SentenceBeam"/>). A sentence stops when K of its
/// hypotheses have finished or none is open; its K rows are then dropped from the decoder (<see cref="IStepDecoder.KeepRows"/>),
/// so later steps only compute the sentences still searching.
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

        var parents = new int[rows];
        var tokens = new int[rows];
        var start = new int[s]; // first decoder row of each sentence still searching (rows of finished sentences are dropped)
        for (int r = 0; r < rows; r++)
        {
            parents[r] = r;
        }

        for (int j = 0; j < s; j++)
        {
            start[j] = j * k;
        }

        Array.Fill(tokens, bos);
        var logProbs = new float[rows * v];
        var attention = new float[rows * stride];
        var keep = new List<int>(rows);
        int active = s;
        for (int step = 0; step < maxLength && active > 0; step++)
        {
            int live = model.Rows;
            model.Step(parents.AsSpan(0, live), tokens.AsSpan(0, live), logProbs.AsSpan(0, live * v), attention.AsSpan(0, live * stride));
            bool dropped = false;
            for (int j = 0; j < s; j++)
            {
                var beam = beams[j];
                if (!beam.IsActive)
                {
                    continue;
                }

                int first = start[j];
                beam.Advance(logProbs.AsSpan(first * v, k * v), v, attention.AsSpan(first * stride, k * stride), stride, first,
                    parents.AsSpan(first, k), tokens.AsSpan(first, k));
                if (!beam.IsActive)
                {
                    active--;
                    dropped = true;
                }
            }

            if (dropped && active > 0)
            {
                // Move the blocks of the sentences still searching down over the finished ones (in order, so in place).
                keep.Clear();
                int next = 0;
                for (int j = 0; j < s; j++)
                {
                    if (!beams[j].IsActive || start[j] < 0)
                    {
                        start[j] = -1;
                        continue;
                    }

                    for (int i = 0; i < k; i++)
                    {
                        keep.Add(start[j] + i);
                        parents[next + i] = parents[start[j] + i] - start[j] + next;
                        tokens[next + i] = tokens[start[j] + i];
                    }

                    start[j] = next;
                    next += k;
                }

                model.KeepRows(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(keep));
            }
        }

        var results = new List<Seq2SeqHypothesis>[s];
        for (int j = 0; j < s; j++)
        {
            results[j] = beams[j].Results(lengthPenalty, nBest);
        }

        return results;
    }
}
