using MLNetRnn.SequenceToSequence;

namespace MLNetRnn.Tests.SequenceToSequence;

/// <summary><see cref="SequenceToSequenceMetrics"/> on hand-computed cases and on bad input.</summary>
public sealed class SequenceToSequenceMetricsTests
{
    [Fact]
    public void Compute_HandComputedPhoneCase()
    {
        // row  reference   hypothesis       edits                exact
        //  0   K AE T      K AE T           0                    yes
        //  1   D AO G      D AA G           1 (AO→AA)            no
        //  2   HH AW S     HH AW S IH Z     2 (insert IH, Z)     no
        //  3   B ER D      (empty)          3 (delete all)       no
        // ExactMatch = 1/4; TokenErrorRate (PER) = (0+1+2+3) / (3+3+3+3) = 6/12 = 0.5.
        // BLEU: c = 3+3+5+0 = 11, r = 12 → BP = exp(1 − 12/11) = exp(−1/11).
        //   1-grams: 3/3 + 2/3 + 3/5 + 0/0 = 8/11;  2-grams: 2/2 + 0/2 + 2/4 = 4/8;
        //   3-grams: 1/1 + 0/1 + 1/3 = 2/5;         4-grams: 0/0 + 0/0 + 0/2 = 0/2 → 100/(2·2) = 25.
        //   BLEU = exp(−1/11) · (800/11 · 50 · 40 · 25)^(1/4) ≈ 0.913101 · 43.668 ≈ 39.873606.
        var m = SequenceToSequenceMetrics.Compute(
            [Tokens("K AE T"), Tokens("D AO G"), Tokens("HH AW S"), Tokens("B ER D")],
            [Tokens("K AE T"), Tokens("D AA G"), Tokens("HH AW S IH Z"), Tokens("")]);

        Assert.Equal(4, m.Count);
        Assert.Equal(0.25, m.ExactMatch, 1e-12);
        Assert.Equal(0.5, m.TokenErrorRate, 1e-12);
        Assert.Equal(Math.Exp(-1.0 / 11) * Math.Pow(800.0 / 11 * 50 * 40 * 25, 0.25), m.Bleu, 1e-9);
        Assert.Equal(39.873606, m.Bleu, 1e-6);
    }

    [Fact]
    public void Compute_PerfectOutputs()
    {
        string[][] rows = [Tokens("T AH N EY SH AH S L IY"), Tokens("B R UH K HH EY V AH N")];
        var m = SequenceToSequenceMetrics.Compute(rows, rows);

        Assert.Equal(2, m.Count);
        Assert.Equal(1.0, m.ExactMatch);
        Assert.Equal(0.0, m.TokenErrorRate);
        Assert.Equal(100.0, m.Bleu, 1e-10);
    }

    [Fact]
    public void Compute_CharacterErrorRate()
    {
        // kitten → sitting: 3 edits over 6 reference characters → CER = 0.5; not an exact match.
        var m = SequenceToSequenceMetrics.Compute([Chars("kitten")], [Chars("sitting")]);

        Assert.Equal(0.5, m.TokenErrorRate, 1e-12);
        Assert.Equal(0.0, m.ExactMatch);
    }

    [Fact]
    public void Compute_TokenErrorRateCanExceedOne()
    {
        // Reference A, hypothesis B C D: 1 substitution + 2 insertions = 3 edits over 1 token → 3.
        var m = SequenceToSequenceMetrics.Compute([Tokens("A")], [Tokens("B C D")]);

        Assert.Equal(3.0, m.TokenErrorRate, 1e-12);
        Assert.Equal(0.0, m.Bleu);
    }

    [Fact]
    public void Compute_WeighsRowsByReferenceLength()
    {
        // Row 0: 1 edit over 1 token (100 %); row 1: 0 edits over 9 tokens. Corpus rate = 1/10, not the mean 0.5.
        var m = SequenceToSequenceMetrics.Compute(
            [Tokens("AH"), Tokens("T AH N EY SH AH S L IY")],
            [Tokens("EY"), Tokens("T AH N EY SH AH S L IY")]);

        Assert.Equal(0.1, m.TokenErrorRate, 1e-12);
        Assert.Equal(0.5, m.ExactMatch, 1e-12);
    }

    [Fact]
    public void ToString_ShowsEveryMetric()
    {
        // Exact match 1/2; PER = 1 edit / 6 tokens = 0.1667; BLEU: c = r = 6, 1-grams 5/6, 2-grams 2/4 (K AE, AE T),
        // 3-grams 1/2 (K AE T), 4-grams 0/0 → total_4 = 0 → BLEU 0.
        var m = SequenceToSequenceMetrics.Compute([Tokens("K AE T"), Tokens("D AO G")], [Tokens("K AE T"), Tokens("D AA G")]);

        Assert.Equal("rows 2, exact match 0.5000, token error rate 0.1667, BLEU 0.00", m.ToString());
    }

    [Fact]
    public void Compute_ThrowsForNullLists()
    {
        Assert.Throws<ArgumentNullException>("references", () => SequenceToSequenceMetrics.Compute(null!, [Tokens("A")]));
        Assert.Throws<ArgumentNullException>("hypotheses", () => SequenceToSequenceMetrics.Compute([Tokens("A")], null!));
    }

    [Fact]
    public void Compute_ThrowsForNoRows()
    {
        var e = Assert.Throws<ArgumentException>("references", () => SequenceToSequenceMetrics.Compute([], []));
        Assert.Contains("no rows", e.Message);
    }

    [Fact]
    public void Compute_ThrowsForDifferentCounts()
    {
        var e = Assert.Throws<ArgumentException>("hypotheses", () => SequenceToSequenceMetrics.Compute([Tokens("A"), Tokens("B")], [Tokens("A")]));
        Assert.Contains("2 references but 1 hypotheses", e.Message);
    }

    [Fact]
    public void Compute_ThrowsForAnEmptyReferenceNamingTheRow()
    {
        var e = Assert.Throws<ArgumentException>("references", () => SequenceToSequenceMetrics.Compute([Tokens("A"), Tokens("")], [Tokens("A"), Tokens("B")]));
        Assert.Contains("row 1 is empty", e.Message);
    }

    [Fact]
    public void Compute_ThrowsForNullRowsAndTokens()
    {
        var nullReference = Assert.Throws<ArgumentException>("references", () => SequenceToSequenceMetrics.Compute([Tokens("A"), null!], [Tokens("A"), Tokens("B")]));
        Assert.Contains("row 1", nullReference.Message);

        var nullHypothesis = Assert.Throws<ArgumentException>("hypotheses", () => SequenceToSequenceMetrics.Compute([Tokens("A"), Tokens("B")], [null!, Tokens("B")]));
        Assert.Contains("row 0", nullHypothesis.Message);

        var nullToken = Assert.Throws<ArgumentException>("hypotheses", () => SequenceToSequenceMetrics.Compute([Tokens("A B")], [new string[] { "A", null! }]));
        Assert.Contains("Token 1 at row 0", nullToken.Message);
    }

    private static string[] Tokens(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string[] Chars(string text) => text.Select(c => c.ToString()).ToArray();
}
