using Microsoft.ML.OnnxRuntime.Tensors;
using MLNetRnn.Classification;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Onnx;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Training;

namespace MLNetRnn.Tests.Classification;

/// <summary>
/// The classifier's ONNX graph, run in ONNX Runtime one sentence at a time as ML.NET runs it, against the engine on a
/// ragged batch, for every cell, depth, direction and pooling; and read back into an identical network.
/// </summary>
public sealed class ClassifierOnnxTests
{
    public static TheoryData<RecurrentCellType, int, bool, SequencePooling> Networks()
    {
        var data = new TheoryData<RecurrentCellType, int, bool, SequencePooling>();
        foreach (var cell in Enum.GetValues<RecurrentCellType>())
        {
            foreach (int layers in new[] { 1, 2 })
            {
                foreach (bool bidirectional in new[] { false, true })
                {
                    data.Add(cell, layers, bidirectional, SequencePooling.FinalState);
                }
            }
        }

        data.Add(RecurrentCellType.Lstm, 2, true, SequencePooling.Mean);
        data.Add(RecurrentCellType.Gru, 1, true, SequencePooling.Max);
        return data;
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Graph_GivesTheEnginesProbabilities_OnRaggedInput(RecurrentCellType cell, int layers, bool bidirectional, SequencePooling pooling)
    {
        var architecture = new ClassifierArchitecture(30, 3, cell, 6, 5, layers, bidirectional, 0f, pooling);
        var network = new SequenceClassifierNetwork(architecture, new SeededRandom(20240501));
        int[][] sentences = [[2, 5, 9, 13, 29, 7, 1], [4], [3, 3, 8], [1, 28, 27, 26, 25]];
        var batch = SequenceBatch.Create(sentences, [0, 1, 2, 3]);
        var expected = new float[sentences.Length * 3];
        network.Forward(batch, false, default, expected);
        string[] vocabulary = [.. Enumerable.Range(0, 30).Select(i => $"t{i}")];

        var model = OnnxModel.Parse(ClassifierOnnx.Write(network, ["a", "b", "c"], vocabulary, "Ids", "Score", "PredictedLabel").ToBytes());
        for (int s = 0; s < sentences.Length; s++)
        {
            uint[] keys = [.. sentences[s].Select(id => (uint)(id - 1))]; // ML.NET's keys: id = key + 1
            var outputs = OnnxRunner.Run(model, ("Ids", new DenseTensor<uint>(keys, [1, keys.Length])));
            Compare.Close(outputs.Floats("Score"), expected.AsSpan(s * 3, 3), 1e-5, $"sentence {s}");
            string label = ((DenseTensor<string>)outputs["PredictedLabel.text"]).Single();
            Assert.Equal(new[] { "a", "b", "c" }[expected.AsSpan(s * 3, 3).IndexOf(expected.AsSpan(s * 3, 3).ToArray().Max())], label);
        }

        var (read, labels, words) = ClassifierOnnx.Read(model);
        Assert.Equal(architecture, read.Architecture);
        Assert.Equal(network.Parameters.Values.ToArray(), read.Parameters.Values.ToArray());
        Assert.Equal(["a", "b", "c"], labels);
        Assert.Equal(vocabulary, words);
    }

    [Fact]
    public void Graph_ReadsAnEmptyRowAsOneUnk()
    {
        var network = new SequenceClassifierNetwork(new ClassifierArchitecture(10, 2, RecurrentCellType.Lstm, 4, 3, 1, true, 0f, SequencePooling.FinalState), new SeededRandom(3));
        var expected = new float[2];
        network.Forward(SequenceBatch.Create([[1]], [0]), false, default, expected);
        var model = ClassifierOnnx.Write(network, ["x", "y"], [.. Enumerable.Range(0, 10).Select(i => $"w{i}")], "Ids", "Score", "PredictedLabel");

        var outputs = OnnxRunner.Run(model, ("Ids", new DenseTensor<uint>(Array.Empty<uint>(), [1, 0])));

        Compare.Close(outputs.Floats("Score"), expected, 1e-6, "empty row");
    }

    [Fact]
    public void Read_RefusesAGraphFromANewerFormat()
    {
        var network = new SequenceClassifierNetwork(new ClassifierArchitecture(5, 2, RecurrentCellType.Gru, 2, 2, 1, false, 0f, SequencePooling.FinalState), new SeededRandom(1));
        var model = ClassifierOnnx.Write(network, ["x", "y"], ["<PAD>", "<UNK>", "a", "b", "c"], "Ids", "Score", "PredictedLabel");
        int at = model.Metadata.FindIndex(kv => kv.Key == OnnxMetadata.FormatVersion);
        model.Metadata[at] = new(OnnxMetadata.FormatVersion, "99");

        var e = Assert.Throws<InvalidDataException>(() => ClassifierOnnx.Read(model));

        Assert.Contains("format version 99, newer than this MLNetRnn reads", e.Message);
    }
}
