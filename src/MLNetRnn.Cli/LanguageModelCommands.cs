using System.CommandLine;
using System.Text;
using MLNetRnn.LanguageModeling;
using MLNetRnn.SequenceToSequence;

namespace MLNetRnn.Cli;

/// <summary>
/// The language-model side of the CLI: <c>train lm</c>, and what <c>evaluate</c> and <c>inspect</c> do when <c>--model</c>
/// is a language-model file (a zip with <c>model.onnx</c>, see <see cref="LanguageModel.Save"/>). <c>generate</c> is
/// <see cref="GenerateCommand"/>.
/// </summary>
/// <remarks>
/// Data files are plain UTF-8 text (no header, no columns): one continuous text, or one sentence a line with
/// <c>--line-mode</c>. JSON (all losses in nats per token): <c>train lm --json</c> prints one object per epoch and a final
/// <c>{"model","epochs","seconds","tokensPerSecond","rows" (training tokens),"parameters","vocabulary","level","lineMode",
/// "bptt","distributed" (with <c>--distributed</c>, see <see cref="DistributedTraining.Json"/>),"validation":
/// {"perplexity","bitsPerToken","crossEntropy","count"} or null}</c>; <c>evaluate --json</c> prints
/// <c>{"perplexity","bitsPerToken","crossEntropy","count"}</c>; with <c>--adaptive</c> those four are the adaptive score's and
/// <c>"static"</c> (the same four without adaptation), <c>"network"</c> (the network alone, with dynamic evaluation),
/// <c>"ngrams"</c> (<c>[{"order","bitsPerToken","crossEntropy"}]</c>) and <c>"weights"</c> (network first) follow. With <c>--distributed</c> (under <c>mpirun.mpich -np N</c>)
/// process 0 alone prints, saves the model and scores the held-out text for the summary.
/// </remarks>
internal static class LanguageModelCommands
{
    /// <summary>The task name <c>inspect --json</c> and <c>export</c>'s <c>config.json</c> give a language model.</summary>
    public const string TaskName = "LanguageModel";

