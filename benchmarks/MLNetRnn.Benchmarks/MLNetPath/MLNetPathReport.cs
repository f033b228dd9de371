using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using MLNetRnn.Benchmarks.Compare;

namespace MLNetRnn.Benchmarks.MLNetPath;

/// <summary>
/// <c>mlnet-path</c>'s results: a Markdown table (best and median seconds and tokens/s per path, best time ÷ engine-only,
/// the training loop's share of the call) with notes, and a JSON file of every round.
/// </summary>
public sealed class MLNetPathReport
{
    /// <summary>The issue's acceptance: the ML.NET path's tokens/s at least this share of the engine-only tokens/s.</summary>
    public const double RequiredShare = 0.95;

    private readonly MLNetPathOptions _options;
    private readonly string _dataPath;
    private readonly SentimentWorkload _data;
    private readonly PathTiming _engine;
    private readonly PathTiming _mlnet;
    private readonly PathTiming? _pipeline;
    private readonly TimeSpan _elapsed;

    /// <summary>Collects the results.</summary>
    /// <param name="options">The command line.</param>
    /// <param name="dataPath">The training file.</param>
    /// <param name="data">The workload.</param>
    /// <param name="engine">The engine-only timings.</param>
    /// <param name="mlnet">The ML.NET path's timings.</param>
    /// <param name="pipeline">The full pipeline's timings, or null when skipped.</param>
    /// <param name="elapsed">The whole run's time.</param>
    public MLNetPathReport(MLNetPathOptions options, string dataPath, SentimentWorkload data, PathTiming engine, PathTiming mlnet,
        PathTiming? pipeline, TimeSpan elapsed)
    {
        _options = options;
        _dataPath = dataPath;
        _data = data;
        _engine = engine;
        _mlnet = mlnet;
        _pipeline = pipeline;
        _elapsed = elapsed;
    }

    private IEnumerable<PathTiming> Paths => _pipeline is null ? [_engine, _mlnet] : [_engine, _mlnet, _pipeline];

    private long Tokens => _options.Epochs * _data.TokensPerEpoch;

