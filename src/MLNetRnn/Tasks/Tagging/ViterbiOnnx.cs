using MLNetRnn.Layers;
using MLNetRnn.Onnx;

namespace MLNetRnn.Tagging;

// T = tokens (at least 1), K = tags.

/// <summary>
/// Viterbi decoding of a <see cref="LinearChainCrf"/> as two ONNX <c>Loop</c>s over one sentence's emissions, step for
/// step the engine's <see cref="LinearChainCrf.Decode"/>.
/// </summary>
/// <remarks>
/// Forward loop over t = 1 … T−1 with state δ [K] (δ₀ = start + e₀): scores[i, j] = δ[i] + trans[i, j];
/// back-pointer ψ_t[j] = argmaxᵢ scores[i, j] (first on ties, as the engine) is a scan output; δ ← maxᵢ scores + e_t.
/// Then y_{T−1} = argmax(δ + end), and a second loop follows the back-pointers from ψ_{T−1} down to ψ₁, giving
/// y_{T−2} … y₀; the path is reversed by a Slice with step −1. With T = 1 both loops run zero times.
/// (Reversing with a <c>Range</c> of indices and a Gather gave an empty path in ONNX Runtime 1.31 unless the Range was
/// also a graph output; the Slice does not depend on that.)
/// </remarks>
internal static class ViterbiOnnx
{
    /// <summary>Returns the best tag ids [T] (int64) for emissions [T, K].</summary>
    public static string Write(OnnxGraphBuilder g, string emissions, LinearChainCrf crf)
    {
        int k = crf.TagCount;
        string start = g.Add(OnnxTensor.FromFloats("crf.start_transitions", crf.StartTransitions.Value.ToArray(), k));
        string end = g.Add(OnnxTensor.FromFloats("crf.end_transitions", crf.EndTransitions.Value.ToArray(), k));
        string transitions = g.Add(OnnxTensor.FromFloats("crf.transitions", crf.Transitions.Value.ToArray(), k, k));
        string length = g.Reshape(g.Slice(g.Node("Shape", [emissions]), g.Int64s(0), g.Int64s(1), g.Int64s(0)), []); // T, scalar
        string steps = g.Node("Sub", [length, g.Scalar(1L)]); // T − 1
        string delta0 = g.Add(start, g.Gather(emissions, g.Scalar(0L))); // [K]
        string yes = g.Cast(g.Scalar(1L), OnnxDataType.Bool);

        var forward = g.Subgraph("viterbi_forward");
        string iteration = forward.Input(forward.Fresh("iteration"), OnnxDataType.Int64);
        forward.Input(forward.Fresh("condition"), OnnxDataType.Bool);
        string delta = forward.Input(forward.Fresh("delta"), OnnxDataType.Float, OnnxDim.Of(k));
        string scores = forward.Add(forward.Unsqueeze(delta, 1), transitions); // [K, K]: from i, to j
        string pointers = forward.Node("ArgMax", [scores], OnnxAttribute.Of("axis", 0L), OnnxAttribute.Of("keepdims", 0L)); // [K]
        string emission = forward.Gather(emissions, forward.Add(iteration, g.Scalar(1L))); // [K]
        string next = forward.Add(forward.Node("ReduceMax", [scores], OnnxAttribute.Of("axes", new long[] { 0 }), OnnxAttribute.Of("keepdims", 0L)), emission);
        forward.OutputValue(forward.Node("Identity", [yes]), OnnxDataType.Bool);
        forward.OutputValue(next, OnnxDataType.Float, OnnxDim.Of(k));
        forward.OutputValue(pointers, OnnxDataType.Int64, OnnxDim.Of(k));
        string[] first = g.Nodes("Loop", [steps, yes, delta0], 2, string.Empty, OnnxAttribute.Of("body", forward.Graph));
        string backPointers = first[1]; // [T − 1, K]: row t − 1 holds ψ_t

        string last = g.Node("ArgMax", [g.Add(first[0], end)], OnnxAttribute.Of("axis", 0L), OnnxAttribute.Of("keepdims", 1L)); // [1]

        var backward = g.Subgraph("viterbi_backward");
        string i = backward.Input(backward.Fresh("iteration"), OnnxDataType.Int64);
        backward.Input(backward.Fresh("condition"), OnnxDataType.Bool);
        string tag = backward.Input(backward.Fresh("tag"), OnnxDataType.Int64, OnnxDim.Of(1));
        string row = backward.Gather(backPointers, backward.Node("Sub", [steps, backward.Node("Add", [i, g.Scalar(1L)])])); // ψ_{T−1−i} [K]
        string previous = backward.Gather(row, tag); // [1]
        backward.OutputValue(backward.Node("Identity", [yes]), OnnxDataType.Bool);
        backward.OutputValue(previous, OnnxDataType.Int64, OnnxDim.Of(1));
        backward.OutputValue(backward.Node("Identity", [previous]), OnnxDataType.Int64, OnnxDim.Of(1));
        string[] second = g.Nodes("Loop", [steps, yes, last], 2, string.Empty, OnnxAttribute.Of("body", backward.Graph));

        string reversed = g.Concat(0, last, g.Reshape(second[1], -1)); // [T]: y_{T−1}, y_{T−2}, …, y₀
        return g.Node("Slice", [reversed, g.Int64s(-1), g.Int64s(long.MinValue), g.Int64s(0), g.Int64s(-1)]); // reversed: step −1
    }
}
