namespace MLNetRnn.LanguageModeling;

/// <summary>
/// How <see cref="LanguageModel.Generate"/> samples: temperature, top-k, top-p (nucleus), length, stop strings and seed.
/// Every property has a documented default; the generator copies the options when it starts.
/// </summary>
/// <remarks>
/// Each step turns the logits z into <c>p = softmax(z / Temperature)</c>, keeps the <see cref="TopK"/> most likely tokens
/// (ties: lower id first), then the smallest set of the most likely remaining tokens whose probability reaches
/// <see cref="TopP"/> of the kept mass, renormalises, and draws one token with the seeded generator. <c>&lt;PAD&gt;</c>,
/// <c>&lt;UNK&gt;</c> and <c>&lt;BOS&gt;</c> are never drawn; <c>&lt;EOS&gt;</c> ends the text (line-mode models).
/// Temperature → 0 is the arg-max (greedy), 1 the model's own distribution, above 1 flatter.
/// </remarks>
public sealed class GenerationOptions
{
    /// <summary>Gets or sets the softmax temperature, &gt; 0. Default 1.</summary>
    public float Temperature { get; set; } = 1f;

    /// <summary>Gets or sets how many of the most likely tokens may be drawn, or 0 for no limit. Default 0.</summary>
    public int TopK { get; set; }

    /// <summary>Gets or sets the nucleus: the probability mass of the most likely tokens kept, in (0, 1]. Default 1 (all).</summary>
    public float TopP { get; set; } = 1f;

    /// <summary>Gets or sets the most tokens generated after the prompt, at least 1. Default 200.</summary>
    public int MaxTokens { get; set; } = 200;

    /// <summary>
    /// Gets or sets strings that end the text: when the generated text (not the prompt) contains one, generation stops and
    /// the text ends just before it. Streaming holds back text that could still become a stop string. Default none.
    /// </summary>
    public IReadOnlyList<string> StopStrings { get; set; } = [];

    /// <summary>Gets or sets the seed of the sampler: the same model, prompt, options and seed give the same text. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Throws when a setting is out of range, naming it, its value and the fix.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Temperature is not positive and finite, TopK is negative, TopP is outside (0, 1], or MaxTokens is below 1.</exception>
    /// <exception cref="ArgumentException">A stop string is null or empty.</exception>
    public void Validate()
    {
        if (!(Temperature > 0f && float.IsFinite(Temperature)))
        {
            throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, $"Temperature must be positive and finite, got {Temperature}; use a small value such as 0.01 for (nearly) greedy text, 1 for the model's own distribution.");
        }

        if (TopK < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TopK), TopK, $"TopK must be 0 (no limit) or positive, got {TopK}.");
        }

        if (!(TopP > 0f && TopP <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(TopP), TopP, $"TopP must be in (0, 1], got {TopP}; use 1 to keep every token, 0.9 for a typical nucleus.");
        }

        if (MaxTokens < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxTokens), MaxTokens, $"MaxTokens must be at least 1, got {MaxTokens}.");
        }

        ArgumentNullException.ThrowIfNull(StopStrings, nameof(StopStrings));
        for (int i = 0; i < StopStrings.Count; i++)
        {
            if (string.IsNullOrEmpty(StopStrings[i]))
            {
                throw new ArgumentException($"Stop string {i} is {(StopStrings[i] is null ? "null" : "empty")}; stop strings must be non-empty.", nameof(StopStrings));
            }
        }
    }

    /// <summary>A copy, so a running generation is not changed by later edits of the caller's object.</summary>
    internal GenerationOptions Clone()
    {
        var copy = (GenerationOptions)MemberwiseClone();
        copy.StopStrings = [.. StopStrings];
        return copy;
    }
}
