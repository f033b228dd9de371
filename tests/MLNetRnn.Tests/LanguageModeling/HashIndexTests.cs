using MLNetRnn.LanguageModeling;

namespace MLNetRnn.Tests.LanguageModeling;

/// <summary>The open-addressing table behind the n-gram model, through several growths.</summary>
public sealed class HashIndexTests
{
    [Fact]
    public void Find_ReturnsEveryAddedValue_AndMinusOneForOtherKeys()
    {
        var random = new Random(20240501);
        var added = new Dictionary<ulong, int>();
        var index = new HashIndex();
        while (added.Count < 20_000) // 1,024 slots at first: five growths
        {
            ulong key = added.Count % 2 == 0 ? (ulong)random.NextInt64() : (ulong)added.Count << 32; // random and structured keys
            if (added.TryAdd(key, added.Count))
            {
                index.Add(key, added[key]);
            }
        }

        foreach (var (key, value) in added)
        {
            Assert.Equal(value, index.Find(key));
        }

        for (int i = 0; i < 1000; i++)
        {
            ulong key = (ulong)random.NextInt64();
            Assert.Equal(added.TryGetValue(key, out int value) ? value : -1, index.Find(key));
        }
    }
}
