using MLNetRnn.Cli;
using Spectre.Console;

namespace MLNetRnn.Tests.Cli;

/// <summary>The CLI's row progress in its three modes: a live bar on a terminal, tenths as lines when redirected, nothing with --json.</summary>
public sealed class RowProgressTests
{
    [Fact]
    public void Lines_OneLinePerTenthWithTheRunningMetric_NoneBelowTheThreshold()
    {
        var lines = new StringWriter();
        int result = RowProgress.Run("beam search", 2000, ProgressMode.Lines, progress =>
        {
            for (int i = 0; i < 40; i++)
            {
                progress.Advance(50, $"exact match {RowProgress.Percent(i / 40.0)}");
            }

            return 7;
        }, lines: lines);

        Assert.Equal(7, result);
        string[] written = lines.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, written.Length);
        Assert.StartsWith("beam search: 200/2,000 rows (10%), ", written[0], StringComparison.Ordinal);
        Assert.EndsWith("exact match 7.5%", written[0].TrimEnd(), StringComparison.Ordinal); // the 4th advance reached 200 rows
        Assert.Contains("(100%)", written[^1], StringComparison.Ordinal);
        Assert.Contains("about 0 s left", written[^1], StringComparison.Ordinal);

        var small = new StringWriter();
        RowProgress.Run("evaluating", RowProgress.LinesFrom - 1, ProgressMode.Lines, progress =>
        {
            progress.Advance((int)RowProgress.LinesFrom - 1, "accuracy 50.0%");
            return 0;
        }, lines: small);
        Assert.Equal(string.Empty, small.ToString());
    }

    [Fact]
    public void Bar_DrawsOnTheTerminalWithTheMetricAndEndsFull()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes, ColorSystem = ColorSystemSupport.NoColors, Interactive = InteractionSupport.Yes,
            Out = new AnsiConsoleOutput(output),
        });
        var lines = new StringWriter();
        RowProgress.Run("evaluating", 3000, ProgressMode.Bar, progress =>
        {
            progress.Advance(3000, "accuracy 91.2%");
            return 0;
        }, console, lines);

        string drawn = output.ToString();
        Assert.Contains("evaluating accuracy 91.2%", drawn, StringComparison.Ordinal);
        Assert.Contains("100%", drawn, StringComparison.Ordinal);
        Assert.Equal(string.Empty, lines.ToString()); // a bar, not lines
    }

    [Fact]
    public void None_WritesNothingAnywhere()
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Interactive = InteractionSupport.Yes, Out = new AnsiConsoleOutput(output) });
        var lines = new StringWriter();
        RowProgress.Run("evaluating", 5000, ProgressMode.None, progress =>
        {
            progress.Advance(5000, "accuracy 50.0%");
            return 0;
        }, console, lines);

        Assert.Equal(string.Empty, output.ToString());
        Assert.Equal(string.Empty, lines.ToString());
    }
}
