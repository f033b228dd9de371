using ScottPlot;

namespace MLNetRnn.Plots;

// R = output steps (output tokens, plus <EOS> when decoding finished), S = source tokens.

/// <summary>
/// An attention heat map: a row per output step (R, top to bottom), a column per source token (S), each cell shaded from
/// white (weight 0) to black (weight 1). Weights outside [0, 1] are clamped; a weight that is not finite is drawn as 0.
/// </summary>
internal static class AttentionChart
{
    private const int CellPixels = 30;

    public static PlotImage Create(IReadOnlyList<string> sourceTokens, IReadOnlyList<string> outputTokens, IReadOnlyList<float[]> weights, string title)
    {
        ArgumentNullException.ThrowIfNull(sourceTokens);
        ArgumentNullException.ThrowIfNull(outputTokens);
        ArgumentNullException.ThrowIfNull(weights);
        PlotStyle.CheckTitle(title);
        if (sourceTokens.Count == 0)
        {
            throw new ArgumentException("There are no source tokens; attention needs at least one token to attend to.", nameof(sourceTokens));
        }

        if (weights.Count != outputTokens.Count && weights.Count != outputTokens.Count + 1)
        {
            throw new ArgumentException(
                $"There are {weights.Count} rows of attention weights for {outputTokens.Count} output tokens; give one row per output token, plus one for <EOS> when decoding ended with it.",
                nameof(weights));
        }

        if (weights.Count == 0)
        {
            throw new ArgumentException("There are no attention rows to draw; give at least one output step.", nameof(weights));
        }

        for (int r = 0; r < weights.Count; r++)
        {
            if (weights[r] is not { } row || row.Length != sourceTokens.Count)
            {
                throw new ArgumentException(
                    $"Attention row {r} has {weights[r]?.Length.ToString() ?? "no"} weights but there are {sourceTokens.Count} source tokens; every row needs one weight per source token.",
                    nameof(weights));
            }
        }

        string[] columns = [.. sourceTokens.Select(t => PlotStyle.TokenLabel(t ?? string.Empty))];
        string[] rows = [.. Enumerable.Range(0, weights.Count).Select(r => r < outputTokens.Count ? PlotStyle.TokenLabel(outputTokens[r] ?? string.Empty) : "<EOS>")];
        var plot = PlotStyle.Create(title);
        for (int r = 0; r < rows.Length; r++)
        {
            for (int s = 0; s < columns.Length; s++)
            {
                float w = float.IsFinite(weights[r][s]) ? Math.Clamp(weights[r][s], 0f, 1f) : 0f;
                byte shade = (byte)Math.Round(255 * (1 - w));
                PlotStyle.Cell(plot, s, rows.Length - 1 - r, new Color(shade, shade, shade));
            }
        }

        PlotStyle.HeatMapAxes(plot, columns, rows, CellPixels, "source", "output");
        PlotStyle.Finish(plot);
        int rowLabels = PlotStyle.CharPixels * rows.Max(l => l.Length);
        int columnLabels = PlotStyle.ColumnLabelsTurn(columns, CellPixels) ? PlotStyle.CharPixels * columns.Max(c => c.Length) : 0;
        int width = Math.Max(400, 100 + rowLabels + (CellPixels * columns.Length));
        int height = Math.Max(300, 130 + columnLabels + (CellPixels * rows.Length));
        return new PlotImage(plot, Math.Min(width, 10_000), Math.Min(height, 10_000));
    }
}
