using System.Globalization;
using MLNetRnn.Training;

namespace MLNetRnn.LanguageModeling;

/// <summary>
/// Settings of <see cref="LanguageModel.EvaluateAdaptive"/>: the network scored with dynamic evaluation and mixed with
/// adaptive n-gram models. Every token is predicted before anything learns from it, as in a compressor; the defaults
/// are the settings measured on Moby-Dick (<c>benchmarks/results/char-lm.md</c>).
/// </summary>
public sealed class AdaptiveEvaluationOptions
{
    /// <summary>
    /// Gets or sets the step of dynamic evaluation (Krause et al., ICML 2018): after each <see cref="DynamicSegment"/> tokens
    /// are scored, the network takes one RMS-normalised gradient step on them (the squared gradient's running mean with
    /// decay 0.99, bias-corrected, plus 1e-5 under the square root's result). 0 turns it off (the network stays as trained).
    /// Default 3e-4.
    /// </summary>
    public float DynamicLearningRate { get; set; } = 3e-4f;

    /// <summary>Gets or sets the tokens scored between two dynamic-evaluation steps. Default 50.</summary>
    public int DynamicSegment { get; set; } = 50;

    /// <summary>
    /// Gets or sets the orders of the adaptive n-gram models mixed with the network (interpolated absolute discounting of
    /// orders 0..N over token ids; each scored token is counted after it is scored). Empty: the network alone. Default 5 and 12.
    /// </summary>
    public IReadOnlyList<int> NGramOrders { get; set; } = [5, 12];

    /// <summary>
    /// Gets or sets the n-gram models' fixed absolute discount, in (0, 1], or null for Chen and Goodman's modified discounts
    /// (three per order, estimated from the counts of counts as the models count). Default null: on the 5 % of Moby-Dick
    /// before the held-out part they beat 0.75 (5-gram 2.184 against 2.230 bits per character, 12-gram 2.416 against 2.673).
    /// </summary>
    public double? NGramDiscount { get; set; }

    /// <summary>
    /// Gets or sets text the n-gram models count before the scored text, as if it came just before it: normally the
    /// training text, so the count models know what the network learnt from. Null: they start from nothing. Default null.
    /// </summary>
    public string? PrecedingText { get; set; }

    /// <summary>
    /// Gets or sets the grid step of the mixture weights, which are chosen online: before each token, the weights on this
    /// simplex grid with the least loss on the tokens already scored (follow the leader). In (0, 0.5]; 1/step must be a
    /// whole number. Default 0.05.
    /// </summary>
    public double MixtureStep { get; set; } = 0.05;

    /// <summary>Throws when a setting is out of range, naming it and its value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A rate, size, order, discount or step is out of range.</exception>
    public void Validate()
    {
        if (!(DynamicLearningRate >= 0f && float.IsFinite(DynamicLearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(DynamicLearningRate), DynamicLearningRate, $"DynamicLearningRate must be 0 (off) or a small positive step such as 3e-4, got {DynamicLearningRate}.");
        }

        OptionChecks.AtLeastOne((nameof(DynamicSegment), DynamicSegment));
        ArgumentNullException.ThrowIfNull(NGramOrders, nameof(NGramOrders));
        foreach (int order in NGramOrders)
        {
            if (order is < 0 or > 64)
            {
                throw new ArgumentOutOfRangeException(nameof(NGramOrders), order, $"Every n-gram order must be in [0, 64] (the context length in tokens), got {order}.");
            }
        }

        if (NGramOrders.Count > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(NGramOrders), NGramOrders.Count, string.Create(CultureInfo.InvariantCulture,
                $"At most 3 n-gram models can be mixed (the mixture's weight grid grows with the power of the model count), got {NGramOrders.Count}: {string.Join(", ", NGramOrders)}."));
        }

        if (NGramDiscount is { } discount && !(discount > 0 && discount <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(NGramDiscount), NGramDiscount, $"NGramDiscount must be in (0, 1], got {NGramDiscount}; 0.75 is usual, or null for discounts estimated from the counts.");
        }

        double steps = 1 / MixtureStep;
        if (!(MixtureStep > 0 && MixtureStep <= 0.5 && Math.Abs(steps - Math.Round(steps)) < 1e-9))
        {
            throw new ArgumentOutOfRangeException(nameof(MixtureStep), MixtureStep, $"MixtureStep must be in (0, 0.5] and divide 1 evenly (0.05, 0.1, 0.25, …), got {MixtureStep}.");
        }
    }

    /// <summary>A copy, so later edits of the caller's object do not change a running evaluation.</summary>
    internal AdaptiveEvaluationOptions Clone()
    {
        var copy = (AdaptiveEvaluationOptions)MemberwiseClone();
        copy.NGramOrders = [.. NGramOrders];
        return copy;
    }
}
