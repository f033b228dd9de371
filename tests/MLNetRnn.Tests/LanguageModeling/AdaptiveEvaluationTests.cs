using MLNetRnn.LanguageModeling;

namespace MLNetRnn.Tests.LanguageModeling;

/// <summary>
/// <see cref="LanguageModel.EvaluateAdaptive"/>: off, it is the static score; no token's probability depends on anything
/// after it (a prefix of the text gets the same per-token probabilities) or on itself (the V candidate next tokens'
/// probabilities sum to 1); dynamic evaluation adapts to a text unlike the training text and leaves the model unchanged;
/// the n-gram models use the preceding text; bad settings are refused by name.
/// </summary>
public sealed class AdaptiveEvaluationTests
{
    private const string Training = "the cat sat on the mat. the dog sat on the log. a cat and a dog met on a mat.\n";

    private static readonly Lazy<LanguageModel> Model = new(() => new LanguageModelTrainer(new LanguageModelOptions
    {
        HiddenSize = 24, EmbeddingSize = 8, Bptt = 16, BatchSize = 4, Epochs = 6, LearningRate = 0.01f, Seed = 3,
    }).Fit(string.Concat(Enumerable.Repeat(Training, 10))));

    // Characters of the training text in an order it never had: the static model predicts it badly, an adaptive one learns it.
    private static readonly string Unseen = string.Concat(Enumerable.Repeat("mat log cod tea. ", 30));

    [Fact]
    public void Off_IsTheStaticScore()
    {
        var model = Model.Value;
        var result = model.EvaluateAdaptive(Unseen, new AdaptiveEvaluationOptions { DynamicLearningRate = 0f, NGramOrders = [] });
        var expected = model.Evaluate(Unseen);
        Assert.Equal(expected.Count, result.Mixture.Count);
        Assert.Equal(expected.CrossEntropy, result.Network.CrossEntropy, 5);
        Assert.Equal(expected.CrossEntropy, result.Mixture.CrossEntropy, 5);
        Assert.Empty(result.NGrams);
        Assert.Equal([1.0], result.Weights);
    }

    [Fact]
    public void APrefix_GetsTheSameProbabilities_SoNoTokenIsScoredWithHindsight()
    {
        // Dynamic evaluation steps after each segment and the n-gram models count after scoring: if either looked at a token
        // before scoring it (or at later tokens), cutting the text would change the earlier probabilities.
        var model = Model.Value;
        var options = new AdaptiveEvaluationOptions { DynamicSegment = 7, NGramOrders = [2, 4], PrecedingText = Training };
        int[] ids = model.TextSettings.Encode(Unseen, TextVocabulary(model));
        int[] preceding = model.TextSettings.Encode(Training, TextVocabulary(model));
        var whole = new List<double>();
        AdaptiveEvaluation.Run(model.Network.Clone(), preceding, ids, options, whole);
        foreach (int cut in new[] { 30, 31, 100 })
        {
            var prefix = new List<double>();
            AdaptiveEvaluation.Run(model.Network.Clone(), preceding, ids[..cut], options, prefix);
            Assert.Equal(cut - 1, prefix.Count);
            for (int i = 0; i < prefix.Count; i++)
            {
                Assert.True(Math.Abs(prefix[i] - whole[i]) <= 1e-6 * whole[i], $"cut {cut}, token {i}: {prefix[i]} alone vs {whole[i]} in the whole text");
            }
        }
    }

    [Fact]
    public void EveryNextTokenGetsAShareOfOneDistribution_SoNoTokenIsScoredAfterSeeingItself()
    {
        // After the same history, the probabilities the adaptive model gives each of the V possible next tokens must sum
        // to 1. A model that counted or stepped on a token before scoring it would give every candidate extra mass.
        var model = Model.Value;
        var options = new AdaptiveEvaluationOptions { DynamicLearningRate = 3e-3f, DynamicSegment = 7, NGramOrders = [2, 4], PrecedingText = Training };
        var vocabulary = TextVocabulary(model);
        int[] ids = model.TextSettings.Encode(Unseen, vocabulary);
        int[] preceding = model.TextSettings.Encode(Training, vocabulary);
        foreach (int cut in new[] { 1, 7, 43 }) // the candidate opens a segment, or ends one after several steps
        {
            double sum = 0;
            for (int candidate = 0; candidate < vocabulary.Count; candidate++)
            {
                var trace = new List<double>();
                AdaptiveEvaluation.Run(model.Network.Clone(), preceding, [.. ids[..cut], candidate], options, trace);
                sum += trace[^1];
            }

            Assert.True(Math.Abs(sum - 1) < 1e-9, $"after {cut} tokens the next-token probabilities sum to {sum:R}");
        }
    }

