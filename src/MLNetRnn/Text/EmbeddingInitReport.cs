using System.Globalization;

namespace MLNetRnn.Text;

/// <summary>What <see cref="PretrainedEmbeddings.Apply(Vocabulary, Span{float})"/> copied: how many vocabulary tokens had a pretrained vector.</summary>
/// <remarks>
/// <paramref name="Found"/> + <paramref name="Missing"/> = vocabulary <see cref="Vocabulary.Count"/> − 1, since the
/// <see cref="Vocabulary.Pad"/> row is never looked up. Record equality compares <paramref name="MissingSample"/> by reference.
/// </remarks>
/// <param name="Found">The number of vocabulary tokens whose row received a pretrained vector.</param>
/// <param name="Missing">The number of vocabulary tokens without a pretrained vector; their rows were left as they were.</param>
/// <param name="MissingSample">The first (lowest-id) missing tokens, at most 10, in id order.</param>
public sealed record EmbeddingInitReport(int Found, int Missing, IReadOnlyList<string> MissingSample)
{
    /// <summary>Gets the share of looked-up tokens that were found, in [0, 1]; 0 when nothing was looked up.</summary>
    public double Coverage => Found + Missing == 0 ? 0 : (double)Found / (Found + Missing);

    /// <summary>Describes the report for a log, for example <c>Found 95 of 100 tokens (95.0%); missing e.g. 'foo', 'bar'</c>.</summary>
    /// <returns>A one-line summary.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"Found {Found} of {Found + Missing} tokens ({Coverage * 100:F1}%)")
        + (MissingSample.Count == 0 ? "" : $"; missing e.g. {string.Join(", ", MissingSample.Select(t => $"'{t}'"))}");
}
