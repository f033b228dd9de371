using MLNetRnn.Evaluation;

namespace MLNetRnn.Tests.Evaluation;

/// <summary><see cref="TaggingEvaluator"/> on hand-counted cases: token, unknown-word and per-tag scores, and exact-span
/// entity scores in which partial overlaps and wrong types count as wrong.</summary>
public sealed class TaggingEvaluatorTests
{
    [Fact]
    public void Evaluate_CountsTokensAndTags()
    {
        // gold: DET NOUN VERB | NOUN VERB   predicted: DET VERB VERB | NOUN NOUN  → 3 of 5 right.
        // DET: gold 1, predicted 1, correct 1 → P = R = F1 = 1.
        // NOUN: gold 2, predicted 2, correct 1 → P = R = F1 = 1/2.
        // VERB: gold 2, predicted 2, correct 1 → P = R = F1 = 1/2.
        var m = TaggingEvaluator.Evaluate(S("DET NOUN VERB", "NOUN VERB"), S("DET VERB VERB", "NOUN NOUN"));
        Assert.Equal(5, m.Tokens);
        Assert.Equal(3, m.CorrectTokens);
        Assert.Equal(0.6, m.TokenAccuracy, 1e-12);
        Assert.Equal(["DET", "NOUN", "VERB"], m.PerTag.Select(s => s.Name));
        Assert.Equal(new TagScore("DET", 1, 1, 1), m.PerTag[0]);
        Assert.Equal(new TagScore("NOUN", 2, 2, 1), m.PerTag[1]);
        Assert.Equal(0.5, m.PerTag[2].F1, 1e-12);
        Assert.Equal((1 + 0.5 + 0.5) / 3, m.MacroF1, 1e-12);
        Assert.True(double.IsNaN(m.OutOfVocabularyAccuracy));
    }

    [Fact]
    public void Evaluate_ScoresATagOnlyPredictedAsZero()
    {
        // gold A A, predicted A B → B: gold 0, predicted 1, correct 0 → P = R = F1 = 0; A: P = 1, R = 1/2, F1 = 2/3.
        var m = TaggingEvaluator.Evaluate(S("A A"), S("A B"));
        Assert.Equal(new TagScore("B", 0, 1, 0), m.PerTag[1]);
        Assert.Equal(0, m.PerTag[1].F1);
        Assert.Equal(2.0 / 3, m.PerTag[0].F1, 1e-12);
    }

    [Fact]
    public void Evaluate_ScoresOutOfVocabularyTokens()
    {
        // Known: the, cat (case-insensitive vocabulary). Unknown: Zorp (right), sat (wrong), blorb (right) → 2/3.
        var vocabulary = new HashSet<string>(["the", "cat"], StringComparer.OrdinalIgnoreCase);
        var m = TaggingEvaluator.Evaluate(
            S("DET PROPN VERB", "DET NOUN NOUN"), S("DET PROPN NOUN", "DET NOUN NOUN"),
            S("The Zorp sat", "the cat blorb"), vocabulary);
        Assert.Equal(3, m.OutOfVocabularyTokens);
        Assert.Equal(2, m.OutOfVocabularyCorrect);
        Assert.Equal(2.0 / 3, m.OutOfVocabularyAccuracy, 1e-12);
        Assert.Equal(5.0 / 6, m.TokenAccuracy, 1e-12);
    }

