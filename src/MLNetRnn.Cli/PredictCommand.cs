using System.CommandLine;
using MLNetRnn.Data;

namespace MLNetRnn.Cli;

/// <summary><c>mlnet-rnn predict --model M.zip (--input TEXT | --data F) [--json]</c>: label, probabilities, and the tokens and ids the model used.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "The model .zip.", Required = true };
        var input = new Option<string?>("--input") { Description = "One text to classify." };
        var data = new Option<string?>("--data") { Description = "A TSV/CSV file with a header; its text column is classified row by row (JSON Lines with --json)." };
        var textColumn = new Option<string?>("--text-column") { Description = "Text column in the file (default: the column the model was trained on)." };
        var separator = new Option<string?>("--separator") { Description = "Field separator (default: ',' for .csv, tab otherwise)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object per input." };
        var command = new Command("predict", "Classify text with a model.") { model, input, data, textColumn, separator, json };
        command.Validators.Add(r =>
        {
            if ((r.GetValue(input) is null) == (r.GetValue(data) is null))
            {
                r.AddError("Give exactly one of --input TEXT or --data FILE.");
            }
        });
        command.SetAction(p => Run(p.GetRequiredValue(model), p.GetValue(input), p.GetValue(data), p.GetValue(textColumn), p.GetValue(separator), p.GetValue(json)));
        return command;
    }

    private static int Run(string modelPath, string? text, string? dataPath, string? textColumn, string? separator, bool json)
    {
        var parts = ModelParts.Load(modelPath);
        string column = parts.Tokenizer.InputColumnName;
        DataView rows = text is not null
            ? new DataView([(column, (Array)new[] { text })])
            : CliData.Load(dataPath!, separator, (textColumn ?? column, column));
        var output = parts.Model.Transform(rows);
        var tokens = output.GetColumn<string[]>(parts.Tokenizer.OutputColumnName);
        var ids = output.GetColumn<int[]>(parts.Ids.OutputColumnName);
        var labels = output.GetColumn<string>(parts.Classifier.PredictedLabelColumnName);
        var scores = output.GetColumn<float[]>(parts.Classifier.ScoreColumnName);
        var classes = parts.Classifier.Labels;
        for (int i = 0; i < output.RowCount; i++)
        {
            if (json)
            {
                var probabilities = new Dictionary<string, double>();
                for (int c = 0; c < classes.Count; c++)
                {
                    probabilities[classes[c]] = JsonOut.Round(scores[i][c]);
                }

                JsonOut.Line(new { label = labels[i], probabilities, tokens = tokens[i], ids = ids[i] });
            }
            else
            {
                int best = classes.ToList().IndexOf(labels[i]);
                Console.WriteLine($"{labels[i]}\t{scores[i][best]:F3}");
            }
        }

        return 0;
    }
}
