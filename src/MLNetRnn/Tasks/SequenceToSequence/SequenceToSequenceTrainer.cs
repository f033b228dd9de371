using System.Globalization;
using Microsoft.ML;
using MLNetRnn.DataViews;
using MLNetRnn.Numerics;
using MLNetRnn.Text;
using MLNetRnn.Training;

namespace MLNetRnn.SequenceToSequence;

/// <summary>
/// Trains an encoder–decoder (with attention) that maps a source token sequence to a target text: spelling to
/// pronunciation, transliteration, short translation. Reach it through <c>mlContext.SequenceToSequence.Trainers.EncoderDecoder(...)</c>.
/// </summary>
/// <remarks>
/// The target column is split at <see cref="SequenceToSequenceOptions.TargetLevel"/> and a target vocabulary with
/// <c>&lt;BOS&gt;</c>/<c>&lt;EOS&gt;</c> is fitted on the training targets. Training uses teacher forcing (optionally parallel
/// scheduled sampling), cross-entropy over real target tokens only (optionally label-smoothed), Adam, clipping, length
/// buckets by source length, and early stopping on validation loss with the best weights restored.
/// </remarks>
public sealed class SequenceToSequenceTrainer : IEstimator<SequenceToSequenceModel>
{
    private const int EvaluationBatchSize = 128;
    private readonly SequenceToSequenceOptions _options;

    internal SequenceToSequenceTrainer(SequenceToSequenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
    }

    /// <summary>Gets a copy of the settings this trainer was made with.</summary>
    public SequenceToSequenceOptions Options => _options.Clone();

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The source column is not a vector of keys or the target column is not String.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        Columns.RequireTokenKeys(inputSchema, _options.SourceColumnName, "source token ids");
        Columns.RequireText(inputSchema, _options.TargetColumnName, "target text");