    [Fact]
    public void EvaluateEntities_CountsOnlyExactSpans()
    {
        // Sentence 0 gold: PER [0,2), LOC [3,4);       predicted: PER [0,2) ✓, LOC [3,4) ✓.
        // Sentence 1 gold: ORG [0,3);                  predicted: ORG [0,2)  ✗ (partial overlap: right start, short end).
        // Sentence 2 gold: PER [1,2);                  predicted: PER [0,2)  ✗ (partial overlap: too long).
        // Sentence 3 gold: LOC [0,1);                  predicted: PER [0,1)  ✗ (right span, wrong type).
        // Sentence 4 gold: none;                       predicted: MISC [1,2) ✗.
        // Gold 5, predicted 7 (sentence 1 also predicts ORG [2,3)), correct 2 → P = 2/7, R = 2/5,
        // F1 = 2·(2/7)·(2/5) / (2/7 + 2/5) = (8/35) / (24/35) = 1/3.
        var gold = S("B-PER I-PER O B-LOC", "B-ORG I-ORG I-ORG", "O B-PER", "B-LOC", "O O");
        var predicted = S("B-PER I-PER O B-LOC", "B-ORG I-ORG B-ORG", "B-PER I-PER", "B-PER", "O B-MISC");
        var m = TaggingEvaluator.EvaluateEntities(gold, predicted);
        Assert.Equal(new TagScore("", 5, 7, 2), m.Overall);
        Assert.Equal(2.0 / 7, m.Precision, 1e-12);
        Assert.Equal(0.4, m.Recall, 1e-12);
        Assert.Equal(1.0 / 3, m.F1, 1e-12);
        Assert.Equal(
            [new TagScore("LOC", 2, 1, 1), new TagScore("MISC", 0, 1, 0), new TagScore("ORG", 1, 2, 0), new TagScore("PER", 2, 3, 1)],
            m.PerType);
    }

    [Fact]
    public void EvaluateEntities_ScoresAPartialOverlapAsZero()
    {
        var m = TaggingEvaluator.EvaluateEntities(S("B-NAME I-NAME I-NAME"), S("O B-NAME I-NAME"));
        Assert.Equal(new TagScore("", 1, 1, 0), m.Overall);
        Assert.Equal(0, m.F1);
    }

    [Fact]
    public void EvaluateEntities_NeverJoinsEntitiesAcrossSentences()
    {
        // Two sentences: "... B-NAME" then "I-NAME ..." are two entities; predicting them as one sentence would join them.
        var m = TaggingEvaluator.EvaluateEntities(S("O B-NAME", "I-NAME O"), S("O B-NAME", "B-NAME O"));
        Assert.Equal(new TagScore("", 2, 2, 2), m.Overall);
        Assert.Equal(1.0, m.F1);
    }

    [Fact]
    public void EvaluateEntities_TreatsIob1AndBioAlike()
    {
        // The same entities in IOB1 (gold) and BIO (predicted): PER [0,2), PER [2,3), LOC [4,5).
        var m = TaggingEvaluator.EvaluateEntities(S("I-PER I-PER B-PER O I-LOC"), S("B-PER I-PER B-PER O B-LOC"));
        Assert.Equal(new TagScore("", 3, 3, 3), m.Overall);
    }

    [Fact]
    public void Methods_ThrowForMisalignedOrInvalidInput()
    {
        Assert.Contains("There are 2 gold sentences but 1",
            Assert.Throws<ArgumentException>(() => TaggingEvaluator.Evaluate(S("A", "B"), S("A"))).Message);
        Assert.Contains("Sentence 1 has 2 gold tags but 1",
            Assert.Throws<ArgumentException>(() => TaggingEvaluator.Evaluate(S("A", "B C"), S("A", "B"))).Message);
        Assert.Contains("Sentence 0 has 1 gold tags but 2 in 'tokens'",
            Assert.Throws<ArgumentException>(() => TaggingEvaluator.Evaluate(S("A"), S("A"), S("x y"), new HashSet<string>())).Message);
        Assert.Throws<ArgumentNullException>(() => TaggingEvaluator.Evaluate(S("A"), S("A"), S("x"), null));
        Assert.Contains("Sentence 1 of 'predicted': The tag 'NOUN' at position 0",
            Assert.Throws<ArgumentException>(() => TaggingEvaluator.EvaluateEntities(S("O", "B-X"), S("O", "NOUN"))).Message);
    }

    private static IReadOnlyList<string>[] S(params string[] sentences) => sentences.Select(s => (IReadOnlyList<string>)s.Split(' ')).ToArray();
}
