using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Data;

/// <summary>The committed <c>datasets/sentiment</c> files load with ML.NET's text loader (counts checked independently with cut/sort/uniq and grep).</summary>
public sealed class SentimentDatasetTests
{
    [Fact]
    public void Train_LoadsAllRowsByHeaderName()
    {
        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadFromTextFile<Review>(Sentiment.Dataset("train.tsv"), hasHeader: true);
        var rows = ml.Data.CreateEnumerable<Review>(view, reuseRowObject: false).ToList();

        Assert.Equal(2384, rows.Count);
        Assert.Equal("Plan on ordering from them again and again.", rows[0].Text);
        Assert.Equal("positive", rows[0].Label);
        Assert.Equal("negative", rows[1].Label);
        Assert.Equal(1192, rows.Count(r => r.Label == "positive"));
        Assert.Equal(1192, rows.Count(r => r.Label == "negative"));
        Assert.Equal(57, rows.Count(r => r.Text.Contains('"')));
        Assert.DoesNotContain(rows, r => string.IsNullOrWhiteSpace(r.Text));
    }

    [Theory]
    [InlineData("validation.tsv", 299)]
    [InlineData("test.tsv", 299)]
    public void OtherSplits_Load(string file, int count)
    {
        var ml = new MLContext(seed: 1);
        var view = ml.Data.LoadFromTextFile<Review>(Sentiment.Dataset(file), hasHeader: true);
        Assert.Equal(count, ml.Data.CreateEnumerable<Review>(view, reuseRowObject: false).Count());
    }
}
