using System.CommandLine;
using Microsoft.ML;
using MLNetRnn.DataViews;
using MLNetRnn.Layers;
using MLNetRnn.SequenceToSequence;

namespace MLNetRnn.Cli;

/// <summary>
/// <c>mlnet-rnn train seq2seq …</c>: fit a source tokenizer and vocabulary and an encoder–decoder (attention, beam
/// search) that maps a source text to a target text, and save one standard ML.NET .zip whose only input is the source column.
/// </summary>
/// <remarks>
/// The saved chain is <c>TokenizeCharacters("SourceTokens", source)</c> (or <c>TokenizeWords</c>) →
/// <c>MapTokensToIds("SourceIds", "SourceTokens")</c> → the encoder–decoder. The validation metrics are decoded with the
/// model's beam (<c>--beam</c>): the ML.NET model's own output for beam 1, the engine's beam search on the same weights above.
/// </remarks>
internal static class TrainSeq2SeqCommand
{
    private const string SourceTokensColumn = "SourceTokens";

    public static Command Create()
    {
        var common = new TrainOptions(embedding: 64, hidden: 128, epochs: 20, batchSize: 64);
        var sourceColumn = new Option<string>("--source-column") { DefaultValueFactory = _ => "Source", Description = "Source text column." };
        var targetColumn = new Option<string>("--target-column") { DefaultValueFactory = _ => "Target", Description = "Target text column." };
        var sourceLevel = new Option<string>("--source-level")
        {
            DefaultValueFactory = _ => "char",
            Description = "char: one token per character, case kept; word: the library's word tokenizer (lower-cased words, punctuation as tokens).",
        };
        sourceLevel.AcceptOnlyFromAmong("char", "word");
        var targetLevel = new Option<string>("--target-level")
        {
            DefaultValueFactory = _ => "word",
            Description = "word: whitespace-separated tokens kept as written (e.g. phones), joined with spaces; char: one token per character.",
        };
        targetLevel.AcceptOnlyFromAmong("char", "word");
        var attention = new Option<string>("--attention") { DefaultValueFactory = _ => "general", Description = "Luong dot or general, Bahdanau additive, or none." };
        attention.AcceptOnlyFromAmong("dot", "general", "additive", "none");
        var decoderLayers = CliOptions.AtLeastOne(new Option<int>("--decoder-layers") { DefaultValueFactory = _ => 1, Description = "Decoder layers (--layers sets the encoder's)." });
        var unidirectional = new Option<bool>("--unidirectional") { Description = "Encoder reads left to right only (it is bidirectional by default)." };
        var labelSmoothing = new Option<float>("--label-smoothing") { Description = "Label smoothing ε of the cross-entropy, in [0, 1)." };
        var scheduledSampling = new Option<float>("--scheduled-sampling") { Description = "Chance in [0, 1) that a decoder input is the model's own prediction instead of the reference." };
        var tieEmbeddings = new Option<bool>("--tie-embeddings") { Description = "The output layer reuses the target embedding as its weight." };
        var beam = CliOptions.AtLeastOne(new Option<int>("--beam")
        {
            DefaultValueFactory = _ => 5, Description = "Beam size the saved model decodes with (1 = greedy); also used for the validation metrics.",
        });
        var maxLength = CliOptions.AtLeastOne(new Option<int>("--max-length") { DefaultValueFactory = _ => 50, Description = "Longest output, in tokens." });
        var distributed = DistributedTraining.Create();
        var plot = PlotOutput.Create("--plot", "Write the training curves (loss and validation loss per epoch) to this .png or .svg.");
        var command = common.AddTo(
            new Command("seq2seq", "Train an encoder–decoder (tokenize → vocabulary → RNN/LSTM/GRU encoder → attention decoder → beam search)."),
            sourceColumn, targetColumn, sourceLevel, targetLevel, attention, decoderLayers, unidirectional, labelSmoothing, scheduledSampling, tieEmbeddings, beam, maxLength, distributed, plot);
        command.SetAction(p =>
        {
            var cell = TrainOptions.CellType(p.GetValue(common.Cell));
            var options = new SequenceToSequenceOptions
            {
                SourceColumnName = "SourceIds",
                TargetColumnName = "Target",
                TargetLevel = p.GetValue(targetLevel) == "char" ? TokenLevel.Character : TokenLevel.Word,
                EncoderCell = cell,
                DecoderCell = cell,
                EmbeddingSize = p.GetValue(common.Embedding),
                HiddenSize = p.GetValue(common.Hidden),
                EncoderLayers = p.GetValue(common.Layers),
                Bidirectional = !p.GetValue(unidirectional),
                DecoderLayers = p.GetValue(decoderLayers),
                Attention = p.GetValue(attention) switch { "dot" => AttentionScore.Dot, "additive" => AttentionScore.Additive, "none" => null, _ => AttentionScore.General },
                Dropout = p.GetValue(common.Dropout),
                TieEmbeddings = p.GetValue(tieEmbeddings),
                BeamSize = p.GetValue(beam),
                MaxOutputLength = p.GetValue(maxLength),
                LabelSmoothing = p.GetValue(labelSmoothing),
                ScheduledSampling = p.GetValue(scheduledSampling),
                Epochs = p.GetValue(common.Epochs),
                BatchSize = p.GetValue(common.BatchSize),
                LearningRate = p.GetValue(common.LearningRate),
                ClipNorm = p.GetValue(common.Clip),
                EarlyStoppingPatience = p.GetValue(common.Patience),
            };
            var run = common.ReadRun(p);
            return DistributedTraining.Run(p.GetValue(distributed), group =>
            {
                options.DataParallelGroup = group;
                return Run(run, p.GetValue(sourceColumn)!, p.GetValue(targetColumn)!, p.GetValue(sourceLevel) == "word", options, p.GetValue(plot));
            });
        });
        return command;
    }

