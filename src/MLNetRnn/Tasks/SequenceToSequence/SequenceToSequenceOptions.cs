using Microsoft.ML;
using MLNetRnn.Layers;
using MLNetRnn.Training;

namespace MLNetRnn.SequenceToSequence;

/// <summary>
/// Settings of <see cref="SequenceToSequenceTrainer"/>; every property has a documented default. The trainer copies them
/// when it is made.
/// </summary>
public sealed class SequenceToSequenceOptions
{
    /// <summary>Gets or sets the source token column: a vector of keys (from <c>Transforms.Text.MapTokensToIds</c>). Default <c>"SourceIds"</c>.</summary>
    public string SourceColumnName { get; set; } = "SourceIds";

    /// <summary>Gets or sets the target text column (String), needed to train and evaluate, not to predict. Default <c>"Target"</c>.</summary>
    public string TargetColumnName { get; set; } = "Target";

    /// <summary>Gets or sets how target texts are split into tokens. Default <see cref="TokenLevel.Word"/> (space-separated, e.g. phones).</summary>
    public TokenLevel TargetLevel { get; set; } = TokenLevel.Word;

    /// <summary>Gets or sets the output column of predicted tokens (Vector&lt;String&gt;). Default <c>"PredictedTokens"</c>.</summary>
    public string PredictedTokensColumnName { get; set; } = "PredictedTokens";

    /// <summary>Gets or sets the output column of the output's length-normalised log-probability (vector of one Single). Default <c>"Score"</c>.</summary>
    public string ScoreColumnName { get; set; } = "Score";

    /// <summary>Gets or sets the encoder's cell. Default LSTM.</summary>
    public RecurrentCellType EncoderCell { get; set; } = RecurrentCellType.Lstm;

    /// <summary>Gets or sets the decoder's cell. Default LSTM.</summary>
    public RecurrentCellType DecoderCell { get; set; } = RecurrentCellType.Lstm;

    /// <summary>Gets or sets E, the source and target embedding size. Default 64.</summary>
    public int EmbeddingSize { get; set; } = 64;

    /// <summary>Gets or sets H, the encoder's hidden size per direction. Default 128.</summary>
    public int HiddenSize { get; set; } = 128;

    /// <summary>Gets or sets the encoder's layers. Default 1.</summary>
    public int EncoderLayers { get; set; } = 1;

    /// <summary>Gets or sets whether the encoder reads both ways. Default true.</summary>
    public bool Bidirectional { get; set; } = true;

    /// <summary>Gets or sets the decoder's hidden size; 0 means the encoder's output width (D*H). Default 0.</summary>
    public int DecoderHiddenSize { get; set; }

    /// <summary>Gets or sets the decoder's layers. Default 1.</summary>
    public int DecoderLayers { get; set; } = 1;

    /// <summary>Gets or sets the attention score, or null for none. Default Luong general.</summary>
    public AttentionScore? Attention { get; set; } = AttentionScore.General;

    /// <summary>Gets or sets dropout between recurrent layers and on the combined output, in [0, 1). Default 0.</summary>
    public float Dropout { get; set; }

    /// <summary>Gets or sets whether the output layer reuses the target embedding as its weight. Default false.</summary>
    public bool TieEmbeddings { get; set; }

    /// <summary>Gets or sets label smoothing ε of the cross-entropy, in [0, 1). Default 0.</summary>
    public float LabelSmoothing { get; set; }

    /// <summary>
    /// Gets or sets the scheduled-sampling probability in [0, 1): the chance that a decoder input is replaced by the
    /// model's own greedy prediction for that position (computed in a first, gradient-free pass over the batch, as in
    /// parallel scheduled sampling). Default 0 (pure teacher forcing).
    /// </summary>
    public float ScheduledSampling { get; set; }

    /// <summary>Gets or sets the most passes over the training data. Default 20.</summary>
    public int Epochs { get; set; } = 20;

    /// <summary>Gets or sets rows per mini-batch. Default 64.</summary>
    public int BatchSize { get; set; } = 64;

    /// <summary>Gets or sets Adam's learning rate. Default 0.002.</summary>
    public float LearningRate { get; set; } = 0.002f;

    /// <summary>Gets or sets the global gradient-norm limit, or 0 for none. Default 1.</summary>
    public float ClipNorm { get; set; } = 1f;

    /// <summary>
    /// Gets or sets validation rows in this trainer's input format (source keys and target text: transform raw rows with
    /// the steps fitted before the trainer); enables early stopping on validation loss. Default none.
    /// </summary>
    public IDataView? ValidationSet { get; set; }

    /// <summary>
    /// Gets or sets the learning-rate decay on a validation plateau: after an epoch whose validation loss does not
    /// improve, the best weights so far are restored and the learning rate is multiplied by this factor. 1 turns it off.
    /// Needs <see cref="ValidationSet"/>. Default 1.
    /// </summary>
    public float LearningRateDecay { get; set; } = 1f;

