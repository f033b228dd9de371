using Microsoft.ML;
using MLNetRnn.Layers;
using MLNetRnn.Training;

namespace MLNetRnn.Tagging;

/// <summary>
/// Settings of <see cref="SequenceTaggingTrainer"/>; every property has a documented default. The trainer copies them
/// when it is made, so changing this object afterwards does not change a trainer already made from it.
/// </summary>
public sealed class SequenceTaggingOptions
{
    /// <summary>Gets or sets the token column: a vector of keys (from <c>Transforms.Text.MapTokensToIds</c>, over words
    /// from <c>TokenizeWords</c> or over tokens already split into a vector of String). Default <c>"Features"</c>.</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>Gets or sets the gold tag column: a vector of String with one tag per token. Default <c>"Tags"</c>.</summary>
    public string TagColumnName { get; set; } = "Tags";

    /// <summary>Gets or sets the output column: the predicted tags, a vector of String with one tag per token. Default <c>"PredictedTags"</c>.</summary>
    public string PredictedTagsColumnName { get; set; } = "PredictedTags";

    /// <summary>
    /// Gets or sets the character column that turns on character features, or null (default) for none: a vector of
    /// 16-bit keys made by ML.NET's <c>mlContext.Transforms.Text.TokenizeIntoCharactersAsKeys(name, tokensColumn)</c> over
    /// the same token vector the feature column was mapped from. Each word is then also read by a small character
    /// BiLSTM (<see cref="CharacterEmbeddingSize"/>, <see cref="CharacterHiddenSize"/>) whose two final states are
    /// concatenated with the word embedding, trained jointly, so unknown words are tagged from their spelling.
    /// </summary>
    public string? CharacterColumnName { get; set; }

    /// <summary>Gets or sets Ec, the character embedding size (with <see cref="CharacterColumnName"/>). Default 25.</summary>
    public int CharacterEmbeddingSize { get; set; } = 25;

    /// <summary>Gets or sets Hc, the character BiLSTM's hidden size per direction (with <see cref="CharacterColumnName"/>).
    /// Default 25, so each word gets 50 character features.</summary>
    public int CharacterHiddenSize { get; set; } = 25;

    /// <summary>Gets or sets the recurrent cell. Default LSTM. (<c>Trainers.Rnn/Lstm/Gru(options)</c> set it on their copy.)</summary>
    public RecurrentCellType CellType { get; set; } = RecurrentCellType.Lstm;

    /// <summary>Gets or sets E, the embedding size. Default 64.</summary>
    public int EmbeddingSize { get; set; } = 64;

    /// <summary>Gets or sets H, the hidden size per direction. Default 64.</summary>
    public int HiddenSize { get; set; } = 64;

    /// <summary>Gets or sets the number of stacked recurrent layers. Default 1.</summary>
    public int NumberOfLayers { get; set; } = 1;

    /// <summary>Gets or sets whether layers also read right to left, so a token's tag can depend on the words after it.
    /// Default true (a tagger usually needs both sides).</summary>
    public bool Bidirectional { get; set; } = true;

    /// <summary>Gets or sets the dropout probability between recurrent layers and before the head, in [0, 1). Default 0.</summary>
    public float Dropout { get; set; }

    /// <summary>
    /// Gets or sets whether a linear-chain CRF scores whole tag sequences (trained by its negative log-likelihood, decoded
    /// by Viterbi) instead of an independent softmax per token. Default false.
    /// </summary>
    public bool Crf { get; set; }

    /// <summary>Gets or sets the most passes over the training data. Default 10.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>Gets or sets sentences per mini-batch. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Gets or sets Adam's learning rate. Default 0.002.</summary>
    public float LearningRate { get; set; } = 0.002f;

    /// <summary>Gets or sets the global gradient-norm limit, or 0 for none. Default 1.</summary>
    public float ClipNorm { get; set; } = 1f;

    /// <summary>
    /// Gets or sets validation rows in this trainer's input format (the feature and tag columns: transform raw rows with
    /// the fitted steps before the trainer, <c>prefix.Fit(train).Transform(validation)</c>). With them, each epoch is
    /// scored (loss and token accuracy), the weights with the lowest validation loss are kept, and training stops after
    /// <see cref="EarlyStoppingPatience"/> epochs without improvement. Default none: all epochs, last weights.
    /// </summary>
    public IDataView? ValidationSet { get; set; }

    /// <summary>Gets or sets epochs without validation improvement before stopping. Default 3.</summary>
    public int EarlyStoppingPatience { get; set; } = 3;

