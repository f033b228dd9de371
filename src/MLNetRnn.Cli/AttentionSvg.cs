using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using MLNetRnn.SequenceToSequence;

namespace MLNetRnn.Cli;

// R = output steps (output tokens, then <EOS> when decoding finished), S = source tokens.

/// <summary>
/// Draws one prediction's attention weights as a standalone SVG heat map: a row per output step (R), a column per
/// source token (S), each cell shaded from white (weight 0) to black (weight 1), labels on both axes, and a title with
/// the input and the output. Every text goes through XML escaping; characters XML cannot hold become U+FFFD.
/// </summary>
internal static class AttentionSvg
{
    private const int Cell = 28;            // side of one cell, px
    private const int CharWidth = 8;        // rough width of one label character at FontSize, px
    private const int TitleCharWidth = 9;   // the same for the bold title at FontSize + 2
    private const int FontSize = 12;
    private const int Margin = 10;
    private const int TitleHeight = 30;
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    /// <summary>Writes the heat map of <paramref name="prediction"/> to <paramref name="path"/> (UTF-8, no BOM).</summary>
    public static void Write(string path, string input, IReadOnlyList<string> sourceTokens, Seq2SeqPrediction prediction)
    {
        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true };
        using var writer = XmlWriter.Create(path, settings);
        Create(input, sourceTokens, prediction).Save(writer);
    }

    /// <summary>Builds the document: <c>&lt;rect&gt;</c> elements are exactly the R×S cells, row by row.</summary>
    /// <exception cref="ArgumentException">An attention row's length differs from the number of source tokens.</exception>
    public static XDocument Create(string input, IReadOnlyList<string> sourceTokens, Seq2SeqPrediction prediction)
    {
        var weights = prediction.Attention;                                                      // (R) rows of (S)
        var rows = Enumerable.Range(0, weights.Count).Select(r => r < prediction.Tokens.Count ? Label(prediction.Tokens[r]) : "<EOS>").ToList();
        var columns = sourceTokens.Select(Label).ToList();
        if (weights.Any(w => w.Length != columns.Count))
        {
            throw new ArgumentException($"The attention rows have {weights.FirstOrDefault(w => w.Length != columns.Count)?.Length} weights but the source has {columns.Count} tokens; they must match.");
        }

        string title = Clean($"{input} → {prediction.Text}");
        int left = Margin + (CharWidth * rows.DefaultIfEmpty(string.Empty).Max(l => l.Length)) + Margin;
        int longestColumn = columns.DefaultIfEmpty(string.Empty).Max(l => l.Length);
        bool upright = CharWidth * longestColumn <= Cell - 4; // characters fit across a column; longer labels are turned to read upwards
        int top = TitleHeight + (upright ? FontSize : CharWidth * longestColumn) + Margin;
        int width = Math.Max(left + (columns.Count * Cell) + Margin, (2 * Margin) + (TitleCharWidth * title.Length));
        int height = top + (rows.Count * Cell) + Margin;

        var svg = new XElement(Svg + "svg",
            new XAttribute("width", width), new XAttribute("height", height), new XAttribute("viewBox", $"0 0 {width} {height}"),
            new XAttribute("font-family", "sans-serif"), new XAttribute("font-size", FontSize),
            new XElement(Svg + "title", $"Attention: {title}"),
            new XElement(Svg + "text", new XAttribute("x", Margin), new XAttribute("y", 20), new XAttribute("font-size", FontSize + 2), new XAttribute("font-weight", "bold"), title));
        for (int s = 0; s < columns.Count; s++)
        {
            int x = left + (s * Cell) + (Cell / 2), y = top - 6;
            svg.Add(upright
                ? new XElement(Svg + "text", new XAttribute("x", x), new XAttribute("y", y), new XAttribute("text-anchor", "middle"), columns[s])
                : new XElement(Svg + "text", new XAttribute("transform", $"translate({x + (FontSize / 3)},{y}) rotate(-90)"), columns[s]));
        }

        for (int r = 0; r < rows.Count; r++)
        {
            int y = top + (r * Cell);
            svg.Add(new XElement(Svg + "text", new XAttribute("x", left - 6), new XAttribute("y", y + (Cell / 2) + (FontSize / 3)), new XAttribute("text-anchor", "end"), rows[r]));
            for (int s = 0; s < columns.Count; s++)
            {
                float w = float.IsFinite(weights[r][s]) ? Math.Clamp(weights[r][s], 0f, 1f) : 0f;
                int shade = (int)Math.Round(255 * (1 - w));
                svg.Add(new XElement(Svg + "rect",
                    new XAttribute("x", left + (s * Cell)), new XAttribute("y", y), new XAttribute("width", Cell), new XAttribute("height", Cell),
                    new XAttribute("fill", $"rgb({shade},{shade},{shade})"), new XAttribute("stroke", "#cccccc"), new XAttribute("stroke-width", "0.5"),
                    new XElement(Svg + "title", string.Create(CultureInfo.InvariantCulture, $"{rows[r]} ← {columns[s]}: {weights[r][s]:F3}"))));
            }
        }

        return new XDocument(new XDeclaration("1.0", "utf-8", null), svg);
    }

    /// <summary>A token as an axis label: whitespace shown as ␣, so a space character stays visible.</summary>
    private static string Label(string token) => string.IsNullOrWhiteSpace(token) ? "␣" : Clean(token);

    /// <summary>Replaces characters XML 1.0 cannot hold (control characters, lone surrogates) with U+FFFD.</summary>
    private static string Clean(string text)
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
}
