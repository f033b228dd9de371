using System.Buffers;

namespace MLNetRnn.Evaluation;

// N = reference length, M = hypothesis length.

/// <summary>
/// Levenshtein edit distance between two token sequences: the fewest insertions, deletions and substitutions, each
/// costing 1, that turn the reference into the hypothesis.
/// </summary>
/// <remarks>
/// The numerator of the token error rate (phone error rate for phonemes, character error rate for characters, word
/// error rate for words): <c>TER = Σ distance / Σ reference length</c>. Computed by the Wagner–Fischer dynamic
/// programme <c>D[i, j] = min(D[i−1, j] + 1, D[i, j−1] + 1, D[i−1, j−1] + [r_i ≠ h_j])</c> with
/// <c>D[i, 0] = i</c>, <c>D[0, j] = j</c>, keeping one row: O(N·M) time, O(min(N, M)) memory. The distance is
/// symmetric, so the shorter sequence indexes the row.
/// </remarks>
public static class EditDistance
{
    /// <summary>Rows this long or shorter live on the stack; longer ones are rented from the shared array pool.</summary>
    private const int StackRowLimit = 256;

    /// <summary>Computes the edit distance, comparing tokens with <see cref="EqualityComparer{T}.Default"/>.</summary>
    /// <typeparam name="T">The token type; a type implementing <see cref="IEquatable{T}"/> (string, char, int) is compared through it.</typeparam>
    /// <param name="reference">(N) the reference tokens; may be empty.</param>
    /// <param name="hypothesis">(M) the hypothesis tokens; may be empty.</param>
    /// <returns>The distance, in [|N − M|, max(N, M)]; 0 exactly when the sequences are equal; N when the hypothesis is empty.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reference"/> or <paramref name="hypothesis"/> is null.</exception>
    public static int Compute<T>(IReadOnlyList<T> reference, IReadOnlyList<T> hypothesis) => Compute(reference, hypothesis, null);

    /// <summary>Computes the edit distance, comparing tokens with the given comparer.</summary>
    /// <typeparam name="T">The token type.</typeparam>
    /// <param name="reference">(N) the reference tokens; may be empty.</param>
    /// <param name="hypothesis">(M) the hypothesis tokens; may be empty.</param>
    /// <param name="comparer">Decides when two tokens are equal (for example <see cref="StringComparer.OrdinalIgnoreCase"/>); null for <see cref="EqualityComparer{T}.Default"/>.</param>
    /// <returns>The distance, in [|N − M|, max(N, M)]; 0 exactly when the sequences are equal under <paramref name="comparer"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reference"/> or <paramref name="hypothesis"/> is null.</exception>
    public static int Compute<T>(IReadOnlyList<T> reference, IReadOnlyList<T> hypothesis, IEqualityComparer<T>? comparer)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(hypothesis);
        comparer ??= EqualityComparer<T>.Default;

        // Columns follow the longer sequence, the kept row the shorter one.
        IReadOnlyList<T> outer = reference.Count >= hypothesis.Count ? reference : hypothesis;
        IReadOnlyList<T> inner = ReferenceEquals(outer, reference) ? hypothesis : reference;
        int n = outer.Count, m = inner.Count;
        if (m == 0)
        {
            return n;
        }

        int[]? rented = null;
        Span<int> row = m + 1 <= StackRowLimit
            ? stackalloc int[StackRowLimit]
            : (rented = ArrayPool<int>.Shared.Rent(m + 1));
        row = row[..(m + 1)];
        try
        {
            for (int j = 0; j <= m; j++)
            {
                row[j] = j; // D[0, j]
            }

            for (int i = 1; i <= n; i++)
            {
                T a = outer[i - 1];
                int diagonal = row[0]; // D[i−1, 0]
                row[0] = i;            // D[i, 0]
                for (int j = 1; j <= m; j++)
                {
                    int above = row[j]; // D[i−1, j]
                    int substitution = diagonal + (comparer.Equals(a, inner[j - 1]) ? 0 : 1);
                    int insertionOrDeletion = Math.Min(above, row[j - 1]) + 1;
                    row[j] = Math.Min(substitution, insertionOrDeletion);
                    diagonal = above;
                }
            }

            return row[m];
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<int>.Shared.Return(rented);
            }
        }
    }
}