    /// <summary>The <c>train lm</c> subcommand.</summary>
    public static Command CreateTrain()
    {
        var defaults = new LanguageModelOptions();
        var common = new TrainOptions(defaults.EmbeddingSize, defaults.HiddenSize, defaults.Epochs, defaults.BatchSize)
            .WithDefaults(defaults.CellType, defaults.NumberOfLayers, defaults.Dropout, defaults.LearningRate, defaults.ClipNorm, defaults.EarlyStoppingPatience);
        common.Data.Description = "Training text: a plain UTF-8 file (one sentence a line with --line-mode).";
        common.Validation.Description = "Held-out text file scored after each epoch: enables early stopping, best-weight restore and final perplexity ('none' or no file: all epochs, last weights).";
        common.BatchSize.Description = "Parallel streams the text is cut into (truncated BPTT).";
        var level = new Option<string>("--level") { DefaultValueFactory = _ => "char", Description = "char (characters, whitespace kept) or word (words and punctuation, joined with spaces when generating)." };
        level.AcceptOnlyFromAmong("char", "word");
        var bptt = CliOptions.AtLeastOne(new Option<int>("--bptt") { DefaultValueFactory = _ => defaults.Bptt, Description = "Steps per truncated-BPTT chunk; the state is carried across chunks." });
        var lineMode = new Option<bool>("--line-mode") { Description = "One sentence a line: each line is framed by <BOS> … <EOS>; generation may start from an empty prompt and ends at <EOS>." };
        var oneHot = new Option<bool?>("--one-hot") { Description = "Feed tokens as one-hot vectors instead of a learned embedding (default: true for --level char, false for word)." };
        var lowerCase = new Option<bool>("--lower-case") { Description = "Lower-case the text before splitting it." };
        var maxVocabulary = new Option<int>("--max-vocabulary") { DefaultValueFactory = _ => 50000, Description = "Largest vocabulary, specials included." };
        var minCount = CliOptions.AtLeastOne(new Option<int>("--min-count") { DefaultValueFactory = _ => 1, Description = "Fewest occurrences for a token to get its own id." });
        var schedule = new Option<string>("--schedule") { DefaultValueFactory = _ => "constant", Description = "Learning rate over the run: constant, or cosine (a half cosine from --learning-rate down to 0 at the end of the last epoch)." };
        schedule.AcceptOnlyFromAmong("constant", "cosine");
        var weightDrop = new Option<float>("--weight-drop") { DefaultValueFactory = _ => defaults.WeightDrop, Description = "Probability in [0, 1) of zeroing each recurrent (hidden-to-hidden) weight for a training chunk: DropConnect as in AWD-LSTM; 0 = off." };
        var distributed = DistributedTraining.Create();
        var command = common.AddTo(new Command("lm", "Train a recurrent language model on a text (truncated BPTT) for generate and evaluate."),
            level, bptt, lineMode, oneHot, lowerCase, maxVocabulary, minCount, schedule, weightDrop, distributed);
        command.SetAction(p =>
        {
            bool characters = p.GetValue(level) == "char";
            var options = new LanguageModelOptions
            {
                Level = characters ? TokenLevel.Character : TokenLevel.Word,
                LineMode = p.GetValue(lineMode),
                LowerCase = p.GetValue(lowerCase),
                OneHotInput = p.GetValue(oneHot) ?? characters,
                CellType = TrainOptions.CellType(p.GetValue(common.Cell)),
                EmbeddingSize = p.GetValue(common.Embedding),
                HiddenSize = p.GetValue(common.Hidden),
                NumberOfLayers = p.GetValue(common.Layers),
                Dropout = p.GetValue(common.Dropout),
                WeightDrop = p.GetValue(weightDrop),
                Bptt = p.GetValue(bptt),
                BatchSize = p.GetValue(common.BatchSize),
                Epochs = p.GetValue(common.Epochs),
                LearningRate = p.GetValue(common.LearningRate),
                CosineSchedule = p.GetValue(schedule) == "cosine",
                ClipNorm = p.GetValue(common.Clip),
                EarlyStoppingPatience = p.GetValue(common.Patience),
                MaxVocabularySize = p.GetValue(maxVocabulary),
                MinCount = p.GetValue(minCount),
            };
            var run = common.ReadRun(p);
            return DistributedTraining.Run(p.GetValue(distributed), group =>
            {
                options.DataParallelGroup = group;
                return Train(run, options);
            });
        });
        return command;
    }

    /// <summary>Whether <paramref name="path"/> is a language-model file rather than an ML.NET model zip.</summary>
    public static bool IsLanguageModel(string path) => File.Exists(path) && LanguageModelFile.LooksLikeLanguageModel(path);

    /// <summary><c>evaluate</c> on a language model: perplexity and bits per token of a text, the state carried through it;
    /// with <c>--adaptive</c> also the adaptive score (<see cref="LanguageModel.EvaluateAdaptive"/>).</summary>
    public static int Evaluate(string modelPath, string dataPath, bool json, AdaptiveEvaluationOptions? adaptive)
    {
        var model = LanguageModel.Load(modelPath);
        string text = ReadText(dataPath, "--data");
        var metrics = model.Evaluate(text);
        var result = adaptive is null ? null : model.EvaluateAdaptive(text, adaptive);
        string unit = model.Level == TokenLevel.Character ? "character" : "token";
        if (json)
        {
            JsonOut.Line(result is null ? Json(metrics) : new
            {
                perplexity = JsonOut.Round(result.Mixture.Perplexity), bitsPerToken = JsonOut.Round(result.Mixture.BitsPerToken),
                crossEntropy = JsonOut.Round(result.Mixture.CrossEntropy), count = result.Mixture.Count,
                @static = Json(metrics),
                network = Json(result.Network),
                ngrams = adaptive!.NGramOrders.Zip(result.NGrams, (order, m) => new { order, bitsPerToken = JsonOut.Round(m.BitsPerToken), crossEntropy = JsonOut.Round(m.CrossEntropy) }),
                weights = result.Weights.Select(w => JsonOut.Round(w)),
            });
            return 0;
        }

        Console.WriteLine($"perplexity {metrics.Perplexity:F3}, {metrics.BitsPerToken:F4} bits per {unit}, cross-entropy {metrics.CrossEntropy:F4} nats, {metrics.Count:N0} predicted tokens");
        if (result is not null)
        {
            Console.WriteLine($"adaptive: {result.Mixture.BitsPerToken:F4} bits per {unit} (perplexity {result.Mixture.Perplexity:F3}); network{(adaptive!.DynamicLearningRate > 0 ? " with dynamic evaluation" : "")} {result.Network.BitsPerToken:F4}"
                + string.Concat(adaptive.NGramOrders.Zip(result.NGrams, (order, m) => $", {order}-gram {m.BitsPerToken:F4}"))
                + $"; final weights {string.Join(" / ", result.Weights.Select(w => w.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}");
        }

        return 0;
    }

