using System.Text;
using ScottPlot;

namespace MLNetRnn.Plots;

/// <summary>
/// A finished chart from <see cref="RnnPlots"/>, rendered on demand as PNG or SVG at <see cref="Width"/> ×
/// <see cref="Height"/> pixels.
/// </summary>
/// <remarks>
/// Rendering uses ScottPlot on SkiaSharp, with the first of DejaVu Sans, Liberation Sans, Arial, Helvetica or Segoe UI
/// that the machine has (else ScottPlot's default font); characters that font lacks (CJK, emoji) show as boxes in the
/// PNG, while the SVG keeps the text for the viewer's fonts. The chart is fixed when it is made; each call renders it again,
/// so the PNG and SVG of one image show the same thing. Safe to use from several threads: renders take turns.
/// </remarks>
public sealed class PlotImage
{
    private readonly Plot _plot;
    private readonly Lock _render = new();

    internal PlotImage(Plot plot, int width, int height)
    {
        _plot = plot;
        Width = width;
        Height = height;
    }

    /// <summary>Gets the image width in pixels (SVG user units).</summary>
    public int Width { get; }

    /// <summary>Gets the image height in pixels (SVG user units).</summary>
    public int Height { get; }

    /// <summary>Returns the same chart at another size.</summary>
    /// <param name="width">Width in pixels, 100 to 10,000.</param>
    /// <param name="height">Height in pixels, 100 to 10,000.</param>
    /// <returns>An image that shares this chart and renders at the new size.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A side is outside 100 to 10,000.</exception>
    public PlotImage Resize(int width, int height)
    {
        CheckSide(width, nameof(width));
        CheckSide(height, nameof(height));
        return new PlotImage(_plot, width, height);
    }

    /// <summary>Renders the chart as a PNG file's bytes (8-bit RGBA).</summary>
    /// <returns>The bytes of a PNG of <see cref="Width"/> × <see cref="Height"/> pixels.</returns>
    public byte[] ToPng()
    {
        lock (_render)
        {
            return _plot.GetImageBytes(Width, Height, ImageFormat.Png);
        }
    }

    /// <summary>Renders the chart as a standalone SVG document.</summary>
    /// <returns>The XML of an <c>&lt;svg&gt;</c> element whose <c>width</c> and <c>height</c> are <see cref="Width"/> and <see cref="Height"/>; texts are <c>&lt;text&gt;</c> elements.</returns>
    public string ToSvg()
    {
        lock (_render)
        {
            return _plot.GetSvgXml(Width, Height);
        }
    }

    /// <summary>
    /// Writes the chart to <paramref name="path"/> as PNG or SVG, chosen by the extension (<c>.png</c> or <c>.svg</c>, any
    /// case), through a temporary file in the same folder that is then renamed, so a failure never leaves half a file.
    /// </summary>
    /// <param name="path">The file to write or replace.</param>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or ends in another extension than .png or .svg; the message names it.</exception>
    /// <exception cref="DirectoryNotFoundException">The folder of <paramref name="path"/> does not exist.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string extension = Path.GetExtension(path);
        if (extension.Equals(".png", StringComparison.OrdinalIgnoreCase))
        {
            AtomicFile.Write(path, ToPng());
        }
        else if (extension.Equals(".svg", StringComparison.OrdinalIgnoreCase))
        {
            AtomicFile.Write(path, new UTF8Encoding(false).GetBytes(ToSvg()));
        }
        else
        {
            string named = extension.Length == 0 ? "no extension" : $"the extension '{extension}'";
            throw new ArgumentException($"Cannot save a plot to '{path}': it has {named}; use .png or .svg.", nameof(path));
        }
    }

    internal static void CheckSide(int pixels, string name)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pixels, 100, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pixels, 10_000, name);
    }
}
