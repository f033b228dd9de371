using Microsoft.ML;
using MLNetRnn.Classification;
using MLNetRnn.Layers;
using MLNetRnn.SequenceToSequence;

namespace MLNetRnn.Tests.Catalogs;

/// <summary>Trainer and decoding settings are checked when a trainer is created, with messages naming the setting; options are copied.</summary>
public sealed class OptionsValidationTests
{
    private readonly MLContext _ml = new(seed: 1);

    [Fact]
    public void ClassificationTrainer_ThrowsForDropoutOfOne()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.Lstm(new SequenceClassificationOptions { Dropout = 1f }));
        Assert.Equal("Dropout", e.ParamName);
        Assert.Contains("[0, 1)", e.Message);
    }

    [Fact]
    public void ClassificationTrainer_ThrowsForInvalidLearningRate()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.MulticlassClassification.Trainers.Gru(new SequenceClassificationOptions { LearningRate = -1f }));
        Assert.Contains("Invalid learning rate: -1", e.Message);
    }

    [Fact]
    public void ClassificationTrainer_ThrowsWhenAnOutputColumnIsTheFeatureColumn()
    {
        var e = Assert.Throws<ArgumentException>(() => _ml.MulticlassClassification.Trainers.Lstm(new SequenceClassificationOptions { FeatureColumnName = "Score" }));
        Assert.Contains("must differ", e.Message);
    }

    [Fact]
    public void ClassificationTrainer_CopiesItsOptions_SoOneObjectCanMakeSeveralTrainers()
    {
        var options = new SequenceClassificationOptions { HiddenSize = 12, CellType = RecurrentCellType.SimpleRnn };
        var gru = _ml.MulticlassClassification.Trainers.Gru(options);
        var lstm = _ml.MulticlassClassification.Trainers.Lstm(options);
        options.HiddenSize = 99;

        Assert.Equal(RecurrentCellType.Gru, gru.Options.CellType);
        Assert.Equal(RecurrentCellType.Lstm, lstm.Options.CellType);
        Assert.Equal(12, gru.Options.HiddenSize);
        Assert.Equal(RecurrentCellType.SimpleRnn, options.CellType); // the caller's object is not changed by Gru(...) or Lstm(...)
        gru.Options.HiddenSize = 5; // a copy: the trainer keeps 12
        Assert.Equal(12, gru.Options.HiddenSize);
    }

    [Fact]
    public void Seq2SeqTrainer_ThrowsForLearningRateDecayAboveOne()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.SequenceToSequence.Trainers.EncoderDecoder(new SequenceToSequenceOptions { LearningRateDecay = 1.5f }));
        Assert.Equal("LearningRateDecay", e.ParamName);
        Assert.Contains("(0, 1]", e.Message);
    }

    [Fact]
    public void Seq2SeqTrainer_ThrowsForDotAttentionWithMismatchedDecoderSize()
    {
        var options = new SequenceToSequenceOptions { Attention = AttentionScore.Dot, HiddenSize = 32, Bidirectional = true, DecoderHiddenSize = 48 };
        var e = Assert.Throws<ArgumentException>(() => _ml.SequenceToSequence.Trainers.EncoderDecoder(options));
        Assert.Contains("decoder hidden size (48) to equal the encoder output width (64)", e.Message);
    }

    [Theory]
    [InlineData(0, 10, 1f, "BeamSize")]
    [InlineData(5, 0, 1f, "MaxOutputLength")]
    [InlineData(5, 10, -0.5f, "LengthPenalty")]
    public void DecodingSettings_ThrowForOutOfRangeValues(int beam, int maxLength, float penalty, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DecodingSettings(beam, maxLength, penalty).Validate());
        Assert.Equal(name, e.ParamName);
    }
}