    /// <summary>The options of <c>evaluate</c> that only a language model takes: <c>--adaptive</c> and its settings.</summary>
    internal sealed class AdaptiveEvaluationArguments
    {
        private static readonly AdaptiveEvaluationOptions Defaults = new();

        public Option<bool> Adaptive { get; } = new("--adaptive") { Description = "Language model: also score adaptively: dynamic evaluation of the network mixed with adaptive n-gram models, every token scored before anything learns from it." };

        public Option<float> DynamicRate { get; } = new("--dynamic-rate") { DefaultValueFactory = _ => Defaults.DynamicLearningRate, Description = "With --adaptive: the RMS-normalised step of dynamic evaluation; 0 = the network as trained." };

        public Option<string> NGramOrders { get; } = new("--ngram-orders") { DefaultValueFactory = _ => string.Join(',', Defaults.NGramOrders), Description = "With --adaptive: comma-separated orders of the n-gram models mixed in (at most 3), or 'none'." };

        public Option<double?> NGramDiscount { get; } = new("--ngram-discount") { Description = "With --adaptive: a fixed absolute discount in (0, 1] for the n-gram models (default: modified discounts estimated from the counts)." };

        public Option<string?> PrecedingText { get; } = new("--preceding-text") { Description = "With --adaptive: a text file the n-gram models count before --data (normally the training text)." };

        public Option[] All => [Adaptive, DynamicRate, NGramOrders, NGramDiscount, PrecedingText];

        /// <summary>The settings, or null without <c>--adaptive</c> (then the other three must not be given).</summary>
        public AdaptiveEvaluationOptions? Read(ParseResult parse)
        {
            if (!parse.GetValue(Adaptive))
            {
                foreach (var option in All[1..].Where(o => CliOptions.Given(parse, o)))
                {
                    throw new ArgumentException($"{option.Name} sets up the adaptive evaluation; add --adaptive, or leave {option.Name} out.");
                }

                return null;
            }

            string orders = parse.GetValue(NGramOrders)!.Trim();
            var options = new AdaptiveEvaluationOptions
            {
                DynamicLearningRate = parse.GetValue(DynamicRate),
                NGramOrders = orders is "none" or "" ? [] : [.. orders.Split(',').Select(o => int.TryParse(o.Trim(), System.Globalization.CultureInfo.InvariantCulture, out int k)
                    ? k : throw new ArgumentException($"--ngram-orders takes comma-separated whole numbers such as 5,12 (or 'none'), got '{orders}'."))],
                NGramDiscount = parse.GetValue(NGramDiscount),
                PrecedingText = parse.GetValue(PrecedingText) is { } path ? ReadText(path, "--preceding-text") : null,
            };
            options.Validate();
            return options;
        }
    }

