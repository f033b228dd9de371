using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.DataViews;
using MLNetRnn.Numerics;
using MLNetRnn.Text;
using MLNetRnn.Training;

namespace MLNetRnn.Classification;

/// <summary>
/// Trains a recurrent sequence classifier (embedding → RNN/LSTM/GRU stack → pooling → dense → softmax) on a column of
/// token keys and a key label, as an ML.NET multiclass trainer: reach it through
/// <c>mlContext.MulticlassClassification.Trainers.Lstm(...)</c> (or <c>Rnn</c>, <c>Gru</c>).
/// </summary>
/// <remarks>
/// <para>Training runs in MLNetRnn's managed engine: length-bucketed mini-batches in random order, Adam, global-norm
/// clipping; with a validation set the weights with the lowest validation loss are kept and training stops early.
/// Without one, a stratified, seeded slice of the training rows (<see cref="SequenceClassificationOptions.ValidationFraction"/>,
/// default 10 %) is held out and used as the validation set; the model is trained on the rest only.</para>
/// <para>The fitted <see cref="SequenceClassificationModel"/> is made of ML.NET components: the network as an ONNX graph
/// run by ML.NET's ONNX transform, and ML.NET's hashing and value mapping that turn the arg-max label into the
/// <c>PredictedLabel</c> key. Outputs follow ML.NET's multiclass convention (<c>Score</c>: probabilities in key order
/// with the labels as slot names; <c>PredictedLabel</c>: a key of the label's type), so ML.NET's evaluator,
/// <c>MapKeyToValue</c>, cross-validation, <c>Model.Save</c>/<c>Load</c> and PredictionEngine work unchanged.</para>
/// </remarks>
public sealed class SequenceClassificationTrainer : IEstimator<SequenceClassificationModel>
{
    private const int EvaluationBatchSize = 64;
    private readonly SequenceClassificationOptions _options;

    internal SequenceClassificationTrainer(SequenceClassificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
    }

    /// <summary>Gets a copy of the settings this trainer was made with.</summary>
    public SequenceClassificationOptions Options => _options.Clone();

    /// <summary>Gets how many vocabulary words the pretrained file covered in the last <see cref="Fit(IDataView)"/>, or null.</summary>
    public EmbeddingInitReport? PretrainedReport { get; private set; }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The feature column is not a vector of keys, or the label column is not a key.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        Columns.RequireTokenKeys(inputSchema, _options.FeatureColumnName, "token ids");
        Columns.RequireLabelKey(inputSchema, _options.LabelColumnName);

