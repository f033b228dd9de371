using System.Globalization;
using ScottPlot;
using MLConfusionMatrix = Microsoft.ML.Data.ConfusionMatrix;

namespace MLNetRnn.Plots;

/// <summary>
/// A heat map of ML.NET's confusion matrix: a row per true class (top to bottom in class order), a column per predicted
/// class, each cell's count written in it with its share of the row below; the fill goes from white (0 % of the row)
/// to dark blue (100 %), so rare classes read as clearly as common ones.
/// </summary>
internal static class ConfusionMatrixChart
{
    private static readonly Color Full = Color.FromHex("#08306b");

    public static PlotImage Create(MLConfusionMatrix matrix, IReadOnlyList<string> classes, string title)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(classes);
        PlotStyle.CheckTitle(title);
        int n = matrix.NumberOfClasses;
        if (classes.Count != n)
        {
            throw new ArgumentException($"The confusion matrix has {n} classes but {classes.Count} class names were given; pass one name per class, in key order (the Score column's slot names).", nameof(classes));
        }

        if (classes.Any(c => c is null))
        {
            throw new ArgumentException("A class name is null; give every class a name.", nameof(classes));
        }

        var counts = matrix.Counts;
        if (counts.Count != n || counts.Any(row => row.Count != n))
        {
            throw new ArgumentException($"The confusion matrix's counts are not {n} × {n}; it is damaged.", nameof(matrix));
        }

        string[] names = [.. classes.Select(PlotStyle.Clean)];
        var plot = PlotStyle.Create(title);
        for (int r = 0; r < n; r++)
        {
            double total = counts[r].Sum();
            for (int c = 0; c < n; c++)
            {
                double count = counts[r][c];
                double share = total > 0 ? count / total : 0;
                double y = n - 1 - r;
                PlotStyle.Cell(plot, c, y, Colors.White.MixedWith(Full, (float)Math.Clamp(share, 0, 1)));
                var ink = share > 0.5 ? Colors.White : Colors.Black;
                var label = plot.Add.Text(count.ToString(count == Math.Floor(count) ? "N0" : "N2", CultureInfo.InvariantCulture), c, y);
                label.LabelStyle.Alignment = Alignment.LowerCenter;
                label.LabelStyle.FontSize = 18;
                label.LabelStyle.Bold = true;
                label.LabelStyle.ForeColor = ink;
                var percent = plot.Add.Text(total > 0 ? share.ToString("P1", CultureInfo.InvariantCulture) : "–", c, y);
                percent.LabelStyle.Alignment = Alignment.UpperCenter;
                percent.LabelStyle.FontSize = 12;
                percent.LabelStyle.ForeColor = ink;
            }
        }

        int side = Math.Clamp(90 * n, 300, 2000);
        PlotStyle.HeatMapAxes(plot, names, names, side / n, "predicted", "truth");
        PlotStyle.Finish(plot);
        int labels = 12 + (PlotStyle.CharPixels * names.Max(c => c.Length));
        return new PlotImage(plot, Math.Min(side + labels + 80, 10_000), Math.Min(side + 140 + (PlotStyle.ColumnLabelsTurn(names, side / n) ? labels : 0), 10_000));
    }
}
