using Microsoft.ML;
using MLNetRnn.Layers;
using MLNetRnn.Text;
using MLNetRnn.Training;

namespace MLNetRnn.Classification;

/// <summary>
/// Settings of <see cref="SequenceClassificationTrainer"/>; every property has a documented default. The trainer copies
/// them when it is made, so changing this object afterwards does not change a trainer already made from it.
/// </summary>
/// <remarks>
/// The defaults (bidirectional GRU, E = H = 64, max pooling, dropout 0.5, token dropout 0.2, Adam 0.002, batch 32, at
/// most 20 epochs with patience 5 on a held-out 10 % slice) were chosen by validation accuracy over four datasets and
/// three seeds: <c>dotnet run -c Release --project benchmarks/MLNetRnn.Benchmarks -- defaults</c>, results in
/// <c>benchmarks/results/defaults.md</c>.
/// </remarks>
public sealed class SequenceClassificationOptions
{
    /// <summary>Gets or sets the label column: a key, as ML.NET's multiclass trainers want (<c>MapValueToKey</c>). Default <c>"Label"</c>.</summary>
    public string LabelColumnName { get; set; } = "Label";

    /// <summary>Gets or sets the token column: a vector of keys (from <c>Transforms.Text.MapTokensToIds</c>). Default <c>"Features"</c>.</summary>
    public string FeatureColumnName { get; set; } = "Features";

    /// <summary>Gets or sets the output column of the predicted label (a key of the label's key type). Default <c>"PredictedLabel"</c>.</summary>
    public string PredictedLabelColumnName { get; set; } = "PredictedLabel";

    /// <summary>Gets or sets the output column of class probabilities (vector of Single in key order, slot names = class labels). Default <c>"Score"</c>.</summary>
    public string ScoreColumnName { get; set; } = "Score";

    /// <summary>Gets or sets the recurrent cell. Default GRU (chosen by the sweep in <c>benchmarks/</c>, issue 9). (<c>Trainers.Rnn/Lstm/Gru(options)</c> set it on their copy.)</summary>
    public RecurrentCellType CellType { get; set; } = RecurrentCellType.Gru;

    /// <summary>Gets or sets E, the embedding size. Default 64.</summary>
    public int EmbeddingSize { get; set; } = 64;

    /// <summary>Gets or sets H, the hidden size per direction. Default 64.</summary>
    public int HiddenSize { get; set; } = 64;

    /// <summary>Gets or sets the number of stacked recurrent layers. Default 1.</summary>
    public int NumberOfLayers { get; set; } = 1;

    /// <summary>Gets or sets whether layers also read right to left. Default true (PyTorch's is false; the sweep in <c>benchmarks/</c> chose true).</summary>
    public bool Bidirectional { get; set; } = true;

    /// <summary>Gets or sets the dropout probability between recurrent layers and before the head, in [0, 1). Default 0.5.</summary>
    public float Dropout { get; set; } = 0.5f;

    /// <summary>
    /// Gets or sets token dropout ("word dropout"): the probability that each token of a training row is read as
    /// <c>&lt;UNK&gt;</c> in a batch (drawn anew every time the row is used, from the seeded shuffling stream), so the
    /// network cannot lean on single rare words. Never applied to validation or prediction. In [0, 1). Default 0.2.
    /// </summary>
    public float TokenDropout { get; set; } = 0.2f;

    /// <summary>Gets or sets how a sequence is summarised. Default <see cref="SequencePooling.Max"/>.</summary>
    public SequencePooling Pooling { get; set; } = SequencePooling.Max;

    /// <summary>Gets or sets the most passes over the training data (early stopping usually ends sooner). Default 20.</summary>
    public int Epochs { get; set; } = 20;

    /// <summary>Gets or sets rows per mini-batch. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Gets or sets Adam's learning rate. Default 0.002.</summary>
    public float LearningRate { get; set; } = 0.002f;

    /// <summary>Gets or sets the global gradient-norm limit, or 0 for none. Default 1.</summary>
    public float ClipNorm { get; set; } = 1f;

    /// <summary>
    /// Gets or sets validation rows in this trainer's input format (with the feature and label columns: transform raw
    /// rows with the fitted steps before the trainer, <c>prefix.Fit(train).Transform(validation)</c>, as for ML.NET's
    /// trainers that take validation data). With them, each epoch is scored, the weights with the lowest validation loss
    /// are kept, and training stops after <see cref="EarlyStoppingPatience"/> epochs without improvement. Default none:
    /// the trainer holds out <see cref="ValidationFraction"/> of the training rows instead.
    /// </summary>
    public IDataView? ValidationSet { get; set; }

    /// <summary>
    /// Gets or sets the share of the training rows held out as the validation set when <see cref="ValidationSet"/> is
    /// null: a stratified slice chosen by <see cref="Seed"/> (see <see cref="ValidationHoldOut"/>), used for early
    /// stopping and best-weight restore exactly as a given validation set is. The model is trained on the other rows and
    /// is not retrained on all of them afterwards; <see cref="SequenceClassificationModel.HeldOutValidation"/> says which
    /// rows were held out. In [0, 0.5]; 0 turns it off (all rows, all epochs, last weights). Default 0.1.
    /// </summary>
    public float ValidationFraction { get; set; } = 0.1f;

    /// <summary>Gets or sets epochs without validation improvement before stopping. Default 5.</summary>
    public int EarlyStoppingPatience { get; set; } = 5;

    /// <summary>Gets or sets the seed of initialisation, shuffling and dropout. Same seed, same data: the same weights.
    /// Default 1. (ML.NET does not show an extension package the MLContext's seed, so it cannot be the default.)</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Gets or sets where per-epoch progress goes, or null.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>Gets or sets a GloVe or word2vec text file to initialise the embedding from (its dimension must equal
    /// <see cref="EmbeddingSize"/>); words not in the file keep their random start. Default none.</summary>
    public string? PretrainedEmbeddingsPath { get; set; }

