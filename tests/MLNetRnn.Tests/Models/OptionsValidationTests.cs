using MLNetRnn.Layers;
using MLNetRnn.Models;
using MLNetRnn.Pipeline;

namespace MLNetRnn.Tests.Models;

/// <summary>Trainer and decoding settings are checked when a trainer is created, with messages naming the setting.</summary>
public sealed class OptionsValidationTests
{
    private readonly RnnContext _ctx = new(seed: 1);

    [Fact]
    public void ClassificationTrainer_ThrowsForDropoutOfOne()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ctx.SequenceClassification.Trainers.Lstm(new SequenceClassificationOptions { Dropout = 1f }));
        Assert.Equal("Dropout", e.ParamName);
        Assert.Contains("[0, 1)", e.Message);
    }

    [Fact]
    public void ClassificationTrainer_ThrowsForInvalidLearningRate()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ctx.SequenceClassification.Trainers.Gru(new SequenceClassificationOptions { LearningRate = -1f }));
        Assert.Contains("Invalid learning rate: -1", e.Message);
    }

    [Fact]
    public void Seq2SeqTrainer_ThrowsForLearningRateDecayAboveOne()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ctx.SequenceToSequence.Trainers.EncoderDecoder(new SequenceToSequenceOptions { LearningRateDecay = 1.5f }));
        Assert.Equal("LearningRateDecay", e.ParamName);
        Assert.Contains("(0, 1]", e.Message);
    }

    [Fact]
    public void Seq2SeqTrainer_ThrowsForDotAttentionWithMismatchedDecoderSize()
    {
        var options = new SequenceToSequenceOptions { Attention = AttentionScore.Dot, HiddenSize = 32, Bidirectional = true, DecoderHiddenSize = 48 };
        var e = Assert.Throws<ArgumentException>(() => _ctx.SequenceToSequence.Trainers.EncoderDecoder(options));
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
