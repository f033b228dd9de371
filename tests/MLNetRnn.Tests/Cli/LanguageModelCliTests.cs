using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNetRnn.LanguageModeling;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Cli;

/// <summary>
/// The language-model side of <c>mlnet-rnn</c>, run as a real process on a small text: train lm → evaluate → generate
/// (JSON fields and streaming), inspect, export, and the errors.
/// </summary>
public sealed class LanguageModelCliTests(LanguageModelCliTests.TrainedModel trained) : IClassFixture<LanguageModelCliTests.TrainedModel>
{
    private readonly TrainedModel _trained = trained;

    [Fact]
    public void Train_PrintsOneJsonObjectPerEpochAndASummaryWithHeldOutPerplexity()
    {
        var lines = _trained.TrainOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(TrainedModel.Epochs + 1, lines.Length);
        using var last = JsonDocument.Parse(lines[^1]);
        var root = last.RootElement;
        Assert.Equal(TrainedModel.Epochs, root.GetProperty("epochs").GetInt32());
        Assert.Equal("char", root.GetProperty("level").GetString());
        Assert.Equal(40 * TrainedModel.Text.Length, root.GetProperty("rows").GetInt32()); // training tokens: one per character
        Assert.Equal(4 + TrainedModel.Text.Distinct().Count(), root.GetProperty("vocabulary").GetInt32());
        var validation = root.GetProperty("validation");
        Assert.Equal(TrainedModel.HeldOut.Length - 1, validation.GetProperty("count").GetInt32());
        Assert.True(validation.GetProperty("bitsPerToken").GetDouble() < 2.0, validation.ToString()); // a uniform guess over 13 characters is 3.7
    }