    [Fact]
    public void DynamicEvaluation_AdaptsToTheText_AndLeavesTheModelAsItWas()
    {
        var model = Model.Value;
        float[] weights = model.Network.Parameters.Values.ToArray();
        double before = model.Evaluate(Unseen).CrossEntropy;
        var result = model.EvaluateAdaptive(Unseen, new AdaptiveEvaluationOptions { DynamicLearningRate = 3e-3f, DynamicSegment = 20, NGramOrders = [] });
        Assert.True(result.Network.CrossEntropy < before - 0.2, $"dynamic {result.Network.CrossEntropy:F3} vs static {before:F3} nats");
        Assert.Equal(weights, model.Network.Parameters.Values.ToArray());
        Assert.Equal(before, model.Evaluate(Unseen).CrossEntropy);
    }

    [Fact]
    public void NGramModels_CountThePrecedingText_AndTheMixtureFollowsTheBetterModel()
    {
        var model = Model.Value;
        var cold = model.EvaluateAdaptive(Unseen, new AdaptiveEvaluationOptions { DynamicLearningRate = 0f, NGramOrders = [4] });
        var warm = model.EvaluateAdaptive(Unseen, new AdaptiveEvaluationOptions { DynamicLearningRate = 0f, NGramOrders = [4], PrecedingText = Unseen });
        Assert.True(warm.NGrams[0].CrossEntropy < cold.NGrams[0].CrossEntropy / 3,
            $"4-gram after reading the text once {warm.NGrams[0].CrossEntropy:F3} vs from nothing {cold.NGrams[0].CrossEntropy:F3} nats");
        Assert.Equal(cold.Network.CrossEntropy, warm.Network.CrossEntropy); // the network never reads the preceding text

        // The text repeats, so the 4-gram wins once it has seen a period: the mixture ends up near the better model.
        double best = Math.Min(warm.Network.CrossEntropy, warm.NGrams[0].CrossEntropy);
        Assert.True(warm.Mixture.CrossEntropy < best + 0.05, $"mixture {warm.Mixture.CrossEntropy:F3} vs best single model {best:F3} nats");
        Assert.True(warm.Weights[1] > 0.5, $"final weights {string.Join(", ", warm.Weights)}");
    }

    [Fact]
    public void BadSettings_AreRefusedByName()
    {
        var model = Model.Value;
        void Refused(string name, AdaptiveEvaluationOptions options)
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => model.EvaluateAdaptive(Unseen, options));
            Assert.Equal(name, error.ParamName);
        }

        Refused("DynamicLearningRate", new AdaptiveEvaluationOptions { DynamicLearningRate = -1e-3f });
        Refused("DynamicLearningRate", new AdaptiveEvaluationOptions { DynamicLearningRate = float.NaN });
        Refused("DynamicSegment", new AdaptiveEvaluationOptions { DynamicSegment = 0 });
        Refused("NGramOrders", new AdaptiveEvaluationOptions { NGramOrders = [5, -1] });
        Refused("NGramOrders", new AdaptiveEvaluationOptions { NGramOrders = [1, 2, 3, 4] });
        Refused("NGramDiscount", new AdaptiveEvaluationOptions { NGramDiscount = 0 });
        Refused("MixtureStep", new AdaptiveEvaluationOptions { MixtureStep = 0.3 });
        Assert.Throws<ArgumentException>(() => model.EvaluateAdaptive("a"));
    }

    private static MLNetRnn.Text.Vocabulary TextVocabulary(LanguageModel model) => MLNetRnn.Text.Vocabulary.FromTokens(model.Vocabulary);
}