    /// <summary>Gets or sets the seed of initialisation, shuffling and dropout. Same seed, same data: the same weights.
    /// Default 1. (ML.NET does not show an extension package the MLContext's seed, so it cannot be the default.)</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Gets or sets where per-epoch progress goes, or null.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>
    /// Gets or sets where and how often the whole training state is saved so an interrupted run can continue (set
    /// <see cref="CheckpointSettings.Resume"/> to continue from an existing file). Default none.
    /// </summary>
    public CheckpointSettings? Checkpoint { get; set; }

    /// <summary>
    /// Gets or sets how many batches whose loss or gradient is not finite are skipped (no optimizer step) before training
    /// stops with <see cref="TrainingDivergedException"/>. Default 0: the first such batch stops training.
    /// </summary>
    public int MaxSkippedBatches { get; set; }

    /// <summary>
    /// Gets or sets a token that stops training at the next batch boundary: a final checkpoint is written (when
    /// <see cref="Checkpoint"/> is set) and <c>Fit</c> throws <see cref="OperationCanceledException"/>. Default none.
    /// </summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>
    /// Gets or sets the processes to train with, one <see cref="Training.DataParallelGroup"/> per process of a data-parallel
    /// run (for MPI: <c>MLNetRnn.Mpi.MpiDataParallelGroup</c>), or null (the default) to train in this process alone.
    /// Every process fits the same data with the same options; each computes its share of every batch, and process 0 alone writes checkpoints. With dropout 0
    /// the result equals a single process's with the same <see cref="BatchSize"/> within float rounding; see
    /// <see cref="Training.DataParallelGroup"/>.
    /// </summary>
    public DataParallelGroup? DataParallelGroup { get; set; }

    /// <summary>A copy, so a trainer is not changed by later edits of the caller's object.</summary>
    internal SequenceTaggingOptions Clone()
    {
        var copy = (SequenceTaggingOptions)MemberwiseClone();
        copy.Checkpoint = Checkpoint?.Clone();
        return copy;
    }

    /// <summary>Throws when a setting is out of range, naming it and its value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size, count or rate is out of range.</exception>
    /// <exception cref="ArgumentException">A column name is empty, or the output column is an input column.</exception>
    public void Validate()
    {
        Checkpoint?.Validate();
        ArgumentOutOfRangeException.ThrowIfNegative(MaxSkippedBatches, nameof(MaxSkippedBatches));
        foreach (var (name, value) in new[] { (nameof(FeatureColumnName), FeatureColumnName), (nameof(TagColumnName), TagColumnName), (nameof(PredictedTagsColumnName), PredictedTagsColumnName) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"{name} must name a column.", name);
            }
        }

        if (CharacterColumnName is not null)
        {
            if (string.IsNullOrWhiteSpace(CharacterColumnName) || CharacterColumnName == FeatureColumnName || CharacterColumnName == TagColumnName || CharacterColumnName == PredictedTagsColumnName)
            {
                throw new ArgumentException($"CharacterColumnName '{CharacterColumnName}' must name its own column, not empty and not the feature, tag or output column; or be null for no character features.", nameof(CharacterColumnName));
            }

            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CharacterEmbeddingSize, nameof(CharacterEmbeddingSize));
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CharacterHiddenSize, nameof(CharacterHiddenSize));
        }

        if (PredictedTagsColumnName == FeatureColumnName || PredictedTagsColumnName == TagColumnName)
        {
            throw new ArgumentException($"The output column '{PredictedTagsColumnName}' must differ from the feature column '{FeatureColumnName}' and the tag column '{TagColumnName}'.", nameof(PredictedTagsColumnName));
        }

        OptionChecks.AtLeastOne((nameof(EmbeddingSize), EmbeddingSize), (nameof(HiddenSize), HiddenSize), (nameof(NumberOfLayers), NumberOfLayers),
            (nameof(Epochs), Epochs), (nameof(BatchSize), BatchSize), (nameof(EarlyStoppingPatience), EarlyStoppingPatience));
        if (!Enum.IsDefined(CellType))
        {
            throw new ArgumentOutOfRangeException(nameof(CellType), CellType, $"CellType {CellType} is not a defined value.");
        }

        if (!(Dropout >= 0f && Dropout < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout must be in [0, 1).");
        }

        if (!(LearningRate > 0f && float.IsFinite(LearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"Invalid learning rate: {LearningRate}. Use a positive value such as 0.002.");
        }

        if (!(ClipNorm >= 0f && float.IsFinite(ClipNorm)))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipNorm), ClipNorm, "ClipNorm must be 0 (off) or a positive value such as 1.");
        }
    }
}
