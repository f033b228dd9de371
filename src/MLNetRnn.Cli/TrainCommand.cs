using System.CommandLine;
using MLNetRnn.Layers;
using MLNetRnn.Models;
using MLNetRnn.Pipeline;

namespace MLNetRnn.Cli;

/// <summary><c>mlnet-rnn train classify …</c>: fit a tokenizer, a vocabulary and a recurrent classifier, and save one .zip. (<c>train seq2seq</c>: <see cref="TrainSeq2SeqCommand"/>.)</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var train = new Command("train", "Train a model on a data file.");
        train.Add(CreateClassify());
        train.Add(TrainSeq2SeqCommand.Create());
        return train;
    }

    private static Command CreateClassify()
    {
        var common = new TrainOptions(embedding: 64, hidden: 64, epochs: 10, batchSize: 32);
        var textColumn = new Option<string>("--text-column") { DefaultValueFactory = _ => "Text", Description = "Text column." };
        var labelColumn = new Option<string>("--label-column") { DefaultValueFactory = _ => "Label", Description = "Label column." };
        var bidirectional = new Option<bool>("--bidirectional") { Description = "Also read each text right to left." };
        var pooling = new Option<string>("--pooling") { DefaultValueFactory = _ => "final", Description = "final, mean or max." };
        pooling.AcceptOnlyFromAmong("final", "mean", "max");
        var maxVocabulary = new Option<int>("--max-vocabulary") { DefaultValueFactory = _ => 20000, Description = "Largest vocabulary, specials included." };
        var minCount = new Option<int>("--min-count") { DefaultValueFactory = _ => 1, Description = "Fewest occurrences for a word to get its own id." };
        var glove = new Option<string?>("--glove") { Description = "GloVe/word2vec text file to initialise the embedding (its dimension must equal --embedding)." };
        var freeze = new Option<bool>("--freeze-embeddings") { Description = "Keep the embedding fixed." };
        var command = common.AddTo(
            new Command("classify", "Train a text classifier (tokenize → vocabulary → RNN/LSTM/GRU → softmax)."),
            textColumn, labelColumn, bidirectional, pooling, maxVocabulary, minCount, glove, freeze);
        command.SetAction(p =>
        {
            var options = new SequenceClassificationOptions
            {
                LabelColumnName = "Label",
                CellType = TrainOptions.CellType(p.GetValue(common.Cell)),
                EmbeddingSize = p.GetValue(common.Embedding),
                HiddenSize = p.GetValue(common.Hidden),
                NumberOfLayers = p.GetValue(common.Layers),
                Bidirectional = p.GetValue(bidirectional),
                Dropout = p.GetValue(common.Dropout),
                Pooling = p.GetValue(pooling) switch { "mean" => SequencePooling.Mean, "max" => SequencePooling.Max, _ => SequencePooling.FinalState },
                Epochs = p.GetValue(common.Epochs),
                BatchSize = p.GetValue(common.BatchSize),
                LearningRate = p.GetValue(common.LearningRate),
                ClipNorm = p.GetValue(common.Clip),
                EarlyStoppingPatience = p.GetValue(common.Patience),
                PretrainedEmbeddingsPath = p.GetValue(glove),
                FreezeEmbeddings = p.GetValue(freeze),
            };
            return Run(common.ReadRun(p), new Columns(p.GetValue(textColumn)!, p.GetValue(labelColumn)!, p.GetValue(maxVocabulary), p.GetValue(minCount)), options);
        });
        return command;
    }

    private static int Run(TrainOptions.RunSettings s, Columns c, SequenceClassificationOptions options)
    {
        var ctx = new RnnContext(s.Seed);
        (var train, options.ValidationSet) = s.Load("--text-column / --label-column", (c.Text, "Text"), (c.Label, "Label"));

        var trainers = ctx.SequenceClassification.Trainers;
        var trainer = options.CellType switch
        {
            RecurrentCellType.SimpleRnn => trainers.Rnn(options),
            RecurrentCellType.Gru => trainers.Gru(options),
            _ => trainers.Lstm(options),
        };
        var pipeline = ctx.Transforms.Text.TokenizeIntoWords("Tokens", "Text")
            .Append(ctx.Transforms.Text.MapTokensToIds("Ids", "Tokens", c.MaxVocabulary, c.MinCount))
            .Append(trainer);
        var (model, stats) = TrainingRun.Fit(progress =>
        {
            options.Progress = progress;
            return pipeline.Fit(train);
        }, options.Epochs, s.Json);
        ctx.Model.Save(model, train.Schema, s.Model);
        object? validation = options.ValidationSet is { } v ? MetricsJson.Of(ctx.SequenceClassification.Evaluate(model.Transform(v))) : null;
        var classifier = model.LastTransformer;
        TrainingRun.Summary(s.Json, s.Model, stats, train.RowCount, classifier.ParameterCount,
            [("vocabulary", classifier.Architecture.VocabularySize), ("labels", classifier.Labels)], validation);
        return 0;
    }

    private sealed record Columns(string Text, string Label, int MaxVocabulary, int MinCount);
}
