using System.CommandLine;
using MLNetRnn.Pipeline;

namespace MLNetRnn.Cli;

/// <summary><c>mlnet-rnn evaluate --model M.zip --data F [--json]</c>: accuracy, macro-F1, log-loss and count on labelled data.</summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The model .zip.", Required = true };
        var data = new Option<string>("--data") { Description = "Labelled TSV/CSV file with a header.", Required = true };
        var textColumn = new Option<string?>("--text-column") { Description = "Text column in the file (default: the column the model was trained on)." };
        var labelColumn = new Option<string>("--label-column") { Description = "Label column in the file.", DefaultValueFactory = _ => "Label" };
        var separator = new Option<string?>("--separator") { Description = "Field separator (default: ',' for .csv, tab otherwise)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("evaluate", "Score a model on labelled data.") { model, data, textColumn, labelColumn, separator, json };
        command.SetAction(p => Run(p.GetRequiredValue(model), p.GetRequiredValue(data), p.GetValue(textColumn), p.GetValue(labelColumn)!, p.GetValue(separator), p.GetValue(json)));
        return command;
    }

    private static int Run(string modelPath, string dataPath, string? textColumn, string labelColumn, string? separator, bool json)
    {
        var parts = ModelParts.Load(modelPath);
        string input = parts.Tokenizer.InputColumnName;
        var data = CliData.Load(dataPath, separator, (textColumn ?? input, input), (labelColumn, "Label"));
        var metrics = new RnnContext(seed: 0).SequenceClassification.Evaluate(parts.Model.Transform(data), "Label", parts.Classifier.ScoreColumnName);
        if (json)
        {
            JsonOut.Line(new { accuracy = JsonOut.Round(metrics.Accuracy), macroF1 = JsonOut.Round(metrics.MacroF1), logLoss = JsonOut.Round(metrics.LogLoss), count = metrics.Count });
        }
        else
        {
            Console.WriteLine(metrics);
        }

        return 0;
    }
}
