using MLNetRnn.Onnx;

namespace MLNetRnn.SequenceToSequence;

// K = beam size, V = target vocabulary, L = maximum output length, F = finished hypotheses so far, t = the step.

/// <summary>
/// Beam search as an ONNX <c>Loop</c>, step for step what <see cref="BeamSearch.Search"/> does, so a saved model
/// decodes in any ML.NET app as MLNetRnn's engine does.
/// </summary>
/// <remarks>
/// <para>Loop state: the K rows' last tokens [K], decoder states [Ld, K, Hd], running Σ log p [K] (−∞ on rows not
/// alive), the alive rows' tokens [K, t]; the finished hypotheses' tokens [F, L] (zero-padded), lengths [F] and scores [F].</para>
/// <para>Each step: totals [K, V] = Σ log p + log p(next); the best 2K by TopK (ties: lower row, then lower token, as
/// the engine's priority queue); a candidate ending in <c>&lt;EOS&gt;</c> within the top K is finished with score
/// total / (t + 1)^α; the first K others (in rank order, found with CumSum and Compress) are the next beam, rows
/// reordered by Gather. The loop goes on while some row is alive and fewer than K have finished, at most L steps.</para>
/// <para>At the end the open rows join the finished ones with score total / t^α, and the first best score wins, as the
/// engine's stable ordering picks it.</para>
/// </remarks>
internal static class BeamDecodingOnnx
{
    /// <summary>Returns the output token ids [n] (without <c>&lt;EOS&gt;</c>) and the score [1].</summary>
    public static (string Ids, string Score) Write(OnnxGraphBuilder g, DecoderStepOnnx step, string h0, string? c0, DecodingSettings decoding)
    {
        var a = step.Architecture;
        int k = decoding.BeamSize, v = a.TargetVocabularySize, maxLength = decoding.MaxOutputLength;
        var stateDims = new[] { OnnxDim.Of(a.DecoderLayers), OnnxDim.Of(k), OnnxDim.Of(a.DecoderHiddenSize) };
        string alpha = g.Floats("alpha", [decoding.LengthPenalty], 1);

        var body = g.Subgraph("beam_step");
        string t = body.Input(body.Fresh("iteration"), OnnxDataType.Int64);
        body.Input(body.Fresh("condition"), OnnxDataType.Bool);
        string tokens = body.Input(body.Fresh("tokens"), OnnxDataType.Int64, OnnxDim.Of(k));
        string h = body.Input(body.Fresh("h"), OnnxDataType.Float, stateDims);
        string? c = c0 is null ? null : body.Input(body.Fresh("c"), OnnxDataType.Float, stateDims);
        string alive = body.Input(body.Fresh("alive_log_p"), OnnxDataType.Float, OnnxDim.Of(k));
        string history = body.Input(body.Fresh("history"), OnnxDataType.Int64, OnnxDim.Of(k), OnnxDim.Symbol("t"));
        string finTokens = body.Input(body.Fresh("finished_tokens"), OnnxDataType.Int64, OnnxDim.Symbol("F"), OnnxDim.Of(maxLength));
        string finLengths = body.Input(body.Fresh("finished_lengths"), OnnxDataType.Int64, OnnxDim.Symbol("F"));
        string finScores = body.Input(body.Fresh("finished_scores"), OnnxDataType.Float, OnnxDim.Symbol("F"));

        var (logP, hn, cn) = step.Write(body, tokens, h, c);
        string totals = body.Reshape(body.Add(body.Unsqueeze(alive, 1), logP), -1); // [K*V]
        string[] top = body.Nodes("TopK", [totals, g.Int64s(2 * k)], 2, string.Empty,
            OnnxAttribute.Of("axis", 0L), OnnxAttribute.Of("largest", 1L), OnnxAttribute.Of("sorted", 1L));
        string values = top[0], indices = top[1]; // [2K], best first
        string row = body.Node("Div", [indices, g.Int64s(v)]);
        string token = body.Node("Mod", [indices, g.Int64s(v)]);
        string valid = body.Node("Not", [body.Node("IsInf", [values])]);
        string isEnd = body.Node("Equal", [token, g.Int64s(3)]);
        string rank = g.Int64s([.. Enumerable.Range(0, 2 * k).Select(i => (long)i)], 2 * k);
        string finishes = And(body, And(body, isEnd, valid), body.Node("Less", [rank, g.Int64s(k)]));
        string continues = And(body, body.Node("Not", [isEnd]), valid);
        string count = body.Node("CumSum", [body.Cast(continues, OnnxDataType.Int64), g.Scalar(0L)]);
        string chosen = body.Node("Compress", [rank, And(body, continues, body.Node("LessOrEqual", [count, g.Int64s(k)]))], OnnxAttribute.Of("axis", 0L)); // [n ≤ K]

        // The next beam, padded to K rows with dead ones (row 0, token <PAD>, Σ log p = −∞).
        string zeros = g.Int64s(new long[k], k);
        string nextRow = FirstK(body, g, body.Gather(row, chosen), zeros, k);
        string nextToken = FirstK(body, g, body.Gather(token, chosen), zeros, k);
        string nextAlive = FirstK(body, g, body.Gather(values, chosen), g.Floats("dead", Enumerable.Repeat(float.NegativeInfinity, k).ToArray(), k), k);
        string nextHistory = body.Concat(1, body.Gather(history, nextRow, 0), body.Unsqueeze(nextToken, 1));

        // Hypotheses finished this step: their tokens so far (t of them), padded to L; length t + 1 with <EOS>.
        string ended = body.Node("Compress", [rank, finishes], OnnxAttribute.Of("axis", 0L));
        string endedTotals = body.Gather(values, ended);
        string tVector = body.Reshape(t, 1);
        string pads = body.Concat(0, g.Int64s(0, 0, 0), body.Node("Sub", [g.Int64s(maxLength), tVector]));
        string endedTokens = body.Node("Pad", [body.Gather(history, body.Gather(row, ended), 0), pads]);
        string endedLengths = body.Node("Expand", [tVector, body.Node("Shape", [ended])]);
        string endedScores = body.Node("Div", [endedTotals, body.Node("Pow", [body.Cast(body.Add(tVector, g.Int64s(1)), OnnxDataType.Float), alpha])]);
        string allScores = body.Concat(0, finScores, endedScores);

        string aliveCount = body.Node("Shape", [chosen]);
        string finishedCount = body.Node("Shape", [allScores]);
        string keepGoing = And(body, body.Node("Greater", [aliveCount, g.Int64s(0)]), body.Node("Less", [finishedCount, g.Int64s(k)]));
        body.OutputValue(body.Reshape(keepGoing, []), OnnxDataType.Bool);
        body.OutputValue(nextToken, OnnxDataType.Int64, OnnxDim.Of(k));
        body.OutputValue(body.Gather(hn, nextRow, 1), OnnxDataType.Float, stateDims);
        if (cn is not null)
        {
            body.OutputValue(body.Gather(cn, nextRow, 1), OnnxDataType.Float, stateDims);
        }

        body.OutputValue(nextAlive, OnnxDataType.Float, OnnxDim.Of(k));
        body.OutputValue(nextHistory, OnnxDataType.Int64, OnnxDim.Of(k), OnnxDim.Symbol("t1"));
        body.OutputValue(body.Concat(0, finTokens, endedTokens), OnnxDataType.Int64, OnnxDim.Symbol("F1"), OnnxDim.Of(maxLength));
        body.OutputValue(body.Concat(0, finLengths, endedLengths), OnnxDataType.Int64, OnnxDim.Symbol("F1"));
        body.OutputValue(allScores, OnnxDataType.Float, OnnxDim.Symbol("F1"));

        // Initial state: one alive row (<BOS>, Σ log p = 0), K − 1 dead ones; nothing finished.
        var startAlive = Enumerable.Repeat(float.NegativeInfinity, k).ToArray();
        startAlive[0] = 0f;
        string tile = g.Int64s(1, k, 1);
        var inputs = new List<string> { g.Scalar((long)maxLength), Seq2SeqOnnx.Bool(g, true), g.Int64s(Enumerable.Repeat(2L, k).ToArray(), k), g.Node("Tile", [h0, tile]) };
        if (c0 is not null)
        {
            inputs.Add(g.Node("Tile", [c0, tile]));
        }

        inputs.AddRange([g.Floats("start", startAlive, k), g.Int64s([], k, 0), g.Int64s([], 0, maxLength), g.Int64s([], 0), g.Add(OnnxTensor.FromFloats(g.Fresh("none"), [], 0))]);
        string[] loop = g.Nodes("Loop", [.. inputs], inputs.Count - 2, string.Empty, OnnxAttribute.Of("body", body.Graph));
        int first = c0 is null ? 2 : 3; // after tokens, h (and c)
        string finalAlive = loop[first], finalHistory = loop[first + 1], finalTokens = loop[first + 2], finalLengths = loop[first + 3], finalScores = loop[first + 4];

        // Open rows (a prefix of the beam) join with score Σ log p / T^α, T = the steps taken (≥ 1).
        string steps = g.Slice(g.Node("Shape", [finalHistory]), g.Int64s(1), g.Int64s(2), g.Int64s(0)); // [1]
        string open = g.Node("ReduceSum", [g.Cast(g.Node("Not", [g.Node("IsInf", [finalAlive])]), OnnxDataType.Int64)], OnnxAttribute.Of("keepdims", 1L));
        string openTokens = g.Node("Pad", [g.Slice(finalHistory, g.Int64s(0), open, g.Int64s(0)), g.Concat(0, g.Int64s(0, 0, 0), g.Node("Sub", [g.Int64s(maxLength), steps]))]);
        string openScores = g.Node("Div", [g.Slice(finalAlive, g.Int64s(0), open, g.Int64s(0)), g.Node("Pow", [g.Cast(steps, OnnxDataType.Float), alpha])]);
        string openLengths = g.Node("Expand", [steps, open]);
        string scores = g.Concat(0, finalScores, openScores);
        string best = g.Node("ArgMax", [scores], OnnxAttribute.Of("axis", 0L), OnnxAttribute.Of("keepdims", 1L)); // [1], first of equals
        string bestTokens = g.Reshape(g.Gather(g.Concat(0, finalTokens, openTokens), best, 0), -1); // [L]
        string ids = g.Slice(bestTokens, g.Int64s(0), g.Gather(g.Concat(0, finalLengths, openLengths), best), g.Int64s(0));
        return (ids, g.Gather(scores, best));
    }

    private static string And(OnnxGraphBuilder b, string x, string y) => b.Node("And", [x, y]);

    /// <summary>The first K entries of <paramref name="values"/> followed by <paramref name="padding"/> (K entries).</summary>
    private static string FirstK(OnnxGraphBuilder body, OnnxGraphBuilder g, string values, string padding, int k) =>
        body.Slice(body.Concat(0, values, padding), g.Int64s(0), g.Int64s(k), g.Int64s(0));
}
