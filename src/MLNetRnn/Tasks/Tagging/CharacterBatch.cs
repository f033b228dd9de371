namespace MLNetRnn.Tagging;

// T = time (longest row of the batch), B = batch, W = distinct words of the batch.

/// <summary>
/// The character input of one tagger batch: each distinct word of the batch once (as character ids), and for every
/// (t, b) position the word it holds, so a word that occurs many times is encoded once and its gradient summed.
/// </summary>
/// <param name="Words">W words as character ids (each non-empty).</param>
/// <param name="WordOfToken">(T, B) time-major: the index into <paramref name="Words"/> of token (t, b), −1 on padding.</param>
internal sealed record CharacterBatch(int[][] Words, int[] WordOfToken)
{
    /// <summary>Gathers the words of the given rows.</summary>
    /// <param name="types">Every distinct word of the data set as character ids.</param>
    /// <param name="tokenTypes">Per row, per token, the index into <paramref name="types"/>.</param>
    /// <param name="rows">The rows of the batch, in batch order.</param>
    /// <param name="timeSteps">T, the longest of the rows.</param>
    public static CharacterBatch Create(IReadOnlyList<int[]> types, IReadOnlyList<int[]> tokenTypes, ReadOnlySpan<int> rows, int timeSteps)
    {
        int b = rows.Length;
        var wordOfToken = new int[timeSteps * b];
        Array.Fill(wordOfToken, -1);
        var local = new Dictionary<int, int>();
        var words = new List<int[]>();
        for (int j = 0; j < b; j++)
        {
            int[] row = tokenTypes[rows[j]];
            for (int step = 0; step < row.Length; step++)
            {
                if (!local.TryGetValue(row[step], out int w))
                {
                    w = local[row[step]] = words.Count;
                    words.Add(types[row[step]]);
                }

                wordOfToken[(step * b) + j] = w;
            }
        }

        return new CharacterBatch([.. words], wordOfToken);
    }
}
