namespace MLNetRnn.LanguageModeling;

/// <summary>What <see cref="LanguageModel.EvaluateAdaptive"/> measured, on the same predicted tokens throughout.</summary>
/// <param name="Mixture">The mixture of the network and the n-gram models: the adaptive evaluation's result (the network
/// alone, with dynamic evaluation if on, when no n-gram model was asked for).</param>
/// <param name="Network">The network alone, with dynamic evaluation when <see cref="AdaptiveEvaluationOptions.DynamicLearningRate"/> &gt; 0.</param>
/// <param name="NGrams">Each adaptive n-gram model alone, in the order of <see cref="AdaptiveEvaluationOptions.NGramOrders"/>.</param>
/// <param name="Weights">The mixture weights at the end (network first, then the n-gram models), to show what the
/// mixture leant on.</param>
public sealed record AdaptiveEvaluationResult(
    LanguageModelMetrics Mixture,
    LanguageModelMetrics Network,
    IReadOnlyList<LanguageModelMetrics> NGrams,
    IReadOnlyList<double> Weights);
