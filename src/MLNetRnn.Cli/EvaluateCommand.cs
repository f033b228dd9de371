using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.DataViews;
using MLNetRnn.Plots;
using MLNetRnn.SequenceToSequence;

namespace MLNetRnn.Cli;

/// <summary>
/// <c>mlnet-rnn evaluate --model M.zip --data F [--beam N] [--json]</c>: for a classifier accuracy, macro-F1, log-loss and
/// count on labelled data (ML.NET's multiclass evaluator); for an encoder–decoder exact match, token error rate, BLEU and
/// count against reference targets: with the model's own beam (the default) the loaded ML.NET model's output, which
/// decodes inside its ONNX graph; with another <c>--beam</c> the engine's decoding on the same weights. A classifier's
/// <c>--plot OUT.png|svg</c> also writes ML.NET's confusion matrix as a heat map.
/// </summary>
internal static class EvaluateCommand
{
    private const string ReferenceColumn = "mlnet-rnn.reference";
    private const string LabelTextColumn = "mlnet-rnn.label";
    private const string LabelKeyColumn = "mlnet-rnn.label.key";

    public static Command Create()
    {
        var model = CliOptions.Model("The model .zip.");
        var data = new Option<string>("--data") { Description = "TSV/CSV file with a header: text and label columns (classifier) or source and target columns (seq2seq); a CoNLL file for a tagger.", Required = true };
        var inputColumn = CliOptions.InputColumn();
        var labelColumn = new Option<string>("--label-column") { Description = "Classifier: label column in the file.", DefaultValueFactory = _ => "Label" };
        var targetColumn = new Option<string>("--target-column") { Description = "Seq2seq: reference target column in the file.", DefaultValueFactory = _ => "Target" };
        var beam = CliOptions.Beam();
        var separator = CliOptions.Separator();
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var plot = PlotOutput.Create("--plot", "Classifier: write the confusion matrix as a heat map to this .png or .svg.");
        var tagging = new TagOptions();
        var history = ForecastCommands.History();
        var adaptive = new LanguageModelCommands.AdaptiveEvaluationArguments();
        var command = new Command("evaluate", "Score a model on labelled data.") { model, data, inputColumn, labelColumn, targetColumn, beam, separator, plot, history, json, tagging.TokenColumn, tagging.TagColumn };
        foreach (var option in adaptive.All)
        {
            command.Options.Add(option);
        }

        command.SetAction(p =>
        {
            if (LanguageModelCommands.IsLanguageModel(p.GetRequiredValue(model)))
            {
                return LanguageModelCommands.Evaluate(p.GetRequiredValue(model), p.GetRequiredValue(data), p.GetValue(json), adaptive.Read(p));
            }

            foreach (var option in adaptive.All.Where(o => CliOptions.Given(p, o)))
            {
                throw new ArgumentException($"{option.Name} is for language models ('train lm'), but '{p.GetRequiredValue(model)}' is not one.");
            }

            var file = ModelFile.Read(p.GetRequiredValue(model));
            file.RejectUnless(ModelFile.Classification, p, labelColumn, plot);
            PlotOutput.RequireFolder(p.GetValue(plot), "--plot");
            file.RejectUnless(ModelFile.SequenceToSequence, p, targetColumn, beam);
            file.RejectUnless(ModelFile.Tagging, p, tagging.TokenColumn, tagging.TagColumn);
            file.RejectUnless(ModelFile.Forecasting, p, history);
            if (file.Task == ModelFile.Forecasting)
            {
                return ForecastCommands.Evaluate(file, p.GetRequiredValue(data), p.GetValue(history), p.GetValue(separator), p.GetValue(json));
            }

            if (file.IsTagger)
            {
                return TagCommands.Evaluate(file, p.GetRequiredValue(data), tagging.Read(p, separator), p.GetValue(json)); // data: a CoNLL file
            }

            string input = file.RequireTextColumn();
            string path = p.GetRequiredValue(data);
            string? separatorValue = p.GetValue(separator);
            var ml = new MLContext(seed: 0);
            if (!file.IsClassifier)
            {
                var rows = CliData.Load(ml, path, separatorValue, "--source-column / --target-column",
                    (p.GetValue(inputColumn) ?? input, input), (p.GetValue(targetColumn)!, ReferenceColumn));
                CliData.RequiredText(rows, ReferenceColumn, $"reference (column '{p.GetValue(targetColumn)}')", path); // the token error rate divides by its length
                return RunSequenceToSequence(ml, file, rows, p.GetValue(beam), p.GetValue(json));
            }

            var labelled = CliData.Load(ml, path, separatorValue, "--text-column / --label-column", (p.GetValue(inputColumn) ?? input, input), (p.GetValue(labelColumn)!, LabelTextColumn));
            return RunClassification(ml, file, labelled, path, p.GetValue(labelColumn)!, p.GetValue(json), p.GetValue(plot));
        });
        return command;
    }

