using System.Globalization;
using MLNetRnn.Numerics;
using MLNetRnn.Text;
using MLNetRnn.Training;

namespace MLNetRnn.LanguageModeling;

// N = training tokens, B = streams (BatchSize), T = bptt, V = vocabulary.

/// <summary>
/// Trains a recurrent language model on a long text with truncated backpropagation through time.
/// </summary>
/// <remarks>
/// <para>The vocabulary is built from the training text (<c>&lt;PAD&gt;</c> 0, <c>&lt;UNK&gt;</c> 1, <c>&lt;BOS&gt;</c> 2,
/// <c>&lt;EOS&gt;</c> 3, then tokens by frequency, ties by first appearance). The token stream (line mode: every line framed by
/// <c>&lt;BOS&gt;</c> … <c>&lt;EOS&gt;</c>) is cut into B parallel streams (<see cref="TokenStreams"/>) read in chunks of T
/// steps; every epoch starts all streams from a zero state and reads the chunks in order, carrying each stream's state
/// from one chunk to the next. The gradient stops at a chunk's first step. One Adam step per chunk, after clipping.</para>
/// <para>With a <see cref="LanguageModelOptions.DataParallelGroup"/> of N processes, process r reads streams r, r + N, … of
/// every chunk and keeps their carried state; the loss is per predicted token, so each process weights its gradient by its
/// share of the chunk's tokens before the sum (see <see cref="DataParallelGroup"/>).</para>
/// <para>With validation text, each epoch ends by scoring it as one stream (<see cref="LanguageModelMetrics"/>); the best
/// weights are kept and training stops after <see cref="LanguageModelOptions.EarlyStoppingPatience"/> epochs without
/// improvement.</para>
/// </remarks>
public sealed class LanguageModelTrainer
{
    private const long WeightDropStream = 0x5745_4947_4854; // "WEIGHT": the weight-drop masks' stream, seeded apart from the others

    private readonly LanguageModelOptions _options;

    /// <summary>Creates a trainer; the options are validated and copied.</summary>
    /// <param name="options">The settings, or null for the defaults.</param>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public LanguageModelTrainer(LanguageModelOptions? options = null)
    {
        options ??= new LanguageModelOptions();
        options.Validate();
        _options = options.Clone();
    }

    /// <summary>Trains on <paramref name="trainingText"/>, with early stopping on <paramref name="validationText"/> when given.</summary>
    /// <param name="trainingText">The text to learn.</param>
    /// <param name="validationText">Held-out text scored after every epoch, or null.</param>
    /// <returns>The trained model.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="trainingText"/> is null.</exception>
    /// <exception cref="ArgumentException">A text is too short: the training text needs more than B tokens, the validation text at least 2.</exception>
    /// <exception cref="TrainingDivergedException">The loss or gradient stopped being finite.</exception>
    /// <exception cref="OperationCanceledException">The options' cancellation token was cancelled.</exception>
    /// <exception cref="InvalidOperationException">The processes of a <see cref="LanguageModelOptions.DataParallelGroup"/> read different
    /// text or options (their weights, optimizer state or data digest differ at the start or after an epoch).</exception>
    public LanguageModel Fit(string trainingText, string? validationText = null)
    {
        ArgumentNullException.ThrowIfNull(trainingText);
        var o = _options;
        var text = new LanguageModelText(o.Level, o.LineMode, o.LowerCase);
        var vocabulary = Vocabulary.Build(text.Documents(trainingText), o.MinCount, o.MaxVocabularySize, addBeginEnd: true);
        int[] ids = text.Encode(trainingText, vocabulary);
        int[]? valid = null;
        if (validationText is not null)
        {
            valid = text.Encode(validationText, vocabulary);
            if (valid.Length < 2)
            {
                throw new ArgumentException($"The validation text has {valid.Length} token(s); it needs at least 2, or pass null for none.", nameof(validationText));
            }
        }

        var history = new List<TrainingProgress>();
        var network = TrainNetwork(vocabulary.Count, ids, valid, new Recorder(history, o.Progress), history);
        return new LanguageModel(network, vocabulary, text, history);
    }

    /// <summary>The engine's part of <see cref="Fit"/>, on ids already encoded.</summary>
    internal LanguageModelNetwork TrainNetwork(int vocabularySize, int[] ids, int[]? valid, IProgress<TrainingProgress>? progress, List<TrainingProgress>? history = null)
    {
        var o = _options;
        var streams = new TokenStreams(ids, o.BatchSize, o.Bptt);
        var random = new SeededRandom(o.Seed);
        var architecture = new LanguageModelArchitecture(vocabularySize, o.CellType, o.OneHotInput, o.OneHotInput ? vocabularySize : o.EmbeddingSize,
            o.HiddenSize, o.NumberOfLayers, o.Dropout);
        var network = new LanguageModelNetwork(architecture, random);
        if (o.WeightDrop > 0f)
        {
            network.UseWeightDrop(o.WeightDrop, new SeededRandom(o.Seed ^ WeightDropStream)); // not forked from random: a run without it stays as it was
        }

        var settings = new EpochSettings(o.Epochs, o.BatchSize, o.LearningRate, o.ClipNorm, o.EarlyStoppingPatience, o.LearningRateDecay, o.CosineSchedule);
        var control = new TrainingControl("LanguageModel",
            string.Create(CultureInfo.InvariantCulture, $"{architecture}, bptt {o.Bptt}, batch {o.BatchSize}, learning rate {o.LearningRate:R}, clip {o.ClipNorm:R}, patience {o.EarlyStoppingPatience}, decay {o.LearningRateDecay:R}{(o.CosineSchedule ? ", cosine schedule" : "")}{(o.WeightDrop > 0f ? $", weight drop {o.WeightDrop:R}" : "")}, seed {o.Seed}, validation {valid is not null}"),
            TrainingControl.Digest([ids], valid is null ? null : [valid]),
            [random, .. network.RandomStreams], o.Checkpoint, o.MaxSkippedBatches, o.CancellationToken, history, DataParallel: o.DataParallelGroup);
        var step = new ChunkStep(network, streams, o.DataParallelGroup);
        int[][] plan = streams.Plan();
        EpochLoop.Run(network.Parameters, settings, [], random, step.Train,
        valid is null ? null : () =>
        {
            step.Restart(); // scoring uses the network's buffers, not the training state; the next epoch starts from zeros anyway
            return (LanguageModelMetrics.Score(network, valid).CrossEntropy, null);
        },
        progress, control, () => plan);
        return network;
    }
}
