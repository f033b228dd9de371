using System.Text.Json;
using Microsoft.ML;
using Xunit.Abstractions;
using MLNetRnn.Classification;
using MLNetRnn.Layers;
using MLNetRnn.Tests.Cli;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Export;

/// <summary>
/// <c>mlnet-rnn export</c>'s weights.npz and config.json rebuild the network in PyTorch from torch.nn modules alone
/// (scripts/pytorch_rebuild.py, Debian's python3-torch), and PyTorch's probabilities match our engine's within 1e-4.
/// </summary>
public sealed class PyTorchRebuildTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("mlnetrnn-rebuild-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [PythonFact("torch")]
    public void Export_RebuiltInPyTorch_GivesTheEnginesProbabilities()
    {
        var configurations = new (RecurrentCellType Cell, int Layers, bool Bidirectional, SequencePooling Pooling)[]
        {
            (RecurrentCellType.Lstm, 2, true, SequencePooling.FinalState),
            (RecurrentCellType.Gru, 1, false, SequencePooling.Mean),
            (RecurrentCellType.SimpleRnn, 2, true, SequencePooling.Max),
            (RecurrentCellType.Lstm, 1, false, SequencePooling.FinalState),
        };
        var ml = new MLContext(seed: 1);
        var train = Synthetic.Load(ml, 150, seed: 1);
        var test = Synthetic.Load(ml, 40, seed: 2);
        foreach (var (cell, layers, bidirectional, pooling) in configurations)
        {
            var options = new SequenceClassificationOptions
            {
                FeatureColumnName = "Ids", NumberOfLayers = layers, Bidirectional = bidirectional, Pooling = pooling, EmbeddingSize = 8, HiddenSize = 6, Epochs = 2,
            };
            var trainers = ml.MulticlassClassification.Trainers;
            var model = Sentiment.Prefix(ml).Append(cell switch
            {
                RecurrentCellType.SimpleRnn => trainers.Rnn(options),
                RecurrentCellType.Gru => trainers.Gru(options),
                _ => trainers.Lstm(options),
            }).Fit(train);
            string name = $"{cell}-{layers}-{bidirectional}-{pooling}";
            string zip = Path.Combine(_dir, name + ".zip"), export = Path.Combine(_dir, name);
            ml.Model.Save(model, train.Schema, zip);
            var (code, _, stderr) = CliProcess.Run("export", "--model", zip, "--out", export);
            Assert.True(code == 0, stderr);

            int[][] ids = MLNetRnn.DataViews.ColumnReader.TokenIds(model.Transform(test), "Ids");
            string idsFile = Path.Combine(_dir, name + ".ids.json"), outFile = Path.Combine(_dir, name + ".out.json");
            File.WriteAllText(idsFile, JsonSerializer.Serialize(ids));
            var (exit, printed) = PythonFactAttribute.Run(PythonFactAttribute.Python, Path.Combine(Sentiment.Repository(), "scripts", "pytorch_rebuild.py"), export, idsFile, outFile);
            Assert.True(exit == 0, printed);

            float[][] pytorch = JsonSerializer.Deserialize<float[][]>(File.ReadAllText(outFile))!;
            var engine = model.LastTransformer.Predict(ids);
            double worst = 0;
            for (int i = 0; i < ids.Length; i++)
            {
                worst = Math.Max(worst, Compare.Close(pytorch[i], engine[i], 1e-4, $"{name}, sequence {i}"));
            }

            output.WriteLine($"{name}: worst |PyTorch - engine| {worst:E2} over {ids.Length} sequences");
        }
    }
}
