using System.Diagnostics;
using Microsoft.ML;
using MLNetRnn.Benchmarks.Compare;
using MLNetRnn.Benchmarks.Workloads;
using MLNetRnn.Classification;
using MLNetRnn.Layers;
using Fitted = (double Seconds, System.Collections.Generic.IReadOnlyList<MLNetRnn.Training.TrainingProgress> History);

namespace MLNetRnn.Benchmarks.MLNetPath;

/// <summary>
/// <c>mlnet-path</c>: training through ML.NET's IDataView path against the engine alone, in one process, alternating
/// (see benchmarks/README.md).
/// </summary>
/// <remarks>
/// The data is tokenized, mapped and cached once (<see cref="SentimentWorkload"/>). Each round runs (a) the engine-only
/// loop on arrays read beforehand (<see cref="EngineOnlyTraining"/>, only the loop timed), (b)
/// <c>Trainers.Lstm(options).Fit</c> on the cached view (the whole Fit timed: reading the columns, training, writing the
/// ONNX graph, building the ML.NET steps) and, for information, (c) the full pipeline's Fit from the cached raw text;
/// the order is reversed in even rounds. Every path is run twice with one epoch before the rounds (JIT warm-up), and a
/// full garbage collection precedes each timed call.
/// </remarks>
public static class MLNetPathCommand
{
    /// <summary>Runs the command.</summary>
    /// <param name="args">The arguments after <c>mlnet-path</c>.</param>
    /// <returns>The process exit code.</returns>
    public static int Run(string[] args)
    {
        if (args.Contains("--help") || args.Contains("-h"))
        {
            Console.WriteLine(MLNetPathOptions.Usage);
            return 0;
        }

        MLNetPathOptions options;
        try
        {
            options = MLNetPathOptions.Parse(args);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        string? path = options.DataPath ?? SentimentWorkload.FindTrainingFile();
        if (path is null || !File.Exists(path))
        {
            Console.Error.WriteLine($"Training file not found ({path ?? "datasets/sentiment/train.tsv above the current and program directories"}); use --data PATH.");
            return 2;
        }

        var clock = Stopwatch.StartNew();
        if (EngineThreading.IsAvailable)
        {
            EngineThreading.Set(options.Threads);
        }

        Progress($"Loading, tokenizing and caching {path} ...");
        var data = SentimentWorkload.Load(path);
        Progress($"{data.Rows} rows, {data.TokensPerEpoch} tokens per epoch, vocabulary {data.VocabularySize}, {data.ClassCount} classes; engine threads {EngineThreading.Count}");
        var engine = new PathTiming("engine-only", "`EpochLoop.Run` on int[][] ids and int[] targets read beforehand (network built before the clock)");
        var mlnet = new PathTiming("ML.NET path", $"`Trainers.{Catalog(options)}(options).Fit(cached view)`: read the IDataView columns, train, write the ONNX graph, build the ML.NET steps");
        var pipeline = new PathTiming("full pipeline (info)", $"`MapValueToKey → TokenizeWords → MapTokensToIds → {Catalog(options)}` `.Fit(cached raw text)`: tokenizer in ONNX Runtime, vocabulary, then the trainer");
        var ml = data.Context;
        var paths = new List<(PathTiming Timing, Func<SequenceClassificationOptions, Fitted> Fit)>
        {
            (engine, o => EngineOnlyTraining.Run(o, data)),
            (mlnet, o =>
            {
                var trainer = RecurrentTrainer.Create(ml, options.Cell, o);
                long start = Stopwatch.GetTimestamp();
                var model = trainer.Fit(data.Ids);
                return (Stopwatch.GetElapsedTime(start).TotalSeconds, model.TrainingHistory);
            }),
        };
        if (options.Pipeline)
        {
            Func<SequenceClassificationOptions, Fitted> fitPipeline = o =>
            {
                var estimator = SentimentWorkload.Prefix(ml).Append(RecurrentTrainer.Create(ml, options.Cell, o));
                long start = Stopwatch.GetTimestamp();
                var model = estimator.Fit(data.RawText);
                return (Stopwatch.GetElapsedTime(start).TotalSeconds, model.LastTransformer.TrainingHistory);
            };
            paths.Add((pipeline, fitPipeline));
        }

        // Twice round, so code tiered up late in the first pass (the pipeline's comes last) is optimised before round 1.
        Progress("Warm-up: each path twice with 1 epoch ...");
        foreach (var (_, fit) in paths.Concat(paths))
        {
            Measure(fit, TrainerOptions(options, 1));
        }

        Thread.Sleep(1000); // let the JIT's background tier-1 compilations of the warm-up finish before the clock runs

        for (int round = 1; round <= options.Rounds; round++)
        {
            foreach (var (p, fit) in round % 2 == 1 ? paths : Enumerable.Reverse(paths))
            {
                var (seconds, history) = Measure(fit, TrainerOptions(options, options.Epochs));
                p.Seconds.Add(seconds);
                // The loop's clock starts when EpochLoop.Run starts; its last report comes at the end of the last epoch.
                p.TrainingSeconds.Add(history[^1].Elapsed.TotalSeconds);
                p.Losses.Add([.. history.Select(h => h.TrainingLoss)]);
                double tokensPerSecond = options.Epochs * data.TokensPerEpoch / seconds;
                Progress($"[{round}/{options.Rounds}] {p.Name,-20} {seconds,8:0.000} s  {tokensPerSecond / 1000,7:0.0}k tok/s  (training loop {p.TrainingSeconds[^1]:0.000} s)");
            }
        }

        var report = new MLNetPathReport(options, path, data, engine, mlnet, options.Pipeline ? pipeline : null, clock.Elapsed);
        string markdown = report.ToMarkdown();
        Console.WriteLine();
        Console.Write(markdown);
        if (options.MarkdownPath is { } md)
        {
            File.WriteAllText(md, markdown);
            Console.WriteLine($"Markdown written to {md}");
        }

        if (options.JsonPath is { } json)
        {
            report.WriteJson(json);
            Console.WriteLine($"JSON written to {json}");
        }

        return 0;
    }

    /// <summary>The trainer settings of every path: the options' sizes, no validation, seed 1, the rest at their defaults.</summary>
    /// <param name="options">The command line.</param>
    /// <param name="epochs">Epochs to train.</param>
    /// <returns>The settings.</returns>
    public static SequenceClassificationOptions TrainerOptions(MLNetPathOptions options, int epochs)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SequenceClassificationOptions
        {
            LabelColumnName = SentimentWorkload.LabelColumn,
            FeatureColumnName = SentimentWorkload.IdsColumn,
            CellType = options.Cell,
            EmbeddingSize = options.EmbeddingSize,
            HiddenSize = options.HiddenSize,
            BatchSize = options.BatchSize,
            Epochs = epochs,
            ValidationFraction = 0f, // every path trains on the same rows for every epoch
            Bidirectional = false, Pooling = SequencePooling.FinalState, Dropout = 0f, TokenDropout = 0f, // the workload measured before issue 9 changed the defaults
            Seed = 1,
        };
    }

    /// <summary>Runs one path after a full garbage collection.</summary>
    private static Fitted Measure(Func<SequenceClassificationOptions, Fitted> fit, SequenceClassificationOptions settings)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return fit(settings);
    }

    /// <summary>The catalog method's name for the cell.</summary>
    internal static string Catalog(MLNetPathOptions options) => options.Cell switch
    {
        RecurrentCellType.Gru => "Gru",
        RecurrentCellType.SimpleRnn => "Rnn",
        _ => "Lstm",
    };

    private static void Progress(string message) => Console.Error.WriteLine(message);
}
