using System.CommandLine;
using Microsoft.ML;
using MLNetRnn.Classification;
using MLNetRnn.DataViews;
using MLNetRnn.Layers;
using MLNetRnn.Text;

namespace MLNetRnn.Cli;

/// <summary>
/// <c>mlnet-rnn train classify …</c>: fit a tokenizer, a vocabulary and a recurrent classifier on ML.NET, and save one
/// standard ML.NET .zip whose only input is the text column. (<c>train seq2seq</c>: <see cref="TrainSeq2SeqCommand"/>.)
/// </summary>
/// <remarks>
/// The saved chain is <c>TokenizeWords("Tokens", text)</c> (or <c>TokenizeCharacters</c> with <c>--level char</c>) → <c>MapTokensToIds("Ids", "Tokens")</c> → the classifier →
/// <c>MapKeyToValue("PredictedLabel")</c>. The label's key mapping is fitted here, outside the model, with the classes in
/// <see cref="LabelClasses.Order"/>, so a model predicts the label text and needs no label column.
/// </remarks>
internal static class TrainCommand
{
    private const string TokensColumn = "Tokens";
    private const string IdsColumn = "Ids";
    private const string RawLabelColumn = "mlnet-rnn.label"; // the file's label text; the key column is "Label"
    private static readonly float HeldOutFraction = new SequenceClassificationOptions().ValidationFraction; // without --validation: the library's default share held out

    public static Command Create()
    {
        var train = new Command("train", "Train a model on a data file.");
        train.Add(CreateClassify());
        train.Add(TrainSeq2SeqCommand.Create());
        train.Add(TrainTagCommand.Create());
        train.Add(ForecastCommands.CreateTrain());
        train.Add(LanguageModelCommands.CreateTrain());
        return train;
    }

