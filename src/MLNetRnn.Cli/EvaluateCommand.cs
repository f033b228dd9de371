using System.CommandLine;
using Microsoft.ML;
using MLNetRnn.DataViews;
using MLNetRnn.SequenceToSequence;

namespace MLNetRnn.Cli;

/// <summary>
/// <c>mlnet-rnn evaluate --model M.zip --data F [--beam N] [--json]</c>: for a classifier accuracy, macro-F1, log-loss and
/// count on labelled data (ML.NET's multiclass evaluator); for an encoder–decoder exact match, token error rate, BLEU and
/// count against reference targets: with the model's own beam (the default) the loaded ML.NET model's output, which
/// decodes inside its ONNX graph; with another <c>--beam</c> the engine's decoding on the same weights.
/// </summary>
internal static class EvaluateCommand
{
    private const string ReferenceColumn = "mlnet-rnn.reference";
    private const string LabelTextColumn = "mlnet-rnn.label";
    private const string LabelKeyColumn = "mlnet-rnn.label.key";

    public static Command Create()
    {
        var model = CliOptions.Model("The model .zip.");
        var data = new Option<string>("--data") { Description = "TSV/CSV file with a header: text and label columns (classifier) or source and target columns (seq2seq).", Required = true };
        var inputColumn = CliOptions.InputColumn();
        var labelColumn = new Option<string>("--label-column") { Description = "Classifier: label column in the file.", DefaultValueFactory = _ => "Label" };
        var targetColumn = new Option<string>("--target-column") { Description = "Seq2seq: reference target column in the file.", DefaultValueFactory = _ => "Target" };
        var beam = CliOptions.Beam();
        var separator = CliOptions.Separator();
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("evaluate", "Score a model on labelled data.") { model, data, inputColumn, labelColumn, targetColumn, beam, separator, json };
        command.SetAction(p =>
        {
            var file = ModelFile.Read(p.GetRequiredValue(model));
            file.RejectUnless(ModelFile.Classification, p, labelColumn);
            file.RejectUnless(ModelFile.SequenceToSequence, p, targetColumn, beam);
            string input = file.RequireTextColumn();
            string path = p.GetRequiredValue(data);
            string? separatorValue = p.GetValue(separator);
            var ml = new MLContext(seed: 0);
            if (!file.IsClassifier)
            {
                var rows = CliData.Load(ml, path, separatorValue, "--source-column / --target-column",
                    (p.GetValue(inputColumn) ?? input, input), (p.GetValue(targetColumn)!, ReferenceColumn));
                return RunSequenceToSequence(ml, file, rows, p.GetValue(beam), p.GetValue(json));
            }

            var labelled = CliData.Load(ml, path, separatorValue, "--text-column / --label-column", (p.GetValue(inputColumn) ?? input, input), (p.GetValue(labelColumn)!, LabelTextColumn));
            return RunClassification(ml, file, labelled, path, p.GetValue(labelColumn)!, p.GetValue(json));
        });
        return command;
    }

    private static int RunClassification(MLContext ml, ModelFile file, IDataView data, string path, string labelColumn, bool json)
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
        var metrics = ml.MulticlassClassification.Evaluate(file.Transform(ml, labelled), LabelKeyColumn, score, file.PredictedLabelColumn);
        if (json)
        {
            JsonOut.Line(MetricsJson.Of(metrics));
        }
        else
        {
            Console.Write(MetricsJson.Describe(metrics, classes));
        }

        return 0;
    }

    private static int RunSequenceToSequence(MLContext ml, ModelFile file, IDataView data, int? beamOption, bool json)
    {
        var parts = file.ReadSequenceToSequence();
        int beam = beamOption ?? parts.Decoding.BeamSize;
        var scored = file.Transform(ml, data);
        SequenceToSequenceMetrics metrics;
        if (beam == parts.Decoding.BeamSize)
        {
            // The saved graph decodes with this beam: score what any ML.NET app gets from this model.
            metrics = ml.SequenceToSequence.Evaluate(scored, ReferenceColumn, file.OutputColumn, parts.Level);
        }
        else
        {
            // Another beam than the graph's: the engine decodes on the same weights.
            var predictions = parts.Decoder.DecodeAll(ColumnReader.TokenIds(scored, file.IdsColumn), beam);
            string[][] references = [.. ColumnReader.Text(data, ReferenceColumn).Select(t => TargetTokens.Split(t, parts.Level))];
            metrics = SequenceToSequenceMetrics.Compute(references, [.. predictions.Select(p => p.Tokens)]);
        }

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
}
