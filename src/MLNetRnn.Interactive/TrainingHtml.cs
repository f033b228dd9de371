using System.Globalization;
using MLNetRnn.Interactive.Html;
using MLNetRnn.Training;
using Cell = MLNetRnn.Interactive.Html.HtmlTable.Cell;

namespace MLNetRnn.Interactive;

/// <summary>HTML for training history: one row per epoch.</summary>
internal static class TrainingHtml
{
    /// <summary>Epoch, losses, validation accuracy, tokens per second, elapsed time, and a mark on the best epoch.</summary>
    public static string History(IEnumerable<TrainingProgress> history)
    {
        var table = new HtmlTable("mlnetrnn-training", "Training history", "epoch", "training loss", "validation loss", "validation accuracy", "tokens/s", "elapsed (s)", "best");
        foreach (var p in history)
        {
            table.Row(
                new Cell(string.Create(CultureInfo.InvariantCulture, $"{p.Epoch}/{p.Epochs}"), true),
                Cell.Number(p.TrainingLoss),
                Cell.Number(p.ValidationLoss),
                Cell.Number(p.ValidationAccuracy),
                Cell.Number(p.TokensPerSecond, 0),
                Cell.Number(p.Elapsed.TotalSeconds, 1),
                p.IsBest ? "✓" : string.Empty);
        }

        return HtmlTable.Block("mlnetrnn", [table.ToString()]);
    }
}
