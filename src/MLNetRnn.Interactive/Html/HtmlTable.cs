using System.Globalization;
using System.Net;
using System.Text;

namespace MLNetRnn.Interactive.Html;

/// <summary>
/// Writes one HTML <c>&lt;table&gt;</c>: a caption, a header row and body rows, every text HTML-encoded. Numbers are
/// right-aligned and written in invariant culture, so a notebook shows the same digits on every machine.
/// </summary>
internal sealed class HtmlTable
{
    private readonly StringBuilder _html = new();
    private readonly string[] _columns;
    private bool _bodyOpen;

    /// <summary>Starts a table with a CSS class, an optional caption and the column headings.</summary>
    public HtmlTable(string cssClass, string? caption, params string[] columns)
    {
        _columns = columns;
        _html.Append("<table class=\"").Append(cssClass).Append("\">");
        if (!string.IsNullOrEmpty(caption))
        {
            _html.Append("<caption style=\"text-align:left;font-weight:bold;white-space:nowrap\">").Append(Encode(caption)).Append("</caption>");
        }

        _html.Append("<thead><tr>");
        foreach (string column in columns)
        {
            _html.Append("<th>").Append(Encode(column)).Append("</th>");
        }

        _html.Append("</tr></thead>");
    }

    /// <summary>Adds a row; <see cref="Cell"/> values are written as given, strings encoded, numbers right-aligned.</summary>
    /// <exception cref="ArgumentException">The row does not have one value per column.</exception>
    public HtmlTable Row(params Cell[] cells)
    {
        if (cells.Length != _columns.Length)
        {
            throw new ArgumentException($"A row of this table needs {_columns.Length} cells, got {cells.Length}.", nameof(cells));
        }

        if (!_bodyOpen)
        {
            _html.Append("<tbody>");
            _bodyOpen = true;
        }

        _html.Append("<tr>");
        foreach (var cell in cells)
        {
            _html.Append(cell.Numeric ? "<td style=\"text-align:right\">" : "<td style=\"text-align:left\">").Append(cell.Html).Append("</td>");
        }

        _html.Append("</tr>");
        return this;
    }

    /// <summary>Closes the table and returns its HTML.</summary>
    public override string ToString() => _html.ToString() + (_bodyOpen ? "</tbody>" : string.Empty) + "</table>";

    /// <summary>HTML-encodes text.</summary>
    public static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Wraps parts in one <c>&lt;div&gt;</c> with a CSS class, so a notebook shows them as one output.</summary>
    public static string Block(string cssClass, IEnumerable<string> parts) =>
        $"<div class=\"{cssClass}\">{string.Concat(parts)}</div>";

    /// <summary>One table cell: its HTML and whether it holds a number (right-aligned).</summary>
    internal readonly record struct Cell(string Html, bool Numeric)
    {
        public static implicit operator Cell(string text) => new(Encode(text), false);

        public static implicit operator Cell(int value) => new(value.ToString("N0", CultureInfo.InvariantCulture), true);

        public static implicit operator Cell(long value) => new(value.ToString("N0", CultureInfo.InvariantCulture), true);

        /// <summary>A number with <paramref name="decimals"/> decimals; NaN and infinities as .NET writes them, null as a dash.</summary>
        public static Cell Number(double? value, int decimals = 4) =>
            new(value is { } v ? v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "–", true);

        /// <summary>A fraction in [0, 1] as a percentage with two decimals; null as a dash.</summary>
        public static Cell Percent(double? value) =>
            new(value is { } v ? (v * 100).ToString("F2", CultureInfo.InvariantCulture) + " %" : "–", true);
    }
}
