using System.Globalization;
using MLNetRnn.Plots;

namespace MLNetRnn.Interactive;

/// <summary>HTML for plots: the PNG inline, as a data URI, so the notebook file keeps the picture.</summary>
internal static class PlotHtml
{
    /// <summary>An <c>&lt;img&gt;</c> whose source is the rendered PNG, at the image's own size.</summary>
    public static string Image(PlotImage plot) =>
        string.Create(CultureInfo.InvariantCulture,
            $"<img src=\"data:image/png;base64,{Convert.ToBase64String(plot.ToPng())}\" width=\"{plot.Width}\" height=\"{plot.Height}\" alt=\"plot\" />");
}
