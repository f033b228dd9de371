using MLNetRnn.Text;

namespace MLNetRnn.Tests.Text;

public sealed class EmbeddingInitReportTests
{
    [Fact]
    public void Coverage_IsTheFoundShare()
    {
        Assert.Equal(0.75, new EmbeddingInitReport(3, 1, ["x"]).Coverage);
        Assert.Equal(0, new EmbeddingInitReport(0, 0, []).Coverage);
    }

    [Fact]
    public void ToString_SummarisesForALog()
    {
        Assert.Equal("Found 3 of 4 tokens (75.0%); missing e.g. 'x'", new EmbeddingInitReport(3, 1, ["x"]).ToString());
        Assert.Equal("Found 2 of 2 tokens (100.0%)", new EmbeddingInitReport(2, 0, []).ToString());
    }
}