    private static Command CreateClassify()
    {
        // Every default is the library's (SequenceClassificationOptions), chosen by the sweep in benchmarks/ (issue 9).
        var defaults = new SequenceClassificationOptions();
        var common = new TrainOptions(defaults.EmbeddingSize, defaults.HiddenSize, defaults.Epochs, defaults.BatchSize)
            .WithDefaults(defaults.CellType, defaults.NumberOfLayers, defaults.Dropout, defaults.LearningRate, defaults.ClipNorm, defaults.EarlyStoppingPatience);
        var textColumn = new Option<string>("--text-column") { DefaultValueFactory = _ => "Text", Description = "Text column." };
        var labelColumn = new Option<string>("--label-column") { DefaultValueFactory = _ => "Label", Description = "Label column." };
        var bidirectional = new Option<bool>("--bidirectional") { DefaultValueFactory = _ => defaults.Bidirectional, Description = $"Also read each text right to left (default {defaults.Bidirectional.ToString().ToLowerInvariant()}; --bidirectional false turns it off)." };
        var level = new Option<string>("--level") { DefaultValueFactory = _ => "word", Description = "word (words and punctuation, lower-cased) or char (characters, lower-cased: for short strings such as names)." };
        level.AcceptOnlyFromAmong("word", "char");
        var pooling = new Option<string>("--pooling") { DefaultValueFactory = _ => defaults.Pooling switch { SequencePooling.Mean => "mean", SequencePooling.Max => "max", _ => "final" }, Description = "final, mean or max." };
        pooling.AcceptOnlyFromAmong("final", "mean", "max");
        var tokenDropout = new Option<float>("--token-dropout") { DefaultValueFactory = _ => defaults.TokenDropout, Description = "Probability that each training token is read as <UNK> in a batch (word dropout), in [0, 1)." };
        var maxVocabulary = new Option<int>("--max-vocabulary") { DefaultValueFactory = _ => 20000, Description = "Largest vocabulary, specials included." };
        var minCount = new Option<int>("--min-count") { DefaultValueFactory = _ => 1, Description = "Fewest occurrences for a word to get its own id." };
        var maxTokens = CliOptions.AtLeastOne(new Option<int>("--max-tokens")
        {
            DefaultValueFactory = _ => int.MaxValue,
            Description = "Keep only the first N tokens of each text, in training and in the saved model (predict and evaluate truncate the same way). Default: no limit.",
        });
        var glove = new Option<string?>("--glove")
        {
            Description = $"Word vectors that initialise the embedding: 'builtin' ({PretrainedEmbeddings.BuiltInName}; the default at word level), 'none' (learn from scratch), or a GloVe/word2vec text file. --embedding defaults to their dimension.",
        };
        var freeze = new Option<bool>("--freeze-embeddings") { Description = "Keep the embedding fixed." };
        var gloveWords = new Option<bool>("--glove-words")
        {
            DefaultValueFactory = _ => true,
            Description = "Every word of the --glove vectors gets an id after the training words (within --max-vocabulary), so words never seen in training keep their vector instead of <UNK> (default true; --glove-words false: training words only).",
        };
        var sparseUpdates = new Option<bool>("--sparse-embedding-updates")
        {
            DefaultValueFactory = _ => true,
            Description = "With word vectors: Adam updates only the embedding rows each batch looks up (lazy, as PyTorch's SparseAdam), so a 20,000-word table costs what the batch's words cost (default true, but false with --distributed, which does not support them; false: dense Adam).",
        };
        var distributed = DistributedTraining.Create();
        var plot = PlotOutput.Create("--plot", "Write the training curves (loss, validation loss and accuracy per epoch) to this .png or .svg.");
        var command = common.AddTo(
            new Command("classify", "Train a text classifier (tokenize → vocabulary → RNN/LSTM/GRU → softmax)."),
            textColumn, labelColumn, level, bidirectional, pooling, tokenDropout, maxVocabulary, minCount, maxTokens, glove, freeze, gloveWords, sparseUpdates, distributed, plot);
        command.SetAction(p =>
        {
            var options = new SequenceClassificationOptions
            {
                FeatureColumnName = IdsColumn,
                CellType = TrainOptions.CellType(p.GetValue(common.Cell)),
                EmbeddingSize = p.GetValue(common.Embedding),
                HiddenSize = p.GetValue(common.Hidden),
                NumberOfLayers = p.GetValue(common.Layers),
                Bidirectional = p.GetValue(bidirectional),
                Dropout = p.GetValue(common.Dropout),
                TokenDropout = p.GetValue(tokenDropout),
                Pooling = p.GetValue(pooling) switch { "mean" => SequencePooling.Mean, "max" => SequencePooling.Max, _ => SequencePooling.FinalState },
                Epochs = p.GetValue(common.Epochs),
                BatchSize = p.GetValue(common.BatchSize),
                LearningRate = p.GetValue(common.LearningRate),
                ClipNorm = p.GetValue(common.Clip),
                EarlyStoppingPatience = p.GetValue(common.Patience),
                FreezeEmbeddings = p.GetValue(freeze),
            };
            bool characters = p.GetValue(level) == "char";
            bool embeddingGiven = CliOptions.Given(p, common.Embedding);
            var vectors = WordVectors.Resolve(p.GetValue(glove), characters, p.GetValue(gloveWords), embeddingGiven ? options.EmbeddingSize : null, options);
            if (options.PretrainedEmbeddings is { } loaded && !embeddingGiven)
            {
                options.EmbeddingSize = loaded.Dimension;
            }

            // Sparse updates are off by default in a distributed run (they would fail there); asked for explicitly, the trainer says why not.
            bool sparse = p.GetValue(sparseUpdates) && (!p.GetValue(distributed) || CliOptions.Given(p, sparseUpdates));
            options.SparseEmbeddingUpdates = sparse && (options.PretrainedEmbeddings is not null || options.PretrainedEmbeddingsPath is not null);

            var run = common.ReadRun(p);
            var columns = new Columns(p.GetValue(textColumn)!, p.GetValue(labelColumn)!, p.GetValue(maxVocabulary), p.GetValue(minCount), p.GetValue(maxTokens), characters, vectors);
            return DistributedTraining.Run(p.GetValue(distributed), group =>
            {
                options.DataParallelGroup = group;
                return Run(run, columns, options, p.GetValue(plot));
            });
        });
        return command;
    }

