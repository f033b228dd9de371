using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Layers;
using MLNetRnn.Tagging;

namespace MLNetRnn.Cli;

/// <summary>
/// <c>mlnet-rnn train tag --data F.conll [--validation F.conll] --model M.zip [--crf] [--char-features] …</c>: fit a
/// vocabulary and a recurrent token tagger on a CoNLL file and save one standard ML.NET .zip whose only input is the
/// <c>Tokens</c> column (a vector of String).
/// </summary>
/// <remarks>
/// The saved chain is <c>MapTokensToIds("Ids", "Tokens")</c> (→ <c>TokenizeIntoCharactersAsKeys("Chars", "Tokens")</c>
/// with <c>--char-features</c>) → the tagger, which writes <c>PredictedTags</c>. Tokens keep their case. Without
/// <c>--validation</c> every epoch runs and the last weights are kept; with it the best epoch's weights are kept and the
/// final summary's <c>validation</c> holds <see cref="TagReport"/>'s fields, scored on the saved model.
/// </remarks>
internal static class TrainTagCommand
{
    private const string IdsColumn = "Ids";
    private const string CharactersColumn = "Chars";

    public static Command Create()
    {
        var defaults = new SequenceTaggingOptions();
        var common = new TrainOptions(defaults.EmbeddingSize, defaults.HiddenSize, defaults.Epochs, defaults.BatchSize)
            .WithDefaults(defaults.CellType, defaults.NumberOfLayers, defaults.Dropout, defaults.LearningRate, defaults.ClipNorm, defaults.EarlyStoppingPatience);
        common.Data.Description = "Training CoNLL file: one token and its tag per line (tab-separated), a blank line after each sentence.";
        common.Validation.Description = "Validation CoNLL file: enables early stopping, best-weight restore and final validation metrics. Default none: all epochs, last weights.";
        var columns = new TagOptions();
        var bidirectional = new Option<bool>("--bidirectional") { DefaultValueFactory = _ => defaults.Bidirectional, Description = "Also read each sentence right to left (default true; --bidirectional false turns it off)." };
        var crf = new Option<bool>("--crf") { Description = "Score whole tag sequences with a linear-chain CRF (Viterbi decoding) instead of a softmax per token." };
        var charFeatures = new Option<bool>("--char-features") { Description = "Also read each word from its characters (a character BiLSTM whose final states join the word embedding)." };
        var charEmbedding = CliOptions.AtLeastOne(new Option<int>("--char-embedding") { DefaultValueFactory = _ => defaults.CharacterEmbeddingSize, Description = "Character embedding size (with --char-features)." });
        var charHidden = CliOptions.AtLeastOne(new Option<int>("--char-hidden") { DefaultValueFactory = _ => defaults.CharacterHiddenSize, Description = "Character BiLSTM hidden size per direction (with --char-features)." });
        var maxVocabulary = new Option<int>("--max-vocabulary") { DefaultValueFactory = _ => 50000, Description = "Largest word vocabulary, specials included." };
        var minCount = new Option<int>("--min-count") { DefaultValueFactory = _ => 1, Description = "Fewest occurrences for a word to get its own id (rarer words read as <UNK>)." };
        var distributed = DistributedTraining.Create();
        var command = common.AddTo(
            new Command("tag", "Train a token tagger (part of speech, BIO names) on a CoNLL file (vocabulary → [character BiLSTM] → RNN/LSTM/GRU → softmax or CRF per token)."),
            columns.TokenColumn, columns.TagColumn, bidirectional, crf, charFeatures, charEmbedding, charHidden, maxVocabulary, minCount, distributed);
        command.SetAction(p =>
        {
            bool chars = p.GetValue(charFeatures);
            var options = new SequenceTaggingOptions
            {
                FeatureColumnName = IdsColumn,
                TagColumnName = TagData.TagsColumn,
                CharacterColumnName = chars ? CharactersColumn : null,
                CharacterEmbeddingSize = p.GetValue(charEmbedding),
                CharacterHiddenSize = p.GetValue(charHidden),
                CellType = TrainOptions.CellType(p.GetValue(common.Cell)),
                EmbeddingSize = p.GetValue(common.Embedding),
                HiddenSize = p.GetValue(common.Hidden),
                NumberOfLayers = p.GetValue(common.Layers),
                Bidirectional = p.GetValue(bidirectional),
                Dropout = p.GetValue(common.Dropout),
                Crf = p.GetValue(crf),
                Epochs = p.GetValue(common.Epochs),
                BatchSize = p.GetValue(common.BatchSize),
                LearningRate = p.GetValue(common.LearningRate),
                ClipNorm = p.GetValue(common.Clip),
                EarlyStoppingPatience = p.GetValue(common.Patience),
            };
            var run = common.ReadRun(p);
            var tagColumns = columns.Read(p, common.Separator);
            return DistributedTraining.Run(p.GetValue(distributed), group =>
            {
                options.DataParallelGroup = group;
                return Run(run, tagColumns, options, p.GetValue(maxVocabulary), p.GetValue(minCount));
            });
        });
        return command;
    }

    private static int Run(TrainOptions.RunSettings s, TagData.Columns columns, SequenceTaggingOptions options, int maxVocabulary, int minCount)
    {
        options.Seed = s.Seed;
        (options.Checkpoint, options.MaxSkippedBatches, options.CancellationToken) = (s.Checkpoint, s.SkipBadBatches, CliCancellation.Token);
        CliCancellation.Checkpoint = s.Checkpoint.Path;
        options.Validate(); // before reading the data, so a bad setting fails fast
        string folder = Path.GetDirectoryName(Path.GetFullPath(s.Model)) ?? string.Empty;
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The folder of --model '{s.Model}' ('{folder}') does not exist; create it or choose another path.");
        }

        var ml = new MLContext(s.Seed);
        var trainSentences = TagData.Read(s.Data, columns);
        var validationSentences = s.Validation is null ? null : TagData.Read(s.Validation, columns);
        var train = TagData.ToDataView(ml, trainSentences);
        var text = ml.Transforms.Text;
        var steps = new EstimatorChain<ITransformer>().Append<ITransformer>(text.MapTokensToIds(IdsColumn, TagData.TokensColumn, maxVocabulary, minCount));
        if (options.CharacterColumnName is { } chars)
        {
            steps = steps.Append<ITransformer>(text.TokenizeIntoCharactersAsKeys(chars, TagData.TokensColumn));
        }

        var prefix = steps.Fit(train);
        var trainIds = prefix.Transform(train);
        options.ValidationSet = validationSentences is null ? null : prefix.Transform(TagData.ToDataView(ml, validationSentences));
        var (tagger, stats) = TrainingRun.Fit(progress =>
        {
            options.Progress = progress;
            var trainers = ml.Tagging.Trainers;
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

        ml.Model.SaveAtomically(prefix.Append(tagger), TagData.InputSchema(), s.Model);
        s.Finish();

        var report = validationSentences is null ? null : TagReport.Evaluate(ModelFile.Read(s.Model), validationSentences);
        TrainingRun.Summary(s.Json, s.Model, stats, trainSentences.Count, tagger.ParameterCount,
            [("vocabulary", tagger.Architecture.VocabularySize), ("tags", tagger.Tags), ("crf", options.Crf), ("characterFeatures", options.CharacterColumnName is not null)],
            s.Json ? report?.Json() : null, options.DataParallelGroup);
        if (!s.Json && report is not null)
        {
            Console.Write(report.Describe());
        }

        return 0;
    }
}
