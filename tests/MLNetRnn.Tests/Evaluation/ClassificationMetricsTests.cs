using MLNetRnn.Evaluation;

namespace MLNetRnn.Tests.Evaluation;

/// <summary><see cref="ClassificationMetrics"/> on hand-computed cases and on bad input.</summary>
public sealed class ClassificationMetricsTests
{
    private static readonly string[] Abc = ["a", "b", "c"];

    [Fact]
    public void Compute_HandComputedThreeClassCase()
    {
        // row  true  p(a)  p(b)  p(c)  predicted
        //  0    a    0.70  0.20  0.10    a
        //  1    a    0.50  0.40  0.10    a
        //  2    a    0.20  0.60  0.20    b
        //  3    a    0.10  0.30  0.60    c
        //  4    b    0.10  0.80  0.10    b
        //  5    b    0.30  0.30  0.40    c
        //  6    b    0.25  0.50  0.25    b
        //  7    c    0.60  0.20  0.20    a
        //  8    c    0.10  0.10  0.80    c
        // Confusion (rows true, columns predicted): a [2 1 1], b [0 2 1], c [1 0 1]; every column sums to 3.
        // Accuracy = (2 + 2 + 1) / 9 = 5/9.
        // a: TP 2, FP 1, FN 2 → P = 2/3, R = 2/4 = 1/2, F1 = 2·(2/3)(1/2) / (2/3 + 1/2) = (2/3) / (7/6) = 4/7.
        // b: TP 2, FP 1, FN 1 → P = 2/3, R = 2/3, F1 = 2/3.
        // c: TP 1, FP 2, FN 1 → P = 1/3, R = 1/2, F1 = 2·(1/6) / (5/6) = 2/5.
        // Macro-F1 = (4/7 + 2/3 + 2/5) / 3 = (60 + 70 + 42) / 105 / 3 = 172/315 ≈ 0.546032.
        // Log-loss = −(ln .7 + ln .5 + ln .2 + ln .1 + ln .8 + ln .3 + ln .5 + ln .2 + ln .8) / 9
        //          = −ln(0.0001344) / 9 ≈ 8.914690 / 9 ≈ 0.990521.
        float[] probabilities =
        [
            0.70f, 0.20f, 0.10f,
            0.50f, 0.40f, 0.10f,
            0.20f, 0.60f, 0.20f,
            0.10f, 0.30f, 0.60f,
            0.10f, 0.80f, 0.10f,
            0.30f, 0.30f, 0.40f,
            0.25f, 0.50f, 0.25f,
            0.60f, 0.20f, 0.20f,
            0.10f, 0.10f, 0.80f,
        ];
        var m = ClassificationMetrics.Compute(Abc, [0, 0, 0, 0, 1, 1, 1, 2, 2], probabilities);

        Assert.Equal(9, m.Count);
        Assert.Equal(Abc, m.Labels);
        Assert.Equal(5.0 / 9, m.Accuracy, 1e-12);
        Assert.Equal(172.0 / 315, m.MacroF1, 1e-12);
        Assert.Equal(0.990521, m.LogLoss, 1e-6);

        Assert.Equal(3, m.PerClass.Count);
        AssertClass(m.PerClass[0], "a", 2.0 / 3, 1.0 / 2, 4.0 / 7, 4);
        AssertClass(m.PerClass[1], "b", 2.0 / 3, 2.0 / 3, 2.0 / 3, 3);
        AssertClass(m.PerClass[2], "c", 1.0 / 3, 1.0 / 2, 2.0 / 5, 2);

        int[,] expected = { { 2, 1, 1 }, { 0, 2, 1 }, { 1, 0, 1 } };
        for (int t = 0; t < 3; t++)
        {
            for (int p = 0; p < 3; p++)
            {
                Assert.Equal(expected[t, p], m.ConfusionMatrix[t, p]);
            }
        }
    }

    [Fact]
    public void Compute_PerfectPredictions()
    {
        // One-hot probabilities on the true class: every ratio is 1 and −ln 1 = 0.
        int[] truth = [2, 0, 1, 1, 0];
        var m = ClassificationMetrics.Compute(Abc, truth, OneHot(truth, 3));

        Assert.Equal(1.0, m.Accuracy);
        Assert.Equal(1.0, m.MacroF1);
        Assert.Equal(0.0, m.LogLoss);
        Assert.All(m.PerClass, c => Assert.Equal((1.0, 1.0, 1.0), (c.Precision, c.Recall, c.F1)));
        Assert.Equal([2, 2, 1], m.PerClass.Select(c => c.Support));
        Assert.Equal(2, m.ConfusionMatrix[0, 0]);
        Assert.Equal(2, m.ConfusionMatrix[1, 1]);
        Assert.Equal(1, m.ConfusionMatrix[2, 2]);
        Assert.Equal(0, m.ConfusionMatrix[0, 1]);
    }