        // SchemaShape columns cannot be made outside ML.NET; these two ML.NET steps add exactly the columns the model
        // adds: the predicted label (the label's key type) and a float vector with the labels as slot names.
        var ml = OnnxStep.Context();
        return ml.Transforms.CopyColumns(_options.PredictedLabelColumnName, _options.LabelColumnName)
            .Append(ml.Transforms.Conversion.MapKeyToVector(_options.ScoreColumnName, _options.LabelColumnName))
            .GetOutputSchema(inputSchema);
    }

    /// <inheritdoc/>
    public SequenceClassificationModel Fit(IDataView input) => Fit(input, _options.ValidationSet);

    /// <summary>
    /// Trains on <paramref name="input"/>, scoring <paramref name="validation"/> (same columns) after each epoch; with no
    /// validation rows, on all but a held-out slice of <paramref name="input"/> that is scored instead (see
    /// <see cref="SequenceClassificationOptions.ValidationFraction"/>).
    /// </summary>
    /// <param name="input">Rows with the feature and label columns.</param>
    /// <param name="validation">Validation rows with the same columns and key types, or null.</param>
    /// <returns>The trained model.</returns>
    /// <exception cref="ArgumentException">A column is missing or mistyped, the data is empty, a label is missing, or the
    /// validation set's key types differ from the training set's.</exception>
    public SequenceClassificationModel Fit(IDataView input, IDataView? validation)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        int keyCount = Columns.RequireTokenKeys(input.Schema, o.FeatureColumnName, "token ids");
        int classCount = Columns.RequireLabelKey(input.Schema, o.LabelColumnName);
        string[] labels = Columns.KeyValues(input.Schema[o.LabelColumnName]);
        string[] vocabulary = [Vocabulary.Pad, Vocabulary.Unknown, .. Columns.KeyValues(input.Schema[o.FeatureColumnName])];
        int[][] sequences = ColumnReader.TokenIds(input, o.FeatureColumnName);
        if (sequences.Length == 0)
        {
            throw new ArgumentException("The training data has no rows.", nameof(input));
        }

        int[] targets = ColumnReader.Classes(input, o.LabelColumnName);
        (int[][] Sequences, int[] Targets)? valid = null;
        ValidationHoldOut? heldOut = null;
        if (validation is not null)
        {
            if (Columns.RequireTokenKeys(validation.Schema, o.FeatureColumnName, "token ids (validation)") != keyCount
                || Columns.RequireLabelKey(validation.Schema, o.LabelColumnName) != classCount)
            {
                throw new ArgumentException($"The validation set's key types differ from the training set's ({validation.Schema[o.FeatureColumnName].Type} vs {input.Schema[o.FeatureColumnName].Type}, {validation.Schema[o.LabelColumnName].Type} vs {input.Schema[o.LabelColumnName].Type}); transform it with the steps fitted on the training data: prefix.Fit(train).Transform(validation).", nameof(validation));
            }

            valid = (ColumnReader.TokenIds(validation, o.FeatureColumnName), ColumnReader.Classes(validation, o.LabelColumnName));
        }
        else if (o.ValidationFraction > 0f)
        {
            (heldOut, int[] training) = ValidationHoldOut.Split(targets, o.ValidationFraction, o.Seed);
            if (heldOut.Rows.Count > 0)
            {
                valid = ([.. heldOut.Rows.Select(r => sequences[r])], [.. heldOut.Rows.Select(r => targets[r])]);
                (sequences, targets) = ([.. training.Select(r => sequences[r])], [.. training.Select(r => targets[r])]);
            }
        }

        var history = new List<TrainingProgress>();
        var network = TrainNetwork(vocabulary, classCount, sequences, targets, valid, new Recorder(history, o.Progress), history);
        return SequenceClassificationModel.Create(network, labels, vocabulary, o, input, history, heldOut);
    }

    /// <summary>
    /// The engine's part of <see cref="Fit(IDataView, IDataView)"/>, on ids already read: builds the network from the
    /// options and the seed, initialises the embedding, and trains it. (Also what the benchmarks time as "engine only".)
    /// </summary>
    /// <param name="vocabulary">The token of each id; its length is the vocabulary size.</param>
    /// <param name="classCount">C.</param>
    /// <param name="sequences">Token ids per row, each non-empty.</param>
    /// <param name="targets">Class index per row, in [0, C).</param>
    /// <param name="valid">Validation rows, or null.</param>
    /// <param name="progress">Receives each epoch's report.</param>
    /// <param name="history">The list <paramref name="progress"/> records into, which a resumed run refills with its earlier epochs.</param>
    /// <returns>The trained network.</returns>
    internal SequenceClassifierNetwork TrainNetwork(string[] vocabulary, int classCount, int[][] sequences, int[] targets,
        (int[][] Sequences, int[] Targets)? valid, IProgress<TrainingProgress> progress, List<TrainingProgress>? history = null)
    {
        var o = _options;
        var random = new SeededRandom(o.Seed);
        var architecture = new ClassifierArchitecture(vocabulary.Length, classCount, o.CellType, o.EmbeddingSize,
            o.HiddenSize, o.NumberOfLayers, o.Bidirectional, o.Dropout, o.Pooling);
        var network = new SequenceClassifierNetwork(architecture, random);
        InitialiseEmbedding(network, vocabulary);
        Train(network, sequences, targets, valid, random, progress, history);
        return network;
    }

    private void InitialiseEmbedding(SequenceClassifierNetwork network, string[] vocabulary)
    {
        var pretrained = _options.PretrainedEmbeddings
            ?? (_options.PretrainedEmbeddingsPath is { } path ? PretrainedEmbeddings.Load(path, vocabulary.ToHashSet(StringComparer.Ordinal)) : null);
        if (pretrained is not null)
        {
            if (pretrained.Dimension != _options.EmbeddingSize)
            {
                throw new ArgumentException($"The pretrained vectors in '{_options.PretrainedEmbeddingsPath}' have dimension {pretrained.Dimension}, but EmbeddingSize is {_options.EmbeddingSize}; set EmbeddingSize to {pretrained.Dimension}.", nameof(vocabulary));
            }

            PretrainedReport = pretrained.Apply(vocabulary, network.Embedding.Weight.Value);
        }

        network.Embedding.Weight.RequiresGradient = !_options.FreezeEmbeddings;
        if (_options.SparseEmbeddingUpdates)
        {
            network.Embedding.UseSparseUpdates();
        }
    }

    private void Train(SequenceClassifierNetwork network, int[][] sequences, int[] targets, (int[][] Sequences, int[] Targets)? valid, SeededRandom random, IProgress<TrainingProgress> progress,
        List<TrainingProgress>? history)
    {
        var o = _options;
        var settings = new EpochSettings(o.Epochs, o.BatchSize, o.LearningRate, o.ClipNorm, o.EarlyStoppingPatience, 1f);
        var control = new TrainingControl("SequenceClassification",
            string.Create(CultureInfo.InvariantCulture, $"{network.Architecture}, batch {o.BatchSize}, learning rate {o.LearningRate:R}, clip {o.ClipNorm:R}, patience {o.EarlyStoppingPatience}, seed {o.Seed}, frozen embedding {o.FreezeEmbeddings}, validation {valid is not null}") + TokenDropoutSetting(o.TokenDropout)
                + (o.SparseEmbeddingUpdates ? ", sparse embedding updates" : string.Empty),
            TrainingControl.Digest(sequences, [targets], valid?.Sequences, valid is { } vt ? [vt.Targets] : null),
            [random, .. network.RandomStreams], o.Checkpoint, o.MaxSkippedBatches, o.CancellationToken, history, o.AfterStep, o.DataParallelGroup);
        int[][] read = o.TokenDropout > 0f ? (int[][])sequences.Clone() : sequences; // rows as the network reads them this batch
        EpochLoop.Run(network.Parameters, settings, sequences.Select(s => s.Length).ToArray(), random, rows =>
        {
            var batch = SequenceBatch.Create(read, rows);
            double loss = network.Forward(batch, true, rows.Select(r => targets[r]).ToArray(), default);
            network.Backward();
            return new BatchLoss(loss * rows.Length, rows.Length, batch.TokenCount);
        },
        valid is { } v ? () => Score(network, v.Sequences, v.Targets) : null, progress, control,
        beforeBatch: o.TokenDropout > 0f ? rows => DropTokens(sequences, read, rows, o.TokenDropout, random) : null); // the whole batch's draws, in every process
    }

    /// <summary>Writes into <paramref name="read"/> a copy of each of <paramref name="rows"/> in which every token is <c>&lt;UNK&gt;</c> with probability <paramref name="p"/>.</summary>
    private static void DropTokens(int[][] sequences, int[][] read, int[] rows, float p, SeededRandom random)
    {
        foreach (int r in rows)
        {
            int[] source = sequences[r];
            int[] noisy = read[r] == source ? new int[source.Length] : read[r];
            for (int t = 0; t < source.Length; t++)
            {
                noisy[t] = random.NextSingle() < p ? Vocabulary.UnknownId : source[t];
            }

            read[r] = noisy;
        }
    }

    /// <summary>The checkpoint settings' mention of token dropout: empty when off, so checkpoints of earlier versions still match.</summary>
    private static string TokenDropoutSetting(float p) => p > 0f ? string.Create(CultureInfo.InvariantCulture, $", token dropout {p:R}") : string.Empty;

    private static (double Loss, double Accuracy) Score(SequenceClassifierNetwork network, int[][] sequences, int[] targets)
    {
        double loss = 0;
        int correct = 0, c = network.Architecture.ClassCount;
        foreach (int[] rows in LengthBuckets.Sorted(sequences.Select(s => s.Length).ToArray(), EvaluationBatchSize))
        {
            var batch = SequenceBatch.Create(sequences, rows);
            var batchTargets = rows.Select(r => targets[r]).ToArray();
            var probabilities = new float[rows.Length * c];
            loss += network.Forward(batch, false, batchTargets, probabilities) * rows.Length;
            for (int j = 0; j < rows.Length; j++)
            {
                correct += System.Numerics.Tensors.TensorPrimitives.IndexOfMax(probabilities.AsSpan(j * c, c)) == batchTargets[j] ? 1 : 0;
            }
        }

        return (loss / sequences.Length, (double)correct / sequences.Length);
    }
}
