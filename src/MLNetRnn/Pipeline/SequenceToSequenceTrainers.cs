using MLNetRnn.Models;

namespace MLNetRnn.Pipeline;

/// <summary>Encoder–decoder trainers.</summary>
public sealed class SequenceToSequenceTrainers
{
    private readonly int _seed;

    internal SequenceToSequenceTrainers(int seed) => _seed = seed;

    /// <summary>An encoder–decoder with the given settings.</summary>
    /// <param name="options">All settings; see <see cref="SequenceToSequenceOptions"/> for defaults.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public SequenceToSequenceTrainer EncoderDecoder(SequenceToSequenceOptions options) => new(options, _seed);

    /// <summary>An encoder–decoder with the common settings; the rest keep their defaults.</summary>
    /// <param name="sourceColumnName">The source-id column. Default <c>"SourceIds"</c>.</param>
    /// <param name="targetColumnName">The target text column. Default <c>"Target"</c>.</param>
    /// <param name="targetLevel">How targets are tokenized. Default words (space-separated).</param>
    /// <param name="epochs">Passes over the data. Default 20.</param>
    /// <returns>The trainer.</returns>
    public SequenceToSequenceTrainer EncoderDecoder(string sourceColumnName = "SourceIds", string targetColumnName = "Target", TokenLevel targetLevel = TokenLevel.Word, int epochs = 20) =>
        EncoderDecoder(new SequenceToSequenceOptions { SourceColumnName = sourceColumnName, TargetColumnName = targetColumnName, TargetLevel = targetLevel, Epochs = epochs });
}