    [Fact]
    public void Compute_ClassNeverPredictedHasZeroPrecision()
    {
        // true    a a b b c c ; predicted a a b b a b  (c is never predicted).
        // a: TP 2, FP 1, FN 0 → P = 2/3, R = 1, F1 = 2·(2/3) / (5/3) = 4/5.
        // b: TP 2, FP 1, FN 0 → P = 2/3, R = 1, F1 = 4/5.
        // c: TP 0, FP 0 → P = 0/0 := 0 (zero_division = 0); R = 0/2 = 0; F1 = 0.
        // Macro-F1 = (4/5 + 4/5 + 0) / 3 = 8/15. Accuracy = 4/6.
        var m = ClassificationMetrics.Compute(Abc, [0, 0, 1, 1, 2, 2], OneHot([0, 0, 1, 1, 0, 1], 3));

        AssertClass(m.PerClass[0], "a", 2.0 / 3, 1, 4.0 / 5, 2);
        AssertClass(m.PerClass[1], "b", 2.0 / 3, 1, 4.0 / 5, 2);
        AssertClass(m.PerClass[2], "c", 0, 0, 0, 2);
        Assert.Equal(8.0 / 15, m.MacroF1, 1e-12);
        Assert.Equal(4.0 / 6, m.Accuracy, 1e-12);
    }

    [Fact]
    public void Compute_ClassThatNeverOccursStillCountsInMacroF1()
    {
        // Only a and b occur and both are always right (F1 = 1); c neither occurs nor is predicted, so
        // P = R = F1 = 0 and, averaged over all three classes, macro-F1 = (1 + 1 + 0) / 3 = 2/3.
        var m = ClassificationMetrics.Compute(Abc, [0, 1, 1], OneHot([0, 1, 1], 3));

        AssertClass(m.PerClass[2], "c", 0, 0, 0, 0);
        Assert.Equal(2.0 / 3, m.MacroF1, 1e-12);
        Assert.Equal(1.0, m.Accuracy);
    }

    [Fact]
    public void Compute_LogLossMatchesHandComputedValueWithClamp()
    {
        // p(true class) per row: 0.75, 0.5, 0.125 (a wrong prediction) and 0, which is clamped to 1e-15.
        // −(ln 0.75 + ln 0.5 + ln 0.125 + ln 1e-15) / 4
        //   = (0.2876821 + 0.6931472 + 2.0794415 + 34.5387764) / 4 = 37.5990472 / 4 ≈ 9.3997618.
        string[] labels = ["negative", "positive"];
        float[] probabilities =
        [
            0.25f, 0.75f,   // true positive
            0.5f, 0.5f,     // true negative
            0.875f, 0.125f, // true positive
            1f, 0f,         // true positive
        ];
        var m = ClassificationMetrics.Compute(labels, [1, 0, 1, 1], probabilities);

        Assert.Equal(9.3997618, m.LogLoss, 1e-6);
        Assert.Equal(-(Math.Log(0.75) + Math.Log(0.5) + Math.Log(0.125) + Math.Log(1e-15)) / 4, m.LogLoss, 1e-12);
    }

    [Fact]
    public void Compute_LogLossOfCertainWrongAnswerIsMinusLogOf1e15()
    {
        var m = ClassificationMetrics.Compute(["x", "y"], [0], [0f, 1f]);

        Assert.Equal(34.538776394910684, m.LogLoss, 1e-9);
    }

    [Fact]
    public void Compute_TiesGoToFirstMaximum()
    {
        // Row 0: a and b tie → a. Row 1: b and c tie → b. Row 2: all tie → a.
        float third = 1f / 3;
        float[] probabilities = [0.4f, 0.4f, 0.2f, 0.2f, 0.4f, 0.4f, third, third, third];
        var m = ClassificationMetrics.Compute(Abc, [1, 2, 0], probabilities);

        Assert.Equal(1, m.ConfusionMatrix[1, 0]);
        Assert.Equal(1, m.ConfusionMatrix[2, 1]);
        Assert.Equal(1, m.ConfusionMatrix[0, 0]);
        Assert.Equal(1.0 / 3, m.Accuracy, 1e-12);
    }

