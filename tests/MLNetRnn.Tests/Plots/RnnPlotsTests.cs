using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Diagnostics;
using MLNetRnn.Layers;
using MLNetRnn.Plots;
using MLNetRnn.Training;
using SkiaSharp;

namespace MLNetRnn.Tests.Plots;

/// <summary><see cref="RnnPlots"/>: each chart renders as a PNG of the stated size with a drawing on it and as an SVG with the expected texts, and bad inputs fail with a message that says what to fix.</summary>
public sealed class RnnPlotsTests
{
    private static readonly string[] Classes = ["negative", "neutral", "positive"];

    [Fact]
    public void TrainingCurves_DrawsLossAndAccuracyPerEpoch()
    {
        var image = RnnPlots.TrainingCurves(History(5, validation: true), "Sentiment run");

        Assert.Equal((800, 500), (image.Width, image.Height));
        var pixels = PlotAssert.Png(image.ToPng(), 800, 500);
        Assert.Contains(pixels, p => p == new SKColor(0x1f, 0x77, 0xb4));   // the training-loss line's blue
        var texts = PlotAssert.Svg(image.ToSvg(), 800, 500);
        Assert.Contains("Sentiment run", texts);
        Assert.Contains("epoch", texts);
        Assert.Contains("loss", texts);
        Assert.Contains("training loss", texts);
        Assert.Contains("validation loss", texts);
        Assert.Contains("validation accuracy", texts);
        Assert.Contains("best epoch (3)", texts);
        Assert.Contains("5", texts);                                        // integer epoch ticks up to the last
    }

    [Fact]
    public void TrainingCurves_WithoutValidationDrawsOnlyTheTrainingLoss()
    {
        var texts = PlotAssert.Svg(RnnPlots.TrainingCurves(History(3, validation: false)).ToSvg(), 800, 500);

        Assert.Contains("Training", texts);
        Assert.Contains("training loss", texts);
        Assert.DoesNotContain("validation loss", texts);
        Assert.DoesNotContain("validation accuracy", texts);
    }

