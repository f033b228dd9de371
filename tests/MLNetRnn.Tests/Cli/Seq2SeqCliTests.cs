using System.Text.Json;
using System.Xml.Linq;
using Microsoft.ML;
using MLNetRnn.Onnx;
using MLNetRnn.SequenceToSequence;

namespace MLNetRnn.Tests.Cli;

/// <summary>
/// The sequence-to-sequence side of <c>mlnet-rnn</c>, run as a real process on a small file (spell a word backwards,
/// letter by letter): train seq2seq, evaluate, predict with n-best and an attention heat map, inspect, export, and the errors.
/// </summary>
public sealed class Seq2SeqCliTests(Seq2SeqCliTests.TrainedModels trained) : IClassFixture<Seq2SeqCliTests.TrainedModels>
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private readonly TrainedModels _trained = trained;

    [Fact]
    public void Train_PrintsOneJsonObjectPerEpochAndASummaryWithValidationMetrics()
    {
        var lines = _trained.TrainOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length); // 3 epochs + summary
        using var epoch = JsonDocument.Parse(lines[0]);
        Assert.True(epoch.RootElement.GetProperty("validationLoss").GetDouble() > 0);
        using var last = JsonDocument.Parse(lines[^1]);
        var root = last.RootElement;
        Assert.Equal(3, root.GetProperty("epochs").GetInt32());
        Assert.True(root.GetProperty("seconds").GetDouble() > 0);
        Assert.True(root.GetProperty("tokensPerSecond").GetDouble() > 0);
        Assert.True(root.GetProperty("parameters").GetInt32() > 0);
        Assert.Equal(10, root.GetProperty("vocabulary").GetInt32());       // <PAD>, <UNK>, a–h
        Assert.Equal(12, root.GetProperty("targetVocabulary").GetInt32()); // <PAD>, <UNK>, <BOS>, <EOS>, a–h
        var validation = root.GetProperty("validation");
        Assert.Equal(TrainedModels.ValidationRows, validation.GetProperty("count").GetInt32());
        Assert.InRange(validation.GetProperty("exactMatch").GetDouble(), 0, 1);
        Assert.True(validation.GetProperty("tokenErrorRate").GetDouble() >= 0);
        Assert.InRange(validation.GetProperty("bleu").GetDouble(), 0, 100);
        Assert.True(File.Exists(_trained.ModelPath));
    }

    [Fact]
    public void Evaluate_PrintsExactMatchTokenErrorRateBleuAndCount()
    {
        var (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", _trained.ValidationPath, "--beam", "1", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var root = doc.RootElement;
        Assert.Equal(["exactMatch", "tokenErrorRate", "bleu", "count"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(TrainedModels.ValidationRows, root.GetProperty("count").GetInt32());
    }

    [Fact]
    public void Evaluate_DefaultsToTheModelsBeamAsTrainingsValidationMetricsDid()
    {
        var (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", _trained.ValidationPath, "--json");
        Assert.True(code == 0, stderr);
        using var evaluated = JsonDocument.Parse(stdout.Trim());
        using var trained = JsonDocument.Parse(_trained.TrainOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        Assert.Equal(trained.RootElement.GetProperty("validation").ToString(), evaluated.RootElement.ToString()); // both decode the validation file with beam 3
    }

    [Fact]
    public void Evaluate_GreedyModelScoresTheMLNetModelsOwnPredictions()
    {
        var (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.GreedyModelPath, "--data", _trained.ValidationPath, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());

        // Independently of the CLI: ML.NET loads the saved model and its PredictedTokens are scored against the file.
        var ml = new MLContext(seed: 1);
        var scored = ml.Model.Load(_trained.GreedyModelPath, out _).Transform(LoadValidation(ml));
        AssertMetrics(ml.SequenceToSequence.Evaluate(scored, "Target", "PredictedTokens", TokenLevel.Word), doc.RootElement);
    }

    [Fact]
    public void Evaluate_BeamOneOfABeamModelDecodesGreedilyWithTheEngine()
    {
        var (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", _trained.ValidationPath, "--beam", "1", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());

        // Independently of the CLI: the network rebuilt from the zip's graph decodes the loaded model's source ids greedily.
        var ml = new MLContext(seed: 1);
        var scored = ml.Model.Load(_trained.ModelPath, out _).Transform(LoadValidation(ml));
        int[][] ids = DataViews.ColumnReader.TokenIds(scored, "SourceIds");
        var decoder = Seq2SeqDecoder.FromOnnx(ModelZip.Read(_trained.ModelPath).Find(OnnxMetadata.EncoderDecoderKind)!);
        string[][] references = [.. DataViews.ColumnReader.Text(scored, "Target").Select(t => t.Split(' '))];
        AssertMetrics(SequenceToSequenceMetrics.Compute(references, [.. decoder.DecodeAll(ids, 1).Select(p => p.Tokens)]), doc.RootElement);
    }

    [Fact]
    public void Predict_InputPrintsOutputTokensScoreAndTheNBestList()
    {
        var (code, stdout, stderr) = CliProcess.Run("predict", "--model", _trained.ModelPath, "--input", "abcd", "--beam", "3", "--nbest", "3", "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());
        var root = doc.RootElement;
        string[] tokens = root.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToArray();
        Assert.Equal(string.Join(' ', tokens), root.GetProperty("output").GetString()); // word-level target: tokens joined by spaces
        Assert.All(tokens, t => Assert.Matches("^[a-h]$", t));
        var nbest = root.GetProperty("nbest").EnumerateArray().ToList();
        Assert.Equal(3, nbest.Count);
        Assert.Equal(root.GetProperty("output").GetString(), nbest[0].GetProperty("output").GetString());
        Assert.Equal(root.GetProperty("score").GetDouble(), nbest[0].GetProperty("score").GetDouble());
        double[] scores = nbest.Select(n => n.GetProperty("score").GetDouble()).ToArray();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
    }

    [Fact]
    public void Predict_AttentionWritesAnSvgWithOneCellPerStepAndSourceCharacterAndEscapedLabels()
    {
        string svg = Path.Combine(_trained.Directory, $"attention-{Guid.NewGuid():N}.svg");
        const string input = "ab<&";
        var (code, stdout, stderr) = CliProcess.Run("predict", "--model", _trained.ModelPath, "--input", input, "--attention", svg, "--json");
        Assert.True(code == 0, stderr);
        using var prediction = JsonDocument.Parse(stdout.Trim());
        string[] tokens = prediction.RootElement.GetProperty("tokens").EnumerateArray().Select(t => t.GetString()!).ToArray();

        var doc = XDocument.Load(svg);
        Assert.Equal(Svg + "svg", doc.Root!.Name);
        var texts = doc.Root.Descendants(Svg + "text").Select(t => t.Value.Trim()).ToList();
        Assert.Contains(texts, t => t.StartsWith(input + " → ", StringComparison.Ordinal)); // the title names the input
        Assert.All(tokens, t => Assert.Contains(t, texts));                                  // a row label per output token
        Assert.All(input.Select(c => c.ToString()), c => Assert.Contains(c, texts));          // a column label per source character, escaped
        int cells = doc.Root.Descendants(Svg + "rect").Count(r => (string?)r.Attribute("stroke") == "#CCC");
        int rows = texts.Contains("<EOS>") ? tokens.Length + 1 : tokens.Length;              // <EOS> has a row when decoding finished
        Assert.Equal(rows * input.Length, cells);                                            // one cell per (output step, source character)
    }

    [Fact]
    public void Predict_DataPrintsJsonLinesOnePerRow()
    {
        var (code, stdout, stderr) = CliProcess.Run("predict", "--model", _trained.ModelPath, "--data", _trained.ValidationPath, "--beam", "2", "--json");
        Assert.True(code == 0, stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(TrainedModels.ValidationRows, lines.Length);
        Assert.All(lines, l =>
        {
            using var doc = JsonDocument.Parse(l);
            Assert.Single(doc.RootElement.GetProperty("nbest").EnumerateArray());
        });
    }

    [Fact]
    public void Inspect_ShowsTaskArchitectureVocabulariesTensorsAndTotal()
    {
        var (code, stdout, stderr) = CliProcess.Run("inspect", "--model", _trained.ModelPath, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim());
        var root = doc.RootElement;
        Assert.Equal("SequenceToSequence", root.GetProperty("task").GetString());
        Assert.Equal(["tokenizer", "encoder-decoder"], root.GetProperty("graphs").EnumerateArray().Select(g => g.GetProperty("kind").GetString()));
        Assert.Contains("OnnxTransformer", root.GetProperty("steps").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("Source", root.GetProperty("textColumn").GetString());
        Assert.Equal(3, root.GetProperty("decoding").GetProperty("beamSize").GetInt32());
        Assert.Equal(10, root.GetProperty("vocabulary").GetInt32());
        Assert.Equal(12, root.GetProperty("targetVocabulary").GetInt32());
        Assert.Equal(16, root.GetProperty("architecture").GetProperty("hiddenSize").GetInt32());
        long total = root.GetProperty("tensors").EnumerateArray().Sum(t => t.GetProperty("parameters").GetInt64());
        Assert.Equal(total, root.GetProperty("totalParameters").GetInt64());
        Assert.Contains(root.GetProperty("tensors").EnumerateArray(), t => t.GetProperty("name").GetString()!.EndsWith("decoder.rnn.weight_hh_l0", StringComparison.Ordinal));
    }

    [Fact]
    public void Export_WritesTheGraphWeightsBothVocabulariesTokenizerAndConfig()
    {
        string folder = ExportedModel.Export(_trained.ModelPath, _trained.Directory,
            "model.onnx", "weights.npz", "vocab.txt", "target_vocab.txt", "tokenizer.json", "config.json");

        Assert.Equal(ExportedModel.StoredGraph(_trained.ModelPath, OnnxMetadata.EncoderDecoderKind), File.ReadAllBytes(Path.Combine(folder, "model.onnx")));
        var (network, source, target, decoding, _) = Seq2SeqOnnx.Read(ModelZip.Read(_trained.ModelPath).Find(OnnxMetadata.EncoderDecoderKind)!);
        ExportedModel.AssertWeightsEqual(network.Parameters, Path.Combine(folder, "weights.npz"));
        Assert.Contains("decoder.rnn.weight_hh_l0", network.Parameters.Parameters.Select(p => p.Name));

        string[] vocab = File.ReadAllLines(Path.Combine(folder, "vocab.txt"));
        Assert.Equal(source, vocab);
        Assert.Equal(10, vocab.Length);                                                 // <PAD>, <UNK>, a–h
        string[] targetVocab = File.ReadAllLines(Path.Combine(folder, "target_vocab.txt"));
        Assert.Equal(target, targetVocab);
        Assert.Equal(["<PAD>", "<UNK>", "<BOS>", "<EOS>"], targetVocab[..4]);

        using var tokenizer = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer.json")));
        Assert.Equal("characters", tokenizer.RootElement.GetProperty("tokenizer").GetString());
        Assert.Equal("Source", tokenizer.RootElement.GetProperty("textColumn").GetString());
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "config.json")));
        Assert.Equal("SequenceToSequence", config.RootElement.GetProperty("task").GetString());
        Assert.Equal(3, config.RootElement.GetProperty("decoding").GetProperty("beamSize").GetInt32());
        Assert.Equal(decoding.MaxOutputLength, config.RootElement.GetProperty("decoding").GetProperty("maxOutputLength").GetInt32());
        Assert.Equal("Word", config.RootElement.GetProperty("targetLevel").GetString());
        Assert.Equal(16, config.RootElement.GetProperty("architecture").GetProperty("hiddenSize").GetInt32());
    }

    [Theory]
    [InlineData("predict", "--model", "m.zip", "--input", "abc", "--beam", "0")]
    [InlineData("predict", "--model", "m.zip", "--input", "abc", "--nbest", "0")]
    [InlineData("predict", "--model", "m.zip", "--input", "abc", "--beam", "2", "--nbest", "3")]
    [InlineData("predict", "--model", "m.zip", "--data", "d.tsv", "--attention", "a.svg")] // a heat map needs one --input
    [InlineData("evaluate", "--model", "m.zip", "--data", "d.tsv", "--beam", "0")]
    [InlineData("train", "seq2seq", "--data", "d.tsv", "--model", "m.zip", "--attention", "luong")]
    [InlineData("train", "seq2seq", "--data", "d.tsv", "--model", "m.zip", "--source-level", "byte")]
    public void BadArguments_ExitWithUsageErrorOnStderr(params string[] args) => CliProcess.AssertUsageError(args);

    [Fact]
    public void Predict_AttentionWithAClassificationModelIsOneLineError()
    {
        string line = CliProcess.RunFailing("predict", "--model", _trained.ClassifierPath, "--input", "good", "--attention", Path.Combine(_trained.Directory, "x.svg"), "--json");
        Assert.Contains("--attention is for sequence-to-sequence", line);
        Assert.Contains("text classification", line);
    }

    [Fact]
    public void Predict_AttentionWithAModelTrainedWithoutAttentionIsOneLineError()
    {
        string line = CliProcess.RunFailing("predict", "--model", _trained.GreedyModelPath, "--input", "abc", "--attention", Path.Combine(_trained.Directory, "none.svg"));
        Assert.Contains("without attention", line);
    }

    [Fact]
    public void Predict_NBestAboveTheModelsBeamIsOneLineError()
    {
        string line = CliProcess.RunFailing("predict", "--model", _trained.ModelPath, "--input", "abc", "--nbest", "4");
        Assert.Contains("--nbest 4 is more than the model's beam size 3", line);
    }

    [Fact]
    public void Evaluate_MissingTargetColumnIsOneLineErrorNamingTheOption()
    {
        string noTarget = Path.Combine(_trained.Directory, "sources-only.tsv");
        File.WriteAllLines(noTarget, ["Source", "abc", "dcb"]);
        string line = CliProcess.RunFailing("evaluate", "--model", _trained.ModelPath, "--data", noTarget, "--json");
        Assert.Contains("Column 'Target' not found", line);
        Assert.Contains("--target-column", line);
    }

    private Microsoft.ML.IDataView LoadValidation(MLContext ml) => ml.Data.LoadFromTextFile(_trained.ValidationPath,
        [new("Source", Microsoft.ML.Data.DataKind.String, 0), new("Target", Microsoft.ML.Data.DataKind.String, 1)], hasHeader: true);

    private static void AssertMetrics(SequenceToSequenceMetrics expected, JsonElement actual)
    {
        Assert.Equal(expected.Count, actual.GetProperty("count").GetInt32());
        Assert.Equal(expected.ExactMatch, actual.GetProperty("exactMatch").GetDouble(), 6);
        Assert.Equal(expected.TokenErrorRate, actual.GetProperty("tokenErrorRate").GetDouble(), 6);
        Assert.Equal(expected.Bleu, actual.GetProperty("bleu").GetDouble(), 6);
    }

    /// <summary>Trains once per test class: a 3-epoch encoder–decoder on 150 words (beam 3), a 2-epoch greedy one without attention, and a 1-epoch classifier for the task-mismatch errors.</summary>
    public sealed class TrainedModels : IDisposable
    {
        public const int ValidationRows = 30;

        public TrainedModels()
        {
            Directory = System.IO.Directory.CreateTempSubdirectory("mlnetrnn-seq2seq-cli-").FullName;
            var random = new Random(20240501);
            string trainPath = Path.Combine(Directory, "train.tsv");
            File.WriteAllLines(trainPath, ["Source\tTarget", .. Enumerable.Range(0, 150).Select(_ => ReversedSpelling(random))]);
            ValidationPath = Path.Combine(Directory, "validation.tsv");
            File.WriteAllLines(ValidationPath, ["Source\tTarget", .. Enumerable.Range(0, ValidationRows).Select(_ => ReversedSpelling(random))]);
            ModelPath = Path.Combine(Directory, "reverse.zip");
            var (code, stdout, stderr) = CliProcess.Run("train", "seq2seq", "--data", trainPath, "--validation", ValidationPath, "--model", ModelPath,
                "--epochs", "3", "--embedding", "8", "--hidden", "16", "--batch-size", "16", "--beam", "3", "--max-length", "12", "--json");
            Assert.True(code == 0, stderr);
            TrainOutput = stdout;

            GreedyModelPath = Path.Combine(Directory, "greedy.zip");
            (code, _, stderr) = CliProcess.Run("train", "seq2seq", "--data", trainPath, "--model", GreedyModelPath, "--cell", "gru", "--attention", "none",
                "--epochs", "2", "--embedding", "8", "--hidden", "8", "--batch-size", "16", "--beam", "1", "--max-length", "8", "--json");
            Assert.True(code == 0, stderr);

            string classifyPath = Path.Combine(Directory, "classify.tsv");
            File.WriteAllLines(classifyPath, ["Text\tLabel", .. Enumerable.Range(0, 20).Select(i => i % 2 == 0 ? "good fun\tpositive" : "bad dull\tnegative")]);
            ClassifierPath = Path.Combine(Directory, "classifier.zip");
            (code, _, stderr) = CliProcess.Run("train", "classify", "--data", classifyPath, "--model", ClassifierPath, "--epochs", "1", "--embedding", "4", "--hidden", "4", "--json");
            Assert.True(code == 0, stderr);
        }

        public string Directory { get; }

        public string ValidationPath { get; }

        public string ModelPath { get; }

        public string ClassifierPath { get; }

        /// <summary>Gets a GRU encoder–decoder without attention that decodes greedily (beam 1).</summary>
        public string GreedyModelPath { get; }

        public string TrainOutput { get; }

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

        /// <summary>A word of 2–6 letters from a–h, and its letters backwards separated by spaces: "abc" → "c b a".</summary>
        private static string ReversedSpelling(Random random)
        {
            char[] word = Enumerable.Range(0, random.Next(2, 7)).Select(_ => (char)('a' + random.Next(8))).ToArray();
            return $"{new string(word)}\t{string.Join(' ', word.Reverse())}";
        }
    }
}
