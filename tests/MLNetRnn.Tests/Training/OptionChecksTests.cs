using MLNetRnn.Classification;
using MLNetRnn.Forecasting;
using MLNetRnn.LanguageModeling;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Tagging;

namespace MLNetRnn.Tests.Training;

/// <summary>Every task's options refuse a size or count below 1 the same way: naming the setting and its value.</summary>
public sealed class OptionChecksTests
{
    public static TheoryData<string> Tasks() => new() { "classify", "tag", "forecast", "seq2seq", "lm" };

    [Theory]
    [MemberData(nameof(Tasks))]
    public void HiddenSizeZero_IsRefusedNamingItAndItsValue(string task)
    {
        Action validate = task switch
        {
            "classify" => new SequenceClassificationOptions { HiddenSize = 0 }.Validate,
            "tag" => new SequenceTaggingOptions { HiddenSize = 0 }.Validate,
            "forecast" => new SequenceForecastingOptions { ValueColumnName = "y", HiddenSize = 0 }.Validate,
            "seq2seq" => new SequenceToSequenceOptions { HiddenSize = 0 }.Validate,
            _ => new LanguageModelOptions { HiddenSize = 0 }.Validate,
        };

        var e = Assert.Throws<ArgumentOutOfRangeException>(validate);
        Assert.Equal("HiddenSize", e.ParamName);
        Assert.Contains("HiddenSize must be at least 1, got 0", e.Message, StringComparison.Ordinal);
    }
}
