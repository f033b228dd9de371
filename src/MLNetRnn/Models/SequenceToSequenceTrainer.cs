using MLNetRnn.Data;
using MLNetRnn.Numerics;
using MLNetRnn.Pipeline;
using MLNetRnn.Text;
using MLNetRnn.Training;

namespace MLNetRnn.Models;

/// <summary>
/// Trains an encoder–decoder (with attention) that maps a source id sequence to a target text: spelling to
/// pronunciation, transliteration, short translation. Reach it through <c>ctx.SequenceToSequence.Trainers.EncoderDecoder(...)</c>.
/// </summary>
/// <remarks>
/// The target column is split at <see cref="SequenceToSequenceOptions.TargetLevel"/> and a target vocabulary with
/// <c>&lt;BOS&gt;</c>/<c>&lt;EOS&gt;</c> is fitted on the training targets. Training uses teacher forcing (optionally parallel
/// scheduled sampling), cross-entropy over real target tokens only (optionally label-smoothed), Adam, clipping, length
/// buckets by source length, and early stopping on validation loss with the best weights restored.
/// </remarks>
public sealed class SequenceToSequenceTrainer : IEstimator<SequenceToSequenceModel>, IValidatedEstimator
{
    private const int EvaluationBatchSize = 128;
    private readonly SequenceToSequenceOptions _options;
    private readonly int _contextSeed;

    internal SequenceToSequenceTrainer(SequenceToSequenceOptions options, int contextSeed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _contextSeed = contextSeed;
    }

    /// <summary>Gets the settings.</summary>
    public SequenceToSequenceOptions Options => _options;

    DataView? IValidatedEstimator.ValidationSet => _options.ValidationSet;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckSource(inputSchema);
        inputSchema.Require(_options.TargetColumnName, typeof(string));
        return SequenceToSequenceModel.OutputSchema(inputSchema, _options.PredictedColumnName, _options.PredictedTokensColumnName, _options.ScoreColumnName);
    }

    /// <inheritdoc/>
    public SequenceToSequenceModel Fit(DataView input) => Fit(input, _options.ValidationSet);

    /// <summary>Trains on <paramref name="input"/>, scoring <paramref name="validation"/> (same columns) each epoch.</summary>
    /// <param name="input">Rows with the source-id and target columns.</param>
    /// <param name="validation">Validation rows, or null.</param>
    /// <returns>The trained model.</returns>
    /// <exception cref="ArgumentException">A column is missing or mistyped, the data is empty, or a source or target is empty.</exception>
    public SequenceToSequenceModel Fit(DataView input, DataView? validation)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        if (input.RowCount == 0)
        {
            throw new ArgumentException("The training data has no rows.", nameof(input));
        }

        var sourceVocabulary = input.Schema[_options.SourceColumnName].KeyValues!;
        string[][] targetTokens = ReadTargets(input);
        var targetVocabulary = Vocabulary.Build(targetTokens, addBeginEnd: true);
        var (sources, targets) = (input.GetColumn<int[]>(_options.SourceColumnName), targetTokens.Select(t => targetVocabulary.Encode(t)).ToArray());
        (int[][] Sources, int[][] Targets)? valid = null;
        if (validation is not null)
        {
            GetOutputSchema(validation.Schema);
            valid = (validation.GetColumn<int[]>(_options.SourceColumnName), ReadTargets(validation).Select(t => targetVocabulary.Encode(t)).ToArray());
        }

        int memory = (_options.Bidirectional ? 2 : 1) * _options.HiddenSize;
        var architecture = new Seq2SeqArchitecture(sourceVocabulary.Count, targetVocabulary.Count, _options.EncoderCell, _options.DecoderCell,
            _options.EmbeddingSize, _options.HiddenSize, _options.EncoderLayers, _options.Bidirectional,
            _options.DecoderHiddenSize == 0 ? memory : _options.DecoderHiddenSize, _options.DecoderLayers, _options.Attention, _options.Dropout, _options.TieEmbeddings);
        var random = new SeededRandom(_options.Seed ?? _contextSeed);
        var network = new Seq2SeqNetwork(architecture, random);
        Train(network, sources, targets, valid, targetVocabulary, random);
        return new SequenceToSequenceModel(network, targetVocabulary, _options.TargetLevel, _options.SourceColumnName, _options.PredictedColumnName,
            _options.PredictedTokensColumnName, _options.ScoreColumnName, new DecodingSettings(_options.BeamSize, _options.MaxOutputLength, _options.LengthPenalty));
    }

    /// <inheritdoc/>
    ITransformer IValidatedEstimator.Fit(DataView input, DataView? validation) => Fit(input, validation);

    private void CheckSource(DataViewSchema schema)
    {
        if (schema.Require(_options.SourceColumnName, typeof(int[])).KeyValues is null)
        {
            throw new ArgumentException($"Column '{_options.SourceColumnName}' must hold token ids with a vocabulary (the output of Transforms.Text.MapTokensToIds).", nameof(schema));
        }
    }

    private string[][] ReadTargets(DataView data)
    {
        string[] texts = data.GetColumn<string>(_options.TargetColumnName);
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

    private void Train(Seq2SeqNetwork network, int[][] sources, int[][] targets, (int[][] Sources, int[][] Targets)? valid, Vocabulary vocabulary, SeededRandom random)
    {
        var settings = new EpochSettings(_options.Epochs, _options.BatchSize, _options.LearningRate, _options.ClipNorm, _options.EarlyStoppingPatience,
            _options.LearningRateDecay);
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
        valid is { } v ? () => (Score(network, v.Sources, v.Targets, vocabulary), null) : null, _options.Progress);
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
