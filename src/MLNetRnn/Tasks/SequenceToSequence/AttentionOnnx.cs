using MLNetRnn.Layers;
using MLNetRnn.Onnx;

namespace MLNetRnn.SequenceToSequence;

// Ts = source tokens, M = memory width, A = additive width, R = decoding rows (1 greedy, K beam).

/// <summary>
/// Attention over one sentence's memory [Ts, M] in ONNX, for R query rows at once. What depends only on the memory is
/// computed once, outside the decoding loop; <see cref="Scores"/> runs inside it. Formulas: <see cref="Attention"/>.
/// </summary>
internal sealed class AttentionOnnx
{
    private readonly OnnxGraphBuilder _outer;
    private readonly ParameterStore _store;
    private readonly string? _projected;   // additive: W_m m + b [Ts, A]
    private readonly string? _vColumn;     // additive: vᵀ [A, 1]

    private AttentionOnnx(OnnxGraphBuilder outer, ParameterStore store, AttentionScore? score, string memory, string memoryTransposed, string? projected, string? vColumn)
    {
        _outer = outer;
        _store = store;
        Score = score;
        Memory = memory;
        MemoryTransposed = memoryTransposed;
        _projected = projected;
        _vColumn = vColumn;
    }

    public AttentionScore? Score { get; }

    /// <summary>Gets the memory [Ts, M].</summary>
    public string Memory { get; }

    /// <summary>Gets the memory transposed [M, Ts].</summary>
    public string MemoryTransposed { get; }

    public static AttentionOnnx Prepare(OnnxGraphBuilder g, ParameterStore store, AttentionScore? score, string memory)
    {
        string? projected = null, v = null;
        if (score == AttentionScore.Additive)
        {
            projected = g.Linear(memory, Seq2SeqOnnx.Weight(g, store, "attention.memory.weight"), Seq2SeqOnnx.Weight(g, store, "attention.memory.bias"));
            v = g.Transpose(Seq2SeqOnnx.Weight(g, store, "attention.v.weight"), 1, 0);
        }

        return new AttentionOnnx(g, store, score, memory, g.Transpose(memory, 1, 0), projected, v);
    }

    /// <summary>Scores [R, Ts] of the queries q [R, Hd].</summary>
    public string Scores(OnnxGraphBuilder body, string q) => Score switch
    {
        AttentionScore.Dot => body.MatMul(q, MemoryTransposed),
        AttentionScore.General => body.MatMul(body.MatMul(q, Seq2SeqOnnx.Weight(_outer, _store, "attention.linear_in.weight")), MemoryTransposed),
        _ => Additive(body, q),
    };

    /// <summary>e[r, s] = v · tanh(W_q q[r] + W_m m[s] + b): [R, 1, A] + [Ts, A] → [R, Ts, A] → [R, Ts, 1] → [R, Ts].</summary>
    private string Additive(OnnxGraphBuilder body, string q)
    {
        string query = body.Node("Gemm", [q, Seq2SeqOnnx.Weight(_outer, _store, "attention.query.weight")], OnnxAttribute.Of("transB", 1L)); // [R, A]
        string hidden = body.Tanh(body.Add(body.Unsqueeze(query, 1), _projected!));
        return body.Reshape(body.MatMul(hidden, _vColumn!), 0, -1);
    }
}