    private static int Run(TrainOptions.RunSettings s, Columns c, SequenceClassificationOptions options, string? plot)
    {
        options.Seed = s.Seed;
        options.ValidationFraction = s.ValidationOff || s.Validation is not null ? 0f : HeldOutFraction;
        (options.Checkpoint, options.MaxSkippedBatches, options.CancellationToken) = (s.Checkpoint, s.SkipBadBatches, CliCancellation.Token);
        CliCancellation.Checkpoint = s.Checkpoint.Path;
        options.Validate(); // before reading the data, so a bad setting fails fast
        PlotOutput.RequireFolder(plot, "--plot");
        var ml = new MLContext(s.Seed);
        options.LabelColumnName = c.Text == "Label" ? "Label.key" : "Label"; // the key column must not hide the text column
        var (train, validation, rows) = LoadLabelled(ml, s, c, options.LabelColumnName);
        var tokenize = c.Characters
            ? ml.Transforms.Text.TokenizeCharacters(TokensColumn, c.Text, lowerCase: true, maxTokens: c.MaxTokens)
            : ml.Transforms.Text.TokenizeWords(TokensColumn, c.Text, maxTokens: c.MaxTokens);
        var prefix = tokenize
            .Append(ml.Transforms.Text.MapTokensToIds(IdsColumn, TokensColumn, c.MaxVocabulary, c.MinCount,
                additionalTokens: c.VectorWords?.Words))
            .Fit(train);
        var trainIds = prefix.Transform(train);
        options.ValidationSet = validation is null ? null : prefix.Transform(validation);
        if (options.ValidationFraction > 0f && !s.Json)
        {
            Console.WriteLine(HeldOutReport.Announcement(options.ValidationFraction, s.Seed));
        }

        var (classifier, stats) = TrainingRun.Fit(progress =>
        {
            options.Progress = progress;
            var trainers = ml.MulticlassClassification.Trainers;
            var trainer = options.CellType switch
            {
                RecurrentCellType.SimpleRnn => trainers.Rnn(options),
                RecurrentCellType.Gru => trainers.Gru(options),
                _ => trainers.Lstm(options),
            };
            return trainer.Fit(trainIds);
        }, options.Epochs, s.Json);
        if (!DistributedTraining.WritesFiles(options.DataParallelGroup))
        {
            return 0; // process 0 saves the model (every process holds the same weights)
        }

        var toLabelText = ml.Transforms.Conversion.MapKeyToValue(classifier.PredictedLabelColumnName).Fit(classifier.Transform(trainIds));
        OutputFiles.SaveModel(ml, prefix.Append(classifier).Append(toLabelText), c.Text, s.Model);
        s.Finish();

        object? metrics = options.ValidationSet is { } v
            ? MetricsJson.Of(ml.MulticlassClassification.Evaluate(classifier.Transform(v), options.LabelColumnName, classifier.ScoreColumnName, classifier.PredictedLabelColumnName))
            : null;
        PlotOutput.TrainingCurves(plot, classifier.TrainingHistory, $"Training {Path.GetFileName(s.Model)} ({PlotOutput.CellName(options.CellType)} classifier)", s.Json);
        TrainingRun.Summary(s.Json, s.Model, stats, rows, classifier.ParameterCount,
            [("vocabulary", classifier.Architecture.VocabularySize), ("labels", classifier.Labels), ("level", c.Characters ? "char" : "word"),
                ("embeddings", WordVectors.Json(options)),
                ("heldOutValidation", HeldOutReport.Json(classifier))], metrics, options.DataParallelGroup);
        if (!s.Json && HeldOutReport.Line(classifier) is { } line)
        {
            Console.WriteLine(line);
        }

        return 0;
    }

    /// <summary>
    /// Loads the training and validation files with the label as a key column <paramref name="labelKey"/> whose keys are
    /// the training classes in <see cref="LabelClasses.Order"/>; a validation label outside them is an error.
    /// </summary>
    private static (IDataView Train, IDataView? Validation, int Rows) LoadLabelled(MLContext ml, TrainOptions.RunSettings s, Columns c, string labelKey)
    {
        (var trainRows, var validationRows) = s.Load(ml, "--text-column / --label-column", (c.Text, c.Text), (c.Label, RawLabelColumn));
        string what = $"label (column '{c.Label}')";
        string[] labels = CliData.RequiredText(trainRows, RawLabelColumn, what, s.Data);
        string[] classes = LabelClasses.Order(labels);
        if (classes.Length < 2)
        {
            throw new ArgumentException(classes.Length == 0
                ? $"Data file '{s.Data}' has no rows; give it a header and labelled texts."
                : $"Every row of '{s.Data}' has the label '{classes[0]}'; a classifier needs at least two classes.");
        }

        var labelMap = LabelClasses.MapToKeys(ml, labelKey, RawLabelColumn, classes).Fit(trainRows);
        if (validationRows is not null)
        {
            LabelClasses.RequireKnown(CliData.RequiredText(validationRows, RawLabelColumn, what, s.Validation!), classes, s.Validation!, "the training data's");
        }

        return (labelMap.Transform(trainRows), validationRows is null ? null : labelMap.Transform(validationRows), labels.Length);
    }

    private sealed record Columns(string Text, string Label, int MaxVocabulary, int MinCount, int MaxTokens, bool Characters, PretrainedEmbeddings? VectorWords);
}
