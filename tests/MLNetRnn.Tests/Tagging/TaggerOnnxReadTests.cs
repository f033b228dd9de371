using System.Text.Json;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Onnx;
using MLNetRnn.Tagging;

namespace MLNetRnn.Tests.Tagging;

/// <summary>
/// <see cref="TaggerOnnx.Read"/>: a graph read back rebuilds the same network (every tensor), the parameter budget equals
/// the real parameter count, and metadata that claims more weights than the graph stores is refused before allocating.
/// </summary>
public sealed class TaggerOnnxReadTests
{
    public static TheoryData<TaggerArchitecture> Architectures() =>
    [
        new TaggerArchitecture(12, 5, RecurrentCellType.Lstm, 6, 7, 2, true, 0.1f, false),
        new TaggerArchitecture(12, 5, RecurrentCellType.Gru, 6, 7, 1, false, 0f, true),
        new TaggerArchitecture(12, 5, RecurrentCellType.SimpleRnn, 6, 7, 1, true, 0f, true, 9, 3, 4),
        new TaggerArchitecture(12, 5, RecurrentCellType.Lstm, 6, 7, 2, true, 0f, false, 9, 5, 2),
    ];

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Read_RebuildsEveryTensorAndTheBudgetIsTheParameterCount(TaggerArchitecture architecture)
    {
        var network = new SequenceTaggerNetwork(architecture, new SeededRandom(20240501));
        Assert.Equal(network.Parameters.Values.Length, ParameterBudget.Tagger(architecture));
        string[] tags = [.. Enumerable.Range(0, 5).Select(i => $"T{i}")];
        string[] vocabulary = [.. Enumerable.Range(0, 12).Select(i => $"w{i}")];
        string[]? characters = architecture.HasCharacterFeatures ? ["<PAD>", "<UNK>", "<W>", "a", "b", "c", "d", "e", "f"] : null;
        var model = TaggerOnnx.Write(network, tags, vocabulary, characters, new TaggerOnnx.ColumnNames("Ids", characters is null ? null : "Chars", "PredictedTags"));
        var (read, readTags, readVocabulary, readCharacters) = TaggerOnnx.Read(OnnxModel.Parse(model.ToBytes()));
        Assert.Equal(architecture, read.Architecture);
        Assert.Equal(tags, readTags);
        Assert.Equal(vocabulary, readVocabulary);
        Assert.Equal(characters, readCharacters);
        Assert.Equal(network.Parameters.Parameters.Select(p => p.Name), read.Parameters.Parameters.Select(p => p.Name));
        Assert.Equal(network.Parameters.Values.ToArray(), read.Parameters.Values.ToArray());
    }

    [Fact]
    public void Read_RefusesMetadataThatClaimsMoreWeightsThanTheGraphStores()
    {
        var architecture = new TaggerArchitecture(12, 5, RecurrentCellType.Lstm, 6, 7, 1, true, 0f, false, 9, 3, 4);
        var network = new SequenceTaggerNetwork(architecture, new SeededRandom(1));
        string[] characters = ["<PAD>", "<UNK>", "<W>", "a", "b", "c", "d", "e", "f"];
        var model = TaggerOnnx.Write(network, [.. Enumerable.Range(0, 5).Select(i => $"T{i}")], [.. Enumerable.Range(0, 12).Select(i => $"w{i}")], characters,
            new TaggerOnnx.ColumnNames("Ids", "Chars", "PredictedTags"));
        var huge = architecture with { CharacterHiddenSize = 100_000 }; // 10^10 weights claimed
        int index = model.Metadata.FindIndex(kv => kv.Key == OnnxMetadata.Architecture);
        model.Metadata[index] = new(OnnxMetadata.Architecture, JsonSerializer.Serialize(huge));
        var e = Assert.Throws<InvalidDataException>(() => TaggerOnnx.Read(OnnxModel.Parse(model.ToBytes())));
        Assert.Contains("The tagger's architecture metadata describes", e.Message);

        model.Metadata[index] = new(OnnxMetadata.Architecture, JsonSerializer.Serialize(architecture with { CharacterCount = 10 })); // 9 characters stored
        e = Assert.Throws<InvalidDataException>(() => TaggerOnnx.Read(OnnxModel.Parse(model.ToBytes())));
        Assert.Contains("characters 10 vs 9", e.Message);
    }
}
