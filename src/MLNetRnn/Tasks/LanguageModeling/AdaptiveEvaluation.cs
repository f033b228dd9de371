using System.Numerics.Tensors;
using MLNetRnn.Layers;

namespace MLNetRnn.LanguageModeling;

// N = tokens scored, S = DynamicSegment, V = vocabulary, M = models mixed (the network and the n-gram models).

/// <summary>
/// The engine of <see cref="LanguageModel.EvaluateAdaptive"/>: scores a token stream with a copy of the network (dynamic
/// evaluation optional) and adaptive n-gram models, mixed online. Every token's probability is fixed before any model
/// learns from it: the network steps after the segment that holds the token, the n-gram models count it after scoring it,
/// and the mixture weights for a token are chosen from the losses of earlier tokens only.
/// </summary>
internal static class AdaptiveEvaluation
{
    private const float RmsDecay = 0.99f, RmsEpsilon = 1e-5f;

    // The geometric mixtures' online learning rates; the final linear mixture follows whichever (or the linear mixture) leads.
    private static readonly double[] GeometricRates = [0.002, 0.006, 0.02];

    /// <param name="network">A copy of the trained network; dynamic evaluation changes its weights.</param>
    /// <param name="preceding">Ids the n-gram models count first (empty for none).</param>
    /// <param name="ids">The text's ids, at least 2: ids[0..N−1] in, ids[1..N] predicted, one stream from a zero state.</param>
    /// <param name="options">Validated settings.</param>
    /// <param name="trace">Receives the mixture's probability of every predicted token, in order, or null.</param>
    public static AdaptiveEvaluationResult Run(LanguageModelNetwork network, ReadOnlySpan<int> preceding, int[] ids, AdaptiveEvaluationOptions options,
        List<double>? trace = null)
    {
        if (ids.Length < 2)
        {
            throw new ArgumentException($"The text has {ids.Length} token(s); perplexity needs at least 2 (one predicted from another).", nameof(ids));
        }

        int v = network.Architecture.VocabularySize, m = 1 + options.NGramOrders.Count;
        var ngrams = options.NGramOrders.Select(order => new AdaptiveNGramModel(v, order, options.NGramDiscount)).ToArray();
        foreach (var model in ngrams)
        {
            model.Observe(preceding);
            model.Observe(ids[0]);
        }

        var mixture = new OnlineMixture(m, options.MixtureStep); // one weight set: a set per matched n-gram order measured no better
        var geometric = m > 1 ? GeometricRates.Select(rate => new GeometricMixture(m, v, rate)).ToArray() : [];
        var final = new OnlineMixture(1 + geometric.Length, options.MixtureStep); // the linear mixture and the geometric ones, mixed
        double[] sums = new double[m], logs = new double[m * v], candidates = new double[1 + geometric.Length];
        double mixed = 0;
        Span<double> probabilities = stackalloc double[m];

        bool dynamic = options.DynamicLearningRate > 0f;
        float[] squares = dynamic ? new float[network.Parameters.Count] : [];
        int updates = 0;
        var state = network.NewState(1);
        for (int start = 0; start < ids.Length - 1; start += options.DynamicSegment)
        {
            int steps = Math.Min(options.DynamicSegment, ids.Length - 1 - start);
            network.Forward(ids.AsSpan(start, steps), steps, state, ids.AsSpan(start + 1, steps), training: false);
            ReadOnlySpan<float> logits = network.Logits;
            for (int s = 0; s < steps; s++)
            {
                int target = ids[start + 1 + s];
                LogDistributions(logits.Slice(s * v, v), ngrams, logs);
                for (int k = 0; k < m; k++)
                {
                    double log = logs[(k * v) + target];
                    probabilities[k] = Math.Exp(log);
                    sums[k] -= log;
                }

                candidates[0] = mixture.Mix(probabilities);
                for (int g = 0; g < geometric.Length; g++)
                {
                    candidates[1 + g] = geometric[g].Mix(logs, target);
                }

                double p = geometric.Length > 0 ? final.Mix(candidates) : candidates[0];
                mixed -= Math.Log(p);
                trace?.Add(p);
                foreach (var model in ngrams)
                {
                    model.Observe(target); // counted only now that every model has scored it
                }
            }

            if (dynamic)
            {
                network.Parameters.ZeroGrad();
                network.Backward(); // the gradient of the segment's mean loss, its tokens already scored
                RmsStep(network.Parameters, squares, options.DynamicLearningRate, ++updates);
            }
        }

        long count = ids.Length - 1;
        var weights = mixture.Weights.ToArray();
        return new AdaptiveEvaluationResult(
            new LanguageModelMetrics(mixed / count, count),
            new LanguageModelMetrics(sums[0] / count, count),
            [.. sums.Skip(1).Select(sum => new LanguageModelMetrics(sum / count, count))],
            weights);
    }

    /// <summary>(M, V) log-probabilities, each model's whole distribution once per token: log-softmax of the network's
    /// logits, then the log of each n-gram model's distribution.</summary>
    private static void LogDistributions(ReadOnlySpan<float> logits, AdaptiveNGramModel[] ngrams, double[] logs)
    {
        int v = logits.Length;
        float max = TensorPrimitives.Max(logits);
        double sum = 0;
        foreach (float z in logits)
        {
            sum += Math.Exp(z - max);
        }

        double shift = max + Math.Log(sum);
        for (int x = 0; x < v; x++)
        {
            logs[x] = logits[x] - shift;
        }

        for (int g = 0; g < ngrams.Length; g++)
        {
            Span<double> row = logs.AsSpan((1 + g) * v, v);
            ngrams[g].Distribution(row);
            for (int x = 0; x < v; x++)
            {
                row[x] = Math.Log(row[x]);
            }
        }
    }

    /// <summary>One RMS-normalised step: s ← 0.99 s + 0.01 g², w ← w − rate · g / (√(s / (1 − 0.99^step)) + 1e-5).</summary>
    private static void RmsStep(ParameterStore parameters, float[] squares, float rate, int step)
    {
        Span<float> w = parameters.Values, g = parameters.Gradients;
        float correction = 1f / (1f - MathF.Pow(RmsDecay, step));
        for (int k = 0; k < w.Length; k++)
        {
            squares[k] = (RmsDecay * squares[k]) + ((1f - RmsDecay) * g[k] * g[k]);
            w[k] -= rate * g[k] / (MathF.Sqrt(squares[k] * correction) + RmsEpsilon);
        }
    }
}
