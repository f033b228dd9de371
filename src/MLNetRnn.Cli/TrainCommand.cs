using System.CommandLine;
using System.Diagnostics;
using MLNetRnn.Layers;
using MLNetRnn.Models;
using MLNetRnn.Pipeline;
using MLNetRnn.Training;
using Spectre.Console;

namespace MLNetRnn.Cli;

/// <summary><c>mlnet-rnn train classify …</c>: fit a tokenizer, a vocabulary and a recurrent classifier, and save one .zip.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var train = new Command("train", "Train a model on a data file.");
        train.Add(CreateClassify());
        return train;
    }

    private static Command CreateClassify()
    {
        var data = new Option<string>("--data") { Description = "Training TSV/CSV with a header.", Required = true };
        var validation = new Option<string?>("--validation") { Description = "Validation file: enables early stopping and best-weight restore." };
        var model = new Option<string>("--model") { Description = "Where to write the model .zip.", Required = true };
        var textColumn = new Option<string>("--text-column") { DefaultValueFactory = _ => "Text", Description = "Text column." };
        var labelColumn = new Option<string>("--label-column") { DefaultValueFactory = _ => "Label", Description = "Label column." };
        var separator = new Option<string?>("--separator") { Description = "Field separator (default: ',' for .csv, tab otherwise)." };
        var cell = new Option<string>("--cell") { DefaultValueFactory = _ => "lstm", Description = "rnn, lstm or gru." };
        cell.AcceptOnlyFromAmong("rnn", "lstm", "gru");
        var embedding = new Option<int>("--embedding") { DefaultValueFactory = _ => 64, Description = "Embedding size." };
        var hidden = new Option<int>("--hidden") { DefaultValueFactory = _ => 64, Description = "Hidden size per direction." };
        var layers = new Option<int>("--layers") { DefaultValueFactory = _ => 1, Description = "Stacked recurrent layers." };
        var bidirectional = new Option<bool>("--bidirectional") { Description = "Also read each text right to left." };
        var dropout = new Option<float>("--dropout") { Description = "Dropout between layers and before the head." };
        var pooling = new Option<string>("--pooling") { DefaultValueFactory = _ => "final", Description = "final, mean or max." };
        pooling.AcceptOnlyFromAmong("final", "mean", "max");
        var epochs = new Option<int>("--epochs") { DefaultValueFactory = _ => 10, Description = "Most passes over the data." };
        var batchSize = new Option<int>("--batch-size") { DefaultValueFactory = _ => 32, Description = "Rows per mini-batch." };
        var learningRate = new Option<float>("--learning-rate") { DefaultValueFactory = _ => 0.002f, Description = "Adam learning rate." };
        var clip = new Option<float>("--clip") { DefaultValueFactory = _ => 1f, Description = "Gradient-norm limit (0 = off)." };
        var patience = new Option<int>("--patience") { DefaultValueFactory = _ => 3, Description = "Epochs without validation improvement before stopping." };
        var maxVocabulary = new Option<int>("--max-vocabulary") { DefaultValueFactory = _ => 20000, Description = "Largest vocabulary, specials included." };
        var minCount = new Option<int>("--min-count") { DefaultValueFactory = _ => 1, Description = "Fewest occurrences for a word to get its own id." };
        var glove = new Option<string?>("--glove") { Description = "GloVe/word2vec text file to initialise the embedding (its dimension must equal --embedding)." };
        var freeze = new Option<bool>("--freeze-embeddings") { Description = "Keep the embedding fixed." };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1, Description = "Seed of every random choice." };
        var json = new Option<bool>("--json") { Description = "One JSON object per epoch and a final one." };
        var command = new Command("classify", "Train a text classifier (tokenize → vocabulary → RNN/LSTM/GRU → softmax).")
        {
            data, validation, model, textColumn, labelColumn, separator, cell, embedding, hidden, layers, bidirectional, dropout, pooling,
            epochs, batchSize, learningRate, clip, patience, maxVocabulary, minCount, glove, freeze, seed, json,
        };
        command.SetAction(p =>
        {
            var options = new SequenceClassificationOptions
            {
                LabelColumnName = "Label",
                CellType = p.GetValue(cell) switch { "rnn" => RecurrentCellType.SimpleRnn, "gru" => RecurrentCellType.Gru, _ => RecurrentCellType.Lstm },
                EmbeddingSize = p.GetValue(embedding),
                HiddenSize = p.GetValue(hidden),
                NumberOfLayers = p.GetValue(layers),
                Bidirectional = p.GetValue(bidirectional),
                Dropout = p.GetValue(dropout),
                Pooling = p.GetValue(pooling) switch { "mean" => SequencePooling.Mean, "max" => SequencePooling.Max, _ => SequencePooling.FinalState },
                Epochs = p.GetValue(epochs),
                BatchSize = p.GetValue(batchSize),
                LearningRate = p.GetValue(learningRate),
                ClipNorm = p.GetValue(clip),
                EarlyStoppingPatience = p.GetValue(patience),
                PretrainedEmbeddingsPath = p.GetValue(glove),
                FreezeEmbeddings = p.GetValue(freeze),
            };
            return Run(new Settings(p.GetRequiredValue(data), p.GetValue(validation), p.GetRequiredValue(model), p.GetValue(textColumn)!, p.GetValue(labelColumn)!,
                p.GetValue(separator), p.GetValue(maxVocabulary), p.GetValue(minCount), p.GetValue(seed), p.GetValue(json)), options);
        });
        return command;
    }

    private static int Run(Settings s, SequenceClassificationOptions options)
    {
        var ctx = new RnnContext(s.Seed);
        var train = CliData.Load(s.Data, s.Separator, (s.TextColumn, "Text"), (s.LabelColumn, "Label"));
        if (s.Validation is not null)
        {
            options.ValidationSet = CliData.Load(s.Validation, s.Separator, (s.TextColumn, "Text"), (s.LabelColumn, "Label"));
        }

        var trainers = ctx.SequenceClassification.Trainers;
        var trainer = options.CellType switch
        {
            RecurrentCellType.SimpleRnn => trainers.Rnn(options),
            RecurrentCellType.Gru => trainers.Gru(options),
            _ => trainers.Lstm(options),
        };
        var pipeline = ctx.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
            .Append(ctx.Transforms.Text.MapTokensToIds("Ids", "Tokens", s.MaxVocabulary, s.MinCount))
            .Append(trainer);
        var clock = Stopwatch.StartNew();
        TrainingProgress? last = null;
        int epochsRun = 0;
        TransformerChain<SequenceClassificationModel> model;
        if (s.Json || Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive)
        {
            options.Progress = new Reporter(p =>
            {
                last = p;
                epochsRun = p.Epoch;
                if (s.Json)
                {
                    JsonOut.Line(new
                    {
                        epoch = p.Epoch, epochs = p.Epochs, loss = JsonOut.Round(p.TrainingLoss), validationLoss = Nullable(p.ValidationLoss),
                        validationAccuracy = Nullable(p.ValidationAccuracy), tokensPerSecond = Math.Round(p.TokensPerSecond), seconds = JsonOut.Round(p.Elapsed.TotalSeconds, 3), best = p.IsBest,
                    });
                }
                else
                {
                    Console.WriteLine($"epoch {p.Epoch}/{p.Epochs}: loss {p.TrainingLoss:F4}" + (p.ValidationLoss is { } vl ? $", validation loss {vl:F4}, accuracy {p.ValidationAccuracy:P1}" : string.Empty) + $", {p.TokensPerSecond:N0} tokens/s{(p.IsBest ? " *" : string.Empty)}");
                }
            });
            model = pipeline.Fit(train);
        }
        else
        {
            model = null!;
            AnsiConsole.Progress().Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn()).Start(progressContext =>
            {
                var task = progressContext.AddTask("training", maxValue: options.Epochs);
                options.Progress = new Reporter(p =>
                {
                    last = p;
                    epochsRun = p.Epoch;
                    task.Description = $"epoch {p.Epoch}/{p.Epochs} loss {p.TrainingLoss:F3}" + (p.ValidationAccuracy is { } a ? $" val acc {a:P1}" : string.Empty);
                    task.Value = p.Epoch;
                });
                model = pipeline.Fit(train);
                task.Value = task.MaxValue;
            });
        }

        double seconds = clock.Elapsed.TotalSeconds;
        ctx.Model.Save(model, train.Schema, s.Model);
        object? validationMetrics = null;
        if (options.ValidationSet is { } v)
        {
            var m = ctx.SequenceClassification.Evaluate(model.Transform(v));
            validationMetrics = new { accuracy = JsonOut.Round(m.Accuracy), macroF1 = JsonOut.Round(m.MacroF1), logLoss = JsonOut.Round(m.LogLoss), count = m.Count };
        }

        var classifier = model.LastTransformer;
        if (s.Json)
        {
            JsonOut.Line(new
            {
                model = Path.GetFullPath(s.Model), epochs = epochsRun, seconds = JsonOut.Round(seconds, 3), tokensPerSecond = Math.Round(last?.TokensPerSecond ?? 0),
                rows = train.RowCount, vocabulary = classifier.Architecture.VocabularySize, parameters = classifier.ParameterCount, labels = classifier.Labels, validation = validationMetrics,
            });
        }
        else
        {
            Console.WriteLine($"saved {Path.GetFullPath(s.Model)}: {epochsRun} epochs in {seconds:F1} s, {last?.TokensPerSecond ?? 0:N0} tokens/s, {classifier.ParameterCount:N0} parameters");
        }

        return 0;
    }

    private static double? Nullable(double? value) => value is { } v ? JsonOut.Round(v) : null;

    private sealed record Settings(string Data, string? Validation, string Model, string TextColumn, string LabelColumn, string? Separator, int MaxVocabulary, int MinCount, int Seed, bool Json);

    /// <summary>Calls back on the training thread (System.Progress would post to a synchronization context).</summary>
    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
