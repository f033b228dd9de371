using MLNetRnn.Data;
using MLNetRnn.Numerics;
using MLNetRnn.Pipeline;
using MLNetRnn.Text;
using MLNetRnn.Training;

namespace MLNetRnn.Models;

/// <summary>
/// Trains a recurrent sequence classifier (embedding → RNN/LSTM/GRU stack → pooling → dense → softmax) on a column of
/// token ids and a label column. Reach it through <c>ctx.SequenceClassification.Trainers.Lstm(...)</c>.
/// </summary>
/// <remarks>
/// Each epoch: length-bucketed mini-batches in random order, Adam, global-norm clipping. With a validation set the
/// weights with the lowest validation loss are restored at the end and training stops early after the patience runs out.
/// </remarks>
public sealed class SequenceClassificationTrainer : IEstimator<SequenceClassificationModel>, IValidatedEstimator
{
    private const int EvaluationBatchSize = 64;
    private readonly SequenceClassificationOptions _options;
    private readonly int _contextSeed;

    internal SequenceClassificationTrainer(SequenceClassificationOptions options, int contextSeed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _contextSeed = contextSeed;
    }

    /// <summary>Gets the settings.</summary>
    public SequenceClassificationOptions Options => _options;

    DataView? IValidatedEstimator.ValidationSet => _options.ValidationSet;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var ids = inputSchema.Require(_options.FeatureColumnName, typeof(int[]));
        if (ids.KeyValues is null)
        {
            throw new ArgumentException($"Column '{_options.FeatureColumnName}' must hold token ids with a vocabulary (the output of Transforms.Text.MapTokensToIds), not plain integers.", nameof(inputSchema));
        }

        LabelEncoding.CheckColumn(inputSchema, _options.LabelColumnName);
        return SequenceClassificationModel.OutputSchema(inputSchema, _options.PredictedLabelColumnName, _options.ScoreColumnName, null);
    }

    /// <inheritdoc/>
    public SequenceClassificationModel Fit(DataView input) => Fit(input, _options.ValidationSet);

    /// <summary>Trains on <paramref name="input"/>, scoring <paramref name="validation"/> (already in this trainer's input format) each epoch.</summary>
    /// <param name="input">Rows with the feature and label columns.</param>
    /// <param name="validation">Validation rows with the same columns, or null.</param>
    /// <returns>The trained model.</returns>
    /// <exception cref="ArgumentException">A column is missing or mistyped, the data is empty, a row has no tokens, or the
    /// training labels have fewer than two classes.</exception>
    public SequenceClassificationModel Fit(DataView input, DataView? validation)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        if (input.RowCount == 0)
        {
            throw new ArgumentException("The training data has no rows.", nameof(input));
        }

        var vocabulary = input.Schema[_options.FeatureColumnName].KeyValues!;
        int[][] sequences = input.GetColumn<int[]>(_options.FeatureColumnName);
        string[] labelText = LabelEncoding.Read(input, _options.LabelColumnName);
        string[] classes = LabelEncoding.Classes(labelText);
        if (classes.Length < 2)
        {
            throw new ArgumentException($"The training labels have a single class ('{classes[0]}'); a classifier needs at least two.", nameof(input));
        }

        int[] targets = LabelEncoding.ToClasses(labelText, classes, _options.LabelColumnName);
        (int[][] Sequences, int[] Targets)? valid = null;
        if (validation is not null)
        {
            GetOutputSchema(validation.Schema);
            valid = (validation.GetColumn<int[]>(_options.FeatureColumnName),
                LabelEncoding.ToClasses(LabelEncoding.Read(validation, _options.LabelColumnName), classes, _options.LabelColumnName));
        }

        var random = new SeededRandom(_options.Seed ?? _contextSeed);
        var architecture = new ClassifierArchitecture(vocabulary.Count, classes.Length, _options.CellType, _options.EmbeddingSize,
            _options.HiddenSize, _options.NumberOfLayers, _options.Bidirectional, _options.Dropout, _options.Pooling);
        var network = new SequenceClassifierNetwork(architecture, random);
        InitialiseEmbedding(network, vocabulary);
        Train(network, sequences, targets, valid, random);
        return new SequenceClassificationModel(network, classes, _options.FeatureColumnName, _options.PredictedLabelColumnName, _options.ScoreColumnName);
    }

    /// <inheritdoc/>
    ITransformer IValidatedEstimator.Fit(DataView input, DataView? validation) => Fit(input, validation);

    private void InitialiseEmbedding(SequenceClassifierNetwork network, IReadOnlyList<string> vocabulary)
    {
        if (_options.PretrainedEmbeddingsPath is { } path)
        {
            var pretrained = PretrainedEmbeddings.Load(path, vocabulary.ToHashSet(StringComparer.Ordinal));
            if (pretrained.Dimension != _options.EmbeddingSize)
            {
                throw new ArgumentException($"The pretrained vectors in '{path}' have dimension {pretrained.Dimension}, but EmbeddingSize is {_options.EmbeddingSize}; set EmbeddingSize to {pretrained.Dimension}.", nameof(vocabulary));
            }

            PretrainedReport = pretrained.Apply(Vocabulary.FromTokens(vocabulary), network.Embedding.Weight.Value);
        }

        network.Embedding.Weight.RequiresGradient = !_options.FreezeEmbeddings;
    }

    /// <summary>Gets how many vocabulary words the pretrained file covered in the last <see cref="Fit(DataView)"/>, or null.</summary>
    public EmbeddingInitReport? PretrainedReport { get; private set; }

    private void Train(SequenceClassifierNetwork network, int[][] sequences, int[] targets, (int[][] Sequences, int[] Targets)? valid, SeededRandom random)
    {
        var settings = new EpochSettings(_options.Epochs, _options.BatchSize, _options.LearningRate, _options.ClipNorm, _options.EarlyStoppingPatience, 1f);
        EpochLoop.Run(network.Parameters, settings, sequences.Select(s => s.Length).ToArray(), random, rows =>
        {
            var batch = SequenceBatch.Create(sequences, rows);
            double loss = network.Forward(batch, true, rows.Select(r => targets[r]).ToArray(), default);
            network.Backward();
            return new BatchLoss(loss * rows.Length, rows.Length, batch.TokenCount);
        },
        valid is { } v ? () => Score(network, v.Sequences, v.Targets) : null, _options.Progress);
    }

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
