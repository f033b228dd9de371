using BenchmarkDotNet.Running;
using MLNetRnn.Benchmarks;
using MLNetRnn.Benchmarks.Beam;
using MLNetRnn.Benchmarks.CharLm;
using MLNetRnn.Benchmarks.Compare;
using MLNetRnn.Benchmarks.Defaults;
using MLNetRnn.Benchmarks.MLNetPath;
using MLNetRnn.Benchmarks.Serving;
using MLNetRnn.Benchmarks.Tagging;

// dotnet run -c Release --project benchmarks/MLNetRnn.Benchmarks -- bench [BenchmarkDotNet options, e.g. --filter '*Gemm*']
// dotnet run -c Release --project benchmarks/MLNetRnn.Benchmarks -- compare [--quick] [--json out.json] [--markdown out.md]
// dotnet run -c Release --project benchmarks/MLNetRnn.Benchmarks -- mlnet-path [--rounds 3] [--epochs 10] [--json out.json] [--markdown out.md]
// dotnet run -c Release --project benchmarks/MLNetRnn.Benchmarks -- ragged [--runs 5] [--threads 1,2] [--json out.json] [--markdown out.md]
// dotnet run -c Release --project benchmarks/MLNetRnn.Benchmarks -- beam [--beam 5] [--threads 1] [--limit N] [--json out.json]
// dotnet run -c Release --project benchmarks/MLNetRnn.Benchmarks -- charlm [--hidden 512] [--batch 64] [--bptt 100] [--chunks 20] [--threads 2] [--json out.json]
// dotnet run -c Release --project benchmarks/MLNetRnn.Benchmarks -- serve [--threads 1,4,16] [--seconds 10] [--json out.json] [--markdown out.md]
// dotnet run -c Release --project benchmarks/MLNetRnn.Benchmarks -- tagging [--epochs 2] [--limit 3000] [--threads 1] [--json out.json]
// dotnet run -c Release --project benchmarks/MLNetRnn.Benchmarks -- defaults [--seeds 1,2,3] [--configs all] [--json out.json] [--markdown out.md]
const string usage = """
    MLNetRnn.Benchmarks (see benchmarks/README.md)
      bench [BenchmarkDotNet arguments]   kernel and layer benchmarks, e.g. bench --filter '*Gemm*' or --list flat
      compare [options]                   MLNetRnn vs PyTorch on issue 5's workloads; compare --help for options
      mlnet-path [options]                training through ML.NET's IDataView path vs the engine alone; mlnet-path --help
      ragged [options]                    issue 14's ragged / padded step time, paired in one process per run; ragged --help
      beam [options]                      decoding speed on CMUdict: one-sentence vs batched beam, greedy, PyTorch greedy; beam --help
      charlm [options]                    character LSTM language model training speed on Moby-Dick, MLNetRnn vs PyTorch; charlm --help
      serve [options]                     many threads over one loaded model zip: latency, throughput, memory; serve --help
      tagging [options]                   BiLSTM POS tagger on Brown: engine vs PyTorch training tokens/s and accuracy; tagging --help
      defaults [options]                  issue 9: sweep of the classifier's defaults, then the default CLI vs ML.NET's text classifier; defaults --help
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(usage);
    return args.Length == 0 ? 2 : 0;
}

switch (args[0])
{
    case "bench":
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(ShortRunConfig).Assembly).Run(args[1..], new ShortRunConfig());
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    case "compare":
        return CompareCommand.Run(args[1..]);
    case "mlnet-path":
        return MLNetPathCommand.Run(args[1..]);
    case "ragged":
        return RaggedCommand.Run(args[1..]);
    case "beam":
        return BeamCommand.Run(args[1..]);
    case "charlm":
        return CharLmCommand.Run(args[1..]);
    case "serve":
        return ServeCommand.Run(args[1..]);
    case "tagging":
        return TaggingCommand.Run(args[1..]);
    case "defaults":
        return DefaultsCommand.Run(args[1..]);
    default:
        Console.Error.WriteLine($"Unknown command '{args[0]}'.");
        Console.Error.WriteLine(usage);
        return 2;
}
