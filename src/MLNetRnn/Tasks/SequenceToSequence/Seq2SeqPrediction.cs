namespace MLNetRnn.SequenceToSequence;

/// <summary>One decoded output of a sequence-to-sequence model.</summary>
/// <param name="Text">The tokens joined at the model's target level.</param>
/// <param name="Tokens">The output tokens, without <c>&lt;BOS&gt;</c>/<c>&lt;EOS&gt;</c>.</param>
/// <param name="Score">The ranking score <c>log p / length^α</c>.</param>
/// <param name="Finished">Whether decoding reached <c>&lt;EOS&gt;</c> before the maximum length.</param>
/// <param name="Attention">Per output step (and the final <c>&lt;EOS&gt;</c>), the attention weights over the source tokens; empty without attention.</param>
public sealed record Seq2SeqPrediction(string Text, IReadOnlyList<string> Tokens, float Score, bool Finished, IReadOnlyList<float[]> Attention);
