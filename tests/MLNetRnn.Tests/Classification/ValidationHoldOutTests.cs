using Microsoft.ML;
using MLNetRnn.Classification;
using MLNetRnn.DataViews;
using MLNetRnn.Text;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Training;

namespace MLNetRnn.Tests.Classification;

/// <summary>
/// The validation slice a classifier holds out when it is given no validation set: stratified, seeded, disjoint from
/// the rows trained on, reported on the model; and <c>ValidationFraction = 0</c> trains as before (all rows, all epochs).
/// </summary>
public sealed class ValidationHoldOutTests
{
    [Fact]
    public void Split_HoldsOutRoundedTenPercentOfEachClass()
    {
        // 3 classes of 50, 31 and 7 rows, interleaved: 10 % rounded (away from zero) is 5, 3 and 1 (0.7 -> 1).
        int[] targets = [.. Enumerable.Range(0, 88).Select(i => i < 50 ? 0 : i < 81 ? 1 : 2)];
        var (holdOut, training) = ValidationHoldOut.Split(targets, 0.1f, seed: 7);
        Assert.Equal(5, holdOut.Rows.Count(r => targets[r] == 0));
        Assert.Equal(3, holdOut.Rows.Count(r => targets[r] == 1));
        Assert.Equal(1, holdOut.Rows.Count(r => targets[r] == 2));
        Assert.Equal(88 - 9, holdOut.TrainingRows);
        Assert.Equal(training.Length, holdOut.TrainingRows);
        Assert.Equal((0.1f, 7), (holdOut.Fraction, holdOut.Seed));
    }

    [Fact]
    public void Split_IsDisjointFromTheTrainingRowsAndCoversEveryRowOnce()
    {
        int[] targets = [.. Enumerable.Range(0, 300).Select(i => i * 7 % 4)];
        var (holdOut, training) = ValidationHoldOut.Split(targets, 0.2f, seed: 1);
        Assert.Empty(holdOut.Rows.Intersect(training));
        Assert.Equal(Enumerable.Range(0, 300), holdOut.Rows.Concat(training).Order());
        Assert.Equal(holdOut.Rows.Order(), holdOut.Rows); // ascending, as documented
        Assert.Equal(training.Order(), training);
    }

    [Fact]
    public void Split_IsSeeded_SameSeedSameRows_OtherSeedOtherRows()
    {
        int[] targets = [.. Enumerable.Range(0, 500).Select(i => i % 2)];
        var a = ValidationHoldOut.Split(targets, 0.1f, seed: 3).HoldOut.Rows;
        var b = ValidationHoldOut.Split(targets, 0.1f, seed: 3).HoldOut.Rows;
        var c = ValidationHoldOut.Split(targets, 0.1f, seed: 4).HoldOut.Rows;
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        Assert.Equal(a.Count, c.Count); // the seed picks which rows, not how many
    }

    [Fact]
    public void Split_KeepsAtLeastOneTrainingRowPerClass_AndHoldsOutNothingFromTinyData()
    {
        var (holdOut, training) = ValidationHoldOut.Split([0, 1, 1], 0.5f, seed: 1); // class 0 has 1 row: it stays
        Assert.DoesNotContain(0, holdOut.Rows);
        Assert.Contains(0, training);
        Assert.Single(holdOut.Rows); // round(0.5 * 2) = 1 of class 1
        Assert.Empty(ValidationHoldOut.Split([0, 1, 0, 1], 0.1f, seed: 1).HoldOut.Rows); // round(0.2) = 0 per class
    }