        // SchemaShape columns cannot be made outside ML.NET; these ML.NET steps add columns of the model's output kinds:
        // a variable vector of String (predicted tokens) and a known-size vector of Single (score).
        var ml = DataViews.OnnxStep.Context();
        string key = _options.ScoreColumnName + ".key";
        return ml.Transforms.Text.TokenizeIntoWords(_options.PredictedTokensColumnName, _options.TargetColumnName)
            .Append(ml.Transforms.Conversion.MapValueToKey(key, _options.TargetColumnName))
            .Append(ml.Transforms.Conversion.MapKeyToVector(_options.ScoreColumnName, key))
            .Append(ml.Transforms.DropColumns(key))
            .GetOutputSchema(inputSchema);
    }

    /// <inheritdoc/>
    public SequenceToSequenceModel Fit(IDataView input) => Fit(input, _options.ValidationSet);

    /// <summary>Trains on <paramref name="input"/>, scoring <paramref name="validation"/> (same columns) each epoch.</summary>
    /// <param name="input">Rows with the source-id and target columns.</param>
    /// <param name="validation">Validation rows, or null.</param>
    /// <returns>The trained model.</returns>
    /// <exception cref="ArgumentException">A column is missing or mistyped, the data is empty, or a target is empty.</exception>
    public SequenceToSequenceModel Fit(IDataView input, IDataView? validation)
    {
        ArgumentNullException.ThrowIfNull(input);
        int keyCount = CheckColumns(input.Schema, string.Empty);
        string[] sourceVocabulary = [Vocabulary.Pad, Vocabulary.Unknown, .. Columns.KeyValues(input.Schema[_options.SourceColumnName])];
        string[][] targetTokens = ReadTargets(input);
        if (targetTokens.Length == 0)
        {
            throw new ArgumentException("The training data has no rows.", nameof(input));
        }

        var targetVocabulary = Vocabulary.Build(targetTokens, addBeginEnd: true);
        var (sources, targets) = (ColumnReader.TokenIds(input, _options.SourceColumnName), targetTokens.Select(t => targetVocabulary.Encode(t)).ToArray());
        (int[][] Sources, int[][] Targets)? valid = null;
        if (validation is not null)
        {
            if (CheckColumns(validation.Schema, " (validation)") != keyCount)
            {
                throw new ArgumentException($"The validation set's source key type ({validation.Schema[_options.SourceColumnName].Type}) differs from the training set's ({input.Schema[_options.SourceColumnName].Type}); transform it with the steps fitted on the training data: prefix.Fit(train).Transform(validation).", nameof(validation));
            }

            valid = (ColumnReader.TokenIds(validation, _options.SourceColumnName), ReadTargets(validation).Select(t => targetVocabulary.Encode(t)).ToArray());
        }

        int memory = (_options.Bidirectional ? 2 : 1) * _options.HiddenSize;
        var architecture = new Seq2SeqArchitecture(sourceVocabulary.Length, targetVocabulary.Count, _options.EncoderCell, _options.DecoderCell,
            _options.EmbeddingSize, _options.HiddenSize, _options.EncoderLayers, _options.Bidirectional,
            _options.DecoderHiddenSize == 0 ? memory : _options.DecoderHiddenSize, _options.DecoderLayers, _options.Attention, _options.Dropout, _options.TieEmbeddings);
        var random = new SeededRandom(_options.Seed);
        var network = new Seq2SeqNetwork(architecture, random);
        var history = new List<TrainingProgress>();
        Train(network, sources, targets, valid, targetVocabulary, random, new Recorder(history, _options.Progress), history);
        var decoding = new DecodingSettings(_options.BeamSize, _options.MaxOutputLength, _options.LengthPenalty);
        return SequenceToSequenceModel.Create(network, sourceVocabulary, targetVocabulary, decoding, _options, input, history);
    }

    private int CheckColumns(Microsoft.ML.DataViewSchema schema, string which)
    {
        int keys = Columns.RequireTokenKeys(schema, _options.SourceColumnName, "source token ids" + which);
        Columns.RequireText(schema, _options.TargetColumnName, "target text" + which);
        return keys;
    }

    private string[][] ReadTargets(IDataView data)
    {
        string[] texts = ColumnReader.Text(data, _options.TargetColumnName);
        var tokens = new string[texts.Length][];
        for (int i = 0; i < texts.Length; i++)
        {
            tokens[i] = TargetTokens.Split(texts[i] ?? string.Empty, _options.TargetLevel);
            if (tokens[i].Length == 0)
            {
                throw new ArgumentException($"Row {i} of target column '{_options.TargetColumnName}' is empty; every training and validation row needs a target.", nameof(data));
            }
        }

        return tokens;
    }

    private void Train(Seq2SeqNetwork network, int[][] sources, int[][] targets, (int[][] Sources, int[][] Targets)? valid, Vocabulary vocabulary, SeededRandom random,
        IProgress<TrainingProgress> progress, List<TrainingProgress> history)
    {
        var o = _options;
        var settings = new EpochSettings(o.Epochs, o.BatchSize, o.LearningRate, o.ClipNorm, o.EarlyStoppingPatience, o.LearningRateDecay);
        var control = new TrainingControl("SequenceToSequence",
            string.Create(CultureInfo.InvariantCulture,
                $"{network.Architecture}, batch {o.BatchSize}, learning rate {o.LearningRate:R}, decay {o.LearningRateDecay:R}, clip {o.ClipNorm:R}, patience {o.EarlyStoppingPatience}, label smoothing {o.LabelSmoothing:R}, scheduled sampling {o.ScheduledSampling:R}, seed {o.Seed}, validation {valid is not null}"),
            TrainingControl.Digest(sources, targets, valid?.Sources, valid?.Targets),
            [random, .. network.RandomStreams], o.Checkpoint, o.MaxSkippedBatches, o.CancellationToken, history, o.AfterStep, o.DataParallelGroup);
        EpochLoop.Run(network.Parameters, settings, sources.Select(s => s.Length).ToArray(), random, rows =>
        {
            var batch = Seq2SeqBatch.Create(sources, targets, rows, vocabulary.BeginId, vocabulary.EndId);
            if (_options.ScheduledSampling > 0f)
            {
                MixInPredictions(network, batch, random);
            }

            double loss = network.Forward(batch, true, _options.LabelSmoothing);
            network.Backward();
            return new BatchLoss(loss * batch.TargetTokenCount, batch.TargetTokenCount, batch.Source.TokenCount + batch.TargetTokenCount);
        },
        valid is { } v ? () => (Score(network, v.Sources, v.Targets, vocabulary), null) : null, progress, control);
    }

    /// <summary>Replaces each decoder input after &lt;BOS&gt; by the model's own previous prediction with probability p.</summary>
    private void MixInPredictions(Seq2SeqNetwork network, Seq2SeqBatch batch, SeededRandom random)
    {
        int[] predicted = network.PredictTeacherForced(batch);
        int b = batch.BatchSize;
        for (int row = 0; row < b; row++)
        {
            for (int step = 1; step < batch.TargetLengths[row]; step++)
            {
                if (random.NextSingle() < _options.ScheduledSampling)
                {
                    batch.DecoderInput[(step * b) + row] = predicted[((step - 1) * b) + row];
                }
            }
        }
    }

    private static double Score(Seq2SeqNetwork network, int[][] sources, int[][] targets, Vocabulary vocabulary)
    {
        double loss = 0;
        long count = 0;
        foreach (int[] rows in LengthBuckets.Sorted(sources.Select(s => s.Length).ToArray(), EvaluationBatchSize))
        {
            var batch = Seq2SeqBatch.Create(sources, targets, rows, vocabulary.BeginId, vocabulary.EndId);
            loss += network.Forward(batch, false, 0f) * batch.TargetTokenCount;
            count += batch.TargetTokenCount;
        }

        return loss / count;
    }
}
