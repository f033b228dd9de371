using System.CommandLine;
using MLNetRnn.Models;
using MLNetRnn.Pipeline;

namespace MLNetRnn.Cli;

/// <summary>
/// <c>mlnet-rnn evaluate --model M.zip --data F [--beam N] [--json]</c>: for a classifier accuracy, macro-F1, log-loss and
/// count on labelled data; for an encoder–decoder exact match, token error rate, BLEU and count against reference targets.
/// </summary>
internal static class EvaluateCommand
{
    private const string ReferenceColumn = "mlnet-rnn.reference";

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
            var parts = ModelParts.Load(p.GetRequiredValue(model));
            parts.RejectUnless(ModelParts.Classification, p, labelColumn);
            parts.RejectUnless(ModelParts.SequenceToSequence, p, targetColumn, beam);
            string input = parts.Tokenizer.InputColumnName;
            string file = p.GetRequiredValue(data);
            string? separatorValue = p.GetValue(separator);
            bool asJson = p.GetValue(json);
            if (parts.EncoderDecoder is { } encoderDecoder)
            {
                var rows = CliData.Load(file, separatorValue, "--source-column / --target-column",
                    (p.GetValue(inputColumn) ?? input, input), (p.GetValue(targetColumn)!, ReferenceColumn));
                return RunSequenceToSequence(parts, encoderDecoder, rows, p.GetValue(beam), asJson);
            }

            return RunClassification(parts, CliData.Load(file, separatorValue, "--text-column / --label-column", (p.GetValue(inputColumn) ?? input, input), (p.GetValue(labelColumn)!, "Label")), asJson);
        });
        return command;
    }

    private static int RunClassification(ModelParts parts, Data.DataView data, bool json)
    {
        var metrics = new RnnContext(seed: 0).SequenceClassification.Evaluate(parts.Transform(data, parts.Head), "Label", parts.Classifier!.ScoreColumnName);
        Print(json, MetricsJson.Of(metrics), metrics);
        return 0;
    }

    private static int RunSequenceToSequence(ModelParts parts, SequenceToSequenceModel model, Data.DataView data, int? beam, bool json)
    {
        var decoder = beam is { } b ? model.WithDecoding(model.Decoding with { BeamSize = b }) : model;
        var metrics = new RnnContext(seed: 0).SequenceToSequence.Evaluate(parts.Transform(data, decoder), ReferenceColumn, model.PredictedTokensColumnName, model.TargetLevel);
        Print(json, MetricsJson.Of(metrics), metrics);
        return 0;
    }

    private static void Print(bool json, object metricsJson, object metrics)
    {
        if (json)
        {
            JsonOut.Line(metricsJson);
        }
        else
        {
            Console.WriteLine(metrics);
        }
    }
}
