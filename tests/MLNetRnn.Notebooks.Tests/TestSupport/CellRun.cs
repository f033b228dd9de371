using System.Text.RegularExpressions;
using Microsoft.DotNet.Interactive.Events;

namespace MLNetRnn.Notebooks.Tests.TestSupport;

/// <summary>What one submitted cell did: its events (displays, output, failure) and how long it took.</summary>
/// <param name="Index">The cell's position in the notebook, from 0, counting markdown cells.</param>
/// <param name="Source">The code submitted.</param>
/// <param name="Events">Every event the kernel reported for the submission.</param>
/// <param name="Elapsed">Wall time of the submission.</param>
internal sealed partial record CellRun(int Index, string Source, IReadOnlyList<KernelEvent> Events, TimeSpan Elapsed)
{
    /// <summary>Gets the failure, or null when the cell ran.</summary>
    public CommandFailed? Failure => Events.OfType<CommandFailed>().FirstOrDefault();

    /// <summary>Gets every <c>text/html</c> value the cell displayed (its return value and <c>Display()</c> calls), joined.</summary>
    public string Html => string.Concat(Events.OfType<DisplayEvent>().SelectMany(e => e.FormattedValues).Where(v => v.MimeType == "text/html").Select(v => v.Value));

    /// <summary>Gets what the cell wrote to standard output.</summary>
    public string Output => string.Concat(Events.OfType<StandardOutputValueProduced>().SelectMany(e => e.FormattedValues).Select(v => v.Value));

    /// <summary>Gets the PNG images the cell displayed: inline <c>data:image/png;base64</c> sources, and <c>image/png</c> values.</summary>
    public IReadOnlyList<byte[]> Images =>
    [
        .. DataUri().Matches(Html).Select(m => Convert.FromBase64String(m.Groups[1].Value)),
        .. Events.OfType<DisplayEvent>().SelectMany(e => e.FormattedValues).Where(v => v.MimeType == "image/png").Select(v => Convert.FromBase64String(v.Value)),
    ];

    /// <summary>A description for failure messages: the first lines of the source.</summary>
    public string Describe(string notebook) =>
        $"{notebook}, cell {Index}:\n    " + string.Join("\n    ", Source.Split('\n').Take(6)) + (Source.Count(c => c == '\n') >= 6 ? "\n    …" : string.Empty);

    [GeneratedRegex("<img[^>]*\\ssrc=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"")]
    private static partial Regex DataUri();
}
