using MLNetRnn.Classification;
using MLNetRnn.Layers;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Numerics;
using MLNetRnn.Tagging;
using MLNetRnn.Training;

namespace MLNetRnn.Tests.Models;

/// <summary>The Keras-style summary: one row per layer, counts summed from the real tensors, equal to PyTorch's formulas.</summary>
public sealed class ModelSummaryTests
{
    // PyTorch nn.RNN / nn.GRU / nn.LSTM with input I and hidden H: gates × (H×I + H×H + 2H) per direction.
    private static long Recurrent(int gates, int input, int hidden) => gates * (((long)hidden * (hidden + input)) + (2L * hidden));

    [Theory]
    [InlineData(7, 5)]
    [InlineData(1, 1)]
    [InlineData(100, 64)]
    public void SimpleRnnLayer_HasHTimesHPlusIPlusTwoH(int input, int hidden)
    {
        var architecture = new ClassifierArchitecture(30, 3, RecurrentCellType.SimpleRnn, input, hidden, 1, false, 0f, SequencePooling.FinalState);
        var summary = ModelSummary.Of(new SequenceClassifierNetwork(architecture, new SeededRandom(1)));

        var rnn = Assert.Single(summary.Layers, l => l.Name == "rnn.l0");
        Assert.Equal(((long)hidden * (hidden + input)) + (2L * hidden), rnn.Parameters);
        Assert.Equal("SimpleRNN, tanh", rnn.Type);
        Assert.Equal($"(batch, time, {hidden})", rnn.OutputShape);
        Assert.Equal(["rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0"], rnn.Tensors);
    }

    [Theory]
    [InlineData(RecurrentCellType.SimpleRnn, 1)]
    [InlineData(RecurrentCellType.Gru, 3)]
    [InlineData(RecurrentCellType.Lstm, 4)]
    public void StackedBidirectionalClassifier_RowsFollowTheDataAndAddUpToTheStore(RecurrentCellType cell, int gates)
    {
        const int V = 50, C = 4, E = 6, H = 5;
        var architecture = new ClassifierArchitecture(V, C, cell, E, H, 2, true, 0.25f, SequencePooling.Mean);
        var network = new SequenceClassifierNetwork(architecture, new SeededRandom(2));
        var summary = ModelSummary.Of(network);

        Assert.Equal(["embedding", "rnn.l0", "rnn.l1", "pooling", "dropout", "head"], summary.Layers.Select(l => l.Name));
        Assert.Equal(
            [V * E, 2 * Recurrent(gates, E, H), 2 * Recurrent(gates, 2 * H, H), 0, 0, C * ((2 * H) + 1)],
            summary.Layers.Select(l => l.Parameters));
        Assert.Equal(network.Parameters.Count, summary.TotalParameters);
        Assert.Equal("(batch, time, 10)", summary.Layers[2].OutputShape);
        Assert.Equal("(batch, 10)", summary.Layers[3].OutputShape);
        Assert.Equal($"(batch, {C})", summary.Layers[^1].OutputShape);
        Assert.Contains("input dropout p=0.25", summary.Layers[2].Type, StringComparison.Ordinal);
        Assert.DoesNotContain("dropout", summary.Layers[1].Type, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Tagger_HasAHeadPerTokenAndTheCrfsKTimesKPlusTwoK(bool crf)
    {
        const int V = 40, K = 6, E = 5, H = 3;
        var network = new SequenceTaggerNetwork(new TaggerArchitecture(V, K, RecurrentCellType.Lstm, E, H, 1, true, 0f, crf), new SeededRandom(4));
        var summary = ModelSummary.Of(network);

        Assert.Equal(crf ? ["embedding", "rnn.l0", "head", "crf"] : ["embedding", "rnn.l0", "head"], summary.Layers.Select(l => l.Name));
        long[] expected = [V * E, 2 * Recurrent(4, E, H), K * ((2 * H) + 1), .. crf ? new long[] { (K * K) + (2 * K) } : []];
        Assert.Equal(expected, summary.Layers.Select(l => l.Parameters));
        Assert.Equal(network.Parameters.Count, summary.TotalParameters);
        Assert.Equal($"(batch, time, {K})", summary.Layers[2].OutputShape);
        Assert.Equal("SequenceTagging", summary.Task);
    }

    [Fact]
    public void TiedSequenceToSequence_CountsTheSharedWeightOnceUnderTheEmbedding()
    {
        const int Vs = 11, Vt = 9, E = 6, H = 4, Hd = 8;
        var architecture = new Seq2SeqArchitecture(Vs, Vt, RecurrentCellType.Gru, RecurrentCellType.Lstm, E, H, 1, true, Hd, 1,
            AttentionScore.General, 0.1f, TieEmbeddings: true);
        var network = new Seq2SeqNetwork(architecture, new SeededRandom(3));
        var summary = ModelSummary.Of(network);

        Assert.Equal(
            ["encoder.embedding", "encoder.rnn.l0", "bridge", "bridge_c", "decoder.embedding", "decoder.rnn.l0", "attention", "combine", "head"],
            summary.Layers.Select(l => l.Name));
        var head = summary.Layers[^1];
        Assert.Equal(["head.bias"], head.Tensors);
        Assert.Equal(Vt, head.Parameters);
        Assert.Equal(Vt * E, summary.Layers[4].Parameters);
        Assert.Equal(2 * Recurrent(3, E, H), summary.Layers[1].Parameters);
        Assert.Equal(Recurrent(4, E, Hd), summary.Layers[5].Parameters);
        Assert.Equal(Hd * 2 * H, summary.Layers[6].Parameters); // general score: linear_in (Hd, 2H), no bias
        Assert.Equal(network.Parameters.Count, summary.TotalParameters);
    }

    [Fact]
    public void ToString_IsATableWithOneLinePerLayerAndTheTotal()
    {
        var architecture = new ClassifierArchitecture(1000, 2, RecurrentCellType.Lstm, 32, 16, 1, false, 0f, SequencePooling.FinalState);
        var summary = ModelSummary.Of(new SequenceClassifierNetwork(architecture, new SeededRandom(4)));
        string[] lines = summary.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("SequenceClassification", lines[0]);
        Assert.StartsWith("Layer (type)", lines[2], StringComparison.Ordinal);
        Assert.StartsWith("embedding (Embedding)", lines[4], StringComparison.Ordinal);
        Assert.EndsWith("32,000", lines[4], StringComparison.Ordinal);
        Assert.StartsWith("rnn.l0 (LSTM)", lines[5], StringComparison.Ordinal);
        Assert.EndsWith(Recurrent(4, 32, 16).ToString("N0", System.Globalization.CultureInfo.InvariantCulture), lines[5], StringComparison.Ordinal);
        Assert.Equal($"Total params: {summary.TotalParameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)}", lines[^1]);
        Assert.Equal(lines[2].Length, lines[4].Length); // columns line up
    }
}
