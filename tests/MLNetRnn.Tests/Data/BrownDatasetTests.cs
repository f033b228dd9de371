using MLNetRnn.Evaluation;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Text;

namespace MLNetRnn.Tests.Data;

/// <summary>The committed <c>datasets/brown</c> files read with <see cref="ConllReader"/> and agree with their README
/// (counts checked independently with awk over the files and over the corpus package).</summary>
public sealed class BrownDatasetTests
{
    private static readonly string[] CoarseTags = ["ADJ", "ADP", "ADV", "CONJ", "DET", "INTJ", "NOUN", "NUM", "PRON", "PROPN", "PRT", "PUNCT", "VERB", "X"];

    [Theory]
    [InlineData("train", 11_399, 232_560, 7_262)]
    [InlineData("validation", 5_869, 116_104, 3_200)]
    [InlineData("test", 5_642, 115_803, 3_857)]
    public void Splits_MatchTheReadme(string split, int sentences, int tokens, int names)
    {
        var pos = ConllReader.Load(Path.Combine(Sentiment.Repository(), "datasets", "brown", "pos", split + ".conll"));
        var name = ConllReader.Load(Path.Combine(Sentiment.Repository(), "datasets", "brown", "names", split + ".conll"));
        Assert.Equal(sentences, pos.Count);
        Assert.Equal(tokens, pos.Sum(s => s.Tokens.Count));
        Assert.Equal(pos.Select(s => s.Tokens), name.Select(s => s.Tokens)); // the two views hold the same tokens
        Assert.Subset(CoarseTags.ToHashSet(), pos.SelectMany(s => s.Tags).ToHashSet());
        Assert.Equal(["B-NAME", "I-NAME", "O"], name.SelectMany(s => s.Tags).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(names, name.Sum(s => EntitySpans.Extract(s.Tags).Count));
        for (int n = 0; n < name.Count; n++)
        {
            // BIO as the script writes it: I-NAME only continues a name; a name token is a proper noun (PROPN), or a
            // foreign one (X); every PROPN token is in a name.
            var s = name[n];
            for (int i = 0; i < s.Tags.Count; i++)
            {
                Assert.False(s.Tags[i] == "I-NAME" && (i == 0 || s.Tags[i - 1] == "O"), $"Sentence at line {s.LineNumber}: I-NAME at {i} does not continue a name.");
                string p = pos[n].Tags[i];
                Assert.True((s.Tags[i] != "O") == (p == "PROPN") || (p == "X" && s.Tags[i] != "O"), $"Sentence at line {s.LineNumber}, token {i}: {s.Tags[i]} vs {p}.");
            }
        }
    }

    [Fact]
    public void Train_UsesAllFourteenTagsAndStartsWithTheFirstDocument()
    {
        var pos = ConllReader.Load(Path.Combine(Sentiment.Repository(), "datasets", "brown", "pos", "train.conll"));
        Assert.Equal(CoarseTags, pos.SelectMany(s => s.Tags).Distinct().Order(StringComparer.Ordinal));
        // ca01, sentence 1: "The/at Fulton/np-tl County/nn-tl Grand/jj-tl Jury/nn-tl said/vbd Friday/nr an/at ..."
        Assert.Equal(["The", "Fulton", "County", "Grand", "Jury", "said", "Friday", "an"], pos[0].Tokens.Take(8));
        Assert.Equal(["DET", "PROPN", "NOUN", "ADJ", "NOUN", "VERB", "NOUN", "DET"], pos[0].Tags.Take(8));
        var names = ConllReader.Load(Path.Combine(Sentiment.Repository(), "datasets", "brown", "names", "train.conll"));
        Assert.Equal(["O", "B-NAME", "O", "O", "O", "O", "O", "O"], names[0].Tags.Take(8));
    }
}
