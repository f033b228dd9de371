using System.CommandLine;

namespace MLNetRnn.Cli;

/// <summary>The options that say how to read a CoNLL file: <c>--token-column</c>, <c>--tag-column</c> and the separator.</summary>
internal sealed class TagOptions
{
    public Option<int> TokenColumn { get; } = CliOptions.AtLeastZero(new Option<int>("--token-column")
    {
        DefaultValueFactory = _ => 0, Description = "Tagging (CoNLL): 0-based column of the token on each line.",
    });

    public Option<int> TagColumn { get; } = new("--tag-column")
    {
        DefaultValueFactory = _ => -1, Description = "Tagging (CoNLL): 0-based column of the tag on each line; -1 (default) is the last column.",
    };

    /// <summary>Reads the CoNLL columns; the separator is <c>--separator</c> (default tab).</summary>
    /// <exception cref="ArgumentException">The tag column is below −1, equals the token column, or the separator is a line end or not one character.</exception>
    public TagData.Columns Read(ParseResult parse, Option<string?> separator)
    {
        int token = parse.GetValue(TokenColumn), tag = parse.GetValue(TagColumn);
        if (tag < -1 || tag == token)
        {
            throw new ArgumentException($"--tag-column {tag} is not usable with --token-column {token}; give -1 (the last column) or a 0-based column other than the token's.");
        }

        string? value = parse.GetValue(separator);
        char sep = value is null or "" ? '\t' : CliData.Separator(string.Empty, value);
        if (sep is '\n' or '\r')
        {
            throw new ArgumentException("--separator cannot be a line end for a CoNLL file; use 'tab' (default) or ' '.");
        }

        return new TagData.Columns(token, tag, sep);
    }
}
