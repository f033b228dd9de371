using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Benchmarks.Compare;
using MLNetRnn.Classification;

namespace MLNetRnn.Benchmarks.Defaults;

/// <summary>
/// <c>defaults</c>: how the classifier's defaults were chosen (issue 9), reproducible with one command.
/// Phase 1 (sweep): every configuration of <see cref="SweepConfig.Grid"/> × dataset × seed is trained in-process on the
/// dataset's <c>train.tsv</c> (with the held-out slice for early stopping, as the defaults do) and scored on
/// <c>validation.tsv</c>; configurations are ranked by validation accuracy averaged over datasets and seeds. The test
/// split is never read in this phase. Phase 2 (test): the built <c>mlnet-rnn</c> CLI with no options (only
/// <c>--level char</c> for names, and <c>--seed</c>) is trained on <c>train.tsv</c> for each seed, and one
/// <c>mlnet-rnn baseline</c> run per dataset trains ML.NET's FeaturizeText + SdcaMaximumEntropy and NaiveBayes on the
/// same file and scores them and our models on <c>test.tsv</c>.
/// </summary>
public static class DefaultsCommand
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        defaults [options]           sweep of the classifier's defaults (validation accuracy), then the default CLI vs
                                     ML.NET's FeaturizeText + SDCA / NaiveBayes / majority class on each test split
          --seeds 1,2,3              seeds (default 1,2,3)
          --configs a,b|all          sweep configurations by name (default all; see SweepConfig.Grid)
          --datasets a,b             datasets (default amazon,imdb,yelp,names)
          --no-sweep                 phase 2 only
          --no-test                  phase 1 only
          --markdown FILE            also write the tables as Markdown
          --json FILE                also write every run as JSON
        Needs the CLI built: dotnet build MLNetRnn.sln -c Release.
        """;

    /// <summary>Runs the command.</summary>
    /// <param name="args">The arguments after <c>defaults</c>.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(Usage);
            return 0;
        }

        string Value(string name, string fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        int[] seeds = [.. Value("--seeds", "1,2,3").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture))];
        string configs = Value("--configs", "all");
        string[] datasetNames = Value("--datasets", string.Join(',', SweepDataset.All.Select(d => d.Name))).Split(',');
        var datasets = datasetNames.Select(n => SweepDataset.All.SingleOrDefault(d => d.Name == n) ?? throw new ArgumentException($"Unknown dataset '{n}'.")).ToList();
        var grid = configs == "all" ? SweepConfig.Grid : [.. configs.Split(',').Select(n => SweepConfig.Grid.SingleOrDefault(c => c.Name == n) ?? throw new ArgumentException($"Unknown configuration '{n}'."))];
        string root = Beam.BeamCommand.FindRoot("MLNetRnn.sln")
            ?? throw new DirectoryNotFoundException("Run from inside the repository (MLNetRnn.sln not found above the current folder).");

        var report = new DefaultsReport(seeds, datasets);
        if (!args.Contains("--no-sweep"))
        {
            foreach (var config in grid)
            {
                foreach (var dataset in datasets)
                {
                    foreach (int seed in seeds)
                    {
                        var run = Sweep(root, dataset, config, seed);
                        report.Sweep.Add(run);
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sweep {config.Name,-40} {dataset.Name,-7} seed {seed}: validation accuracy {run.ValidationAccuracy:F4}, {run.Epochs} epochs, {run.Seconds:F1} s"));
                    }
                }
            }
        }

        if (!args.Contains("--no-test"))
        {
            string cli = Path.Combine(root, "src", "MLNetRnn.Cli", "bin", "Release", "net10.0", "mlnet-rnn.dll");
            if (!File.Exists(cli))
            {
                Console.Error.WriteLine($"'{cli}' not found; build first: dotnet build MLNetRnn.sln -c Release");
                return 1;
            }

            string folder = Directory.CreateTempSubdirectory("mlnetrnn-defaults-").FullName;
            try
            {
                foreach (var dataset in datasets)
                {
                    report.Test.Add(Test(root, cli, folder, dataset, seeds));
                    Console.WriteLine(report.TestLine(report.Test[^1]));
                }
            }
            finally
            {
                Directory.Delete(folder, recursive: true);
            }
        }

        string markdown = report.Markdown(grid);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (Value("--markdown", string.Empty) is { Length: > 0 } md)
        {
            File.WriteAllText(md, markdown);
        }

        if (Value("--json", string.Empty) is { Length: > 0 } json)
        {
            File.WriteAllText(json, JsonSerializer.Serialize(new { seeds, sweep = report.Sweep, test = report.Test }, new JsonSerializerOptions { WriteIndented = true }));
        }

        return 0;
    }

    /// <summary>Trains one configuration in-process (the CLI's pipeline: tokenizer, vocabulary of at most 20,000, the trainer) and scores validation.tsv.</summary>
    private static SweepRun Sweep(string root, SweepDataset dataset, SweepConfig config, int seed)
    {
        var ml = new MLContext(seed);
        var loader = ml.Data.CreateTextLoader(new TextLoader.Options
        {
            Columns = [new TextLoader.Column("Text", DataKind.String, 0), new TextLoader.Column("LabelText", DataKind.String, 1)],
            Separators = ['\t'], HasHeader = true, AllowQuoting = false,
        });
        var train = ml.Data.Cache(loader.Load(dataset.File(root, "train")));
        var validation = loader.Load(dataset.File(root, "validation"));
        var tokenize = dataset.Characters ? ml.Transforms.Text.TokenizeCharacters("Tokens", "Text", lowerCase: true) : ml.Transforms.Text.TokenizeWords("Tokens", "Text");
        var vectors = config.BuiltInVectors && !dataset.Characters ? MLNetRnn.Text.PretrainedEmbeddings.LoadBuiltIn() : null;
        var prefix = ml.Transforms.Conversion.MapValueToKey("Label", "LabelText", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Append(tokenize)
            .Append(ml.Transforms.Text.MapTokensToIds("Ids", "Tokens", 20000, 1, additionalTokens: vectors?.Words));
        var options = new SequenceClassificationOptions { FeatureColumnName = "Ids", Seed = seed };
        config.Apply(options);
        if (vectors is not null)
        {
            (options.PretrainedEmbeddings, options.EmbeddingSize) = (vectors, vectors.Dimension);
        }

        var clock = Stopwatch.StartNew();
        var fittedPrefix = prefix.Fit(train);
        var trainers = ml.MulticlassClassification.Trainers;
        var trainer = options.CellType switch
        {
            MLNetRnn.Layers.RecurrentCellType.Gru => trainers.Gru(options),
            MLNetRnn.Layers.RecurrentCellType.SimpleRnn => trainers.Rnn(options),
            _ => trainers.Lstm(options),
        };
        var model = trainer.Fit(fittedPrefix.Transform(train));
        double seconds = clock.Elapsed.TotalSeconds;
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(fittedPrefix.Transform(validation)));
        return new SweepRun(config.Name, dataset.Name, seed, metrics.MicroAccuracy, model.TrainingHistory.Count, seconds);
    }

    /// <summary>The default CLI per seed, then one baseline run that scores ML.NET's classifiers and ours on test.tsv.</summary>
    private static TestResult Test(string root, string cli, string folder, SweepDataset dataset, int[] seeds)
    {
        var models = new List<string>();
        var seconds = new List<double>();
        foreach (int seed in seeds)
        {
            string model = Path.Combine(folder, $"{dataset.Name}-{seed}.zip");
            List<string> train = [cli, "train", "classify", "--data", dataset.File(root, "train"), "--model", model, "--seed", seed.ToString(CultureInfo.InvariantCulture), "--json"];
            if (dataset.Characters)
            {
                train.AddRange(["--level", "char"]);
            }

            using var summary = LastJson(train);
            seconds.Add(summary.RootElement.GetProperty("seconds").GetDouble());
            models.Add(model);
        }

        using var baseline = LastJson([cli, "baseline", "--data", dataset.File(root, "train"), "--test", dataset.File(root, "test"), "--model", .. models, "--json"]);
        var results = baseline.RootElement.GetProperty("results").EnumerateArray().ToList();
        double Accuracy(int i) => results[i].GetProperty("accuracy").GetDouble();
        double Seconds(int i) => results[i].GetProperty("seconds") is { ValueKind: JsonValueKind.Number } s ? s.GetDouble() : double.NaN;
        return new TestResult(dataset.Name, baseline.RootElement.GetProperty("trainRows").GetInt32(), baseline.RootElement.GetProperty("testRows").GetInt32(),
            [.. Enumerable.Range(3, seeds.Length).Select(Accuracy)], [.. seconds], Accuracy(0), Seconds(0), Accuracy(1), Seconds(1), Accuracy(2));
    }

    private static JsonDocument LastJson(IReadOnlyList<string> arguments)
    {
        var (code, output, error) = ChildProcess.Run("dotnet", arguments);
        if (code != 0)
        {
            throw new InvalidOperationException($"mlnet-rnn {string.Join(' ', arguments.Skip(1))} failed ({code}): {error}");
        }

        return JsonDocument.Parse(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
    }
}