    [Fact]
    public void TrainingCurves_ThrowsForAnEmptyHistoryOrANullEntry()
    {
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => RnnPlots.TrainingCurves([])).Message);
        Assert.Contains("Entry 1", Assert.Throws<ArgumentException>(() => RnnPlots.TrainingCurves([.. History(1, true), null!])).Message);
        Assert.Throws<ArgumentNullException>(() => RnnPlots.TrainingCurves(null!));
    }

    [Fact]
    public void ConfusionMatrix_WritesEveryCountInAHeatMapCellWithTheClassNames()
    {
        int[,] counts = { { 50, 3, 2 }, { 5, 30, 10 }, { 0, 4, 1 } };
        var matrix = Evaluate(counts).ConfusionMatrix;

        var image = RnnPlots.ConfusionMatrix(matrix, Classes);

        PlotAssert.Png(image.ToPng(), image.Width, image.Height);
        string svg = image.ToSvg();
        var texts = PlotAssert.Svg(svg, image.Width, image.Height);
        Assert.Equal(9, PlotAssert.HeatMapCells(svg));
        foreach (int count in counts)
        {
            Assert.Contains(count.ToString(System.Globalization.CultureInfo.InvariantCulture), texts);
        }

        Assert.Contains("90.9 %", texts);                                   // 50 of the 55 true negatives
        Assert.Equal(2, texts.Count(t => t == "neutral"));                  // a row label and a column label
        Assert.Contains("truth", texts);
        Assert.Contains("predicted", texts);
        Assert.Contains("Confusion matrix", texts);
    }

    [Fact]
    public void ConfusionMatrix_ThrowsWhenTheClassNamesDoNotMatchTheMatrix()
    {
        var matrix = Evaluate(new[,] { { 1, 1, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }).ConfusionMatrix;

        var e = Assert.Throws<ArgumentException>(() => RnnPlots.ConfusionMatrix(matrix, ["a", "b"]));
        Assert.Contains("3 classes but 2 class names", e.Message);
        Assert.Throws<ArgumentNullException>(() => RnnPlots.ConfusionMatrix(null!, Classes));
    }

    [Fact]
    public void Attention_DrawsACellPerOutputStepAndSourceTokenFromWhiteToBlack()
    {
        string[] source = ["k", "n", "o", "w"];
        string[] output = ["N", "OW"];
        float[][] weights = [[0, 1, 0, 0], [0, 0, 0.5f, 0.5f], [0, 0, 0, 1]];  // the third row is <EOS>

        var image = RnnPlots.Attention(source, output, weights, "know → N OW");

        var pixels = PlotAssert.Png(image.ToPng(), image.Width, image.Height);
        Assert.Contains(pixels, p => p == SKColors.Black);                  // weight 1
        Assert.Contains(pixels, p => p.Red == p.Green && p.Green == p.Blue && p.Red is > 120 and < 135);  // weight 0.5
        string svg = image.ToSvg();
        var texts = PlotAssert.Svg(svg, image.Width, image.Height);
        Assert.Equal(3 * 4, PlotAssert.HeatMapCells(svg));
        Assert.Contains("know → N OW", texts);
        Assert.Contains("<EOS>", texts);
        Assert.All(source.Concat(output), token => Assert.Contains(token, texts));
    }

    [Fact]
    public void Attention_EscapesLabelsAndShowsSpacesAndControlCharacters()
    {
        string svg = RnnPlots.Attention(["<", "&", " ", "\u0001"], ["\"q'"], [[0.25f, 0.25f, 0.25f, 0.25f]], "a<&b").ToSvg();

        var texts = PlotAssert.Svg(svg, 400, 300);
        Assert.Contains("a<&b", texts);
        Assert.Contains("<", texts);
        Assert.Contains("&", texts);
        Assert.Contains("␣", texts);
        Assert.Contains("\uFFFD", texts);
        Assert.Contains("\"q'", texts);
    }

    [Fact]
    public void Attention_ThrowsWhenTheWeightsDoNotFitTheTokens()
    {
        string[] source = ["a", "b"];
        Assert.Contains("row 1 has 3 weights but there are 2 source tokens",
            Assert.Throws<ArgumentException>(() => RnnPlots.Attention(source, ["x", "y"], [[1, 0], [0, 0, 1]])).Message);
        Assert.Contains("3 rows of attention weights for 1 output tokens",
            Assert.Throws<ArgumentException>(() => RnnPlots.Attention(source, ["x"], [[1, 0], [1, 0], [1, 0]])).Message);
        Assert.Contains("no source tokens", Assert.Throws<ArgumentException>(() => RnnPlots.Attention([], ["x"], [[]])).Message);
        Assert.Contains("row 0 has no weights", Assert.Throws<ArgumentException>(() => RnnPlots.Attention(source, ["x"], [null!])).Message);
    }

    [Fact]
    public void GradientFlow_DrawsOneLinePerCellOnALogScale()
    {
        GradientFlowResult[] curves =
        [
            new(RecurrentCellType.SimpleRnn, 4, [1e-6, 1e-4, 1e-2, 1]),
            new(RecurrentCellType.Lstm, 4, [1e-3, 1e-2, 1e-1, 1]),
            new(RecurrentCellType.Gru, 4, [0, 1e-2, 1e-1, 1]),              // a 0 has no place on a log scale: left out
        ];

        var image = RnnPlots.GradientFlow(curves);

        var pixels = PlotAssert.Png(image.ToPng(), 800, 500);
        Assert.Contains(pixels, p => p == new SKColor(0xd6, 0x27, 0x28)); // SimpleRNN red
        Assert.Contains(pixels, p => p == new SKColor(0x2c, 0xa0, 0x2c)); // GRU green
        var texts = PlotAssert.Svg(image.ToSvg(), 800, 500);
        Assert.Contains("Gradient flow", texts);
        Assert.Contains("SimpleRNN", texts);
        Assert.Contains("LSTM", texts);
        Assert.Contains("GRU", texts);
        Assert.Contains("input step t", texts);
        Assert.Contains("10⁻⁶", texts);                                       // decades labelled as powers of ten
        Assert.Contains("10⁰", texts);
    }

    [Fact]
    public void GradientFlow_ThrowsWithoutAPositiveNorm()
    {
        Assert.Contains("no gradient-flow curves", Assert.Throws<ArgumentException>(() => RnnPlots.GradientFlow([])).Message);
        Assert.Contains("No curve has a positive", Assert.Throws<ArgumentException>(() => RnnPlots.GradientFlow([new(RecurrentCellType.Lstm, 2, [0, double.NaN])])).Message);
    }

    /// <summary>Epochs with a falling training loss; with validation, a validation loss lowest at epoch 3 and a rising accuracy.</summary>
    private static List<TrainingProgress> History(int epochs, bool validation) =>
    [
        .. Enumerable.Range(1, epochs).Select(e => new TrainingProgress(e, epochs, 0.7 / e,
            validation ? 0.5 + (0.02 * (e - 3) * (e - 3)) : null, validation ? 0.6 + (0.03 * e) : null, 1000, TimeSpan.FromSeconds(e), validation && e <= 3)),
    ];

    /// <summary>ML.NET's evaluator on rows whose true and predicted classes give exactly <paramref name="counts"/> (truth rows, predicted columns).</summary>
    private static MulticlassClassificationMetrics Evaluate(int[,] counts)
    {
        var ml = new MLContext(seed: 1);
        var rows = new List<ScoredRow>();
        for (int truth = 0; truth < counts.GetLength(0); truth++)
        {
            for (int predicted = 0; predicted < counts.GetLength(1); predicted++)
            {
                for (int k = 0; k < counts[truth, predicted]; k++)
                {
                    float[] score = [0.1f, 0.1f, 0.1f];
                    score[predicted] = 0.8f;
                    rows.Add(new ScoredRow { Label = Classes[truth], Predicted = Classes[predicted], Score = score });
                }
            }
        }

        var data = ml.Data.LoadFromEnumerable(rows);
        var keys = ml.Data.LoadFromEnumerable(Classes.Select(c => new KeyRow { Value = c }));
        var mapped = ml.Transforms.Conversion.MapValueToKey("Label", keyData: keys)
            .Append(ml.Transforms.Conversion.MapValueToKey("PredictedLabel", "Predicted", keyData: keys))
            .Fit(data).Transform(data);
        return ml.MulticlassClassification.Evaluate(mapped);
    }

    private sealed class ScoredRow
    {
        public string Label { get; set; } = string.Empty;

        public string Predicted { get; set; } = string.Empty;

        [VectorType(3)]
        public float[] Score { get; set; } = [];
    }

    private sealed class KeyRow
    {
        public string Value { get; set; } = string.Empty;
    }
}
