using MLNetRnn.LanguageModeling;

namespace MLNetRnn.Tests.LanguageModeling;

/// <summary>The text cut into streams: the batch plan (one row per stream of each chunk) and reading a share of the streams.</summary>
public sealed class TokenStreamsTests
{
    // 11 tokens 100..110 in B = 3 streams: L = ⌊10 / 3⌋ = 3 steps each (stream b reads ids[3b .. 3b + 3)), chunks of T = 2 steps: 2 and 1.
    private static readonly int[] Ids = [.. Enumerable.Range(100, 11)];

    [Fact]
    public void Plan_HasOneRowPerStreamOfEachChunk()
    {
        var streams = new TokenStreams(Ids, 3, 2);
        Assert.Equal(3, streams.StepsPerStream);
        Assert.Equal([[0, 1, 2], [3, 4, 5]], streams.Plan());
        Assert.Equal(1, streams.Chunk([3, 4, 5], [0, 1, 2]));
        Assert.Equal(1, streams.Chunk([4], [1])); // a process's share: stream 1 of chunk 1
    }

    [Fact]
    public void Fill_ReadsTheGivenStreamsTimeMajor()
    {
        var streams = new TokenStreams(Ids, 3, 2);
        int[] inputs = new int[4], targets = new int[4];
        streams.Fill(0, [0, 2], inputs, targets); // streams 0 and 2, steps 0 and 1
        Assert.Equal([100, 106, 101, 107], inputs);
        Assert.Equal([101, 107, 102, 108], targets);
        streams.Fill(1, [1], inputs, targets); // the last chunk has one step: stream 1's third
        Assert.Equal(105, inputs[0]);
        Assert.Equal(106, targets[0]);
    }

    [Fact]
    public void Chunk_RefusesRowsThatAreNotTheGivenStreamsOfOneChunk()
    {
        var streams = new TokenStreams(Ids, 3, 2);
        var old = Assert.Throws<InvalidDataException>(() => streams.Chunk([1], [0, 1, 2])); // an earlier version's plan: one row (chunk 1) per chunk
        Assert.Contains("earlier version", old.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidDataException>(() => streams.Chunk([2, 3, 4], [0, 1, 2])); // rows of two chunks
        Assert.Throws<InvalidDataException>(() => streams.Chunk([3], [1])); // another process's stream
        Assert.Throws<InvalidDataException>(() => streams.Chunk([6, 7, 8], [0, 1, 2])); // past the last chunk
    }
}
