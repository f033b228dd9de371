using Microsoft.ML.OnnxRuntime.Tensors;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tagging;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Training;

namespace MLNetRnn.Tests.Tagging;

/// <summary>The tagger's ONNX graph run by ONNX Runtime gives the engine's tags: arg-max, and Viterbi as two ONNX Loops.</summary>
public sealed class TaggerOnnxTests
{
    [Theory]
    [InlineData(false, RecurrentCellType.Lstm, true, 2)]
    [InlineData(false, RecurrentCellType.SimpleRnn, false, 1)]
    [InlineData(true, RecurrentCellType.Gru, true, 1)]
    [InlineData(true, RecurrentCellType.Lstm, false, 2)]
    public void Graph_GivesTheEnginesTags(bool crf, RecurrentCellType cell, bool bidirectional, int layers)
    {
        const int V = 12, K = 5;
        var network = new SequenceTaggerNetwork(new TaggerArchitecture(V, K, cell, 6, 7, layers, bidirectional, 0f, crf), new SeededRandom(20240501));
        if (crf)
        {
            // Strong transitions, so the Viterbi path differs from the per-token arg-max and the test can tell them apart.
            new SeededRandom(9).FillUniform(network.Crf!.Transitions.Value, -3f, 3f);
        }

        string[] tags = ["A", "B", "C", "D", "E"];
        string[] vocabulary = [.. Enumerable.Range(0, V).Select(i => $"w{i}")];
        var model = TaggerOnnx.Write(network, tags, vocabulary, "Ids", "PredictedTags");
        var random = new Random(7);
        int differsFromArgMax = 0;
        for (int n = 0; n < 40; n++)
        {
            int length = n == 0 ? 1 : random.Next(1, 15);
            uint[] keys = [.. Enumerable.Range(0, length).Select(_ => (uint)random.Next(0, V - 1))]; // key k is id k + 1; key 0 is <UNK>
            int[] ids = [.. keys.Select(k => (int)k + 1)];
            int[] expected = network.Predict(SequenceBatch.Create([ids], [0]))[0];
            var outputs = OnnxRunner.Run(model, ("Ids", new DenseTensor<uint>(keys, [1, length])));
            string[] actual = [.. ((DenseTensor<string>)outputs["PredictedTags"]).Buffer.ToArray()];
            Assert.Equal(expected.Select(t => tags[t]), actual);
            if (crf)
            {
                differsFromArgMax += expected.SequenceEqual(ArgMax(network, ids)) ? 0 : 1;
            }
        }

        Assert.True(!crf || differsFromArgMax > 0, "The Viterbi path never differed from the arg-max; the test cannot tell them apart.");
    }

    private static int[] ArgMax(SequenceTaggerNetwork crfNetwork, int[] ids)
    {
        var a = crfNetwork.Architecture with { Crf = false };
        var plain = new SequenceTaggerNetwork(a, new SeededRandom(0));
        foreach (var p in plain.Parameters.Parameters)
        {
            crfNetwork.Parameters.Parameters.First(q => q.Name == p.Name).Value.CopyTo(p.Value);
        }

        return plain.Predict(SequenceBatch.Create([ids], [0]))[0];
    }
}
