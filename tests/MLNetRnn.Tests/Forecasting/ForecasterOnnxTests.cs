using System.Text.Json;
using MLNetRnn.Forecasting;
using MLNetRnn.Layers;
using MLNetRnn.Onnx;

namespace MLNetRnn.Tests.Forecasting;

/// <summary>Reading a forecaster graph back, and refusing one whose metadata lies about what it holds.</summary>
public sealed class ForecasterOnnxTests
{
    [Fact]
    public void Read_ArchitectureLargerThanTheStoredWeights_IsRefusedBeforeAllocating()
    {
        var (network, layout) = ForecasterGraphs.Random(RecurrentCellType.Lstm, 1, 2);
        var model = OnnxModel.Parse(ForecasterOnnx.Write(network, layout).ToBytes());
        Replace(model, OnnxMetadata.Architecture, JsonSerializer.Serialize(network.Architecture with { HiddenSize = 1_000_000 }));
        var e = Assert.Throws<InvalidDataException>(() => ForecasterOnnx.Read(model));
        Assert.Contains("forecaster's architecture metadata describes", e.Message);
    }

    [Fact]
    public void Read_LayoutWhoseStatisticsDoNotMatchItsFeatures_IsRefused()
    {
        var (network, layout) = ForecasterGraphs.Random(RecurrentCellType.Gru, 1, 1);
        var model = OnnxModel.Parse(ForecasterOnnx.Write(network, layout).ToBytes());
        Replace(model, OnnxMetadata.Settings, JsonSerializer.Serialize(layout with { Means = [1f] }));
        var e = Assert.Throws<InvalidDataException>(() => ForecasterOnnx.Read(model));
        Assert.Contains("layout metadata is inconsistent", e.Message);
    }

    [Fact]
    public void Read_WrittenGraph_GivesBackTheWeights()
    {
        var (network, layout) = ForecasterGraphs.Random(RecurrentCellType.SimpleRnn, 2, 3);
        var (read, readLayout) = ForecasterOnnx.Read(OnnxModel.Parse(ForecasterOnnx.Write(network, layout).ToBytes()));
        Assert.Equal(network.Parameters.Values.ToArray(), read.Parameters.Values.ToArray());
        Assert.Equal(layout.Means, readLayout.Means);
        Assert.Equal(layout.FeatureNames, readLayout.FeatureNames);
    }

    private static void Replace(OnnxModel model, string key, string value)
    {
        int i = model.Metadata.FindIndex(kv => kv.Key == key);
        model.Metadata[i] = new(key, value);
    }
}