    /// <summary>Gets or sets epochs without validation improvement before stopping. Default 3.</summary>
    public int EarlyStoppingPatience { get; set; } = 3;

    /// <summary>Gets or sets the beam size of the decoding inside the model's ONNX graph, which <c>Transform</c> runs (1 = greedy). Default 5.</summary>
    public int BeamSize { get; set; } = 5;

    /// <summary>Gets or sets the longest output, in tokens. Default 50.</summary>
    public int MaxOutputLength { get; set; } = 50;

    /// <summary>Gets or sets α of the length normalisation <c>log p / length^α</c> (0 = none). Default 1.</summary>
    public float LengthPenalty { get; set; } = 1f;

    /// <summary>Gets or sets the seed of initialisation, shuffling, dropout and sampling. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Gets or sets where per-epoch progress goes (accuracy is not computed; loss only). Default none.</summary>
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

    /// <summary>Gets or sets a callback after each optimizer step (epoch, step within it): a test seam to stop runs at exact steps.</summary>
    internal Action<int, int>? AfterStep { get; set; }

    /// <summary>
    /// Gets or sets the processes to train with, one <see cref="Training.DataParallelGroup"/> per process of a data-parallel
    /// run (for MPI: <c>MLNetRnn.Mpi.MpiDataParallelGroup</c>), or null (the default) to train in this process alone.
    /// Every process fits the same data with the same options; each computes its share of every batch, and process 0 alone writes checkpoints. With dropout 0
    /// the result equals a single process's with the same <see cref="BatchSize"/> within float rounding; see
    /// <see cref="Training.DataParallelGroup"/>. Not with <see cref="ScheduledSampling"/> (its draws depend on each process's own predictions).
    /// </summary>
    public DataParallelGroup? DataParallelGroup { get; set; }

    /// <summary>A copy, so a trainer is not changed by later edits of the caller's object.</summary>
    internal SequenceToSequenceOptions Clone()
    {
        var copy = (SequenceToSequenceOptions)MemberwiseClone();
        copy.Checkpoint = Checkpoint?.Clone();
        return copy;
    }

    /// <summary>Throws when a setting is out of range, naming it and its value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size, count, rate or probability is out of range.</exception>
    /// <exception cref="ArgumentException">Dot attention's sizes do not fit, or <see cref="ScheduledSampling"/> is combined with a <see cref="DataParallelGroup"/> of several processes.</exception>
    public void Validate()
    {
        Checkpoint?.Validate();
        if (ScheduledSampling > 0f && DataParallelGroup is { Size: > 1 })
        {
            throw new ArgumentException($"ScheduledSampling ({ScheduledSampling}) cannot be combined with a DataParallelGroup of {DataParallelGroup.Size} processes: its draws follow each process's own predictions, so the processes' batch order would drift apart. Set ScheduledSampling to 0 for a distributed run.", nameof(ScheduledSampling));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MaxSkippedBatches, nameof(MaxSkippedBatches));
        OptionChecks.AtLeastOne((nameof(EmbeddingSize), EmbeddingSize), (nameof(HiddenSize), HiddenSize), (nameof(EncoderLayers), EncoderLayers),
            (nameof(DecoderLayers), DecoderLayers), (nameof(Epochs), Epochs), (nameof(BatchSize), BatchSize), (nameof(EarlyStoppingPatience), EarlyStoppingPatience),
            (nameof(BeamSize), BeamSize), (nameof(MaxOutputLength), MaxOutputLength));

        ArgumentOutOfRangeException.ThrowIfNegative(DecoderHiddenSize, nameof(DecoderHiddenSize));
        foreach (var (name, value) in new[] { (nameof(Dropout), Dropout), (nameof(LabelSmoothing), LabelSmoothing), (nameof(ScheduledSampling), ScheduledSampling) })
        {
            if (!(value >= 0f && value < 1f))
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1).");
            }
        }

        if (!(LearningRateDecay > 0f && LearningRateDecay <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRateDecay), LearningRateDecay, "LearningRateDecay must be in (0, 1]; 1 turns it off.");
        }

        if (!(LearningRate > 0f && float.IsFinite(LearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"Invalid learning rate: {LearningRate}. Use a positive value such as 0.002.");
        }

        if (!(ClipNorm >= 0f && float.IsFinite(ClipNorm)) || !(LengthPenalty >= 0f && float.IsFinite(LengthPenalty)))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipNorm), $"ClipNorm ({ClipNorm}) and LengthPenalty ({LengthPenalty}) must be finite and not negative.");
        }

        if (Attention == AttentionScore.Dot && DecoderHiddenSize != 0 && DecoderHiddenSize != (Bidirectional ? 2 : 1) * HiddenSize)
        {
            throw new ArgumentException($"Dot attention needs the decoder hidden size ({DecoderHiddenSize}) to equal the encoder output width ({(Bidirectional ? 2 : 1) * HiddenSize}); use General or set DecoderHiddenSize to 0.", nameof(DecoderHiddenSize));
        }
    }
}
