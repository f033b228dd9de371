using System.Text;
using System.Xml;
using ScottPlot;

namespace MLNetRnn.Plots;

/// <summary>What every chart shares: a sans-serif font, a palette, and cell drawing for heat maps.</summary>
internal static class PlotStyle
{
    /// <summary>Category colours (matplotlib's tab10): blue, orange, green, red, purple, brown.</summary>
    public static readonly Color[] Palette =
    [
        Color.FromHex("#1f77b4"), Color.FromHex("#ff7f0e"), Color.FromHex("#2ca02c"),
        Color.FromHex("#d62728"), Color.FromHex("#9467bd"), Color.FromHex("#8c564b"),
    ];

    private static readonly string? SansFont = new[] { "DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Segoe UI" }.FirstOrDefault(f => Fonts.GetTypeface(f, bold: false, italic: false) is { } typeface && typeface.FamilyName == f);

    /// <summary>A new plot with the house font and <paramref name="title"/>.</summary>
    public static Plot Create(string title)
    {
        var plot = new Plot();
        if (SansFont is not null)
        {
            plot.Font.Set(SansFont);
        }

        plot.Title(Clean(title), 16);
        return plot;
    }

    /// <summary>Applies the house font to texts added after <see cref="Create"/> (ScottPlot sets fonts per element).</summary>
    public static void Finish(Plot plot)
    {
        if (SansFont is not null)
        {
            plot.Font.Set(SansFont);
        }
    }

    /// <summary>Draws one heat-map cell centred on (<paramref name="x"/>, <paramref name="y"/>), one unit wide and high.</summary>
    public static void Cell(Plot plot, double x, double y, Color fill)
    {
        var cell = plot.Add.Rectangle(x - 0.5, x + 0.5, y - 0.5, y + 0.5);
        cell.FillColor = fill;
        cell.LineColor = Color.FromHex("#cccccc");
        cell.LineWidth = 0.5f;
    }

    /// <summary>Turns a plot into a heat map frame: no grid, no margins, tick labels only where the cells are.</summary>
    /// <param name="plot">The plot.</param>
    /// <param name="columns">The column labels, left to right.</param>
    /// <param name="rows">The row labels, top to bottom.</param>
    /// <param name="cellPixels">About how wide a cell is drawn: column labels wider than that are turned to read upwards.</param>
    /// <param name="xLabel">The x axis title.</param>
    /// <param name="yLabel">The y axis title.</param>
    public static void HeatMapAxes(Plot plot, IReadOnlyList<string> columns, IReadOnlyList<string> rows, int cellPixels, string xLabel, string yLabel)
    {
        plot.HideGrid();
        plot.Axes.Bottom.SetTicks([.. Enumerable.Range(0, columns.Count).Select(c => (double)c)], [.. columns]);
        plot.Axes.Left.SetTicks([.. Enumerable.Range(0, rows.Count).Select(r => (double)(rows.Count - 1 - r))], [.. rows]);
        if (ColumnLabelsTurn(columns, cellPixels))
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -90;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = 20 + (CharPixels * columns.Max(c => c.Length));
        }

        plot.Axes.Bottom.Label.Text = xLabel;
        plot.Axes.Left.Label.Text = yLabel;
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Left.MajorTickStyle.Length = 0;
        plot.Axes.SetLimits(-0.5, columns.Count - 0.5, -0.5, rows.Count - 0.5);
    }

    /// <summary>About the width of one label character at the default tick font size, in pixels.</summary>
    public const int CharPixels = 8;

    /// <summary>Whether the column labels must read upwards to fit their cells.</summary>
    public static bool ColumnLabelsTurn(IReadOnlyList<string> columns, int cellPixels) => CharPixels * columns.Max(c => c.Length) > cellPixels - 4;

    /// <summary>A token as an axis label: whitespace shown as ␣ so a space stays visible.</summary>
    public static string TokenLabel(string token) => string.IsNullOrWhiteSpace(token) ? "␣" : Clean(token);

    /// <summary>
    /// Replaces what no image can show as text, characters XML 1.0 cannot hold (control characters, lone surrogates),
    /// with U+FFFD, so the SVG stays well-formed and the PNG shows where they were.
    /// </summary>
    public static string Clean(string text)
    {
        var result = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i]))
            {
                result.Append(text, i, 2);
                i++;
            }
            else
            {
                result.Append(XmlConvert.IsXmlChar(text[i]) ? text[i] : '\uFFFD');
            }
        }

        return result.ToString();
    }

    /// <summary>Throws unless <paramref name="title"/> is a string (empty is allowed: no title).</summary>
    public static void CheckTitle(string title) => ArgumentNullException.ThrowIfNull(title);
}
