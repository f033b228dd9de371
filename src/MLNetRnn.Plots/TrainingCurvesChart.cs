using MLNetRnn.Training;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace MLNetRnn.Plots;

/// <summary>
/// Loss per epoch (training with dots, validation with squares) on the left axis, validation accuracy (triangles) on the
/// right axis, and a thin grey line at the best epoch (the last one reported <see cref="TrainingProgress.IsBest"/> with a validation loss).
/// </summary>
internal static class TrainingCurvesChart
{
    public const int Width = 800, Height = 500;

    public static PlotImage Create(IReadOnlyList<TrainingProgress> history, string title)
    {
        ArgumentNullException.ThrowIfNull(history);
        PlotStyle.CheckTitle(title);
        if (history.Count == 0)
        {
            throw new ArgumentException("The training history is empty; plot a model's TrainingHistory after at least one epoch.", nameof(history));
        }

        for (int i = 0; i < history.Count; i++)
        {
            if (history[i] is null)
            {
                throw new ArgumentException($"Entry {i} of the training history is null; every entry must be an epoch's TrainingProgress.", nameof(history));
            }
        }

        var plot = PlotStyle.Create(title);
        // Solid lines told apart by colour and marker: SkiaSharp's SVG writer cannot dash a line (it warns on stderr).
        Line(plot, history, p => p.TrainingLoss, "training loss", PlotStyle.Palette[0], MarkerShape.FilledCircle);
        Line(plot, history, p => p.ValidationLoss, "validation loss", PlotStyle.Palette[1], MarkerShape.FilledSquare);
        var accuracy = Line(plot, history, p => p.ValidationAccuracy, "validation accuracy", PlotStyle.Palette[2], MarkerShape.FilledTriangleUp);
        if (accuracy is not null)
        {
            accuracy.Axes.YAxis = plot.Axes.Right;
            plot.Axes.Right.Label.Text = "validation accuracy";
            plot.Axes.Right.TickGenerator = new NumericAutomatic { LabelFormatter = v => (v * 100).ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + "%" }; // a decimal when ticks are closer than 1%
        }

        if (history.LastOrDefault(p => p.IsBest && p.ValidationLoss is not null) is { } best)
        {
            var line = plot.Add.VerticalLine(best.Epoch, 1, Colors.Gray);
            line.LegendText = $"best epoch ({best.Epoch})";
        }

        plot.Axes.Bottom.Label.Text = "epoch";
        plot.Axes.Left.Label.Text = "loss";
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.ShowLegend(Edge.Bottom);
        PlotStyle.Finish(plot);
        return new PlotImage(plot, Width, Height);
    }

    /// <summary>Adds one series; epochs whose value is missing or not finite are left out. Null when no epoch has a value.</summary>
    private static ScottPlot.Plottables.Scatter? Line(Plot plot, IReadOnlyList<TrainingProgress> history, Func<TrainingProgress, double?> value, string legend, Color color, MarkerShape marker)
    {
        var points = history.Select(p => (X: (double)p.Epoch, Y: value(p))).Where(p => p.Y is { } y && double.IsFinite(y)).ToList();
        if (points.Count == 0)
        {
            return null;
        }

        var scatter = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y!.Value).ToArray(), color);
        scatter.LegendText = legend;
        scatter.LineWidth = 2;
        scatter.MarkerShape = marker;
        scatter.MarkerSize = 7;
        return scatter;
    }
}
