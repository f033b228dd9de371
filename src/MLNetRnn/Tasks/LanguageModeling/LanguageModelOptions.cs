using MLNetRnn.Layers;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Training;

namespace MLNetRnn.LanguageModeling;

/// <summary>
/// Settings of <see cref="LanguageModelTrainer"/>; every property has a documented default. The trainer copies them when
/// it is made, so changing this object afterwards does not change a trainer already made from it.
/// </summary>
public sealed class LanguageModelOptions
{
    /// <summary>Gets or sets the token level: characters (whitespace kept) or words and punctuation. Default characters.</summary>
    public TokenLevel Level { get; set; } = TokenLevel.Character;

    /// <summary>
    /// Gets or sets whether the text is one sentence a line: each line is framed by <c>&lt;BOS&gt;</c> … <c>&lt;EOS&gt;</c>,
    /// newlines are not tokens, and generation may start from an empty prompt and ends at <c>&lt;EOS&gt;</c>. Default false:
    /// the text is one continuous stream (newlines are tokens at character level).
    /// </summary>
    public bool LineMode { get; set; }

    /// <summary>Gets or sets whether text is lower-cased before it is split. Default false.</summary>
    public bool LowerCase { get; set; }

    /// <summary>Gets or sets the recurrent cell. Default LSTM.</summary>
    public RecurrentCellType CellType { get; set; } = RecurrentCellType.Lstm;

    /// <summary>Gets or sets whether tokens enter as one-hot vectors (no embedding table; for small vocabularies such as
    /// characters) instead of a learned embedding of <see cref="EmbeddingSize"/>. Default false.</summary>
    public bool OneHotInput { get; set; }

    /// <summary>Gets or sets E, the embedding size (unused with <see cref="OneHotInput"/>). Default 64.</summary>
    public int EmbeddingSize { get; set; } = 64;

    /// <summary>Gets or sets H, the hidden size. Default 256.</summary>
    public int HiddenSize { get; set; } = 256;

    /// <summary>Gets or sets the number of stacked recurrent layers. Default 1.</summary>
    public int NumberOfLayers { get; set; } = 1;

    /// <summary>Gets or sets the dropout probability between recurrent layers and before the head, in [0, 1). Default 0.</summary>
    public float Dropout { get; set; }

    /// <summary>
    /// Gets or sets the weight-drop probability: for every training chunk, each entry of every layer's recurrent matrix
    /// (<c>weight_hh</c>) is zeroed with this probability (the rest scaled by 1/(1−p)), one mask shared by all steps and
    /// streams of the chunk: DropConnect on the hidden-to-hidden weights, AWD-LSTM's regulariser, which leaves the
    /// recurrence itself unchanged and lets a larger model train longer before it memorises the text. In [0, 1); training
    /// only (scoring, generation and the saved model use the full weights). Default 0 (off).
    /// </summary>
    public float WeightDrop { get; set; }

    /// <summary>Gets or sets the truncated-BPTT chunk: steps read between two optimizer steps; the state is carried across
    /// chunks, the gradient stops at each chunk's first step. Default 100.</summary>
    public int Bptt { get; set; } = 100;

    /// <summary>Gets or sets B: the training text is cut into B equal parallel streams, each read from start to end. Default 32.</summary>
    public int BatchSize { get; set; } = 32;

    /// <summary>Gets or sets the most passes over the training text. Default 10.</summary>
    public int Epochs { get; set; } = 10;

    /// <summary>Gets or sets Adam's learning rate. Default 0.002.</summary>
    public float LearningRate { get; set; } = 0.002f;

    /// <summary>Gets or sets the global gradient-norm limit, or 0 for none. Default 1.</summary>
    public float ClipNorm { get; set; } = 1f;

    /// <summary>Gets or sets the largest vocabulary, special tokens included (the most frequent tokens are kept). Default unlimited.</summary>
    public int MaxVocabularySize { get; set; } = int.MaxValue;

    /// <summary>Gets or sets the fewest occurrences a token needs to get its own id (rarer ones read as <c>&lt;UNK&gt;</c>). Default 1.</summary>
    public int MinCount { get; set; } = 1;

    /// <summary>Gets or sets epochs without held-out improvement before stopping (with validation text). Default 3.</summary>
    public int EarlyStoppingPatience { get; set; } = 3;

    /// <summary>Gets or sets the learning-rate factor applied when an epoch does not improve the held-out loss (the best
    /// weights are restored first), in (0, 1]; 1 turns it off. Default 1.</summary>
    public float LearningRateDecay { get; set; } = 1f;

