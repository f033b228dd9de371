using MLNetRnn.Evaluation;

namespace MLNetRnn.Tests.Evaluation;

/// <summary><see cref="EntitySpans"/> on hand-made BIO, IOB1 and untyped sentences, read by conlleval's rules.</summary>
public sealed class EntitySpansTests
{
    [Fact]
    public void Extract_ReadsBio()
    {
        Assert.Equal([new(0, 2, "PER"), new(3, 4, "LOC"), new(5, 8, "ORG")],
            EntitySpans.Extract(Tags("B-PER I-PER O B-LOC O B-ORG I-ORG I-ORG")));
    }

    [Fact]
    public void Extract_ReadsIob1AndBStartsANewEntityOfTheSameType()
    {
        // IOB1: I starts an entity after O; B only separates two adjacent entities of one type.
        Assert.Equal([new(0, 2, "PER"), new(2, 3, "PER"), new(4, 5, "LOC")],
            EntitySpans.Extract(Tags("I-PER I-PER B-PER O I-LOC")));
    }

    [Fact]
    public void Extract_StartsANewEntityAtATypeChange()
    {
        Assert.Equal([new(0, 1, "PER"), new(1, 3, "LOC"), new(3, 4, "PER")],
            EntitySpans.Extract(Tags("B-PER I-LOC I-LOC I-PER")));
    }

    [Fact]
    public void Extract_TreatsAStrayInsideAsABeginning()
    {
        // conlleval: an I- after O starts an entity (it is not dropped, as a strict BIO reader would).
        Assert.Equal([new(1, 3, "ORG")], EntitySpans.Extract(Tags("O I-ORG I-ORG O")));
    }

    [Fact]
    public void Extract_ReadsUntypedBeginInsideTags()
    {
        Assert.Equal([new(0, 2, ""), new(3, 4, ""), new(4, 6, ""), new(7, 8, "")],
            EntitySpans.Extract(Tags("B I O B B I O I")));
    }

    [Fact]
    public void Extract_ClosesAnEntityAtTheSentenceEndAndFindsNoneInOnlyOutside()
    {
        Assert.Equal([new(2, 4, "NAME")], EntitySpans.Extract(Tags("O O B-NAME I-NAME")));
        Assert.Empty(EntitySpans.Extract(Tags("O O O")));
        Assert.Empty(EntitySpans.Extract([]));
    }

    [Theory]
    [InlineData("NOUN", "The tag 'NOUN' at position 1 is not an IOB tag")]
    [InlineData("E-PER", "The tag 'E-PER' at position 1 is not an IOB tag")]
    [InlineData("b-per", "The tag 'b-per' at position 1 is not an IOB tag")]
    [InlineData("BX", "The tag 'BX' at position 1 is not an IOB tag")]
    public void Extract_ThrowsForANonIobTag(string tag, string message)
    {
        var e = Assert.Throws<ArgumentException>(() => EntitySpans.Extract(["O", tag]));
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Extract_ThrowsForANullTag()
    {
        var e = Assert.Throws<ArgumentException>(() => EntitySpans.Extract(["B-PER", null!]));
        Assert.Contains("The tag at position 1 is null", e.Message);
    }

    private static string[] Tags(string text) => text.Split(' ');
}