    [Fact]
    public void Evaluate_PrintsPerplexityBitsPerTokenAndCount_AsTheLibraryComputesThem()
    {
        var (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", _trained.HeldOutPath, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var root = doc.RootElement;
        Assert.Equal(["perplexity", "bitsPerToken", "crossEntropy", "count"], root.EnumerateObject().Select(p => p.Name));
        var expected = LanguageModel.Load(_trained.ModelPath).Evaluate(TrainedModel.HeldOut);
        Assert.Equal(expected.Perplexity, root.GetProperty("perplexity").GetDouble(), 5);
        Assert.Equal(expected.BitsPerToken, root.GetProperty("bitsPerToken").GetDouble(), 5);
        Assert.Equal(TrainedModel.HeldOut.Length - 1, root.GetProperty("count").GetInt32());
    }

    [Fact]
    public void Evaluate_Adaptive_PrintsTheAdaptiveScoreBesideTheStaticOne_AsTheLibraryComputesThem()
    {
        string preceding = Path.Combine(Path.GetDirectoryName(_trained.HeldOutPath)!, "preceding.txt");
        File.WriteAllText(preceding, TrainedModel.Text);
        var (code, stdout, stderr) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", _trained.HeldOutPath, "--adaptive",
            "--dynamic-rate", "0.001", "--ngram-orders", "3", "--ngram-discount", "0.6", "--preceding-text", preceding, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var root = doc.RootElement;
        Assert.Equal(["perplexity", "bitsPerToken", "crossEntropy", "count", "static", "network", "ngrams", "weights"], root.EnumerateObject().Select(p => p.Name));
        var model = LanguageModel.Load(_trained.ModelPath);
        var expected = model.EvaluateAdaptive(TrainedModel.HeldOut, new AdaptiveEvaluationOptions { DynamicLearningRate = 0.001f, NGramOrders = [3], NGramDiscount = 0.6, PrecedingText = TrainedModel.Text });
        Assert.Equal(expected.Mixture.BitsPerToken, root.GetProperty("bitsPerToken").GetDouble(), 5);
        Assert.Equal(expected.Network.BitsPerToken, root.GetProperty("network").GetProperty("bitsPerToken").GetDouble(), 5);
        Assert.Equal(model.Evaluate(TrainedModel.HeldOut).BitsPerToken, root.GetProperty("static").GetProperty("bitsPerToken").GetDouble(), 5);
        var ngram = Assert.Single(root.GetProperty("ngrams").EnumerateArray());
        Assert.Equal(3, ngram.GetProperty("order").GetInt32());
        Assert.Equal(expected.NGrams[0].BitsPerToken, ngram.GetProperty("bitsPerToken").GetDouble(), 5);
        double[] weights = [.. root.GetProperty("weights").EnumerateArray().Select(w => w.GetDouble())];
        Assert.Equal(expected.Weights.Count, weights.Length);
        for (int k = 0; k < weights.Length; k++)
        {
            Assert.Equal(expected.Weights[k], weights[k], 6);
        }
        Assert.Equal(TrainedModel.HeldOut.Length - 1, root.GetProperty("count").GetInt32());
    }

    [Fact]
    public void Evaluate_AdaptiveSettingsWithoutAdaptive_OrBadOrders_AreRefused()
    {
        var (code, _, stderr) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", _trained.HeldOutPath, "--ngram-orders", "4");
        Assert.NotEqual(0, code);
        Assert.Contains("--ngram-orders sets up the adaptive evaluation; add --adaptive", stderr, StringComparison.Ordinal);
        (code, _, stderr) = CliProcess.Run("evaluate", "--model", _trained.ModelPath, "--data", _trained.HeldOutPath, "--adaptive", "--ngram-orders", "4,x");
        Assert.NotEqual(0, code);
        Assert.Contains("--ngram-orders takes comma-separated whole numbers", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_Json_GivesTheLibrarysSample_AndStreamingPrintsPromptAndText()
    {
        string[] args = ["generate", "--model", _trained.ModelPath, "--prompt", "the ", "--length", "30", "--temperature", "0.7", "--seed", "5"];
        var (code, stdout, stderr) = CliProcess.Run([.. args, "--json"]);
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        var root = doc.RootElement;
        Assert.Equal(["prompt", "text", "tokens", "finish", "seed", "temperature", "topK", "topP"], root.EnumerateObject().Select(p => p.Name));
        var expected = LanguageModel.Load(_trained.ModelPath).GenerateText("the ", new GenerationOptions { MaxTokens = 30, Temperature = 0.7f, Seed = 5 });
        Assert.Equal(expected.Text, root.GetProperty("text").GetString());
        Assert.Equal(30, root.GetProperty("tokens").GetInt32());
        Assert.Equal("length", root.GetProperty("finish").GetString());

        var (streamCode, streamed, streamError) = CliProcess.Run(args);
        Assert.True(streamCode == 0, streamError);
        Assert.Equal("the " + expected.Text + Environment.NewLine, streamed);

        var (_, stopped, _) = CliProcess.Run([.. args, "--stop", " ", "--json"]);
        using var stop = JsonDocument.Parse(stopped.Trim().Split('\n')[^1]);
        Assert.DoesNotContain(" ", stop.RootElement.GetProperty("text").GetString());
        Assert.Equal("stopString", stop.RootElement.GetProperty("finish").GetString());
    }

    [Fact]
    public void Inspect_RecognisesALanguageModel()
    {
        var (code, stdout, stderr) = CliProcess.Run("inspect", "--model", _trained.ModelPath, "--json");
        Assert.True(code == 0, stderr);
        using var doc = JsonDocument.Parse(stdout.Trim().Split('\n')[^1]);
        Assert.Equal("LanguageModel", doc.RootElement.GetProperty("task").GetString());
        Assert.Equal(LanguageModel.Load(_trained.ModelPath).ParameterCount, doc.RootElement.GetProperty("parameters").GetInt32());
    }

    [Fact]
    public void Export_LanguageModel_ListsItsFiles_CopiesTheStepGraphByteForByte_AndDescribesTheModel()
    {
        var (model, folder) = _trained.MobyDick;
        using (var zip = ZipFile.OpenRead(model))
        using (var stored = new MemoryStream())
        {
            zip.GetEntry("model.onnx")!.Open().CopyTo(stored);
            Assert.Equal(stored.ToArray(), File.ReadAllBytes(Path.Combine(folder, "model.onnx")));
        }

        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "config.json")));
        var root = config.RootElement;
        Assert.Equal(["task", "architecture", "level", "lineMode", "lowerCase"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("LanguageModel", root.GetProperty("task").GetString());
        Assert.Equal("Character", root.GetProperty("level").GetString());
        Assert.False(root.GetProperty("lineMode").GetBoolean());
        Assert.False(root.GetProperty("lowerCase").GetBoolean());
        var architecture = root.GetProperty("architecture");
        Assert.Equal("Lstm", architecture.GetProperty("cellType").GetString());
        Assert.False(architecture.GetProperty("oneHotInput").GetBoolean());
        Assert.Equal(8, architecture.GetProperty("embeddingSize").GetInt32());
        Assert.Equal(16, architecture.GetProperty("hiddenSize").GetInt32());
        Assert.Equal(2, architecture.GetProperty("numberOfLayers").GetInt32());
        Assert.Equal(ExportedModel.ReadList(Path.Combine(folder, "vocab.txt")).Length, architecture.GetProperty("vocabularySize").GetInt32());

        using var tokenizer = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "tokenizer.json")));
        Assert.Equal("characters", tokenizer.RootElement.GetProperty("tokenizer").GetString());
        Assert.True(tokenizer.RootElement.GetProperty("keepWhitespace").GetBoolean());
        Assert.Equal(MLNetRnn.Text.TokenPatterns.CharactersKeepWhitespace, tokenizer.RootElement.GetProperty("pattern").GetString());
        Assert.Equal(JsonValueKind.Null, tokenizer.RootElement.GetProperty("textColumn").ValueKind);
    }

    [Fact]
    public void Export_LanguageModel_WeightsNpzHoldsTheNetworksTensorsUnderPyTorchNames()
    {
        var (model, folder) = _trained.MobyDick;
        var network = LanguageModel.Load(model).Network;
        string npz = Path.Combine(folder, "weights.npz");
        ExportedModel.AssertWeightsEqual(network.Parameters, npz);
        string[] names =
        [
            "embedding.weight",
            "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
            "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1",
            "head.weight", "head.bias",
        ];
        var exported = MLNetRnn.Tensors.NpzFile.Read(npz);
        Assert.Equal(names.Order(StringComparer.Ordinal), exported.Keys.Order(StringComparer.Ordinal));
        int v = network.Architecture.VocabularySize;
        Assert.Equal([v, 8], exported["embedding.weight"].Shape);
        Assert.Equal([4 * 16, 8], exported["rnn.weight_ih_l0"].Shape); // LSTM gates i, f, g, o
        Assert.Equal([4 * 16, 16], exported["rnn.weight_ih_l1"].Shape);
        Assert.Equal([v, 16], exported["head.weight"].Shape);
    }

    [Fact]
    public void Export_LanguageModel_VocabTxtRoundTripsTheVocabulary_TheNewlineOnItsOwnLine()
    {
        var (model, folder) = _trained.MobyDick;
        var vocabulary = LanguageModel.Load(model).Vocabulary;
        string path = Path.Combine(folder, "vocab.txt");
        Assert.Equal(vocabulary, ExportedModel.ReadList(path));
        Assert.Equal(["<PAD>", "<UNK>", "<BOS>", "<EOS>"], vocabulary.Take(4));
        Assert.Contains("\n", vocabulary);
        Assert.Contains("—", vocabulary); // an em dash of the text, written as it is
        string[] lines = File.ReadAllText(path).Split('\n');
        Assert.Equal(vocabulary.Count + 1, lines.Length); // one line per token, then the final line feed
        Assert.Equal(@"\n", lines[vocabulary.ToList().IndexOf("\n")]);
    }

    [Fact]
    public void Export_LanguageModel_OnnxRuntimeGivesTheEnginesNextTokenLogits()
    {
        var (model, folder) = _trained.MobyDick;
        var network = LanguageModel.Load(model).Network;
        var a = network.Architecture;
        string[] vocabulary = ExportedModel.ReadList(Path.Combine(folder, "vocab.txt"));
        const string Prompt = "Call me Ishmael.\nSome years ago";
        int[] ids = [.. Prompt.Select(c => Array.IndexOf(vocabulary, c.ToString()))];
        Assert.All(ids, id => Assert.True(id >= 4, "every character of the prompt is in the vocabulary"));
        int t = ids.Length;
        var outputs = OnnxRunner.Run(File.ReadAllBytes(Path.Combine(folder, "model.onnx")),
            ("input_ids", new DenseTensor<long>(ids.Select(id => (long)id).ToArray(), [1, t])),
            ("h0", new DenseTensor<float>(new float[a.NumberOfLayers * a.HiddenSize], [a.NumberOfLayers, 1, a.HiddenSize])),
            ("c0", new DenseTensor<float>(new float[a.NumberOfLayers * a.HiddenSize], [a.NumberOfLayers, 1, a.HiddenSize])));

        var state = network.NewState(1);
        network.Forward(ids, t, state, default, training: false); // one stream: the engine's (T, 1, V) is ONNX's [1, T, V]
        float[] logits = outputs.Floats("logits");
        Compare.Close(logits[^a.VocabularySize..], network.Logits[^a.VocabularySize..], 1e-4, "next-token logits");
        Compare.Close(logits, network.Logits, 1e-4, "logits after every step");
        Compare.Close(outputs.Floats("hN"), state.H, 1e-4, "hN");
        Compare.Close(outputs.Floats("cN"), state.C, 1e-4, "cN");
    }

    [Theory]
    [InlineData("--temperature", "0", "Temperature")]
    [InlineData("--top-p", "1.5", "TopP")]
    [InlineData("--top-k", "-2", "TopK")]
    public void Generate_RefusesABadSetting_NamingIt(string option, string value, string name)
    {
        string error = CliProcess.RunFailing("generate", "--model", _trained.ModelPath, "--prompt", "a", option, value);
        Assert.Contains(name, error);
        Assert.Contains(value, error);
    }

    [Fact]
    public void Generate_RefusesAnEmptyPromptForAStreamModel_AndAModelThatIsNotALanguageModel()
    {
        Assert.Contains("give a prompt", CliProcess.RunFailing("generate", "--model", _trained.ModelPath));
        Assert.Contains("not a language model", CliProcess.RunFailing("generate", "--model", _trained.HeldOutPath, "--prompt", "a"));
    }

    /// <summary>One small character model trained once by the CLI for the tests of this class.</summary>
    public sealed class TrainedModel : IDisposable
    {
        public const int Epochs = 8;
        public const string Text = "the cat sat on the mat and the rat sat on the hat. ";
        public const string HeldOut = "the cat sat on the hat and the rat sat on the mat. ";

        private readonly Lazy<(string Model, string Export)> _mobyDick;

        public TrainedModel()
        {
            _mobyDick = new(TrainAndExportMobyDick);
            Folder = Directory.CreateTempSubdirectory("mlnetrnn-lm-cli-").FullName;
            string train = Path.Combine(Folder, "train.txt");
            File.WriteAllText(train, string.Concat(Enumerable.Repeat(Text, 40)));
            HeldOutPath = Path.Combine(Folder, "heldout.txt");
            File.WriteAllText(HeldOutPath, HeldOut);
            ModelPath = Path.Combine(Folder, "lm.zip");
            var (code, stdout, stderr) = CliProcess.Run("train", "lm", "--data", train, "--validation", HeldOutPath, "--model", ModelPath,
                "--hidden", "32", "--bptt", "25", "--batch-size", "4", "--epochs", $"{Epochs}", "--learning-rate", "0.01", "--patience", "10", "--seed", "2", "--json");
            Assert.True(code == 0, stderr);
            TrainOutput = stdout;
        }

        public string Folder { get; }

        public string ModelPath { get; }

        public string HeldOutPath { get; }

        public string TrainOutput { get; }

        /// <summary>
        /// A second model, trained and exported on first use: a character LSTM (embedding 8, two layers, hidden 16, one
        /// epoch) on the first 3,000 characters of Moby-Dick, so its vocabulary holds the newline and non-ASCII
        /// punctuation; and the folder <c>mlnet-rnn export</c> wrote it to (its --json answer checked).
        /// </summary>
        public (string Model, string Export) MobyDick => _mobyDick.Value;

        public void Dispose() => Directory.Delete(Folder, recursive: true);

        private (string Model, string Export) TrainAndExportMobyDick()
        {
            char[] text = new char[3000];
            using (var reader = new StreamReader(Path.Combine(Sentiment.Repository(), "datasets", "moby-dick", "moby-dick.txt")))
            {
                Assert.Equal(text.Length, reader.ReadBlock(text));
            }

            string train = Path.Combine(Folder, "moby-dick-3000.txt");
            File.WriteAllText(train, new string(text));
            string model = Path.Combine(Folder, "moby-dick.zip");
            var (code, _, stderr) = CliProcess.Run("train", "lm", "--data", train, "--model", model, "--one-hot", "false", "--embedding", "8",
                "--layers", "2", "--hidden", "16", "--bptt", "20", "--batch-size", "4", "--epochs", "1", "--seed", "3", "--json");
            Assert.True(code == 0, stderr);
            return (model, ExportedModel.Export(model, Folder, "model.onnx", "weights.npz", "vocab.txt", "tokenizer.json", "config.json"));
        }
    }
}
