using System.Globalization;

namespace MLNetRnn.Benchmarks.Serving;

/// <summary>The command line of <c>serve</c>.</summary>
public sealed class ServeOptions
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        serve [options]              many threads over one loaded ML.NET model zip through MLNetRnn's
                                     ConcurrentPredictionEngine: latency p50/p99, throughput and memory per thread count
                                     (the README's serving model: LSTM E 64, H 128, vocabulary 10,000, 20-word sentence)
          --threads LIST             thread counts, comma-separated (default 1,4,16)
          --seconds S                timed seconds per thread count, after 2 s of warm-up (default 10)
          --model ZIP                serve this classifier zip (input column Text) instead of training the default one
          --json FILE                also write the results as JSON
          --markdown FILE            also write the table as Markdown
        """;

    /// <summary>Gets the thread counts, in order.</summary>
    public IReadOnlyList<int> Threads { get; private set; } = [1, 4, 16];

    /// <summary>Gets the timed seconds per thread count.</summary>
    public double Seconds { get; private set; } = 10;

    /// <summary>Gets the model to serve, or null to prepare the default one.</summary>
    public string? ModelPath { get; private set; }

    /// <summary>Gets the JSON output path, or null.</summary>
    public string? JsonPath { get; private set; }

    /// <summary>Gets the Markdown output path, or null.</summary>
    public string? MarkdownPath { get; private set; }

    /// <summary>Parses the arguments after <c>serve</c>.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">An option is unknown, lacks its value, or has a bad value; the message says which.</exception>
    public static ServeOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new ServeOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option {arg} needs a value; see 'serve --help'.");
            switch (arg)
            {
                case "--threads": options.Threads = [.. Value().Split(',').Select(v => Positive(arg, v))]; break;
                case "--seconds":
                    string s = Value();
                    options.Seconds = double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) && seconds > 0
                        ? seconds
                        : throw new ArgumentException($"--seconds needs a positive number, got '{s}'.");
                    break;
                case "--model": options.ModelPath = Value(); break;
                case "--json": options.JsonPath = Value(); break;
                case "--markdown": options.MarkdownPath = Value(); break;
                default: throw new ArgumentException($"Unknown option '{arg}'; see 'serve --help'.");
            }
        }

        return options;
    }

    private static int Positive(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : throw new ArgumentException($"{option} needs positive integers, got '{value}'.");
}
