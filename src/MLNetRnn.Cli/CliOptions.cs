using System.CommandLine;
using System.CommandLine.Parsing;

namespace MLNetRnn.Cli;

/// <summary>Options several commands share, range checks that make a bad value a usage error (exit 2), and "was it typed" tests.</summary>
internal static class CliOptions
{
    public static Option<string> Model(string description) => new("--model") { Description = description, Required = true };

    public static Option<string?> Separator() => new("--separator") { Description = "Field separator (default: ',' for .csv, tab otherwise)." };

    /// <summary>The input column of evaluate/predict: <c>--text-column</c> for classifiers, <c>--source-column</c> for sequence-to-sequence (either name works).</summary>
    public static Option<string?> InputColumn() => new("--text-column", "--source-column")
    {
        Description = "Text (classifier) or source (seq2seq) column in the file (default: the column the model was trained on).",
    };

    /// <summary><c>--beam N</c> for commands that decode with a trained model: null keeps the beam the model was trained with.</summary>
    public static Option<int?> Beam() => AtLeastOne(new Option<int?>("--beam") { Description = "Seq2seq beam size, 1 = greedy (default: the model's, set at training)." });

    public static Option<int> AtLeastOne(Option<int> option)
    {
        AddAtLeastOne(option, r => r.GetValueOrDefault<int>());
        return option;
    }

    public static Option<int?> AtLeastOne(Option<int?> option)
    {
        AddAtLeastOne(option, r => r.GetValueOrDefault<int?>());
        return option;
    }

    public static Option<int> AtLeastZero(Option<int> option)
    {
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is var value && value < 0)
            {
                result.AddError($"{option.Name} must be 0 or more, got {value}.");
            }
        });
        return option;
    }

    /// <summary>Whether the user typed the option (a default value does not count).</summary>
    public static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    private static void AddAtLeastOne(Option option, Func<OptionResult, int?> read) => option.Validators.Add(result =>
    {
        if (read(result) is int value && value < 1)
        {
            result.AddError($"{option.Name} must be at least 1, got {value}.");
        }
    });
}
