using System.Globalization;
using MLNetRnn.Layers;

namespace MLNetRnn.Benchmarks.MLNetPath;

/// <summary>The command line of <c>mlnet-path</c>.</summary>
public sealed class MLNetPathOptions
{
    /// <summary>The usage text.</summary>
    public const string Usage = """
        mlnet-path [options]         training through ML.NET's IDataView path vs the engine alone, alternating, on the
                                     sentiment data (datasets/sentiment/train.tsv); see benchmarks/README.md
          --rounds N                 alternation rounds (default 3)
          --epochs N                 epochs per fit (default 10)
          --cell lstm|gru|rnn        recurrent cell (default lstm)
          --hidden N                 H (default 128)
          --embedding N              E (default 64)
          --batch N                  rows per mini-batch (default 32)
          --threads N                engine threads (default 1)
          --data PATH                the training file (default: datasets/sentiment/train.tsv found from the
                                     repository root)
          --no-pipeline              skip the full pipeline fit from raw text (shown for information)
          --json FILE                also write every timing as JSON
          --markdown FILE            also write the table as Markdown
        """;

    /// <summary>Gets the alternation rounds.</summary>
    public int Rounds { get; private set; } = 3;

    /// <summary>Gets the epochs per fit.</summary>
    public int Epochs { get; private set; } = 10;

    /// <summary>Gets the recurrent cell.</summary>
    public RecurrentCellType Cell { get; private set; } = RecurrentCellType.Lstm;

    /// <summary>Gets H.</summary>
    public int HiddenSize { get; private set; } = 128;

    /// <summary>Gets E.</summary>
    public int EmbeddingSize { get; private set; } = 64;

    /// <summary>Gets the mini-batch size.</summary>
    public int BatchSize { get; private set; } = 32;

    /// <summary>Gets the engine thread count.</summary>
    public int Threads { get; private set; } = 1;

    /// <summary>Gets the training file, or null to search for it.</summary>
    public string? DataPath { get; private set; }

    /// <summary>Gets whether the full pipeline fit is measured too.</summary>
    public bool Pipeline { get; private set; } = true;

    /// <summary>Gets the JSON output path, or null.</summary>
    public string? JsonPath { get; private set; }

    /// <summary>Gets the Markdown output path, or null.</summary>
    public string? MarkdownPath { get; private set; }

    /// <summary>Parses the arguments after <c>mlnet-path</c>.</summary>
    /// <param name="args">The arguments.</param>
    /// <returns>The options.</returns>
    /// <exception cref="ArgumentException">An option is unknown, lacks its value, or has a bad value; the message says which.</exception>
    public static MLNetPathOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new MLNetPathOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option {arg} needs a value; see 'mlnet-path --help'.");
            switch (arg)
            {
                case "--rounds": options.Rounds = PositiveInt(arg, Value()); break;
                case "--epochs": options.Epochs = PositiveInt(arg, Value()); break;
                case "--cell": options.Cell = ParseCell(Value()); break;
                case "--hidden": options.HiddenSize = PositiveInt(arg, Value()); break;
                case "--embedding": options.EmbeddingSize = PositiveInt(arg, Value()); break;
                case "--batch": options.BatchSize = PositiveInt(arg, Value()); break;
                case "--threads": options.Threads = PositiveInt(arg, Value()); break;
                case "--data": options.DataPath = Value(); break;
                case "--no-pipeline": options.Pipeline = false; break;
                case "--json": options.JsonPath = Value(); break;
                case "--markdown": options.MarkdownPath = Value(); break;
                default: throw new ArgumentException($"Unknown option '{arg}'; see 'mlnet-path --help'.");
            }
        }

        return options;
    }

    private static RecurrentCellType ParseCell(string value) => value.ToLowerInvariant() switch
    {
        "lstm" => RecurrentCellType.Lstm,
        "gru" => RecurrentCellType.Gru,
        "rnn" or "simplernn" => RecurrentCellType.SimpleRnn,
        _ => throw new ArgumentException($"Unknown cell '{value}'; use lstm, gru or rnn."),
    };

    private static int PositiveInt(string option, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n
            : throw new ArgumentException($"{option} needs a positive integer, got '{value}'.");
}