    /// <summary>Gets or sets whether the learning rate anneals along a half cosine, from <see cref="LearningRate"/> at the first
    /// step to 0 after the last step of the last epoch (per step; combined with <see cref="LearningRateDecay"/> when both are on).
    /// Annealing lets a run of a fixed budget settle into a lower loss than a constant rate. Default false.</summary>
    public bool CosineSchedule { get; set; }

    /// <summary>Gets or sets the seed of initialisation and dropout. Same seed, same text: the same weights. Default 1.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Gets or sets where per-epoch progress goes (losses in nats per token), or null.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>
    /// Gets or sets where and how often the training state is saved so an interrupted run can continue. A run resumed
    /// inside an epoch restarts the carried state from zeros at the chunk it resumes at. Default none.
    /// </summary>
    public CheckpointSettings? Checkpoint { get; set; }

    /// <summary>Gets or sets how many chunks with a non-finite loss or gradient are skipped before training stops. Default 0.</summary>
    public int MaxSkippedBatches { get; set; }

    /// <summary>Gets or sets a token that stops training at the next chunk boundary (after a final checkpoint). Default none.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>
    /// Gets or sets the processes to train with, one <see cref="Training.DataParallelGroup"/> per process of a data-parallel
    /// run (for MPI: <c>MLNetRnn.Mpi.MpiDataParallelGroup</c>), or null (the default) to train in this process alone.
    /// Every process reads the same text with the same options; process r of N reads streams r, r + N, r + 2N, … of the
    /// <see cref="BatchSize"/> streams for the whole run (their carried state stays with it), and process 0 alone writes
    /// checkpoints. With dropout 0 the result equals a single process's with the same <see cref="BatchSize"/> within float
    /// rounding; see <see cref="Training.DataParallelGroup"/>. <see cref="BatchSize"/> must be at least the group's size.
    /// </summary>
    public DataParallelGroup? DataParallelGroup { get; set; }

    /// <summary>A copy, so a trainer is not changed by later edits of the caller's object.</summary>
    internal LanguageModelOptions Clone()
    {
        var copy = (LanguageModelOptions)MemberwiseClone();
        copy.Checkpoint = Checkpoint?.Clone();
        return copy;
    }

    /// <summary>Throws when a setting is out of range, naming it and its value.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size, count or rate is out of range, an enum value is undefined, or
    /// <see cref="BatchSize"/> is smaller than the <see cref="DataParallelGroup"/>'s size.</exception>
    public void Validate()
    {
        Checkpoint?.Validate();
        OptionChecks.AtLeastOne((nameof(EmbeddingSize), EmbeddingSize), (nameof(HiddenSize), HiddenSize), (nameof(NumberOfLayers), NumberOfLayers),
            (nameof(Bptt), Bptt), (nameof(BatchSize), BatchSize), (nameof(Epochs), Epochs), (nameof(MinCount), MinCount),
            (nameof(EarlyStoppingPatience), EarlyStoppingPatience));
        if (DataParallelGroup is { Size: var processes } && BatchSize < processes)
        {
            throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize,
                $"BatchSize, the number of streams, must be at least the DataParallelGroup's {processes} processes, got {BatchSize}: each process reads its own streams, so a process without one would idle. Use a BatchSize of {processes} or more, or fewer processes.");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(MaxSkippedBatches, nameof(MaxSkippedBatches));
        if (MaxVocabularySize < 5)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxVocabularySize), MaxVocabularySize, $"MaxVocabularySize must leave room for <PAD>, <UNK>, <BOS>, <EOS> and one token (at least 5), got {MaxVocabularySize}.");
        }

        if (!Enum.IsDefined(CellType) || !Enum.IsDefined(Level))
        {
            throw new ArgumentOutOfRangeException(Enum.IsDefined(CellType) ? nameof(Level) : nameof(CellType), "CellType and Level must be defined enum values.");
        }

        if (!(Dropout >= 0f && Dropout < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, $"Dropout must be in [0, 1), got {Dropout}.");
        }

        if (!(WeightDrop >= 0f && WeightDrop < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(WeightDrop), WeightDrop, $"WeightDrop must be in [0, 1) (0 = off; 0.1 to 0.5 are usual), got {WeightDrop}.");
        }

        if (!(LearningRate > 0f && float.IsFinite(LearningRate)))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, $"Invalid learning rate: {LearningRate}. Use a positive value such as 0.002.");
        }

        if (!(ClipNorm >= 0f && float.IsFinite(ClipNorm)))
        {
            throw new ArgumentOutOfRangeException(nameof(ClipNorm), ClipNorm, $"ClipNorm must be 0 (off) or a positive value such as 1, got {ClipNorm}.");
        }

        if (!(LearningRateDecay > 0f && LearningRateDecay <= 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(LearningRateDecay), LearningRateDecay, $"LearningRateDecay must be in (0, 1] (1 = off), got {LearningRateDecay}.");
        }
    }
}
