using Microsoft.ML;
using MLNetRnn.Classification;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Onnx;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Tagging;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Export;

/// <summary>Every kind of graph we write passes onnx.checker (scripts/check_onnx.py, run with Debian's python3-onnx).</summary>
public sealed class OnnxCheckerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetrnn-checker-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [PythonFact("onnx")]
    public void EveryGraphKind_PassesTheOnnxChecker()
    {
        var paths = new List<string>();
        void Save(string name, OnnxModel model)
        {
            string path = Path.Combine(_dir, name + ".onnx");
            File.WriteAllBytes(path, model.ToBytes());
            paths.Add(path);
        }

        foreach (var cell in Enum.GetValues<RecurrentCellType>())
        {
            var network = new SequenceClassifierNetwork(new ClassifierArchitecture(12, 3, cell, 4, 5, 2, true, 0f, SequencePooling.FinalState), new SeededRandom(1));
            Save($"classifier-{cell}", ClassifierOnnx.Write(network, ["a", "b", "c"], [.. Enumerable.Range(0, 12).Select(i => $"t{i}")], "Ids", "Score", "PredictedLabel"));
        }

        foreach (bool crf in new[] { false, true })
        {
            var network = new SequenceTaggerNetwork(new TaggerArchitecture(12, 4, RecurrentCellType.Gru, 4, 5, 2, true, 0f, crf), new SeededRandom(3));
            Save($"tagger-crf-{crf}", TaggerOnnx.Write(network, ["A", "B", "C", "D"], [.. Enumerable.Range(0, 12).Select(i => $"t{i}")], "Ids", "PredictedTags"));
        }

        foreach (var cell in Enum.GetValues<RecurrentCellType>())
        {
            var (network, layout) = MLNetRnn.Tests.Forecasting.ForecasterGraphs.Random(cell, 2, 3);
            Save($"forecaster-{cell}", MLNetRnn.Forecasting.ForecasterOnnx.Write(network, layout));
        }

        Save("tokenizer", TokenizerOnnx.Build("Text", "Tokens", MLNetRnn.Text.TokenPatterns.WordsKeepPunctuation, []));
        foreach (var (attention, beam) in new (AttentionScore?, int)[] { (AttentionScore.General, 1), (AttentionScore.Additive, 4), (AttentionScore.Dot, 3), (null, 2) })
        {
            var a = new Seq2SeqArchitecture(9, 8, RecurrentCellType.Lstm, RecurrentCellType.Lstm, 4, 3, 1, true, 6, 1, attention, 0f, false);
            var network = new Seq2SeqNetwork(a, new SeededRandom(2));
            string[] target = ["<PAD>", "<UNK>", "<BOS>", "<EOS>", "p", "q", "r", "s"];
            Save($"seq2seq-{attention}-beam{beam}", Seq2SeqOnnx.Write(network, [.. Enumerable.Range(0, 9).Select(i => $"s{i}")], target,
                new DecodingSettings(beam, 10, 1f), TokenLevel.Word, "SourceIds", "PredictedTokens", "Score"));
        }

        var (code, output) = PythonFactAttribute.Run(PythonFactAttribute.Python, [Path.Combine(Sentiment.Repository(), "scripts", "check_onnx.py"), .. paths]);

        Assert.True(code == 0, output);
        Assert.Equal(paths.Count, output.Split('\n').Count(l => l.StartsWith("ok ", StringComparison.Ordinal)));
    }
}
