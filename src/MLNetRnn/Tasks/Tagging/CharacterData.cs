namespace MLNetRnn.Tagging;

/// <summary>The words of a data set as character ids, each distinct word once, and which word every token is.</summary>
/// <param name="Types">Every distinct word as character ids (<c>2, ids…, 2</c>, see <see cref="TaggerCharacters"/>).</param>
/// <param name="TokenTypes">Per row, per token, the index into <paramref name="Types"/>.</param>
internal sealed record CharacterData(int[][] Types, int[][] TokenTypes)
{
    /// <summary>Encodes each row's words with a character vocabulary (unknown characters become <c>&lt;UNK&gt;</c>).</summary>
    public static CharacterData Of(IReadOnlyList<string[]> words, IReadOnlyList<string> vocabulary)
    {
        var (types, tokenTypes) = TaggerCharacters.Encode(words, vocabulary);
        return new CharacterData(types, tokenTypes);
    }

    /// <summary>The character input of a batch of the given rows (see <see cref="CharacterBatch.Create"/>).</summary>
    public CharacterBatch Batch(ReadOnlySpan<int> rows, int timeSteps) => CharacterBatch.Create(Types, TokenTypes, rows, timeSteps);
}
