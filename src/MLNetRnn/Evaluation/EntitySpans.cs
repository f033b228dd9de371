namespace MLNetRnn.Evaluation;

/// <summary>
/// Reads entity spans out of a sentence's IOB tags (BIO = IOB2, IOB1, or bare <c>B</c>/<c>I</c>/<c>O</c> without types)
/// with the rules of the CoNLL-2000 evaluation script <c>conlleval</c>, so IOB1 and IOB2 tags decode alike.
/// </summary>
/// <remarks>
/// <para>A tag is <c>O</c>, or a prefix <c>B</c> or <c>I</c>, optionally followed by '-' and a type (<c>B-PER</c>,
/// <c>I-PER</c>, <c>B</c>); the type is everything after the first '-'. Scanning left to right (a sentence starts and
/// ends with an implicit <c>O</c>):</para>
/// <para>An entity starts at every <c>B</c>; at an <c>I</c> after <c>O</c> (IOB1, or a stray <c>I</c> in BIO); and at an
/// <c>I</c> whose type differs from the previous tag's type (<c>B-PER I-LOC</c> is two entities).</para>
/// <para>An entity ends before an <c>O</c>, before a <c>B</c>, before a tag of another type, and at the sentence end.</para>
/// <para>So <c>I-PER I-PER O I-LOC</c> holds <c>PER [0, 2)</c> and <c>LOC [3, 4)</c>, and <c>B-PER B-PER</c> holds two
/// one-token entities. conlleval's IOBES prefixes (E, S) and bracket tags are not accepted here.</para>
/// </remarks>
public static class EntitySpans
{
    /// <summary>Returns the entities of one sentence, in order of their first token.</summary>
    /// <param name="tags">The sentence's tags, one a token.</param>
    /// <returns>The spans; empty when every tag is <c>O</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="tags"/> is null.</exception>
    /// <exception cref="ArgumentException">A tag is null, or is not <c>O</c>, <c>B</c>, <c>I</c>, <c>B-type</c> or
    /// <c>I-type</c> (the message gives its position and value).</exception>
    public static IReadOnlyList<EntitySpan> Extract(IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var spans = new List<EntitySpan>();
        char previousPrefix = 'O';
        string previousType = string.Empty;
        int start = -1;
        for (int i = 0; i < tags.Count; i++)
        {
            var (prefix, type) = Parse(tags[i], i);
            bool ends = previousPrefix != 'O' && (prefix != 'I' || type != previousType);
            bool starts = prefix == 'B' || (prefix == 'I' && (previousPrefix == 'O' || type != previousType));
            if (ends)
            {
                spans.Add(new EntitySpan(start, i, previousType));
            }

            if (starts)
            {
                start = i;
            }

            (previousPrefix, previousType) = (prefix, type);
        }

        if (previousPrefix != 'O')
        {
            spans.Add(new EntitySpan(start, tags.Count, previousType));
        }

        return spans;
    }

    // ('O', "") for O; ('B' or 'I', type) otherwise.
    internal static (char Prefix, string Type) Parse(string? tag, int position)
    {
        if (tag is null)
        {
            throw new ArgumentException($"The tag at position {position} is null; tags must be strings such as O, B-NAME or I-NAME.", "tags");
        }

        if (tag == "O")
        {
            return ('O', string.Empty);
        }

        if (tag.Length >= 1 && (tag[0] == 'B' || tag[0] == 'I') && (tag.Length == 1 || tag[1] == '-'))
        {
            return (tag[0], tag.Length == 1 ? string.Empty : tag[2..]);
        }

        throw new ArgumentException(
            $"The tag '{tag}' at position {position} is not an IOB tag; entity spans need O, B, I, B-type or I-type tags (BIO/IOB1). Use token-level metrics for other tag sets.",
            "tags");
    }
}
