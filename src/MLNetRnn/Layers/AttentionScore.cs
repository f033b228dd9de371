namespace MLNetRnn.Layers;

// q = one query row (Hq), m = one memory row (Hm), A = additive size.

/// <summary>How <see cref="Attention"/> scores a query against each memory step before the softmax.</summary>
/// <remarks>
/// Weight shapes follow PyTorch's <c>nn.Linear</c> (weight stored (out, in)), so tensors move between the two unchanged.
/// </remarks>
public enum AttentionScore
{
    /// <summary>
    /// Luong dot: <c>score = qᵀ m</c>. No parameters; the query size Hq must equal the memory size Hm.
    /// </summary>
    Dot,

    /// <summary>
    /// Luong general: <c>score = qᵀ W m</c> with <c>W</c> (Hq, Hm) stored as PyTorch
    /// <c>nn.Linear(Hm, Hq, bias=False).weight</c> under the name <c>linear_in.weight</c>.
    /// </summary>
    General,

    /// <summary>
    /// Bahdanau additive (concat): <c>score = vᵀ tanh(W_q q + W_m m + b)</c> with <c>W_q</c> (A, Hq) =
    /// <c>nn.Linear(Hq, A, bias=False).weight</c> (<c>query.weight</c>), <c>W_m</c> (A, Hm) and <c>b</c> (A) =
    /// <c>nn.Linear(Hm, A, bias=True)</c> (<c>memory.weight</c>, <c>memory.bias</c>), and <c>v</c> (1, A) =
    /// <c>nn.Linear(A, 1, bias=False).weight</c> (<c>v.weight</c>).
    /// </summary>
    Additive,
}
