using Microsoft.ML;
using MLNetRnn.DataViews;
using MLNetRnn.Layers;

namespace MLNetRnn.SequenceToSequence;

/// <summary>
/// Sequence to sequence on an <see cref="MLContext"/> (<c>mlContext.SequenceToSequence</c>): the encoder–decoder
/// trainer and an evaluator of predicted tokens against reference texts.
/// </summary>
public sealed class SequenceToSequenceCatalog
{
    internal SequenceToSequenceCatalog(MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        Trainers = new SequenceToSequenceTrainers();
    }

    /// <summary>Gets the trainers.</summary>
    public SequenceToSequenceTrainers Trainers { get; }

    /// <summary>Scores predicted tokens against reference texts: exact match, token error rate (PER/CER/WER) and BLEU.</summary>
    /// <param name="data">Rows with the reference text column and the model's predicted-tokens column.</param>
    /// <param name="targetColumnName">The reference text column (String), split into tokens at <paramref name="targetLevel"/>. Default <c>"Target"</c>.</param>
    /// <param name="predictedTokensColumnName">The predicted tokens (vector of String). Default <c>"PredictedTokens"</c>.</param>
    /// <param name="targetLevel">How references are split: <see cref="TokenLevel.Word"/> (whitespace) or <see cref="TokenLevel.Character"/>. Default words.</param>
    /// <returns>The metrics over all rows.</returns>
    /// <exception cref="ArgumentException">A column is missing or mistyped, there are no rows, or a reference is empty.</exception>
    public SequenceToSequenceMetrics Evaluate(IDataView data, string targetColumnName = "Target", string predictedTokensColumnName = "PredictedTokens",
        TokenLevel targetLevel = TokenLevel.Word)
    {
        ArgumentNullException.ThrowIfNull(data);
        Columns.RequireText(data.Schema, targetColumnName, "reference text");
        Columns.RequireTextVector(data.Schema, predictedTokensColumnName, "predicted tokens");
        string[][] references = [.. ColumnReader.Text(data, targetColumnName).Select(t => TargetTokens.Split(t, targetLevel))];
        string[][] hypotheses = ColumnReader.TextVectors(data, predictedTokensColumnName);
        return SequenceToSequenceMetrics.Compute(references, hypotheses);
    }
}

/// <summary>The sequence-to-sequence trainers of <see cref="SequenceToSequenceCatalog"/>.</summary>
public sealed class SequenceToSequenceTrainers
{
    internal SequenceToSequenceTrainers()
    {
    }

    /// <summary>An encoder–decoder with every setting.</summary>
    /// <param name="options">The settings; copied.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public SequenceToSequenceTrainer EncoderDecoder(SequenceToSequenceOptions options) => new(options);

    /// <summary>An encoder–decoder (bidirectional LSTM encoder, LSTM decoder, Luong attention) with the common settings.</summary>
    /// <param name="sourceColumnName">The source token-key column. Default <c>"SourceIds"</c>.</param>
    /// <param name="targetColumnName">The target text column. Default <c>"Target"</c>.</param>
    /// <param name="targetLevel">How targets are split into tokens. Default words (whitespace).</param>
    /// <param name="hiddenSize">The encoder's hidden size per direction. Default 128.</param>
    /// <param name="attention">The attention score, or null for none. Default general.</param>
    /// <param name="epochs">The most passes over the data. Default 20.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size or count is not positive.</exception>
    public SequenceToSequenceTrainer EncoderDecoder(string sourceColumnName = "SourceIds", string targetColumnName = "Target", TokenLevel targetLevel = TokenLevel.Word,
        int hiddenSize = 128, AttentionScore? attention = AttentionScore.General, int epochs = 20) => new(new SequenceToSequenceOptions
        {
            SourceColumnName = sourceColumnName, TargetColumnName = targetColumnName, TargetLevel = targetLevel, HiddenSize = hiddenSize, Attention = attention, Epochs = epochs,
        });
}
