using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace MLNetRnn.Cli;

/// <summary>
/// <c>mlnet-rnn baseline --data TRAIN --test TEST [--model M.zip] [--json]</c>: what ML.NET offers without MLNetRnn on the
/// same split, the honest yardstick for a recurrent classifier: ML.NET's <c>FeaturizeText</c> (its defaults: word 1–2-grams
/// and character 3-grams, normalised) with <c>SdcaMaximumEntropy</c>, the same features with <c>NaiveBayes</c>, and the
/// majority class. Each is trained on TRAIN and scored on TEST (accuracy, macro accuracy, training seconds). With
/// <c>--model</c> trained mlnet-rnn classifiers are scored on TEST beside them.
/// </summary>
internal static class BaselineCommand
{
    private const string TextColumn = "mlnet-rnn.text";
    private const string LabelTextColumn = "mlnet-rnn.label";
    private const string LabelKeyColumn = "mlnet-rnn.label.key";
    private const string FeaturesColumn = "mlnet-rnn.features";

    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Training TSV/CSV with a header.", Required = true };
        var test = new Option<string>("--test") { Description = "Test TSV/CSV with the same columns: every baseline is scored on it.", Required = true };
        var model = new Option<string[]>("--model") { Description = "Also score these mlnet-rnn classifier .zip files on the test file, beside the baselines (repeat the option or list several).", AllowMultipleArgumentsPerToken = true };
        var textColumn = new Option<string>("--text-column") { DefaultValueFactory = _ => "Text", Description = "Text column." };
        var labelColumn = new Option<string>("--label-column") { DefaultValueFactory = _ => "Label", Description = "Label column." };
        var separator = CliOptions.Separator();
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 1, Description = "Seed of ML.NET's context (SDCA's order)." };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("baseline", "Train ML.NET's own text classifiers (FeaturizeText + SdcaMaximumEntropy, + NaiveBayes, majority class) on the same split and score them on the test file.")
        {
            data, test, model, textColumn, labelColumn, separator, seed, json,
        };
        command.SetAction(p => Run(p.GetRequiredValue(data), p.GetRequiredValue(test), p.GetValue(model), p.GetValue(textColumn)!, p.GetValue(labelColumn)!,
            p.GetValue(separator), p.GetValue(seed), p.GetValue(json)));
        return command;
    }

    private static int Run(string trainPath, string testPath, string[]? modelPaths, string text, string label, string? separator, int seed, bool json)
    {
        var ml = new MLContext(seed);
        const string columns = "--text-column / --label-column";
        var train = CliData.Load(ml, trainPath, separator, columns, (text, TextColumn), (label, LabelTextColumn));
        var test = CliData.Load(ml, testPath, separator, columns, (text, TextColumn), (label, LabelTextColumn));
        string what = $"label (column '{label}')";
        string[] trainLabels = CliData.RequiredText(train, LabelTextColumn, what, trainPath);
        string[] testLabels = CliData.RequiredText(test, LabelTextColumn, what, testPath);
        string[] classes = LabelClasses.Order(trainLabels);
        if (classes.Length < 2 || testLabels.Length == 0)
        {
            throw new ArgumentException(classes.Length < 2
                ? $"Data file '{trainPath}' needs rows of at least two labels; it has {classes.Length}."
                : $"Test file '{testPath}' has no rows; give it labelled texts.");
        }

        LabelClasses.RequireKnown(testLabels, classes, testPath, "the training data's");
        var toKeys = LabelClasses.MapToKeys(ml, LabelKeyColumn, LabelTextColumn, classes).Fit(train);
        (train, test) = (ml.Data.Cache(toKeys.Transform(train)), ml.Data.Cache(toKeys.Transform(test)));

        var results = new List<Result>
        {
            Fit(ml, "FeaturizeText + SdcaMaximumEntropy", train, test, ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(
                new SdcaMaximumEntropyMulticlassTrainer.Options { LabelColumnName = LabelKeyColumn, FeatureColumnName = FeaturesColumn, NumberOfThreads = 1 })),
            Fit(ml, "FeaturizeText + NaiveBayes", train, test, ml.MulticlassClassification.Trainers.NaiveBayes(LabelKeyColumn, FeaturesColumn)),
            Majority(classes, trainLabels, testLabels),
        };
        foreach (string modelPath in modelPaths ?? [])
        {
            results.Add(Ours(ml, modelPath, testPath, separator, text, testLabels));
        }

        if (json)
        {
            JsonOut.Line(new
            {
                train = Path.GetFullPath(trainPath), test = Path.GetFullPath(testPath), trainRows = trainLabels.Length, testRows = testLabels.Length, classes,
                results = results.Select(r => new { name = r.Name, accuracy = JsonOut.Round(r.Accuracy), macroAccuracy = JsonOut.Round(r.MacroAccuracy), seconds = r.Seconds is { } s ? JsonOut.Round(s, 3) : (double?)null }),
            });
            return 0;
        }

        Console.WriteLine($"train {trainLabels.Length} rows ({Path.GetFileName(trainPath)}), test {testLabels.Length} rows ({Path.GetFileName(testPath)}), {classes.Length} classes");
        int width = results.Max(r => r.Name.Length);
        Console.WriteLine($"{"model".PadRight(width)}  accuracy  macro-acc  train s");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Name.PadRight(width)}  {r.Accuracy,8:F4}  {r.MacroAccuracy,9:F4}  {(r.Seconds is { } s ? s.ToString("F1", CultureInfo.InvariantCulture) : "-"),7}"));
        }

        return 0;
    }

    /// <summary>FeaturizeText (ML.NET's defaults) then <paramref name="trainer"/>, trained on <paramref name="train"/> and scored on <paramref name="test"/>.</summary>
    private static Result Fit(MLContext ml, string name, IDataView train, IDataView test, IEstimator<ITransformer> trainer)
    {
        var clock = Stopwatch.StartNew();
        var model = ml.Transforms.Text.FeaturizeText(FeaturesColumn, TextColumn).Append(trainer).Fit(train);
        double seconds = clock.Elapsed.TotalSeconds;
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(test), LabelKeyColumn);
        return new Result(name, metrics.MicroAccuracy, metrics.MacroAccuracy, seconds);
    }

    /// <summary>Always the most frequent training label (ties: the first in class order).</summary>
    private static Result Majority(string[] classes, string[] trainLabels, string[] testLabels)
    {
        string majority = classes.OrderByDescending(c => trainLabels.Count(l => l == c)).First();
        return Score($"majority class ('{majority}')", testLabels, testLabels.Select(_ => majority).ToArray(), classes, null);
    }

    /// <summary>An mlnet-rnn classifier's predicted labels on the test file, scored like the baselines.</summary>
    private static Result Ours(MLContext ml, string modelPath, string testPath, string? separator, string textColumn, string[] testLabels)
    {
        var file = ModelFile.Read(modelPath);
        if (!file.IsClassifier)
        {
            throw new ArgumentException($"Model '{modelPath}' is a {file.Task} model; baseline --model needs a classifier (train classify).");
        }

        string input = file.RequireTextColumn();
        var rows = CliData.Load(ml, testPath, separator, "--text-column", (textColumn, input));
        var scored = file.Transform(ml, rows);
        string[] classes = ModelFile.ScoreLabels(scored.Schema[file.OutputColumn]);
        float[][] scores = [.. scored.GetColumn<VBuffer<float>>(file.OutputColumn).Select(v => v.DenseValues().ToArray())];
        string[] predicted = [.. scores.Select(s => classes[Array.IndexOf(s, s.Max())])];
        return Score($"mlnet-rnn {modelPath}", testLabels, predicted, classes, null);
    }

    private static Result Score(string name, string[] truth, string[] predicted, IReadOnlyList<string> classes, double? seconds)
    {
        double accuracy = truth.Where((t, i) => t == predicted[i]).Count() / (double)truth.Length;
        double macro = classes.Where(c => truth.Contains(c)).Average(c =>
        {
            int[] rows = [.. Enumerable.Range(0, truth.Length).Where(i => truth[i] == c)];
            return rows.Count(i => predicted[i] == c) / (double)rows.Length;
        });
        return new Result(name, accuracy, macro, seconds);
    }

    private sealed record Result(string Name, double Accuracy, double MacroAccuracy, double? Seconds);
}
