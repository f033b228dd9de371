using MLNetRnn.Evaluation;

namespace MLNetRnn.Tests.Evaluation;

/// <summary><see cref="Bleu"/> on hand-computed cases (sacrebleu's corpus BLEU, tokenize='none', 'exp' smoothing).</summary>
public sealed class BleuTests
{
    [Fact]
    public void CorpusBleu_IsHundredForAPerfectCorpus()
    {
        // Every n-gram matches: p1..p4 = 100, c = r = 6 → BP = 1, BLEU = exp(4·ln 100 / 4) = 100.
        var text = Tokens("the cat sat on the mat");
        Assert.Equal(100.0, Bleu.CorpusBleu([text], [text]), 1e-10);
    }

    [Fact]
    public void CorpusBleu_AppliesTheBrevityPenalty()
    {
        // Hypothesis = the first 6 of 8 reference tokens: p1 = 6/6, p2 = 5/5, p3 = 4/4, p4 = 3/3 (all 100).
        // c = 6 < r = 8 → BP = exp(1 − 8/6) = exp(−1/3) ≈ 0.716531; BLEU = 100·exp(−1/3) ≈ 71.653131.
        double bleu = Bleu.CorpusBleu([Tokens("a b c d e f")], [Tokens("a b c d e f g h")]);
        Assert.Equal(100.0 * Math.Exp(-1.0 / 3), bleu, 1e-10);
    }

    [Fact]
    public void CorpusBleu_NoBrevityPenaltyWhenLonger()
    {
        // Hypothesis a b c d e f g h, reference a b c d e f: c = 8 ≥ r = 6 → BP = 1.
        // p1 = 6/8, p2 = 5/7, p3 = 4/6, p4 = 3/5 → BLEU = 100·(3/4 · 5/7 · 2/3 · 3/5)^(1/4) = 100·(3/14)^(1/4) ≈ 68.0375.
        double bleu = Bleu.CorpusBleu([Tokens("a b c d e f g h")], [Tokens("a b c d e f")]);
        Assert.Equal(100.0 * Math.Pow(3.0 / 14, 0.25), bleu, 1e-10);
    }

    [Fact]
    public void CorpusBleu_SmoothsAZeroFourGramPrecision()
    {
        // Hypothesis a b c x d e (c = 6), reference a b c d e (r = 5) → BP = 1.
        // 1-grams a b c x d e: 5 of 6 match (x does not)        → p1 = 100·5/6
        // 2-grams ab bc cx xd de vs ab bc cd de: ab bc de       → p2 = 100·3/5 = 60
        // 3-grams abc bcx cxd xde vs abc bcd cde: abc           → p3 = 100·1/4 = 25
        // 4-grams abcx bcxd cxde vs abcd bcde: none             → p4 = 100/(2·3) (first zero order: 2^1)
        // BLEU = (500/6 · 60 · 25 · 100/6)^(1/4) = 2083333.33^(1/4) ≈ 37.991784.
        double bleu = Bleu.CorpusBleu([Tokens("a b c x d e")], [Tokens("a b c d e")]);
        Assert.Equal(Math.Pow(500.0 / 6 * 60 * 25 * (100.0 / 6), 0.25), bleu, 1e-9);
        Assert.Equal(37.991784, bleu, 1e-6);
    }

    [Fact]
    public void CorpusBleu_DoublesTheSmoothingForEachFurtherZeroOrder()
    {
        // Hypothesis a b x c d (c = 5), reference a b c d (r = 4) → BP = 1.
        // p1 = 100·4/5 = 80; 2-grams ab bx xc cd → ab cd match: p2 = 100·2/4 = 50;
        // 3-grams abx bxc xcd: none → p3 = 100/(2·3); 4-grams abxc bxcd: none → p4 = 100/(4·2) = 12.5.
        // BLEU = (80 · 50 · 100/6 · 12.5)^(1/4) = 833333.33^(1/4) ≈ 30.213754.
        double bleu = Bleu.CorpusBleu([Tokens("a b x c d")], [Tokens("a b c d")]);
        Assert.Equal(Math.Pow(80 * 50 * (100.0 / 6) * 12.5, 0.25), bleu, 1e-9);
    }

