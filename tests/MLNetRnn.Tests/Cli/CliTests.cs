using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Classification;
using MLNetRnn.Onnx;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Cli;

/// <summary>
/// The <c>mlnet-rnn</c> contract scripts rely on, run as a real process on a small file: train, evaluate, predict,
/// inspect and export with <c>--json</c>, and the errors (one line on stderr, non-zero exit code).
/// </summary>
public sealed class CliTests : IClassFixture<CliTests.TrainedModel>
{
    private readonly TrainedModel _trained;

    public CliTests(TrainedModel trained) => _trained = trained;

    [Fact]
    public void Train_PrintsOneJsonObjectPerEpochAndAFinalSummary()
    {
        var lines = _trained.TrainOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length); // 2 epochs + summary
        using var last = JsonDocument.Parse(lines[^1]);
        var root = last.RootElement;
        Assert.Equal(["model", "epochs", "seconds", "tokensPerSecond", "rows", "parameters", "vocabulary", "labels", "level", "embeddings", "heldOutValidation", "validation"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("heldOutValidation").ValueKind); // a --validation file was given
        Assert.Equal(Path.GetFullPath(_trained.ModelPath), root.GetProperty("model").GetString());
        Assert.Equal(2, root.GetProperty("epochs").GetInt32());
        Assert.True(root.GetProperty("seconds").GetDouble() > 0);
        Assert.True(root.GetProperty("tokensPerSecond").GetDouble() > 0);
        Assert.Equal(160, root.GetProperty("rows").GetInt32());
        Assert.Equal(["negative", "positive"], root.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        var validation = root.GetProperty("validation");
        Assert.Equal(["accuracy", "macroF1", "logLoss", "count"], validation.EnumerateObject().Select(p => p.Name));
        Assert.InRange(validation.GetProperty("accuracy").GetDouble(), 0, 1);
        Assert.Equal(40, validation.GetProperty("count").GetInt32());
        Assert.True(File.Exists(_trained.ModelPath));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(_trained.ModelPath)!, "*.tmp")); // written through a temporary file, then renamed
    }

    [Fact]
    public void Train_SavesAStandardMLNetModelWhoseOnlyInputIsTheTextColumn()
    {
        var ml = new MLContext(seed: 1);
        ml.Model.Load(_trained.ModelPath, out var schema);
        var column = Assert.Single(schema);
        Assert.Equal("Text", column.Name);
        Assert.Equal(TextDataViewType.Instance, column.Type);
    }

    [Fact]
    public void Evaluate_PrintsTheContractFields()
    {
        var (code, stdout, _) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", _trained.DataPath, "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        Assert.Equal(["accuracy", "macroF1", "logLoss", "count"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(40, doc.RootElement.GetProperty("count").GetInt32());
    }

    [Fact]
    public void Evaluate_AccuracyIsTheShareOfRowsWhosePredictedLabelIsTheFilesLabel()
    {
        var (code, stdout, stderr) = CliProcess.Run("predict", "--model", _trained.ModelPath, "--data", _trained.DataPath, "--json");
        Assert.True(code == 0, stderr);
        string[] predicted = [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("label").GetString()!)];
        string[] expected = [.. File.ReadLines(_trained.DataPath).Skip(1).Select(l => l.Split('\t')[1])];
        Assert.Equal(expected.Length, predicted.Length);
        double share = (double)expected.Zip(predicted).Count(p => p.First == p.Second) / expected.Length;

        (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", _trained.DataPath, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());
        Assert.Equal(share, doc.RootElement.GetProperty("accuracy").GetDouble(), 6);
    }

    [Fact]
    public void Evaluate_TextColumnOptionReadsAnotherHeaderName()
    {
        string renamed = Path.Combine(_trained.Directory, "body.tsv");
        File.WriteAllLines(renamed, ["Body\tLabel", .. File.ReadLines(_trained.DataPath).Skip(1)]);
        var (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", renamed, "--text-column", "Body", "--json");
        Assert.True(code == 0, stderr);
        var (_, original, _) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", _trained.DataPath, "--json");
        Assert.Equal(original.Trim(), stdout.Trim());
    }

    [Fact]
    public void Evaluate_LargeFileRedirected_ReportsEachTenthOnStderr_AndJsonPrintsOnlyTheObject()
    {
        string large = Path.Combine(_trained.Directory, "large.tsv");
        var rows = File.ReadLines(_trained.DataPath).Skip(1).ToList();
        File.WriteAllLines(large, ["Text\tLabel", .. Enumerable.Repeat(rows, 30).SelectMany(r => r)]); // 1,200 rows

        var (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", large);
        Assert.True(code == 0, stderr);
        string[] lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(10, lines.Length);
        for (int i = 0; i < 10; i++)
        {
            // Rows are counted in blocks of 64, so the line for a tenth comes at the first block that reaches it.
            var match = System.Text.RegularExpressions.Regex.Match(lines[i], @"^evaluating: ([\d,]+)/1,200 rows \((\d+)%\), [\d.]+ s, about \d+ s left, accuracy \d+\.\d%$");
            Assert.True(match.Success, lines[i]);
            int done = int.Parse(match.Groups[1].Value.Replace(",", string.Empty, StringComparison.Ordinal), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal((i + 1) * 10, int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.InRange(done, (i + 1) * 120, Math.Min(1200, ((i + 1) * 120) + 63));
        }

        Assert.Contains("accuracy", stdout, StringComparison.Ordinal); // the metrics stay on stdout

        (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", large, "--json");
        Assert.True(code == 0, stderr);
        Assert.Equal(string.Empty, stderr);
        using var doc = JsonDocument.Parse(Assert.Single(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
        Assert.Equal(1200, doc.RootElement.GetProperty("count").GetInt32());

        // The running accuracy of the last tenth is the evaluator's accuracy: the progress pass and ML.NET saw the same rows.
        double accuracy = doc.RootElement.GetProperty("accuracy").GetDouble();
        Assert.EndsWith("accuracy " + (accuracy * 100).ToString("F1", System.Globalization.CultureInfo.InvariantCulture) + "%", lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_SmallFileRedirected_PrintsNoProgress()
    {
        var (code, _, stderr) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", _trained.DataPath);
        Assert.True(code == 0, stderr);
        Assert.Equal(string.Empty, stderr);
    }

    [Fact]
    public void Train_Redirected_PrintsOneLinePerEpochThenTheSummary()
    {
        string model = Path.Combine(_trained.Directory, "lines.zip");
        var (code, stdout, stderr) = CliProcess.Run("train", "classify", "--data", _trained.DataPath, "--validation", _trained.DataPath, "--model", model,
            "--epochs", "3", "--patience", "5", "--embedding", "4", "--hidden", "4");
        Assert.True(code == 0, stderr);
        string[] lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(5, lines.Length); // 3 epochs, the saved model, the validation metrics
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            Assert.Matches($@"^epoch {epoch}/3: loss \d+\.\d{{4}}, validation loss \d+\.\d{{4}}, accuracy \d+\.\d%, [\d,]+ tokens/s", lines[epoch - 1]);
        }

        Assert.StartsWith($"saved {model}: 3 epochs", lines[3], StringComparison.Ordinal);
        Assert.StartsWith("validation: ", lines[4], StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_UnknownLabelIsOneLineErrorNamingTheLabelAndRow()
    {
        string file = Path.Combine(_trained.Directory, "unknown-label.tsv");
        File.WriteAllLines(file, ["Text\tLabel", "Great food.\tpositive", "Meh.\tneutral"]);
        string line = CliProcess.RunFailing("evaluate", "--model", _trained.ModelPath, "--data", file, "--json");
        Assert.Contains("'neutral'", line);
        Assert.Contains("row 2", line);
        Assert.Contains("negative, positive", line);
    }

    [Fact]
    public void Predict_InputShowsLabelProbabilitiesTokensAndIds()
    {
        var (code, stdout, _) = CliProcess.Run("predict", "--model", _trained.ModelPath, "--input", "Great food, zyzzyva!", "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout.Trim());
        var root = doc.RootElement;
        Assert.Equal(["label", "probabilities", "tokens", "ids"], root.EnumerateObject().Select(p => p.Name));
        Assert.Contains(root.GetProperty("label").GetString(), new[] { "negative", "positive" });
        Assert.Equal(["great", "food", ",", "zyzzyva", "!"], root.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(5, root.GetProperty("ids").GetArrayLength());
        Assert.Equal(1, root.GetProperty("ids")[3].GetInt32()); // unknown word -> <UNK>
        Assert.All(root.GetProperty("ids").EnumerateArray(), id => Assert.True(id.GetInt32() >= 1));
    }

    [Fact]
    public void Predict_InputProbabilitiesSumToOneAndTheirArgMaxIsTheLabel()
    {
        var (code, stdout, stderr) = CliProcess.Run("predict", "--model", _trained.ModelPath, "--input", "The service was slow and the food was cold.", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());
        var probabilities = doc.RootElement.GetProperty("probabilities").EnumerateObject().Select(p => (p.Name, Value: p.Value.GetDouble())).ToList();
        Assert.Equal(["negative", "positive"], probabilities.Select(p => p.Name));
        Assert.Equal(1.0, probabilities.Sum(p => p.Value), 4);
        Assert.Equal(probabilities.MaxBy(p => p.Value).Name, doc.RootElement.GetProperty("label").GetString());
    }

    [Fact]
    public void Predict_DataPrintsJsonLinesOnePerRow()
    {
        var (code, stdout, _) = CliProcess.Run("predict", "--model", _trained.ModelPath, "--data", _trained.DataPath, "--json");
        Assert.Equal(0, code);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(40, lines.Length);
        Assert.All(lines, l => JsonDocument.Parse(l).Dispose());
    }

    [Fact]
    public void PredictAndEvaluate_ReadAModelThatEndsAtTheTrainer()
    {
        // A model made with the library directly: label mapped outside, no MapKeyToValue, so PredictedLabel stays a key.
        var ml = new MLContext(seed: 1);
        var rows = ml.Data.LoadFromTextFile<Review>(_trained.DataPath, hasHeader: true);
        var labelled = ml.Transforms.Conversion.MapValueToKey("Label").Fit(rows).Transform(rows);
        var model = ml.Transforms.Text.TokenizeWords("Tokens", "Text")
            .Append(ml.Transforms.Text.MapTokensToIds("Ids", "Tokens"))
            .Append(ml.MulticlassClassification.Trainers.Gru(new SequenceClassificationOptions { FeatureColumnName = "Ids", EmbeddingSize = 4, HiddenSize = 4, Epochs = 1 }))
            .Fit(labelled);
        string path = Path.Combine(_trained.Directory, "library.zip");
        var schema = new DataViewSchema.Builder();
        schema.AddColumn("Text", TextDataViewType.Instance);
        ml.Model.Save(model, schema.ToSchema(), path);

        var (code, stdout, stderr) = CliProcess.Run("predict", "--model", path, "--input", "Lovely staff.", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());
        var probabilities = doc.RootElement.GetProperty("probabilities").EnumerateObject().ToList();
        Assert.Equal(probabilities.MaxBy(p => p.Value.GetDouble()).Name, doc.RootElement.GetProperty("label").GetString());
        (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", path, "--data", _trained.DataPath, "--json");
        Assert.True(code == 0, stderr);
        Assert.Equal(40, JsonDocument.Parse(stdout.Trim()).RootElement.GetProperty("count").GetInt32());
    }

    [Fact]
    public void PredictAndEvaluate_ReadAPipelineThatMapsItsLabelFirst_AsMLNetsEvaluatorScoresIt()
    {
        // The shape of the README's pipeline: MapValueToKey("Label") first, MapKeyToValue last, saved with the data's schema.
        var ml = new MLContext(seed: 1);
        var rows = ml.Data.LoadFromTextFile<Review>(_trained.DataPath, hasHeader: true);
        var model = Sentiment.Pipeline(ml).Fit(rows);
        string path = Path.Combine(_trained.Directory, "pipeline.zip");
        ml.Model.Save(model, rows.Schema, path);

        var (code, stdout, stderr) = CliProcess.Run("predict", "--model", path, "--input", "Lovely staff.", "--json");
        Assert.True(code == 0, stderr); // the model's Label input is fed empty, as an app's prediction class leaves it
        Assert.Equal(2, JsonDocument.Parse(stdout.Trim()).RootElement.GetProperty("probabilities").EnumerateObject().Count());
        (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", path, "--data", _trained.DataPath, "--json");
        Assert.True(code == 0, stderr);
        var expected = ml.MulticlassClassification.Evaluate(model.Transform(rows));
        Assert.Equal(Math.Round(expected.MicroAccuracy, 6), JsonDocument.Parse(stdout.Trim()).RootElement.GetProperty("accuracy").GetDouble());
    }

    [Fact]
    public void Inspect_ListsTaskStepsGraphsTensorsAndTotal()
    {
        var (code, stdout, _) = CliProcess.Run("inspect", "--model", _trained.ModelPath, "--json");
        Assert.Equal(0, code);
        using var doc = JsonDocument.Parse(stdout.Trim());
        var root = doc.RootElement;
        Assert.Equal("SequenceClassification", root.GetProperty("task").GetString());
        string[] steps = [.. root.GetProperty("steps").EnumerateArray().Select(s => s.GetString()!)];
        Assert.Contains("OnnxTransformer", steps);
        Assert.Contains("ValueToKeyMappingTransformer", steps);
        Assert.Equal("KeyToValueMappingTransformer", steps[^1]);
        Assert.Equal(["tokenizer", "sequence-classifier"], root.GetProperty("graphs").EnumerateArray().Select(g => g.GetProperty("kind").GetString()));
        Assert.Equal("Text", root.GetProperty("textColumn").GetString());
        Assert.Equal("words", root.GetProperty("tokenizer").GetProperty("tokenizer").GetString());
        Assert.Equal(["negative", "positive"], root.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(8, root.GetProperty("architecture").GetProperty("hiddenSize").GetInt32());
        long total = root.GetProperty("tensors").EnumerateArray().Sum(t => t.GetProperty("parameters").GetInt64());
        Assert.Equal(total, root.GetProperty("totalParameters").GetInt64());
        using var train = JsonDocument.Parse(_trained.TrainOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        Assert.Equal(train.RootElement.GetProperty("parameters").GetInt64(), total);
        Assert.Contains(root.GetProperty("tensors").EnumerateArray(), t => t.GetProperty("name").GetString()!.EndsWith("rnn.weight_hh_l0", StringComparison.Ordinal));
        var layers = root.GetProperty("layers").EnumerateArray().ToList();
        Assert.Equal(total, layers.Sum(l => l.GetProperty("parameters").GetInt64()));
        Assert.Equal("embedding", layers[0].GetProperty("name").GetString());
        Assert.Equal("(batch, 2)", layers[^1].GetProperty("outputShape").GetString());

        var (textCode, text, _) = CliProcess.Run("inspect", "--model", _trained.ModelPath);
        Assert.Equal(0, textCode);
        Assert.Contains("Layer (type)", text, StringComparison.Ordinal);
        Assert.Contains("Total params: " + total.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
    }

    [Fact]
    public void Export_WritesTheGraphWeightsVocabularyLabelsTokenizerAndConfig()
    {
        string folder = ExportedModel.Export(_trained.ModelPath, _trained.Directory,
            "model.onnx", "weights.npz", "vocab.txt", "labels.txt", "tokenizer.json", "config.json");

        Assert.Equal(ExportedModel.StoredGraph(_trained.ModelPath, OnnxMetadata.ClassifierKind), File.ReadAllBytes(Path.Combine(folder, "model.onnx")));
        var graph = ModelZip.Read(_trained.ModelPath).Find(OnnxMetadata.ClassifierKind)!;
        var (network, labels, vocabulary) = ClassifierOnnx.Read(graph);
        ExportedModel.AssertWeightsEqual(network.Parameters, Path.Combine(folder, "weights.npz"));
        Assert.Contains("embedding.weight", network.Parameters.Parameters.Select(p => p.Name));
        Assert.Contains("head.bias", network.Parameters.Parameters.Select(p => p.Name));

        string[] vocab = File.ReadAllLines(Path.Combine(folder, "vocab.txt"));
        Assert.Equal(vocabulary, vocab);
        Assert.Equal(["<PAD>", "<UNK>"], vocab[..2]);
        Assert.Equal(["negative", "positive"], File.ReadAllLines(Path.Combine(folder, "labels.txt")));
        Assert.Equal(labels, File.ReadAllLines(Path.Combine(folder, "labels.txt")));

        using var tokenizer = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer.json")));
        Assert.Equal("words", tokenizer.RootElement.GetProperty("tokenizer").GetString());
        Assert.True(tokenizer.RootElement.GetProperty("lowerCase").GetBoolean());
        Assert.False(string.IsNullOrEmpty(tokenizer.RootElement.GetProperty("pattern").GetString()));
        Assert.Equal("Text", tokenizer.RootElement.GetProperty("textColumn").GetString());
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "config.json")));
        Assert.Equal("SequenceClassification", config.RootElement.GetProperty("task").GetString());
        Assert.Equal(vocab.Length, config.RootElement.GetProperty("architecture").GetProperty("vocabularySize").GetInt32());
        Assert.Equal("Gru", config.RootElement.GetProperty("architecture").GetProperty("cellType").GetString()); // the CLI's default cell
    }

    [Fact]
    public void Train_MissingColumnIsOneLineOnStderrWithNonZeroExit()
    {
        string line = CliProcess.RunFailing("train", "classify", "--data", _trained.DataPath, "--model", Path.Combine(Path.GetTempPath(), "x.zip"), "--text-column", "Body", "--json");
        Assert.Contains("Column 'Body' not found", line);
        Assert.Contains("Text, Label", line);
    }

    [Fact]
    public void Train_ValidationLabelNotInTrainingIsOneLineErrorNamingTheLabelAndFile()
    {
        string validation = Path.Combine(_trained.Directory, "validation-neutral.tsv");
        File.WriteAllLines(validation, ["Text\tLabel", "Fine.\tpositive", "So so.\tneutral"]);
        string line = CliProcess.RunFailing("train", "classify", "--data", _trained.DataPath, "--validation", validation,
            "--model", Path.Combine(_trained.Directory, "never.zip"), "--epochs", "1", "--json");
        Assert.Contains("'neutral'", line);
        Assert.Contains(validation, line);
        Assert.False(File.Exists(Path.Combine(_trained.Directory, "never.zip")));
    }

    [Theory]
    [InlineData("train", "classify", "--model", "m.zip")]                 // --data missing
    [InlineData("train", "classify", "--data", "d.tsv", "--model", "m.zip", "--cell", "transformer")]
    [InlineData("predict", "--model", "m.zip")]                           // neither --input nor --data
    [InlineData("evaluate", "--model", "m.zip", "--data", "d.tsv", "--epochs", "3")]
    [InlineData("export", "--model", "m.zip")]                            // --out missing
    public void BadArguments_ExitWithUsageErrorOnStderr(params string[] args) => CliProcess.AssertUsageError(args);

    [Fact]
    public void Evaluate_CorruptModelSaysSoWithoutStackTrace()
    {
        string bad = Path.Combine(_trained.Directory, $"bad-{Guid.NewGuid():N}.zip");
        File.WriteAllText(bad, "not a zip");
        var (code, _, stderr) = CliProcess.Run("evaluate", "--model", bad, "--data", _trained.DataPath);
        Assert.Equal(1, code);
        Assert.Contains("not a valid MLNetRnn model", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void Inspect_ZipWithoutOurGraphsIsOneLineErrorSayingSo()
    {
        string other = Path.Combine(_trained.Directory, $"other-{Guid.NewGuid():N}.zip");
        using (var zip = ZipFile.Open(other, ZipArchiveMode.Create))
        {
            using var writer = new StreamWriter(zip.CreateEntry("TransformerChain/Model.key").Open());
            writer.Write("not ours");
        }

        string line = CliProcess.RunFailing("inspect", "--model", other, "--json");
        Assert.Contains("not a valid MLNetRnn model", line);
        Assert.Contains("no ONNX graph MLNetRnn wrote", line);
    }

    /// <summary>Trains once per test class: a 2-epoch model on 160 real sentences.</summary>
    public sealed class TrainedModel : IDisposable
    {
        public TrainedModel()
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("mlnetrnn-cli-").FullName;
            DataPath = Path.Combine(Directory, "small.tsv");
            var lines = File.ReadLines(Sentiment.Dataset("train.tsv")).Take(161).ToList();
            File.WriteAllLines(DataPath, lines.Take(41)); // header + 40 rows for evaluate/predict
            string trainPath = Path.Combine(Directory, "train.tsv");
            File.WriteAllLines(trainPath, lines);
            ModelPath = Path.Combine(Directory, "model.zip");
            var (code, stdout, stderr) = CliProcess.Run("train", "classify", "--data", trainPath, "--validation", DataPath, "--model", ModelPath,
                "--epochs", "2", "--embedding", "8", "--hidden", "8", "--bidirectional", "--patience", "5", "--json");
            Assert.True(code == 0, stderr);
            TrainOutput = stdout;
        }

        public string Directory { get; }

        public string DataPath { get; }

        public string ModelPath { get; }

        public string TrainOutput { get; }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
    }
}
