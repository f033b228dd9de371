using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace MLNetRnn.Cli;

/// <summary>
/// Progress of a pass over rows (evaluating a file, beam search over a test set) in the three ways the CLI reports:
/// on an interactive terminal a Spectre.Console bar with percentage, elapsed and remaining time and the running metric;
/// with output redirected one line on stderr at every tenth of a large pass (stdout keeps only the result, so
/// <c>evaluate ... &gt; metrics.txt</c> stays clean); with <c>--json</c> nothing, so stdout is only the JSON.
/// </summary>
internal sealed class RowProgress
{
    /// <summary>Passes with fewer rows than this print no lines when redirected: they end before a line would help.</summary>
    internal const long LinesFrom = 1000;

    private readonly string _what;
    private readonly long _total;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly Action<long, string?> _show;
    private long _done;
    private int _tenthsShown;

    private RowProgress(string what, long total, Action<long, string?>? show, TextWriter? lines)
    {
        _what = what;
        _total = Math.Max(total, 1);
        _show = show ?? ((done, metric) => WriteLine(lines!, done, metric));
    }

    /// <summary>A share as a percentage with one decimal, the same in every culture (<c>85.1%</c>).</summary>
    public static string Percent(double share) => (share * 100).ToString("F1", CultureInfo.InvariantCulture) + "%";

    /// <summary>Gets how the CLI reports for this run: nothing with --json, lines when redirected, else a bar.</summary>
    public static ProgressMode ModeFor(bool json) =>
        json ? ProgressMode.None
        : Console.IsOutputRedirected || !AnsiConsole.Profile.Capabilities.Interactive ? ProgressMode.Lines
        : ProgressMode.Bar;

    /// <summary>Runs <paramref name="work"/> over <paramref name="total"/> rows, reporting as <paramref name="mode"/> says.</summary>
    /// <param name="what">What is being done, for the bar and the lines (<c>evaluating</c>, <c>beam search</c>).</param>
    /// <param name="total">Rows the pass will read.</param>
    /// <param name="mode">How to report; see <see cref="ModeFor"/>.</param>
    /// <param name="work">The pass; it calls <see cref="Advance"/> as rows are done.</param>
    /// <param name="console">The terminal for the bar (the process's console unless a test gives one).</param>
    /// <param name="lines">Where lines go (stderr unless a test gives a writer).</param>
    public static T Run<T>(string what, long total, ProgressMode mode, Func<RowProgress, T> work, IAnsiConsole? console = null, TextWriter? lines = null)
    {
        switch (mode)
        {
            case ProgressMode.None:
                return work(new RowProgress(what, total, (_, _) => { }, null));
            case ProgressMode.Lines:
                return work(new RowProgress(what, total, null, total >= LinesFrom ? lines ?? Console.Error : TextWriter.Null));
            default:
                T result = default!;
                (console ?? AnsiConsole.Console).Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
                    .Start(context =>
                    {
                        var task = context.AddTask(Markup.Escape(what), maxValue: Math.Max(total, 1));
                        result = work(new RowProgress(what, total, (done, metric) =>
                        {
                            task.Value = done;
                            task.Description = Markup.Escape(metric is null ? what : $"{what} {metric}");
                        }, null));
                        task.Value = task.MaxValue;
                    });
                return result;
        }
    }

    /// <summary>Records <paramref name="rows"/> more rows done and the running metric, if any (for example <c>accuracy 85.1%</c>).</summary>
    public void Advance(int rows, string? metric = null)
    {
        _done += rows;
        _show(_done, metric);
    }

    private void WriteLine(TextWriter lines, long done, string? metric)
    {
        int tenths = (int)Math.Min(10, done * 10 / _total);
        if (tenths <= _tenthsShown)
        {
            return;
        }

        _tenthsShown = tenths;
        double seconds = _clock.Elapsed.TotalSeconds;
        double left = done >= _total ? 0 : seconds / done * (_total - done);
        lines.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{_what}: {done:N0}/{_total:N0} rows ({tenths * 10}%), {seconds:F1} s, about {left:F0} s left{(metric is null ? string.Empty : ", " + metric)}"));
    }
}

/// <summary>How a CLI command shows progress.</summary>
internal enum ProgressMode
{
    /// <summary>Nothing (<c>--json</c>: stdout is only the JSON).</summary>
    None,

    /// <summary>Lines on stderr at every tenth of a large pass (output redirected).</summary>
    Lines,

    /// <summary>A live bar (interactive terminal).</summary>
    Bar,
}
