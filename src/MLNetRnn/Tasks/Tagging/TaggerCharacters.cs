using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.DataViews;

namespace MLNetRnn.Tagging;

/// <summary>
/// The character side of a tagger with character features: how a row's character keys (ML.NET's
/// <c>TokenizeIntoCharactersAsKeys</c> over the token vector) split into words, the character vocabulary, and each
/// distinct word of a data set as character ids. The ONNX graph (<see cref="CharacterFeaturesOnnx"/>) applies the same rules.
/// </summary>
/// <remarks>
/// <para>ML.NET writes a row's tokens as one stream of UTF-16 codes (the key of a character is its code):
/// <c>STX w₀ US w₁ US … w_{n−1} ETX</c> (STX = 0x02, US = 0x1F, ETX = 0x03). Here every one of those three codes is a
/// boundary and a word is the characters between two consecutive boundaries; a stream with no boundary (no tokens) is
/// one empty word, as an empty token row reads as one <c>&lt;UNK&gt;</c> token.</para>
/// <para>Character ids: 0 <c>&lt;PAD&gt;</c>, 1 <c>&lt;UNK&gt;</c> (a character not seen in training), 2 the word boundary,
/// then the training characters in ordinal order. A word's id sequence is <c>2, its characters, 2</c>, so it is never empty.</para>
/// </remarks>
internal static class TaggerCharacters
{
    public const int Unknown = 1;
    public const int Boundary = 2;
    public const int FirstCharacter = 3;
    public const ushort TextStart = 0x02, TextEnd = 0x03, UnitSeparator = 0x1F;

    public static bool IsBoundary(int code) => code is TextStart or TextEnd or UnitSeparator;

    /// <summary>The words of one row's character stream (see the remarks).</summary>
    public static string[] SplitWords(ReadOnlySpan<ushort> codes)
    {
        var words = new List<string>();
        int previous = -1;
        for (int i = 0; i < codes.Length; i++)
        {
            if (IsBoundary(codes[i]))
            {
                if (previous >= 0)
                {
                    words.Add(new string(System.Runtime.InteropServices.MemoryMarshal.Cast<ushort, char>(codes[(previous + 1)..i])));
                }

                previous = i;
            }
        }

        return words.Count == 0 ? [string.Empty] : [.. words];
    }

    /// <summary>Requires a vector of 16-bit keys: the output of ML.NET's <c>TokenizeIntoCharactersAsKeys</c> over the tokens.</summary>
    /// <exception cref="ArgumentException">The column is missing or of another type; the message names it and the step that makes it.</exception>
    public static void RequireColumn(DataViewSchema schema, string name)
    {
        var column = Columns.Find(schema, name, "characters");
        if (column.Type is not VectorDataViewType { ItemType: KeyDataViewType { RawType: var raw } } || raw != typeof(ushort))
        {
            throw new ArgumentException($"Column '{name}' (characters) must be a vector of 16-bit character keys, the output of mlContext.Transforms.Text.TokenizeIntoCharactersAsKeys(\"{name}\", tokensColumn) over the token vector; got {column.Type}.", nameof(schema));
        }
    }

    /// <inheritdoc cref="RequireColumn(DataViewSchema, string)"/>
    public static void RequireColumn(SchemaShape schema, string name)
    {
        var column = Columns.Find(schema, name, "characters");
        if (column.Kind == SchemaShape.Column.VectorKind.Scalar || !column.IsKey || column.ItemType.RawType != typeof(ushort))
        {
            throw new ArgumentException($"Column '{name}' (characters) must be a vector of 16-bit character keys, the output of mlContext.Transforms.Text.TokenizeIntoCharactersAsKeys(\"{name}\", tokensColumn) over the token vector.", nameof(schema));
        }
    }

    /// <summary>Reads every row's words from a character-key column (see <see cref="SplitWords"/>).</summary>
    public static string[][] ReadWords(IDataView data, string column)
    {
        RequireColumn(data.Schema, column);
        var col = data.Schema[column];
        var rows = new List<string[]>();
        VBuffer<ushort> keys = default;
        using var cursor = data.GetRowCursor([col]);
        var getter = cursor.GetGetter<VBuffer<ushort>>(col);
        while (cursor.MoveNext())
        {
            getter(ref keys);
            rows.Add(SplitWords(keys.DenseValues().ToArray()));
        }

        return [.. rows];
    }

    /// <summary>The character vocabulary of the training words: the specials' placeholders, then each distinct character in ordinal order.</summary>
    public static string[] Vocabulary(IEnumerable<string> words)
    {
        var seen = new SortedSet<char>();
        foreach (string word in words)
        {
            foreach (char c in word)
            {
                seen.Add(c);
            }
        }

        return ["<PAD>", "<UNK>", "<W>", .. seen.Select(c => c.ToString())];
    }

    /// <summary>
    /// Each distinct word of <paramref name="rows"/> as character ids (<c>2, ids…, 2</c>), and for each row and token the
    /// index of its word in that list.
    /// </summary>
    public static (int[][] Types, int[][] TokenTypes) Encode(IReadOnlyList<string[]> rows, IReadOnlyList<string> vocabulary)
    {
        var ids = new Dictionary<char, int>();
        for (int i = FirstCharacter; i < vocabulary.Count; i++)
        {
            ids[vocabulary[i][0]] = i;
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var types = new List<int[]>();
        var tokenTypes = new int[rows.Count][];
        for (int r = 0; r < rows.Count; r++)
        {
            string[] words = rows[r];
            tokenTypes[r] = new int[words.Length];
            for (int t = 0; t < words.Length; t++)
            {
                if (!index.TryGetValue(words[t], out int type))
                {
                    var chars = new int[words[t].Length + 2];
                    chars[0] = chars[^1] = Boundary;
                    for (int c = 0; c < words[t].Length; c++)
                    {
                        chars[c + 1] = ids.TryGetValue(words[t][c], out int id) ? id : Unknown;
                    }

                    type = index[words[t]] = types.Count;
                    types.Add(chars);
                }

                tokenTypes[r][t] = type;
            }
        }

        return ([.. types], tokenTypes);
    }
}