    /// <summary><c>inspect</c> on a language model: architecture, text settings, vocabulary size and tensors.</summary>
    public static int Inspect(string path, bool json)
    {
        var model = LanguageModel.Load(path);
        var a = model.Architecture;
        var tensors = model.Tensors.Select(t => new { name = t.Name, shape = t.Shape, count = t.Shape.Aggregate(1L, (x, y) => x * y) }).ToList();
        if (json)
        {
            JsonOut.Line(new
            {
                path = Path.GetFullPath(path), task = TaskName, graph = LanguageModelFile.GraphEntry, architecture = a,
                level = model.Level == TokenLevel.Character ? "char" : "word", lineMode = model.LineMode, lowerCase = model.LowerCase,
                vocabulary = model.Vocabulary.Count, parameters = model.ParameterCount, tensors,
            });
            return 0;
        }

        Console.WriteLine($"{Path.GetFullPath(path)}: language model ({LanguageModelFile.GraphEntry}: ONNX step graph input_ids + state -> logits + state)");
        Console.WriteLine($"  {a.CellType}, {a.NumberOfLayers} layer(s), hidden {a.HiddenSize}, input {(a.OneHotInput ? "one-hot" : $"embedding {a.EmbeddingSize}")}, dropout {a.Dropout}");
        Console.WriteLine($"  level {(model.Level == TokenLevel.Character ? "char" : "word")}, line mode {model.LineMode}, lower-case {model.LowerCase}, vocabulary {model.Vocabulary.Count}");
        foreach (var t in tensors)
        {
            Console.WriteLine($"  {t.name,-24} ({string.Join(", ", t.shape)})  {t.count:N0}");
        }

        Console.WriteLine($"  total parameters {model.ParameterCount:N0}");
        return 0;
    }

    /// <summary>Reads a text file as UTF-8.</summary>
    /// <exception cref="FileNotFoundException">It does not exist (the message names the option).</exception>
    public static string ReadText(string path, string option) => File.Exists(path)
        ? File.ReadAllText(path, Encoding.UTF8)
        : throw new FileNotFoundException($"Text file '{Path.GetFullPath(path)}' given to {option} does not exist; check the path.", path);

    private static object Json(LanguageModelMetrics m) => new
    {
        perplexity = JsonOut.Round(m.Perplexity), bitsPerToken = JsonOut.Round(m.BitsPerToken), crossEntropy = JsonOut.Round(m.CrossEntropy), count = m.Count,
    };

    private static int Train(TrainOptions.RunSettings s, LanguageModelOptions options)
    {
        options.Seed = s.Seed;
        (options.Checkpoint, options.MaxSkippedBatches, options.CancellationToken) = (s.Checkpoint, s.SkipBadBatches, CliCancellation.Token);
        CliCancellation.Checkpoint = s.Checkpoint.Path;
        options.Validate();
        string? folder = Path.GetDirectoryName(Path.GetFullPath(s.Model));
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The folder of --model '{s.Model}' does not exist; create it first.");
        }

        string text = ReadText(s.Data, "--data");
        string? validation = s.Validation is null ? null : ReadText(s.Validation, "--validation");
        var (model, stats) = TrainingRun.Fit(progress =>
        {
            options.Progress = progress;
            return new LanguageModelTrainer(options).Fit(text, validation);
        }, options.Epochs, s.Json);
        if (!DistributedTraining.WritesFiles(options.DataParallelGroup))
        {
            return 0; // process 0 saves the model and scores the held-out text (every process holds the same weights)
        }

        model.Save(s.Model);
        s.Finish();
        object? metrics = validation is null ? null : Json(model.Evaluate(validation));
        long tokens = model.TextSettings.Encode(text, Text.Vocabulary.FromTokens(model.Vocabulary)).Length;
        TrainingRun.Summary(s.Json, s.Model, stats, (int)Math.Min(tokens, int.MaxValue), model.ParameterCount,
            [("vocabulary", model.Vocabulary.Count), ("level", options.Level == TokenLevel.Character ? "char" : "word"), ("lineMode", options.LineMode), ("bptt", options.Bptt)], metrics,
            options.DataParallelGroup);
        return 0;
    }
}
