namespace MLNetRnn.SequenceToSequence;

/// <summary>One decoded output sequence.</summary>
/// <param name="TokenIds">Target-vocabulary ids, without <c>&lt;BOS&gt;</c> and <c>&lt;EOS&gt;</c>.</param>
/// <param name="Score">The ranking score: <see cref="LogProbability"/> / length^α (length counts <c>&lt;EOS&gt;</c>).</param>
/// <param name="LogProbability">Σ log p of the chosen tokens, <c>&lt;EOS&gt;</c> included when reached.</param>
/// <param name="Finished">Whether the sequence ended with <c>&lt;EOS&gt;</c> (false when cut at the maximum length).</param>
/// <param name="Attention">Attention weights, one row of source-length floats per output step (<c>&lt;EOS&gt;</c> included), or empty without attention.</param>
public sealed record Seq2SeqHypothesis(IReadOnlyList<int> TokenIds, float Score, float LogProbability, bool Finished, IReadOnlyList<float[]> Attention);
