using MLNetRnn.Evaluation;

namespace MLNetRnn.Tests.Evaluation;

/// <summary><see cref="EditDistance"/> on hand-computed cases.</summary>
public sealed class EditDistanceTests
{
    [Fact]
    public void Compute_IsZeroForIdenticalSequences()
    {
        Assert.Equal(0, EditDistance.Compute(Tokens("K AE T"), Tokens("K AE T")));
        Assert.Equal(0, EditDistance.Compute(Array.Empty<string>(), Array.Empty<string>()));
    }

    [Fact]
    public void Compute_EmptyHypothesisCostsTheReferenceLength()
    {
        // Every reference token must be deleted: 3 deletions.
        Assert.Equal(3, EditDistance.Compute(Tokens("B ER D"), Array.Empty<string>()));

        // Empty reference: every hypothesis token is an insertion.
        Assert.Equal(2, EditDistance.Compute(Array.Empty<string>(), Tokens("IH Z")));
    }

    [Fact]
    public void Compute_CountsOneSubstitution()
    {
        // D AO G → D AA G: AO ↔ AA substituted.
        Assert.Equal(1, EditDistance.Compute(Tokens("D AO G"), Tokens("D AA G")));
    }

    [Fact]
    public void Compute_CountsInsertions()
    {
        // HH AW S → HH AW S IH Z: IH and Z inserted.
        Assert.Equal(2, EditDistance.Compute(Tokens("HH AW S"), Tokens("HH AW S IH Z")));

        // a b c → a x b c: x inserted.
        Assert.Equal(1, EditDistance.Compute(Tokens("a b c"), Tokens("a x b c")));
    }

    [Fact]
    public void Compute_CountsDeletions()
    {
        // a b c d → a c: b and d deleted.
        Assert.Equal(2, EditDistance.Compute(Tokens("a b c d"), Tokens("a c")));
    }

    [Fact]
    public void Compute_MixesAllThreeOperations()
    {
        // kitten → sitting (the classic example): k→s, e→i, insert g = 3.
        Assert.Equal(3, EditDistance.Compute("kitten".ToCharArray(), "sitting".ToCharArray()));

        // intention → execution (the textbook example with unit costs): delete i, n→e, t→x, insert c, n→u = 5.
        Assert.Equal(5, EditDistance.Compute("intention".ToCharArray(), "execution".ToCharArray()));

        // A transposition is two edits: a b → b a.
        Assert.Equal(2, EditDistance.Compute(Tokens("a b"), Tokens("b a")));
    }

    [Fact]
    public void Compute_IsSymmetric()
    {
        Assert.Equal(5, EditDistance.Compute("execution".ToCharArray(), "intention".ToCharArray()));
        Assert.Equal(3, EditDistance.Compute(Array.Empty<string>(), Tokens("B ER D")));
    }

    [Fact]
    public void Compute_UsesTheComparer()
    {
        string[] reference = ["A", "b"];
        string[] hypothesis = ["a", "B"];

        // Ordinal (default): both tokens differ → 2 substitutions; ignoring case: equal.
        Assert.Equal(2, EditDistance.Compute(reference, hypothesis));
        Assert.Equal(0, EditDistance.Compute(reference, hypothesis, StringComparer.OrdinalIgnoreCase));
        Assert.Equal(2, EditDistance.Compute(reference, hypothesis, null));
    }

    [Fact]
    public void Compute_HandlesLongSequences()
    {
        // Rows longer than the stack buffer (256) come from the array pool.
        // 0..299 with the 6 values at indices 0, 50, …, 250 replaced by −1 (a value not in the reference):
        // each −1 needs a substitution (or an insertion), so ≥ 6, and 6 substitutions suffice.
        int[] reference = Enumerable.Range(0, 300).ToArray();
        int[] hypothesis = reference.Select(v => v % 50 == 0 ? -1 : v).ToArray();
        Assert.Equal(6, EditDistance.Compute(reference, hypothesis));

        // The reference twice in a row: ≥ |600 − 300| = 300 edits, and 300 insertions suffice.
        int[] doubled = [.. reference, .. reference];
        Assert.Equal(300, EditDistance.Compute(reference, doubled));
        Assert.Equal(300, EditDistance.Compute(doubled, reference));
    }

    [Fact]
    public void Compute_ThrowsForNullSequences()
    {
        Assert.Throws<ArgumentNullException>("reference", () => EditDistance.Compute(null!, Tokens("a")));
        Assert.Throws<ArgumentNullException>("hypothesis", () => EditDistance.Compute(Tokens("a"), null!));
    }

    private static string[] Tokens(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
