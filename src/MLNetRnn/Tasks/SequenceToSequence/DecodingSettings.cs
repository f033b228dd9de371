namespace MLNetRnn.SequenceToSequence;

/// <summary>How a sequence-to-sequence model decodes.</summary>
/// <param name="BeamSize">Hypotheses kept per step; 1 is greedy.</param>
/// <param name="MaxOutputLength">The longest output, in tokens.</param>
/// <param name="LengthPenalty">α of the ranking score <c>log p / length^α</c>.</param>
public sealed record DecodingSettings(int BeamSize, int MaxOutputLength, float LengthPenalty)
{
    /// <summary>Throws when a setting is out of range.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The beam size or maximum length is not positive, or α is negative or not finite.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BeamSize, nameof(BeamSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxOutputLength, nameof(MaxOutputLength));
        if (!(LengthPenalty >= 0f && float.IsFinite(LengthPenalty)))
        {
            throw new ArgumentOutOfRangeException(nameof(LengthPenalty), LengthPenalty, "The length penalty must be finite and not negative.");
        }
    }
}
