using System.Globalization;
using System.Text;
using MLNetRnn.Diagnostics;
using MLNetRnn.Layers;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace MLNetRnn.Plots;

/// <summary>
/// Gradient-flow curves: one line per result, <c>‖∂h_T/∂x_t‖_F</c> against the input step t on a log-scale y axis
/// (decades labelled 10ⁿ). Norms that are 0 or not finite have no place on a log scale and are left out.
/// </summary>
internal static class GradientFlowChart
{
    public const int Width = 800, Height = 500;

    public static PlotImage Create(IReadOnlyList<GradientFlowResult> curves, string title)
    {
        ArgumentNullException.ThrowIfNull(curves);
        PlotStyle.CheckTitle(title);
        if (curves.Count == 0)
        {
            throw new ArgumentException("There are no gradient-flow curves; measure at least one with GradientFlow.Measure.", nameof(curves));
        }

        var plot = PlotStyle.Create(title);
        bool anyPoint = false;
        var seen = new HashSet<RecurrentCellType>();
        for (int k = 0; k < curves.Count; k++)
        {
            var curve = curves[k] ?? throw new ArgumentException($"Curve {k} is null; pass GradientFlowResult values.", nameof(curves));
            var points = curve.Norms.Select((norm, i) => (X: i + 1.0, Norm: norm)).Where(p => p.Norm > 0 && double.IsFinite(p.Norm)).ToList();
            if (points.Count == 0)
            {
                continue;
            }

            anyPoint = true;
            var line = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => Math.Log10(p.Norm)).ToArray(), seen.Add(curve.Cell) ? ColorOf(curve.Cell) : PlotStyle.Palette[(4 + k) % PlotStyle.Palette.Length]);
            line.LegendText = curve.Label ?? CellName(curve.Cell);
            line.LineWidth = 2;
            line.MarkerSize = curve.Length <= 30 ? 4 : 0;
        }

        if (!anyPoint)
        {
            throw new ArgumentException("No curve has a positive, finite norm, so nothing can be drawn on a log scale.", nameof(curves));
        }

        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            IntegerTicksOnly = true,
            LabelFormatter = PowerOfTen,
            MinorTickGenerator = new LogMinorTickGenerator(),
        };
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.Bottom.Label.Text = "input step t";
        plot.Axes.Left.Label.Text = "‖∂h_T / ∂x_t‖ (log scale)";
        plot.ShowLegend(Alignment.UpperLeft);
        PlotStyle.Finish(plot);
        return new PlotImage(plot, Width, Height);
    }

    /// <summary>The readable name of a cell, as in the legend.</summary>
    public static string CellName(RecurrentCellType cell) => cell switch
    {
        RecurrentCellType.SimpleRnn => "SimpleRNN",
        RecurrentCellType.Lstm => "LSTM",
        RecurrentCellType.Gru => "GRU",
        _ => cell.ToString(),
    };

    /// <summary>SimpleRNN red, LSTM blue, GRU green, so a cell keeps its colour across charts (a repeated cell takes another).</summary>
    private static Color ColorOf(RecurrentCellType cell) => cell switch
    {
        RecurrentCellType.SimpleRnn => PlotStyle.Palette[3],
        RecurrentCellType.Lstm => PlotStyle.Palette[0],
        RecurrentCellType.Gru => PlotStyle.Palette[2],
        _ => PlotStyle.Palette[4],
    };

    /// <summary>A decade tick: 10 with a superscript exponent (10⁻²⁰, 10⁰, 10³); in-between values keep plain scientific notation.</summary>
    private static string PowerOfTen(double exponent)
    {
        double rounded = Math.Round(exponent);
        if (Math.Abs(exponent - rounded) > 1e-9)
        {
            return Math.Pow(10, exponent).ToString("0.#e0", CultureInfo.InvariantCulture);
        }

        const string Superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        var text = new StringBuilder("10");
        foreach (char ch in ((long)rounded).ToString(CultureInfo.InvariantCulture))
        {
            text.Append(ch == '-' ? '⁻' : Superscripts[ch - '0']);
        }

        return text.ToString();
    }
}