    private static int RunClassification(MLContext ml, ModelFile file, IDataView data, string path, string labelColumn, bool json, string? plot)
    {
        string score = file.OutputColumn;
        string[] classes = ModelFile.ScoreLabels(file.Transform(ml, data).Schema[score]);
        string[] labels = CliData.RequiredText(data, LabelTextColumn, $"label (column '{labelColumn}')", path);
        if (labels.Length == 0)
        {
            throw new ArgumentException($"Data file '{path}' has no rows to evaluate; give it labelled texts.");
        }

        LabelClasses.RequireKnown(labels, classes, path, "the model's");
        var labelled = LabelClasses.MapToKeys(ml, LabelKeyColumn, LabelTextColumn, classes).Fit(data).Transform(data);

        // One pass runs the model with a progress report and fills ML.NET's cache; the evaluator then reads the cache.
        var scored = ml.Data.Cache(file.Transform(ml, labelled), LabelKeyColumn, score, file.PredictedLabelColumn);
        RowProgress.Run("evaluating", labels.Length, RowProgress.ModeFor(json), progress => ScorePass(scored, score, file.PredictedLabelColumn, progress));
        var metrics = ml.MulticlassClassification.Evaluate(scored, LabelKeyColumn, score, file.PredictedLabelColumn);
        string? written = plot is null ? null : PlotOutput.Save(RnnPlots.ConfusionMatrix(metrics.ConfusionMatrix, classes, $"{Path.GetFileName(file.Path)} on {Path.GetFileName(path)}"), plot);
        if (json)
        {
            JsonOut.Line(MetricsJson.Of(metrics));
        }
        else
        {
            Console.Write(MetricsJson.Describe(metrics, classes));
            if (written is not null)
            {
                Console.WriteLine($"confusion matrix: {written}");
            }
        }

        return 0;
    }

    private static int RunSequenceToSequence(MLContext ml, ModelFile file, IDataView data, int? beamOption, bool json)
    {
        var parts = file.ReadSequenceToSequence();
        int beam = beamOption ?? parts.Decoding.BeamSize;
        var scored = file.Transform(ml, data);
        string[][] references = [.. ColumnReader.Text(data, ReferenceColumn).Select(t => TargetTokens.Split(t, parts.Level))];
        var hypotheses = new string[references.Length][];
        int exact = 0, done = 0;
        void Decoded(RowProgress progress, int row, string[] tokens)
        {
            hypotheses[row] = tokens;
            exact += tokens.AsSpan().SequenceEqual(references[row]) ? 1 : 0;
            if (++done % 16 == 0 || done == references.Length)
            {
                progress.Advance(done % 16 == 0 ? 16 : done % 16, "exact match " + RowProgress.Percent((double)exact / done));
            }
        }

        string what = beam == 1 ? "greedy decoding" : $"beam search (beam {beam})";
        RowProgress.Run(what, references.Length, RowProgress.ModeFor(json), progress =>
        {
            if (beam == parts.Decoding.BeamSize)
            {
                // The saved graph decodes with this beam: score what any ML.NET app gets from this model (the same
                // columns ml.SequenceToSequence.Evaluate reads), row by row for the progress report.
                using var cursor = scored.GetRowCursor([scored.Schema[file.OutputColumn]]);
                var getTokens = cursor.GetGetter<VBuffer<ReadOnlyMemory<char>>>(scored.Schema[file.OutputColumn]);
                VBuffer<ReadOnlyMemory<char>> tokens = default;
                for (int row = 0; cursor.MoveNext(); row++)
                {
                    getTokens(ref tokens);
                    Decoded(progress, row, [.. tokens.DenseValues().Select(t => t.ToString())]);
                }
            }
            else
            {
                // Another beam than the graph's: the engine decodes on the same weights.
                parts.Decoder.DecodeAll(ColumnReader.TokenIds(scored, file.IdsColumn), beam, (row, prediction) => Decoded(progress, row, [.. prediction.Tokens]));
            }

            return 0;
        });
        var metrics = SequenceToSequenceMetrics.Compute(references, hypotheses);

        if (json)
        {
            JsonOut.Line(MetricsJson.Of(metrics));
        }
        else
        {
            Console.WriteLine(metrics);
        }

        return 0;
    }

    /// <summary>Reads every row's label, scores and predicted label (filling the cache), reporting the running accuracy.</summary>
    private static int ScorePass(IDataView scored, string scoreColumn, string predictedColumn, RowProgress progress)
    {
        var schema = scored.Schema;
        using var cursor = scored.GetRowCursor([schema[LabelKeyColumn], schema[scoreColumn], schema[predictedColumn]]);
        var getLabel = cursor.GetGetter<uint>(schema[LabelKeyColumn]);
        var getScore = cursor.GetGetter<VBuffer<float>>(schema[scoreColumn]);
        Action touchPredicted = schema[predictedColumn].Type is KeyDataViewType ? Touch<uint>(cursor, schema[predictedColumn]) : Touch<ReadOnlyMemory<char>>(cursor, schema[predictedColumn]);
        uint label = 0;
        VBuffer<float> scores = default;
        int rows = 0, correct = 0, pending = 0;
        while (cursor.MoveNext())
        {
            getLabel(ref label);
            getScore(ref scores);
            touchPredicted();
            var values = scores.DenseValues().ToArray();
            correct += values.Length > 0 && Array.IndexOf(values, values.Max()) == (int)label - 1 ? 1 : 0;
            rows++;
            if (++pending == 64)
            {
                progress.Advance(pending, "accuracy " + RowProgress.Percent((double)correct / rows));
                pending = 0;
            }
        }

        progress.Advance(pending, rows == 0 ? null : "accuracy " + RowProgress.Percent((double)correct / rows));
        return rows;
    }

    private static Action Touch<T>(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var get = cursor.GetGetter<T>(column);
        T value = default!;
        return () => get(ref value);
    }
}
