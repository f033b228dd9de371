namespace MLNetRnn.SequenceToSequence;

/// <summary>Greedy and beam-search decoding over any <see cref="IStepDecoder"/>.</summary>
/// <remarks>
/// Beam search keeps the <c>K</c> best partial sequences by Σ log p. Each step scores every continuation, takes the best
/// 2K, and walks them best first: a continuation ending in <c>&lt;EOS&gt;</c> is kept as finished only when it ranks within
/// the top K (so a worse ending cannot stop a better open hypothesis), others fill the next beam up to K. Search stops
/// when K hypotheses have finished, when none is open, or at the maximum length (open ones are then returned as
/// unfinished). Finished hypotheses are ranked by <c>log p / length^α</c>. With K = 1 this is exactly greedy decoding.
/// </remarks>
internal static class BeamSearch
{
    public static List<Seq2SeqHypothesis> Search(IStepDecoder model, int bos, int eos, int beamSize, int maxLength, float lengthPenalty, int nBest)
    {
        int k = beamSize, v = model.VocabularySize, width = model.AttentionWidth;
        if (model.Rows != k)
        {
            throw new ArgumentException($"The decoder has {model.Rows} rows but the beam size is {k}.", nameof(model));
        }

        var alive = new List<(List<int> Tokens, List<float[]> Attention, float LogP)> { ([], [], 0f) };
        var finished = new List<Seq2SeqHypothesis>();
        var parents = new int[k];
        var tokens = new int[k];
        Array.Fill(tokens, bos);
        var logProbs = new float[k * v];
        var attention = new float[k * width];
        var best = new PriorityQueue<(int Row, int Token, float Total), (float, int, int)>();
        for (int step = 0; step < maxLength && alive.Count > 0 && finished.Count < k; step++)
        {
            // The first step reads <BOS> once (all K slots would be equal); later steps run all K slots (slots past the
            // open hypotheses continue row 0 and are ignored).
            int rows = step == 0 ? 1 : k;
            model.Step(parents.AsSpan(0, rows), tokens.AsSpan(0, rows), logProbs, attention);

            // The best 2K continuations (min-heap on (total, −row, −token) so ties prefer lower rows and tokens).
            best.Clear();
            for (int r = 0; r < alive.Count; r++)
            {
                for (int t = 0; t < v; t++)
                {
                    float total = alive[r].LogP + logProbs[(r * v) + t];
                    if (float.IsNegativeInfinity(total))
                    {
                        continue; // impossible continuation: never extend a hypothesis with it
                    }

                    var priority = (total, -r, -t);
                    if (best.Count < 2 * k)
                    {
                        best.Enqueue((r, t, total), priority);
                    }
                    else if (best.TryPeek(out _, out var worst) && priority.CompareTo(worst) > 0)
                    {
                        best.EnqueueDequeue((r, t, total), priority);
                    }
                }
            }

            var ranked = new List<(int Row, int Token, float Total)>(best.Count);
            while (best.TryDequeue(out var item, out _))
            {
                ranked.Add(item);
            }

            ranked.Reverse();
            var next = new List<(List<int> Tokens, List<float[]> Attention, float LogP)>(k);
            for (int i = 0; i < ranked.Count && next.Count < k; i++)
            {
                var (row, token, total) = ranked[i];
                var history = new List<float[]>(alive[row].Attention);
                if (width > 0)
                {
                    history.Add(attention.AsSpan(row * width, width).ToArray());
                }

                if (token == eos)
                {
                    if (i < k)
                    {
                        finished.Add(Finish(alive[row].Tokens, total, true, history, lengthPenalty));
                    }

                    continue;
                }

                parents[next.Count] = row;
                tokens[next.Count] = token;
                next.Add(([.. alive[row].Tokens, token], history, total));
            }

            alive = next;
        }

        foreach (var open in alive)
        {
            finished.Add(Finish(open.Tokens, open.LogP, false, open.Attention, lengthPenalty));
        }

        return [.. finished.OrderByDescending(h => h.Score).Take(nBest)];
    }

    /// <summary>
    /// Greedy decoding of all rows at once: each row takes its most likely token until <c>&lt;EOS&gt;</c> or the maximum
    /// length; a row that has ended is dropped from later steps.
    /// </summary>
    public static Seq2SeqHypothesis[] Greedy(IStepDecoder model, int bos, int eos, int maxLength, float lengthPenalty)
    {
        int rows = model.Rows, v = model.VocabularySize, width = model.AttentionWidth;
        var parents = Enumerable.Range(0, rows).ToArray();
        var live = Enumerable.Range(0, rows).ToArray(); // the output row of each decoder row of this step
        var tokens = new int[rows];
        Array.Fill(tokens, bos);
        var logProbs = new float[rows * v];
        var attention = new float[rows * width];
        var output = new List<int>[rows];
        var history = new List<float[]>[rows];
        var sum = new float[rows];
        var done = new bool[rows];
        for (int r = 0; r < rows; r++)
        {
            output[r] = [];
            history[r] = [];
        }

        for (int step = 0, count = rows; step < maxLength && count > 0; step++)
        {
            model.Step(parents.AsSpan(0, count), tokens.AsSpan(0, count), logProbs, attention);
            int next = 0;
            for (int i = 0; i < count; i++)
            {
                int r = live[i], t = System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logProbs.AsSpan(i * v, v));
                sum[r] += logProbs[(i * v) + t];
                if (width > 0)
                {
                    history[r].Add(attention.AsSpan(i * width, width).ToArray());
                }

                if (t == eos)
                {
                    done[r] = true;
                    continue;
                }

                // In place: next ≤ i, and entry i has been read.
                output[r].Add(t);
                (parents[next], tokens[next], live[next]) = (i, t, r);
                next++;
            }

            count = next;
        }

        return [.. Enumerable.Range(0, rows).Select(r => Finish(output[r], sum[r], done[r], history[r], lengthPenalty))];
    }

    internal static Seq2SeqHypothesis Finish(List<int> tokens, float logP, bool finished, List<float[]> attention, float lengthPenalty)
    {
        int length = tokens.Count + (finished ? 1 : 0);
        float score = logP / MathF.Pow(Math.Max(1, length), lengthPenalty);
        return new Seq2SeqHypothesis(tokens, score, logP, finished, attention);
    }
}