    /// <summary>
    /// Gets or sets vectors already in memory to initialise the embedding from, instead of
    /// <see cref="PretrainedEmbeddingsPath"/> (set at most one), for example <see cref="PretrainedEmbeddings.LoadBuiltIn"/>.
    /// Give their words to <c>Transforms.Text.MapTokensToIds(…, additionalTokens: vectors.Words)</c> as well, so words
    /// never seen in training keep their vector. Default none.
    /// </summary>
    public PretrainedEmbeddings? PretrainedEmbeddings { get; set; }

    /// <summary>Gets or sets whether the embedding stays fixed during training. Default false.</summary>
    public bool FreezeEmbeddings { get; set; }

    /// <summary>
    /// Gets or sets whether the embedding takes row-sparse, lazy updates: zeroing, clipping and Adam visit only the rows a
    /// batch looked up, so a step costs the same with a 20,000-word vocabulary as with a 2,000-word one, and a row not in
    /// the batch keeps its value and Adam moments (PyTorch's <c>nn.Embedding(sparse=True)</c> with
    /// <c>torch.optim.SparseAdam</c>; dense Adam would keep moving such a row by its momentum). Worth it for large
    /// vocabularies, such as pretrained vectors whose words join the vocabulary. Default false (dense Adam).
    /// </summary>
    public bool SparseEmbeddingUpdates { get; set; }

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
    /// Every process fits the same data with the same options; each computes its share of every batch, and process 0
    /// alone writes checkpoints. With dropout 0 the result equals a single process's with the same
    /// <see cref="BatchSize"/> within float rounding; see <see cref="Training.DataParallelGroup"/>. Not with <see cref="SparseEmbeddingUpdates"/>.
    /// </summary>
    public DataParallelGroup? DataParallelGroup { get; set; }

    /// <summary>Gets or sets a callback after each optimizer step (epoch, step within it): a test seam to stop runs at exact steps.</summary>
    internal Action<int, int>? AfterStep { get; set; }

    /// <summary>A copy, so a trainer is not changed by later edits of the caller's object.</summary>
    internal SequenceClassificationOptions Clone()
    {
        var copy = (SequenceClassificationOptions)MemberwiseClone();
        copy.Checkpoint = Checkpoint?.Clone();
        return copy;
    }

    /// <summary>Throws when a setting is out of range, naming it and its value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size, count, rate or fraction is out of range.</exception>
    /// <exception cref="ArgumentException">A column name is empty, or <see cref="SparseEmbeddingUpdates"/> is combined with a <see cref="DataParallelGroup"/> of several processes.</exception>
    public void Validate()
    {
        Checkpoint?.Validate();
        if (SparseEmbeddingUpdates && DataParallelGroup is { Size: > 1 })
        {
            throw new ArgumentException($"SparseEmbeddingUpdates cannot be combined with a DataParallelGroup of {DataParallelGroup.Size} processes (each would update only the rows its own shard looked up); set SparseEmbeddingUpdates to false.", nameof(SparseEmbeddingUpdates));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MaxSkippedBatches, nameof(MaxSkippedBatches));
        foreach (var (name, value) in new[] { (nameof(LabelColumnName), LabelColumnName), (nameof(FeatureColumnName), FeatureColumnName), (nameof(PredictedLabelColumnName), PredictedLabelColumnName), (nameof(ScoreColumnName), ScoreColumnName) })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw new ArgumentException($"{name} must name a column.", name);
            }
        }

        OptionChecks.AtLeastOne((nameof(EmbeddingSize), EmbeddingSize), (nameof(HiddenSize), HiddenSize), (nameof(NumberOfLayers), NumberOfLayers),
            (nameof(Epochs), Epochs), (nameof(BatchSize), BatchSize), (nameof(EarlyStoppingPatience), EarlyStoppingPatience));
        if (!Enum.IsDefined(CellType) || !Enum.IsDefined(Pooling))
        {
            throw new ArgumentOutOfRangeException(nameof(CellType), $"CellType {CellType} or Pooling {Pooling} is not a defined value.");
        }

        if (new[] { PredictedLabelColumnName, ScoreColumnName }.Contains(FeatureColumnName) || PredictedLabelColumnName == ScoreColumnName)
        {
            throw new ArgumentException($"The output columns ('{ScoreColumnName}', '{PredictedLabelColumnName}') must differ from each other and from the feature column '{FeatureColumnName}'.", nameof(ScoreColumnName));
        }
        if (PretrainedEmbeddings is not null && PretrainedEmbeddingsPath is not null)
        {
            throw new ArgumentException($"Both PretrainedEmbeddingsPath ('{PretrainedEmbeddingsPath}') and PretrainedEmbeddings are set; set only one.", nameof(PretrainedEmbeddings));
        }

        if (PretrainedEmbeddings is { } vectors && vectors.Dimension != EmbeddingSize)
        {
            throw new ArgumentException($"The PretrainedEmbeddings have dimension {vectors.Dimension}, but EmbeddingSize is {EmbeddingSize}; set EmbeddingSize to {vectors.Dimension}.", nameof(EmbeddingSize));
        }

        if (!(Dropout >= 0f && Dropout < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "Dropout must be in [0, 1).");
        }

        if (!(ValidationFraction >= 0f && ValidationFraction <= 0.5f))
        {
            throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "ValidationFraction must be in [0, 0.5]: 0 (no held-out slice) or a share such as 0.1.");
        }

        if (!(TokenDropout >= 0f && TokenDropout < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(TokenDropout), TokenDropout, "TokenDropout must be in [0, 1), such as 0.1.");
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