    private static int Run(TrainOptions.RunSettings s, string source, string target, bool wordSource, SequenceToSequenceOptions options, string? plot)
    {
        if (source == target)
        {
            throw new ArgumentException($"--source-column and --target-column are both '{target}'; name two different columns.");
        }

        options.Seed = s.Seed;
        (options.Checkpoint, options.MaxSkippedBatches, options.CancellationToken) = (s.Checkpoint, s.SkipBadBatches, CliCancellation.Token);
        CliCancellation.Checkpoint = s.Checkpoint.Path;
        if (source == options.TargetColumnName)
        {
            options.TargetColumnName += ".reference"; // the target's view name must not hide the source column
        }

        options.Validate(); // before reading the data, so a bad setting fails fast
        PlotOutput.RequireFolder(plot, "--plot");
        var ml = new MLContext(s.Seed);

        // The source keeps its file name, so evaluate and predict find it by the same header later.
        (var train, var validation) = s.Load(ml, "--source-column / --target-column", (source, source), (target, options.TargetColumnName));
        var text = ml.Transforms.Text;
        var tokenize = wordSource ? text.TokenizeWords(SourceTokensColumn, source) : text.TokenizeCharacters(SourceTokensColumn, source);
        var prefix = tokenize.Append(text.MapTokensToIds(options.SourceColumnName, SourceTokensColumn)).Fit(train);
        var trainIds = prefix.Transform(train);
        var validationIds = validation is null ? null : prefix.Transform(validation);
        options.ValidationSet = validationIds;
        var (encoderDecoder, stats) = TrainingRun.Fit(progress =>
        {
            options.Progress = progress;
            return ml.SequenceToSequence.Trainers.EncoderDecoder(options).Fit(trainIds);
        }, options.Epochs, s.Json);
        if (!DistributedTraining.WritesFiles(options.DataParallelGroup))
        {
            return 0; // process 0 saves the model and scores the validation rows (every process holds the same weights)
        }

        OutputFiles.SaveModel(ml, prefix.Append(encoderDecoder), source, s.Model);
        s.Finish();

        object? metrics = validationIds is null ? null : MetricsJson.Of(Validate(ml, encoderDecoder, validationIds, options, s.Json));
        int rows = ColumnReader.Text(train, options.TargetColumnName).Length;
        PlotOutput.TrainingCurves(plot, encoderDecoder.TrainingHistory, $"Training {Path.GetFileName(s.Model)} ({PlotOutput.CellName(options.EncoderCell)} encoder–decoder)", s.Json);
        TrainingRun.Summary(s.Json, s.Model, stats, rows, encoderDecoder.ParameterCount,
            [("vocabulary", encoderDecoder.Architecture.SourceVocabularySize), ("targetVocabulary", encoderDecoder.Architecture.TargetVocabularySize), ("beam", options.BeamSize)], metrics, options.DataParallelGroup);
        return 0;
    }

    /// <summary>Scores the validation rows decoded with the model's beam: the ML.NET model's own output for beam 1, the engine's beam search above.</summary>
    private static SequenceToSequenceMetrics Validate(MLContext ml, SequenceToSequenceModel model, IDataView validation, SequenceToSequenceOptions options, bool json)
    {
        if (options.BeamSize == 1)
        {
            return ml.SequenceToSequence.Evaluate(model.Transform(validation), options.TargetColumnName, model.PredictedTokensColumnName, model.TargetLevel);
        }

        string[][] references = [.. ColumnReader.Text(validation, options.TargetColumnName).Select(t => TargetTokens.Split(t, model.TargetLevel))];
        int exact = 0, done = 0;
        var predictions = RowProgress.Run($"beam search (beam {options.BeamSize})", references.Length, RowProgress.ModeFor(json), progress =>
            model.DecodeAll(ColumnReader.TokenIds(validation, model.SourceColumnName), options.BeamSize, (row, prediction) =>
            {
                exact += prediction.Tokens.SequenceEqual(references[row]) ? 1 : 0;
                progress.Advance(1, "exact match " + RowProgress.Percent((double)exact / ++done));
            }));
        return SequenceToSequenceMetrics.Compute(references, [.. predictions.Select(p => p.Tokens)]);
    }
}