    [Fact]
    public void Compute_CopiesLabels()
    {
        var labels = new List<string> { "a", "b" };
        var m = ClassificationMetrics.Compute(labels, [0], [1f, 0f]);
        labels[0] = "changed";

        Assert.Equal(["a", "b"], m.Labels);
        Assert.Equal("a", m.PerClass[0].Label);
        Assert.Equal(["a", "b"], m.ConfusionMatrix.Labels);
    }

    [Fact]
    public void Compute_ThrowsForNullLabels()
    {
        var e = Assert.Throws<ArgumentNullException>(() => ClassificationMetrics.Compute(null!, [0], [1f]));
        Assert.Equal("labels", e.ParamName);
    }

    [Fact]
    public void Compute_ThrowsForEmptyLabels()
    {
        var e = Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute([], [0], [1f]));
        Assert.Equal("labels", e.ParamName);
        Assert.Contains("'labels' is empty", e.Message);
    }

    [Fact]
    public void Compute_ThrowsForNullLabel()
    {
        var e = Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(["a", null!], [0], [1f, 0f]));
        Assert.Contains("Label at index 1 is null", e.Message);
    }

    [Fact]
    public void Compute_ThrowsForDuplicateLabel()
    {
        var e = Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(["a", "b", "a"], [0], [1f, 0f, 0f]));
        Assert.Contains("Label 'a' appears at index 0 and again at 2", e.Message);
    }

    [Fact]
    public void Compute_ThrowsForNoRows()
    {
        var e = Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(Abc, [], []));
        Assert.Equal("trueClasses", e.ParamName);
        Assert.Contains("no rows to evaluate", e.Message);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(7)]
    public void Compute_ThrowsForWrongProbabilityCount(int length)
    {
        var e = Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(Abc, [0, 1], new float[length]));
        Assert.Equal("probabilities", e.ParamName);
        Assert.Contains($"'probabilities' has {length} values but 2 rows x 3 classes need 6", e.Message);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3)]
    public void Compute_ThrowsForTrueClassOutOfRange(int bad)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationMetrics.Compute(Abc, [0, bad], OneHot([0, 0], 3)));
        Assert.Equal("trueClasses", e.ParamName);
        Assert.Contains($"True class {bad} at row 1 is not a class in [0, 3)", e.Message);
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "Infinity")]
    [InlineData(float.NegativeInfinity, "-Infinity")]
    public void Compute_ThrowsForNonFiniteProbabilityNamingRowAndColumn(float bad, string shown)
    {
        float[] probabilities = [1f, 0f, 0f, 0f, 1f, 0f, 0f, bad, 1f];
        var e = Assert.Throws<ArgumentException>(() => ClassificationMetrics.Compute(Abc, [0, 1, 2], probabilities));
        Assert.Equal("probabilities", e.ParamName);
        Assert.Contains($"Probability at row 2, column 1 is {shown}", e.Message);
    }

    [Fact]
    public void ToString_ReportsHeadlineNumbersPerClassTableAndMatrix()
    {
        // Confusion [[1 1] [0 2]]: accuracy 3/4; neg P 1, R 1/2, F1 2/3; pos P 2/3, R 1, F1 4/5; macro 11/15.
        string[] labels = ["neg", "pos"];
        var m = ClassificationMetrics.Compute(labels, [0, 0, 1, 1], OneHot([0, 1, 1, 1], 2));
        string[] lines = m.ToString().Split('\n');

        Assert.Equal("rows      4", lines[0]);
        Assert.Equal("accuracy  0.7500", lines[1]);
        Assert.Equal("macro-F1  0.7333", lines[2]);
        Assert.StartsWith("log-loss  ", lines[3]);
        Assert.Equal("class  precision  recall      F1  support", lines[5]);
        Assert.Equal("neg       1.0000  0.5000  0.6667        2", lines[6]);
        Assert.Equal("pos       0.6667  1.0000  0.8000        2", lines[7]);
        Assert.Contains("confusion matrix (rows = true class, columns = predicted class)", lines[9]);
        Assert.EndsWith(m.ConfusionMatrix.ToString(), m.ToString());
    }

    private static float[] OneHot(int[] classes, int classCount)
    {
        var p = new float[classes.Length * classCount];
        for (int i = 0; i < classes.Length; i++)
        {
            p[(i * classCount) + classes[i]] = 1f;
        }

        return p;
    }

    private static void AssertClass(ClassMetrics actual, string label, double precision, double recall, double f1, int support)
    {
        Assert.Equal(label, actual.Label);
        Assert.Equal(precision, actual.Precision, 1e-12);
        Assert.Equal(recall, actual.Recall, 1e-12);
        Assert.Equal(f1, actual.F1, 1e-12);
        Assert.Equal(support, actual.Support);
    }
}
