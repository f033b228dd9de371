using MLNetRnn.Onnx;

namespace MLNetRnn.SequenceToSequence;

/// <summary>
/// Greedy decoding as an ONNX <c>Loop</c>, as <see cref="BeamSearch.Greedy"/>: each step takes the arg-max token (first on
/// ties) and adds its log-probability; the loop stops after <c>&lt;EOS&gt;</c> or at the maximum length.
/// Score = Σ log p / n^α, n = the tokens plus <c>&lt;EOS&gt;</c> when it was reached.
/// </summary>
internal static class GreedyDecodingOnnx
{
    /// <summary>Returns the output token ids [n] (without <c>&lt;EOS&gt;</c>) and the score [1].</summary>
    public static (string Ids, string Score) Write(OnnxGraphBuilder g, DecoderStepOnnx step, string h0, string? c0, DecodingSettings decoding)
    {
        var a = step.Architecture;
        var dims = new[] { OnnxDim.Of(a.DecoderLayers), OnnxDim.Of(1), OnnxDim.Of(a.DecoderHiddenSize) };
        var body = g.Subgraph("greedy_step");
        body.Input(body.Fresh("iteration"), OnnxDataType.Int64);
        body.Input(body.Fresh("condition"), OnnxDataType.Bool);
        string token = body.Input(body.Fresh("token"), OnnxDataType.Int64, OnnxDim.Of(1));
        string h = body.Input(body.Fresh("h"), OnnxDataType.Float, dims);
        string? c = c0 is null ? null : body.Input(body.Fresh("c"), OnnxDataType.Float, dims);

        var (logP, hn, cn) = step.Write(body, token, h, c);
        string next = body.Node("ArgMax", [logP], OnnxAttribute.Of("axis", 1L), OnnxAttribute.Of("keepdims", 0L)); // [1]
        string chosen = body.Reshape(body.Node("GatherElements", [logP, body.Unsqueeze(next, 1)], OnnxAttribute.Of("axis", 1L)), 1);
        body.OutputValue(body.Reshape(body.Node("Not", [body.Node("Equal", [next, g.Int64s(3)])]), []), OnnxDataType.Bool);
        body.OutputValue(body.Node("Identity", [next]), OnnxDataType.Int64, OnnxDim.Of(1));
        body.OutputValue(hn, OnnxDataType.Float, dims);
        if (cn is not null)
        {
            body.OutputValue(cn, OnnxDataType.Float, dims);
        }

        body.OutputValue(next, OnnxDataType.Int64, OnnxDim.Of(1)); // scan outputs: the tokens and their log p
        body.OutputValue(chosen, OnnxDataType.Float, OnnxDim.Of(1));

        string[] loop = g.Nodes("Loop", [g.Scalar((long)decoding.MaxOutputLength), Seq2SeqOnnx.Bool(g, true), g.Int64s(2), h0, .. c0 is null ? Array.Empty<string>() : [c0]],
            c0 is null ? 4 : 5, string.Empty, OnnxAttribute.Of("body", body.Graph));
        string tokens = g.Reshape(loop[^2], -1); // [n], <EOS> last when it was reached
        string n = g.Node("Shape", [tokens]); // [1]
        string last = g.Gather(tokens, g.Node("Sub", [n, g.Int64s(1)]));
        string finished = g.Cast(g.Node("Equal", [last, g.Int64s(3)]), OnnxDataType.Int64);
        string ids = g.Slice(tokens, g.Int64s(0), g.Node("Sub", [n, finished]), g.Int64s(0));
        string sum = g.Node("ReduceSum", [g.Reshape(loop[^1], -1)], OnnxAttribute.Of("keepdims", 1L)); // [1]
        string penalty = g.Node("Pow", [g.Cast(n, OnnxDataType.Float), g.Floats("alpha", [decoding.LengthPenalty], 1)]);
        return (ids, g.Node("Div", [sum, penalty]));
    }
}
