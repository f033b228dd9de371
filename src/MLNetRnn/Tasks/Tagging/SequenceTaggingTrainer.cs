using System.Globalization;
using Microsoft.ML;
using MLNetRnn.DataViews;
using MLNetRnn.Numerics;
using MLNetRnn.Text;
using MLNetRnn.Training;

namespace MLNetRnn.Tagging;

/// <summary>
/// Trains a recurrent sequence tagger (embedding → bidirectional RNN/LSTM/GRU stack → dense per token → softmax or
/// linear-chain CRF) on a column of token keys and a column of tags (a vector of String, one per token). Reach it
/// through <c>mlContext.Tagging.Trainers.Lstm(...)</c> (or <c>Rnn</c>, <c>Gru</c>).
/// </summary>
/// <remarks>
/// <para>Training runs in MLNetRnn's managed engine: length-bucketed mini-batches in random order, Adam, global-norm
/// clipping, loss over real tokens only; with a validation set the weights with the lowest validation loss are kept and
/// training stops early. The tag set is the training tags in ordinal order.</para>
/// <para>With <see cref="SequenceTaggingOptions.CharacterColumnName"/> each word is also read from its characters (a
/// character BiLSTM, <see cref="Layers.CharacterWordEncoder"/>, trained jointly); the character vocabulary is the training
/// characters, and an unseen character reads as <c>&lt;UNK&gt;</c>.</para>
/// <para>The fitted <see cref="SequenceTaggingModel"/> is ML.NET's ONNX transform over the network's graph, which writes
/// <c>PredictedTags</c> (the arg-max tag per token, or the CRF's Viterbi path, as text), so <c>Model.Save</c>/<c>Load</c>
/// and PredictionEngine work unchanged in an app without MLNetRnn.</para>
/// </remarks>
public sealed class SequenceTaggingTrainer : IEstimator<SequenceTaggingModel>
{
    private const int EvaluationBatchSize = 64;
    private readonly SequenceTaggingOptions _options;

    internal SequenceTaggingTrainer(SequenceTaggingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options.Clone();
    }

    /// <summary>Gets a copy of the settings this trainer was made with.</summary>
    public SequenceTaggingOptions Options => _options.Clone();

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The feature column is not a vector of keys, or the tag column is not a vector of String.</exception>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        Columns.RequireTokenKeys(inputSchema, _options.FeatureColumnName, "token ids");
        Columns.RequireTextVector(inputSchema, _options.TagColumnName, "tags");
        if (_options.CharacterColumnName is { } characters)
        {
            TaggerCharacters.RequireColumn(inputSchema, characters);
        }