    [Fact]
    public void CorpusBleu_ClipsRepeatedNGrams()
    {
        // Hypothesis the the the the, reference the cat (c = 4 ≥ r = 2, BP = 1).
        // 1-gram "the" ×4 clipped to its reference count 1 → p1 = 100·1/4 = 25;
        // 2-grams (the the ×3), 3-grams (×2), 4-gram (×1) never match → p2 = 100/(2·3), p3 = 100/(4·2), p4 = 100/(8·1).
        // BLEU = (25 · 100/6 · 12.5 · 12.5)^(1/4) = 65104.17^(1/4) ≈ 15.973578.
        double bleu = Bleu.CorpusBleu([Tokens("the the the the")], [Tokens("the cat")]);
        Assert.Equal(Math.Pow(25 * (100.0 / 6) * 12.5 * 12.5, 0.25), bleu, 1e-9);
    }

    [Fact]
    public void CorpusBleu_SumsStatisticsOverTheCorpus()
    {
        // Row 1: a b c d = a b c d. Row 2: hypothesis e f, reference e f g h (alone it has no 3-gram → 0).
        // Summed: 1-grams 4+2 = 6/6, 2-grams 3+1 = 4/4, 3-grams 2+0 = 2/2, 4-grams 1+0 = 1/1 (all 100);
        // c = 4+2 = 6, r = 4+4 = 8 → BLEU = 100·exp(1 − 8/6) ≈ 71.653131 — not the mean of the sentence scores.
        double bleu = Bleu.CorpusBleu([Tokens("a b c d"), Tokens("e f")], [Tokens("a b c d"), Tokens("e f g h")]);
        Assert.Equal(100.0 * Math.Exp(-1.0 / 3), bleu, 1e-10);
    }

    [Fact]
    public void CorpusBleu_IsZeroWhenNoHypothesisHasAFourGram()
    {
        // total_4 = 0: sacrebleu leaves p4 = 0 (its log taken as −9999999999), so even a perfect match scores 0.
        Assert.Equal(0.0, Bleu.CorpusBleu([Tokens("a b c")], [Tokens("a b c")]));
    }

    [Fact]
    public void CorpusBleu_IsZeroWithoutAnyMatch()
    {
        Assert.Equal(0.0, Bleu.CorpusBleu([Tokens("w x y z")], [Tokens("a b c d")]));

        // Empty hypotheses: nothing matches (and c = 0 would make BP = 0).
        Assert.Equal(0.0, Bleu.CorpusBleu([Array.Empty<string>()], [Tokens("a b c d")]));

        // No rows at all.
        Assert.Equal(0.0, Bleu.CorpusBleu([], []));
    }

    [Fact]
    public void CorpusBleu_ComparesTokensOrdinally()
    {
        // "A" ≠ "a": p1 = 3/4, p2 = 2/3, p3 = 1/2, p4 = 0/1 → 100/(2·1) = 50 (as a percentage: 75, 66.67, 50, 50).
        // BLEU = (75 · 200/3 · 50 · 50)^(1/4) = 12500000^(1/4) ≈ 59.460356.
        double bleu = Bleu.CorpusBleu([Tokens("A b c d")], [Tokens("a b c d")]);
        Assert.Equal(Math.Pow(75 * (200.0 / 3) * 50 * 50, 0.25), bleu, 1e-9);
    }

    [Fact]
    public void CorpusBleu_ThrowsForMismatchedOrNullInput()
    {
        Assert.Throws<ArgumentNullException>("hypotheses", () => Bleu.CorpusBleu(null!, [Tokens("a")]));
        Assert.Throws<ArgumentNullException>("references", () => Bleu.CorpusBleu([Tokens("a")], null!));

        var mismatch = Assert.Throws<ArgumentException>(() => Bleu.CorpusBleu([Tokens("a"), Tokens("b")], [Tokens("a")]));
        Assert.Contains("2 hypotheses but 1 references", mismatch.Message);

        var nullRow = Assert.Throws<ArgumentException>(() => Bleu.CorpusBleu([Tokens("a"), null!], [Tokens("a"), Tokens("b")]));
        Assert.Contains("Row 1", nullRow.Message);
        Assert.Equal("hypotheses", nullRow.ParamName);

        var nullToken = Assert.Throws<ArgumentException>(() => Bleu.CorpusBleu([Tokens("a")], [new string[] { "a", null! }]));
        Assert.Contains("Token 1 of row 0", nullToken.Message);
        Assert.Equal("references", nullToken.ParamName);
    }

    private static string[] Tokens(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
