using MLNetRnn.Evaluation;

namespace MLNetRnn.Tests.Evaluation;

/// <summary><see cref="ConfusionMatrix"/> as built by <see cref="ClassificationMetrics.Compute"/>.</summary>
public sealed class ConfusionMatrixTests
{
    [Fact]
    public void Indexer_CountsRowsByTrueAndPredictedClass()
    {
        // true      0 0 0 1 1 2 ; predicted 0 1 1 2 1 0  →  [[1 2 0] [0 1 1] [1 0 0]].
        var matrix = Build(["a", "b", "c"], [0, 0, 0, 1, 1, 2], [0, 1, 1, 2, 1, 0]);

        Assert.Equal(3, matrix.ClassCount);
        Assert.Equal(["a", "b", "c"], matrix.Labels);
        int[,] expected = { { 1, 2, 0 }, { 0, 1, 1 }, { 1, 0, 0 } };
        for (int t = 0; t < 3; t++)
        {
            for (int p = 0; p < 3; p++)
            {
                Assert.Equal(expected[t, p], matrix[t, p]);
            }
        }
    }

    [Theory]
    [InlineData(-1, 0, "trueClass", -1)]
    [InlineData(2, 0, "trueClass", 2)]
    [InlineData(0, -1, "predictedClass", -1)]
    [InlineData(1, 2, "predictedClass", 2)]
    public void Indexer_ThrowsForClassOutOfRange(int trueClass, int predictedClass, string parameter, int bad)
    {
        var matrix = Build(["neg", "pos"], [0, 1], [0, 1]);
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => matrix[trueClass, predictedClass]);
        Assert.Equal(parameter, e.ParamName);
        Assert.Contains($"Class {bad} is not in [0, 2)", e.Message);
    }

    [Fact]
    public void ToString_AlignsRowsAndColumns()
    {
        // [[12 3] [0 7]]: the first column is as wide as "true \ predicted" (16); a count column is as wide as
        // the wider of its label and its largest count, right-aligned; columns are separated by two spaces.
        var trueClasses = Enumerable.Repeat(0, 15).Concat(Enumerable.Repeat(1, 7)).ToArray();
        var predicted = Enumerable.Repeat(0, 12).Concat(Enumerable.Repeat(1, 10)).ToArray();
        var matrix = Build(["neg", "positive"], trueClasses, predicted);

        string expected =
            "true \\ predicted  neg  positive\n" +
            "neg                12         3\n" +
            "positive            0         7\n";
        Assert.Equal(expected, matrix.ToString());
    }

    [Fact]
    public void ToString_WidensColumnForLargeCounts()
    {
        // [[100 0] [1 0]]: column "a" needs 3 characters for 100.
        var trueClasses = Enumerable.Repeat(0, 100).Append(1).ToArray();
        var matrix = Build(["a", "b"], trueClasses, new int[101]);

        string expected =
            "true \\ predicted    a  b\n" +
            "a                 100  0\n" +
            "b                   1  0\n";
        Assert.Equal(expected, matrix.ToString());
    }

    private static ConfusionMatrix Build(string[] labels, int[] trueClasses, int[] predictedClasses)
    {
        var probabilities = new float[predictedClasses.Length * labels.Length];
        for (int i = 0; i < predictedClasses.Length; i++)
        {
            probabilities[(i * labels.Length) + predictedClasses[i]] = 1f;
        }

        return ClassificationMetrics.Compute(labels, trueClasses, probabilities).ConfusionMatrix;
    }
}
