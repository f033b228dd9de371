namespace MLNetRnn.Text;

/// <summary>One sentence of a tagged corpus: its tokens and one tag per token, as read by <see cref="ConllReader"/>.</summary>
/// <param name="Tokens">The words, in order; at least one.</param>
/// <param name="Tags">The tags, one per token (<c>Tags.Count == Tokens.Count</c>).</param>
/// <param name="LineNumber">The 1-based line of the sentence's first token in its file, for messages.</param>
public sealed record TaggedSentence(IReadOnlyList<string> Tokens, IReadOnlyList<string> Tags, int LineNumber);
