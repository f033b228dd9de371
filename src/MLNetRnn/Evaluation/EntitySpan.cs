namespace MLNetRnn.Evaluation;

/// <summary>One entity (chunk) of a tagged sentence: tokens [<see cref="Start"/>, <see cref="End"/>) of one type.</summary>
/// <param name="Start">The index of its first token.</param>
/// <param name="End">One past the index of its last token (exclusive), so the length is <c>End − Start</c>.</param>
/// <param name="Type">The entity type, the tag after the first '-' (<c>NAME</c> in <c>B-NAME</c>); empty for bare <c>B</c>/<c>I</c> tags.</param>
public readonly record struct EntitySpan(int Start, int End, string Type);