    [Fact]
    public void Fit_WithoutValidationSet_TrainsOnTheOtherRowsAndScoresTheSliceEachEpoch()
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.Load(ml, 300, seed: 5);
        var ids = Sentiment.Prefix(ml).Fit(data).Transform(data);
        var options = new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = 8, HiddenSize = 8, Epochs = 4, Seed = 11 };
        var trainer = ml.MulticlassClassification.Trainers.Lstm(options);
        var model = trainer.Fit(ids);

        var holdOut = Assert.IsType<ValidationHoldOut>(model.HeldOutValidation);
        int[] targets = ColumnReader.Classes(ids, "Label");
        int[][] sequences = ColumnReader.TokenIds(ids, "Ids");
        var (expected, training) = ValidationHoldOut.Split(targets, 0.1f, seed: 11);
        Assert.Equal(expected.Rows, holdOut.Rows);
        int yes = targets.Count(t => t == 0), no = 300 - yes;
        int held = (int)Math.Round(0.1 * yes, MidpointRounding.AwayFromZero) + (int)Math.Round(0.1 * no, MidpointRounding.AwayFromZero);
        Assert.Equal(held, holdOut.Rows.Count); // 10 % of each class
        Assert.Equal(300 - held, holdOut.TrainingRows);
        Assert.All(model.TrainingHistory, p => Assert.NotNull(p.ValidationLoss));

        // The same network trained by the engine on exactly the complement, validated on exactly the slice, is the same
        // model: the slice was never trained on, and nothing was retrained on all rows afterwards.
        var byHand = ByEngine(trainer, ids, [.. training.Select(r => sequences[r])], [.. training.Select(r => targets[r])],
            ([.. holdOut.Rows.Select(r => sequences[r])], [.. holdOut.Rows.Select(r => targets[r])]));
        Assert.Equal(Flatten(byHand.Predict(sequences)), Flatten(model.Predict(sequences)));
        Assert.Equal(byHand.TrainingHistory.Select(p => p.ValidationLoss), model.TrainingHistory.Select(p => p.ValidationLoss));
    }

    [Fact]
    public void Fit_WithFractionZero_TrainsOnEveryRowForEveryEpochAsBefore()
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.Load(ml, 200, seed: 6);
        var ids = Sentiment.Prefix(ml).Fit(data).Transform(data);
        var options = new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = 8, HiddenSize = 8, Epochs = 3, Seed = 2, ValidationFraction = 0f };
        var trainer = ml.MulticlassClassification.Trainers.Lstm(options);
        var model = trainer.Fit(ids);

        Assert.Null(model.HeldOutValidation);
        Assert.Equal(3, model.TrainingHistory.Count);
        Assert.All(model.TrainingHistory, p => Assert.Null(p.ValidationLoss));
        int[][] sequences = ColumnReader.TokenIds(ids, "Ids");
        var byHand = ByEngine(trainer, ids, sequences, ColumnReader.Classes(ids, "Label"), null);
        Assert.Equal(Flatten(byHand.Predict(sequences)), Flatten(model.Predict(sequences)));
    }

    [Fact]
    public void Fit_WithAValidationSet_HoldsOutNothing()
    {
        var ml = new MLContext(seed: 1);
        var data = Synthetic.Load(ml, 200, seed: 6);
        var prefix = Sentiment.Prefix(ml).Fit(data);
        var validation = prefix.Transform(Synthetic.Load(ml, 40, seed: 9));
        var options = new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = 8, HiddenSize = 8, Epochs = 2, ValidationSet = validation };
        var model = ml.MulticlassClassification.Trainers.Lstm(options).Fit(prefix.Transform(data));
        Assert.Null(model.HeldOutValidation);
        Assert.All(model.TrainingHistory, p => Assert.NotNull(p.ValidationLoss));
    }

    [Theory]
    [InlineData(-0.1f)]
    [InlineData(0.6f)]
    [InlineData(float.NaN)]
    public void Options_RejectAFractionOutsideZeroToHalf(float fraction)
    {
        var options = new SequenceClassificationOptions { ValidationFraction = fraction };
        var e = Assert.Throws<ArgumentOutOfRangeException>(options.Validate);
        Assert.Equal(nameof(SequenceClassificationOptions.ValidationFraction), e.ParamName);
    }

    /// <summary>A model from the engine's own training on the given rows (no slicing), wrapped for prediction.</summary>
    private static SequenceClassificationModel ByEngine(SequenceClassificationTrainer trainer, IDataView ids, int[][] sequences, int[] targets, (int[][], int[])? valid)
    {
        var o = trainer.Options;
        string[] vocabulary = [Vocabulary.Pad, Vocabulary.Unknown, .. Columns.KeyValues(ids.Schema["Ids"])];
        string[] labels = Columns.KeyValues(ids.Schema["Label"]);
        var history = new List<TrainingProgress>();
        var network = trainer.TrainNetwork(vocabulary, labels.Length, sequences, targets, valid, new Recorder(history, null), history);
        return SequenceClassificationModel.Create(network, labels, vocabulary, o, ids, history);
    }

    private static float[] Flatten(float[][] rows) => [.. rows.SelectMany(r => r)];
}