        // SchemaShape columns cannot be made outside ML.NET; this ML.NET step adds a column of the model's output kind,
        // a variable-length vector of String.
        var ml = OnnxStep.Context();
        return ml.Transforms.Text.TokenizeIntoWords(_options.PredictedTagsColumnName, _options.TagColumnName).GetOutputSchema(inputSchema);
    }

    /// <inheritdoc/>
    public SequenceTaggingModel Fit(IDataView input) => Fit(input, _options.ValidationSet);

    /// <summary>Trains on <paramref name="input"/>, scoring <paramref name="validation"/> (same columns) after each epoch.</summary>
    /// <param name="input">Rows with the feature and tag columns.</param>
    /// <param name="validation">Validation rows with the same columns and key type, or null.</param>
    /// <returns>The trained model.</returns>
    /// <exception cref="ArgumentException">A column is missing or mistyped, the data is empty, a row's token and tag
    /// counts differ (the message names the row), a validation tag was not seen in training, or the validation set's key
    /// type differs from the training set's.</exception>
    public SequenceTaggingModel Fit(IDataView input, IDataView? validation)
    {
        ArgumentNullException.ThrowIfNull(input);
        var o = _options;
        int keyCount = Columns.RequireTokenKeys(input.Schema, o.FeatureColumnName, "token ids");
        Columns.RequireTextVector(input.Schema, o.TagColumnName, "tags");
        string[] vocabulary = [Vocabulary.Pad, Vocabulary.Unknown, .. Columns.KeyValues(input.Schema[o.FeatureColumnName])];
        int[][] sequences = ColumnReader.TokenIds(input, o.FeatureColumnName);
        if (sequences.Length == 0)
        {
            throw new ArgumentException("The training data has no rows.", nameof(input));
        }

        string[][] tagTexts = ColumnReader.TextVectors(input, o.TagColumnName);
        string[] tags = [.. tagTexts.SelectMany(t => t).Distinct().Order(StringComparer.Ordinal)];
        int[][] targets = Encode(sequences, tagTexts, tags, "training");
        string[]? characterVocabulary = null;
        CharacterData? trainCharacters = null, validCharacters = null;
        if (o.CharacterColumnName is { } characterColumn)
        {
            string[][] words = ReadWords(input, characterColumn, sequences, "training");
            characterVocabulary = TaggerCharacters.Vocabulary(words.SelectMany(w => w));
            trainCharacters = CharacterData.Of(words, characterVocabulary);
            if (validation is not null)
            {
                validCharacters = CharacterData.Of(ReadWords(validation, characterColumn, ColumnReader.TokenIds(validation, o.FeatureColumnName), "validation"), characterVocabulary);
            }
        }

        (int[][] Sequences, int[][] Targets)? valid = null;
        if (validation is not null)
        {
            if (Columns.RequireTokenKeys(validation.Schema, o.FeatureColumnName, "token ids (validation)") != keyCount)
            {
                throw new ArgumentException($"The validation set's key type differs from the training set's ({validation.Schema[o.FeatureColumnName].Type} vs {input.Schema[o.FeatureColumnName].Type}); transform it with the steps fitted on the training data: prefix.Fit(train).Transform(validation).", nameof(validation));
            }

            Columns.RequireTextVector(validation.Schema, o.TagColumnName, "tags (validation)");
            int[][] validSequences = ColumnReader.TokenIds(validation, o.FeatureColumnName);
            valid = (validSequences, Encode(validSequences, ColumnReader.TextVectors(validation, o.TagColumnName), tags, "validation"));
        }

        var history = new List<TrainingProgress>();
        var network = TrainNetwork(vocabulary.Length, tags.Length, sequences, targets, valid, new Recorder(history, o.Progress), history,
            characterVocabulary?.Length ?? 0, trainCharacters, validCharacters);
        return SequenceTaggingModel.Create(network, tags, vocabulary, characterVocabulary, o, input, history);
    }

    /// <summary>Each row's words from the character column, which must split into as many words as the row has tokens.</summary>
    private string[][] ReadWords(IDataView data, string column, int[][] sequences, string which)
    {
        string[][] words = TaggerCharacters.ReadWords(data, column);
        for (int r = 0; r < words.Length; r++)
        {
            if (words[r].Length != sequences[r].Length)
            {
                throw new ArgumentException($"Row {r} of the {which} data has {sequences[r].Length} tokens in column '{_options.FeatureColumnName}' but its characters in column '{column}' split into {words[r].Length} words; make both columns from the same token vector (a token must not contain the control characters U+0002, U+0003 or U+001F, which separate words).", which == "training" ? "input" : "validation");
            }
        }

        return words;
    }

    /// <summary>
    /// The engine's part of <see cref="Fit(IDataView, IDataView)"/>, on ids already read: builds the network from the
    /// options and the seed and trains it.
    /// </summary>
    /// <param name="vocabularySize">V.</param>
    /// <param name="tagCount">K.</param>
    /// <param name="sequences">Token ids per row, each non-empty.</param>
    /// <param name="targets">Tag ids per row, in [0, K), one per token.</param>
    /// <param name="valid">Validation rows, or null.</param>
    /// <param name="progress">Receives each epoch's report.</param>
    /// <param name="history">The list <paramref name="progress"/> records into, which a resumed run refills with its earlier epochs.</param>
    /// <param name="characterCount">C, the character vocabulary, or 0 without character features.</param>
    /// <param name="trainCharacters">The training rows' words as characters (with character features).</param>
    /// <param name="validCharacters">The validation rows' words as characters (with character features and validation rows).</param>
    /// <returns>The trained network.</returns>
    internal SequenceTaggerNetwork TrainNetwork(int vocabularySize, int tagCount, int[][] sequences, int[][] targets,
        (int[][] Sequences, int[][] Targets)? valid, IProgress<TrainingProgress> progress, List<TrainingProgress>? history = null,
        int characterCount = 0, CharacterData? trainCharacters = null, CharacterData? validCharacters = null)
    {
        var o = _options;
        var random = new SeededRandom(o.Seed);
        bool chars = characterCount > 0;
        var architecture = new TaggerArchitecture(vocabularySize, tagCount, o.CellType, o.EmbeddingSize, o.HiddenSize, o.NumberOfLayers,
            o.Bidirectional, o.Dropout, o.Crf, characterCount, chars ? o.CharacterEmbeddingSize : 0, chars ? o.CharacterHiddenSize : 0);
        var network = new SequenceTaggerNetwork(architecture, random);
        var settings = new EpochSettings(o.Epochs, o.BatchSize, o.LearningRate, o.ClipNorm, o.EarlyStoppingPatience, 1f);
        var control = new TrainingControl("SequenceTagging",
            string.Create(CultureInfo.InvariantCulture, $"{architecture}, batch {o.BatchSize}, learning rate {o.LearningRate:R}, clip {o.ClipNorm:R}, patience {o.EarlyStoppingPatience}, seed {o.Seed}, validation {valid is not null}"),
            TrainingControl.Digest(sequences, targets, valid?.Sequences, valid?.Targets),
            [random, .. network.RandomStreams], o.Checkpoint, o.MaxSkippedBatches, o.CancellationToken, history, DataParallel: o.DataParallelGroup);
        EpochLoop.Run(network.Parameters, settings, sequences.Select(s => s.Length).ToArray(), random, rows =>
        {
            var batch = SequenceBatch.Create(sequences, rows);
            double loss = network.Forward(batch, true, TimeMajor(targets, rows, batch.TimeSteps), trainCharacters?.Batch(rows, batch.TimeSteps));
            network.Backward();
            long units = o.Crf ? rows.Length : batch.TokenCount; // the CRF's loss is per sentence, the softmax's per token
            return new BatchLoss(loss * units, units, batch.TokenCount);
        },
        valid is { } v ? () => Score(network, v.Sequences, v.Targets, validCharacters) : null, progress, control);
        return network;
    }

    /// <summary>(T, B) tags of the given rows, -1 on padding.</summary>
    internal static int[] TimeMajor(int[][] targets, ReadOnlySpan<int> rows, int timeSteps)
    {
        int b = rows.Length;
        var result = new int[timeSteps * b];
        Array.Fill(result, -1);
        for (int j = 0; j < b; j++)
        {
            int[] row = targets[rows[j]];
            for (int step = 0; step < row.Length; step++)
            {
                result[(step * b) + j] = row[step];
            }
        }

        return result;
    }

    private int[][] Encode(int[][] sequences, string[][] tagTexts, string[] tags, string which)
    {
        var index = tags.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
        var result = new int[tagTexts.Length][];
        for (int r = 0; r < tagTexts.Length; r++)
        {
            if (tagTexts[r].Length != sequences[r].Length)
            {
                throw new ArgumentException($"Row {r} of the {which} data has {sequences[r].Length} tokens in column '{_options.FeatureColumnName}' but {tagTexts[r].Length} tags in column '{_options.TagColumnName}'; every token needs exactly one tag (a row with no tokens reads as one <UNK> token).", which == "training" ? "input" : "validation");
            }

            result[r] = new int[tagTexts[r].Length];
            for (int i = 0; i < tagTexts[r].Length; i++)
            {
                if (!index.TryGetValue(tagTexts[r][i], out result[r][i]))
                {
                    throw new ArgumentException($"Row {r} of the {which} data has tag '{tagTexts[r][i]}' at token {i}, which the training data does not have; the tagger can only predict the training tags ({string.Join(", ", tags)}).", which == "training" ? "input" : "validation");
                }
            }
        }

        return result;
    }

    private static (double Loss, double? Accuracy) Score(SequenceTaggerNetwork network, int[][] sequences, int[][] targets, CharacterData? characters)
    {
        double loss = 0;
        long correct = 0, tokens = 0, units = 0;
        bool crf = network.Architecture.Crf;
        foreach (int[] rows in LengthBuckets.Sorted(sequences.Select(s => s.Length).ToArray(), EvaluationBatchSize))
        {
            var batch = SequenceBatch.Create(sequences, rows);
            var words = characters?.Batch(rows, batch.TimeSteps);
            long n = crf ? rows.Length : batch.TokenCount;
            loss += network.Forward(batch, false, TimeMajor(targets, rows, batch.TimeSteps), words) * n;
            units += n;
            int[][] predicted = network.Predict(batch, words);
            for (int j = 0; j < rows.Length; j++)
            {
                int[] gold = targets[rows[j]];
                for (int i = 0; i < gold.Length; i++)
                {
                    correct += predicted[j][i] == gold[i] ? 1 : 0;
                }

                tokens += gold.Length;
            }
        }

        return (loss / units, (double)correct / tokens);
    }
}
