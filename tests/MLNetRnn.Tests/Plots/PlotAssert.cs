using System.Xml.Linq;
using SkiaSharp;

namespace MLNetRnn.Tests.Plots;

/// <summary>Checks that rendered plots are real images: a PNG that decodes to the stated size with a drawing on it, an SVG that parses with the stated size and texts.</summary>
internal static class PlotAssert
{
    public static readonly XNamespace SvgNamespace = "http://www.w3.org/2000/svg";

    /// <summary>Decodes <paramref name="png"/>, checks its size, and that it is not blank: a share of non-white pixels and several colours.</summary>
    /// <returns>The decoded pixels, row by row.</returns>
    public static SKColor[] Png(byte[] png, int width, int height, int minimumColours = 3)
    {
        Assert.True(png.AsSpan().StartsWith((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG signature");
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal(width, bitmap.Width);
        Assert.Equal(height, bitmap.Height);
        SKColor[] pixels = bitmap.Pixels;
        double inked = pixels.Count(p => p.Red < 240 || p.Green < 240 || p.Blue < 240) / (double)pixels.Length;
        Assert.InRange(inked, 0.01, 0.95);
        Assert.True(pixels.Distinct().Count() >= minimumColours, "the image has fewer colours than a chart needs");
        return pixels;
    }

    /// <summary>Parses <paramref name="svg"/>, checks the root element and its size.</summary>
    /// <returns>The document's texts, trimmed, in document order.</returns>
    public static List<string> Svg(string svg, int width, int height)
    {
        var root = XDocument.Parse(svg).Root!;
        Assert.Equal(SvgNamespace + "svg", root.Name);
        Assert.Equal(width.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)root.Attribute("width"));
        Assert.Equal(height.ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)root.Attribute("height"));
        return [.. root.Descendants(SvgNamespace + "text").Select(t => t.Value.Trim())];
    }

    /// <summary>The heat-map cells of an SVG: each is outlined once in the cell border colour.</summary>
    public static int HeatMapCells(string svg) =>
        XDocument.Parse(svg).Root!.Descendants(SvgNamespace + "rect").Count(r => (string?)r.Attribute("stroke") == "#CCC");
}