    /// <summary>Renders the table and its notes.</summary>
    /// <returns>GitHub Markdown.</returns>
    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        sb.AppendLine("| path | best s | median s | tokens/s (best) | tokens/s (median) | best time ÷ engine-only | training loop s (best round) | rest of the call s |");
        sb.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var p in Paths)
        {
            sb.AppendLine($"| {p.Name} | {F(p.Best, "0.000")} | {F(p.Median, "0.000")} | {Rate(p.Best)} | {Rate(p.Median)} | "
                + $"{F(p.Best / _engine.Best, "0.000")}× | {F(p.TrainingInBest, "0.000")} | {F(p.Best - p.TrainingInBest, "0.000")} |");
        }

        sb.AppendLine();
        double share = _engine.Best / _mlnet.Best, medianShare = _engine.Median / _mlnet.Median;
        sb.AppendLine($"- **Acceptance** (ML.NET path within {100 * (1 - RequiredShare):0}% of the engine-only tokens/s): best times give "
            + $"{F(100 * share, "0.0")}% (time ratio {F(_mlnet.Best / _engine.Best, "0.000")}×, at most {F(1 / RequiredShare, "0.000")}× allowed): "
            + $"**{(share >= RequiredShare ? "met" : "MISSED")}**; medians give {F(100 * medianShare, "0.0")}%.");
        double loop = _mlnet.TrainingInBest;
        sb.AppendLine($"- Inside the ML.NET path's fastest Fit: the training loop took {F(loop, "0.000")} s ({Rate(loop)}; "
            + $"{F(100 * _engine.Best / loop, "0.0")}% of engine-only's rate), the rest {F(_mlnet.Best - loop, "0.000")} s "
            + $"({F(100 * (_mlnet.Best - loop) / _mlnet.Best, "0.0")}% of the Fit): reading the cached Label and Ids columns into arrays, building "
            + "the network, writing the ONNX graph and building the ML.NET steps (ONNX transform session, hashing, value mapping).");
        sb.AppendLine($"- Same work on every path: per-epoch training losses identical in every round and path: "
            + $"**{(SameLosses() ? "yes" : "NO")}** (epoch 1 {F(_engine.Losses[0][0], "0.000000")}, epoch {_engine.Losses[0].Length} {F(_engine.Losses[0][^1], "0.000000")}).");
        sb.AppendLine($"- engine-only: {_engine.Timed}. ML.NET path: {_mlnet.Timed}."
            + (_pipeline is null ? "" : $" Full pipeline, for information: {_pipeline.Timed}."));
        sb.AppendLine($"- Workload: `{Path.GetFileName(_dataPath)}`, {_data.Rows:N0} rows, {_data.TokensPerEpoch:N0} real tokens per epoch, vocabulary "
            + $"{_data.VocabularySize:N0} (with <PAD> and <UNK>), {_data.ClassCount} classes; {_options.Cell} E {_options.EmbeddingSize}, "
            + $"H {_options.HiddenSize}, batch {_options.BatchSize}, {_options.Epochs} epochs, no validation, seed 1, Adam lr 0.002, clip 1 "
            + $"(trainer defaults). Tokens/s = {_options.Epochs} epochs × {_data.TokensPerEpoch:N0} tokens ÷ seconds.");
        sb.AppendLine($"- Engine threads {EngineThreading.Count} (EngineThreads.Count, set through EngineThreading as `compare` does; "
            + $"`--threads`). {_options.Rounds} round(s), one process, order reversed in even rounds; each path warmed up twice with 1 epoch; "
            + "a full GC before each timed call.");
        sb.AppendLine($"- MLNetRnn {OneWorkloadCommand.LibraryVersion}, .NET {Environment.Version}, {Environment.ProcessorCount} cores "
            + $"({CompareReport.CpuName()}), {RuntimeInformation.OSDescription}; total {_elapsed.TotalMinutes:0.0} min.");
        return sb.ToString();
    }

    /// <summary>Writes every round's timings and the run's settings as indented JSON.</summary>
    /// <param name="path">The file to write.</param>
    public void WriteJson(string path)
    {
        var document = new
        {
            date = DateTime.UtcNow.ToString("o"),
            machine = new { cores = Environment.ProcessorCount, cpu = CompareReport.CpuName(), os = RuntimeInformation.OSDescription, dotnet = Environment.Version.ToString() },
            mlnetrnn = OneWorkloadCommand.LibraryVersion,
            data = new { file = _dataPath, rows = _data.Rows, tokensPerEpoch = _data.TokensPerEpoch, vocabulary = _data.VocabularySize, classes = _data.ClassCount },
            settings = new
            {
                cell = _options.Cell.ToString(), embedding = _options.EmbeddingSize, hidden = _options.HiddenSize, batch = _options.BatchSize,
                epochs = _options.Epochs, seed = 1, engineThreads = EngineThreading.Count, rounds = _options.Rounds,
            },
            tokensPerFit = Tokens,
            ratioBestMLNetToEngine = _mlnet.Best / _engine.Best,
            shareOfEngineTokensPerSecond = _engine.Best / _mlnet.Best,
            acceptanceMet = _engine.Best / _mlnet.Best >= RequiredShare,
            sameLosses = SameLosses(),
            elapsedSeconds = _elapsed.TotalSeconds,
            paths = Paths.Select(p => new
            {
                name = p.Name,
                timed = p.Timed,
                seconds = p.Seconds,
                trainingLoopSeconds = p.TrainingSeconds,
                bestSeconds = p.Best,
                medianSeconds = p.Median,
                bestTokensPerSecond = Tokens / p.Best,
                medianTokensPerSecond = Tokens / p.Median,
                losses = p.Losses[0],
            }),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions(Measurement.JsonOptions) { WriteIndented = true }));
    }

    private bool SameLosses()
    {
        double[] reference = _engine.Losses[0];
        return Paths.SelectMany(p => p.Losses).All(l => l.SequenceEqual(reference));
    }

    private string Rate(double seconds) => $"{F(Tokens / seconds / 1000, "0.0")}k";

    private static string F(double x, string format) => x.ToString(format, CultureInfo.InvariantCulture);
}
