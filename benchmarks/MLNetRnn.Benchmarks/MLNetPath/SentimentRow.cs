using Microsoft.ML.Data;

namespace MLNetRnn.Benchmarks.MLNetPath;

/// <summary>A row of datasets/sentiment/*.tsv (header <c>Text	Label</c>).</summary>
public sealed class SentimentRow
{
    /// <summary>Gets or sets the sentence.</summary>
    [LoadColumn(0)]
    public string Text { get; set; } = string.Empty;

    /// <summary>Gets or sets <c>positive</c> or <c>negative</c>.</summary>
    [LoadColumn(1)]
    public string Label { get; set; } = string.Empty;
}
