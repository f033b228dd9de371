using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNetRnn.LanguageModeling;
using MLNetRnn.Layers;
using MLNetRnn.Onnx;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.LanguageModeling;

/// <summary>
/// The trained model: generation (greedy limits, seeds, line mode, streaming), perplexity on a hand-computed case, its
/// file (round trip, tampering) and its ONNX step graph run by ONNX Runtime.
/// </summary>
public sealed class LanguageModelTests
{
    private const string Text = "the cat sat on the mat. the dog sat on the log. a cat and a dog met on a mat.\n";

    private static readonly Lazy<LanguageModel> Small = new(() => new LanguageModelTrainer(new LanguageModelOptions
    {
        HiddenSize = 32, EmbeddingSize = 16, Bptt = 20, BatchSize = 4, Epochs = 30, LearningRate = 0.01f, Seed = 5,
    }).Fit(string.Concat(Enumerable.Repeat(Text, 20))));

    [Fact]
    public void Training_LearnsTheText()
    {
        var model = Small.Value;
        Assert.True(model.Evaluate(Text + Text).BitsPerToken < 1.0, $"bits per character {model.Evaluate(Text + Text).BitsPerToken:F3}");
        Assert.True(model.TrainingHistory[^1].TrainingLoss < model.TrainingHistory[0].TrainingLoss / 2);
    }

    [Fact]
    public void TinyTemperature_AndTopK1_GiveTheGreedyText()
    {
        var model = Small.Value;
        string greedy = Greedy(model, "the ", 40);
        Assert.Equal(greedy, model.GenerateText("the ", new GenerationOptions { Temperature = 1e-6f, MaxTokens = 40, Seed = 3 }).Text);
        Assert.Equal(greedy, model.GenerateText("the ", new GenerationOptions { TopK = 1, MaxTokens = 40, Seed = 4 }).Text);
        Assert.Contains("sat on", greedy); // the model learnt the text, so greedy text is from it
    }

    [Fact]
    public void Seed_ReproducesASample_AndAnotherSeedDiffers()
    {
        var model = Small.Value;
        var options = new GenerationOptions { Temperature = 1.5f, MaxTokens = 60, Seed = 11 };
        string first = model.GenerateText("a ", options).Text;
        Assert.Equal(first, model.GenerateText("a ", options).Text);
        Assert.Equal(first, string.Concat(model.Generate("a ", options)));
        Assert.NotEqual(first, model.GenerateText("a ", new GenerationOptions { Temperature = 1.5f, MaxTokens = 60, Seed = 12 }).Text);
        Assert.Equal(60, first.Length); // one character per token at character level
    }

    [Fact]
    public async Task GenerateAsync_StreamsTheSamePieces()
    {
        var model = Small.Value;
        var options = new GenerationOptions { MaxTokens = 25, Seed = 2 };
        var pieces = new List<string>();
        await foreach (string piece in model.GenerateAsync("the ", options))
        {
            pieces.Add(piece);
        }

        Assert.Equal(model.Generate("the ", options), pieces);
        Assert.Equal(25, pieces.Count);
    }

    [Fact]
    public void StopString_EndsTheTextBeforeIt()
    {
        var model = Small.Value;
        var result = model.GenerateText("the cat ", new GenerationOptions { Temperature = 1e-6f, MaxTokens = 200, StopStrings = ["."] });
        Assert.Equal(GenerationFinish.StopString, result.Finish);
        Assert.DoesNotContain(".", result.Text);
        Assert.Equal(Greedy(model, "the cat ", 200).Split('.')[0], result.Text);
    }

    [Fact]
    public void EmptyPrompt_IsRefusedForAStreamModel_WithTheFix()
    {
        var e = Assert.Throws<ArgumentException>(() => Small.Value.Generate(""));
        Assert.Contains("give a prompt", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Small.Value.Generate("a", new GenerationOptions { TopP = 0f }));
    }

    [Fact]
    public void LineMode_StartsFromBos_AndEndsAtEos()
    {
        var model = new LanguageModelTrainer(new LanguageModelOptions
        {
            Level = TokenLevel.Word, LineMode = true, HiddenSize = 24, EmbeddingSize = 8, Bptt = 8, BatchSize = 2, Epochs = 40, LearningRate = 0.02f,
        }).Fit(string.Concat(Enumerable.Repeat("call me ishmael .\n", 30)));
        var result = model.GenerateText("", new GenerationOptions { Temperature = 1e-6f, MaxTokens = 20 });
        Assert.Equal("call me ishmael .", result.Text);
        Assert.Equal(GenerationFinish.EndOfSequence, result.Finish);
        Assert.Equal(5, result.TokenCount); // four words and <EOS>
        Assert.Equal(" .", model.GenerateText("call me ishmael", new GenerationOptions { Temperature = 1e-6f }).Text);
    }

    [Fact]
    public void Perplexity_MatchesAHandComputedCase()
    {
        // All weights zero but the head's bias, so every step predicts p = softmax(bias) whatever came before. Vocabulary
        // <PAD> <UNK> <BOS> <EOS> a b; bias 0 for the four specials, ln 4 for a, ln 2 for b: Z = 4 + 4 + 2 = 10,
        // p(a) = 0.4, p(b) = 0.2. "aab" predicts a then b: cross-entropy −(ln 0.4 + ln 0.2)/2, perplexity 1/√0.08.
        var model = new LanguageModelTrainer(new LanguageModelOptions { HiddenSize = 3, EmbeddingSize = 2, BatchSize = 1, Epochs = 1 }).Fit("aab");
        Assert.Equal(["<PAD>", "<UNK>", "<BOS>", "<EOS>", "a", "b"], model.Vocabulary);
        model.Network.Parameters.Values.Clear();
        var bias = model.Network.Head.Bias.Value;
        bias[4] = MathF.Log(4f);
        bias[5] = MathF.Log(2f);
        var metrics = model.Evaluate("aab");
        Assert.Equal(2, metrics.Count);
        Assert.Equal(-(Math.Log(0.4) + Math.Log(0.2)) / 2, metrics.CrossEntropy, 6);
        Assert.Equal(1 / Math.Sqrt(0.08), metrics.Perplexity, 5);
        Assert.Equal(-(Math.Log2(0.4) + Math.Log2(0.2)) / 2, metrics.BitsPerToken, 6);
        Assert.Throws<ArgumentException>(() => model.Evaluate("a"));
    }

    [Fact]
    public void SaveAndLoad_GiveTheSameModel_AndATamperedFileIsRefused()
    {
        var model = Small.Value;
        string folder = Directory.CreateTempSubdirectory("mlnetrnn-lm-").FullName;
        try
        {
            string path = Path.Combine(folder, "lm.zip");
            model.Save(path);
            Assert.Equal([path], Directory.GetFiles(folder)); // no temporary file left
            var loaded = LanguageModel.Load(path);
            Assert.Equal(model.Vocabulary, loaded.Vocabulary);
            Assert.Equal(model.Architecture, loaded.Architecture);
            Assert.Equal(model.Network.Parameters.Values.ToArray(), loaded.Network.Parameters.Values.ToArray());
            var options = new GenerationOptions { MaxTokens = 50, Seed = 9 };
            Assert.Equal(model.GenerateText("the ", options), loaded.GenerateText("the ", options));
            Assert.Equal(model.Evaluate(Text).CrossEntropy, loaded.Evaluate(Text).CrossEntropy);

            byte[] bytes = File.ReadAllBytes(path);
            model.Save(path);
            Assert.Equal(bytes, File.ReadAllBytes(path)); // the same model gives the same bytes

            string tampered = Path.Combine(folder, "tampered.zip");
            using (var zip = System.IO.Compression.ZipFile.Open(path, System.IO.Compression.ZipArchiveMode.Read))
            using (var copy = System.IO.Compression.ZipFile.Open(tampered, System.IO.Compression.ZipArchiveMode.Create))
            {
                foreach (var entry in zip.Entries)
                {
                    using var source = entry.Open();
                    using var memory = new MemoryStream();
                    source.CopyTo(memory);
                    byte[] content = memory.ToArray();
                    if (entry.FullName == "model.onnx")
                    {
                        content[content.Length - 10] ^= 0x40; // a weight bit
                    }

                    using var target = copy.CreateEntry(entry.FullName).Open();
                    target.Write(content);
                }
            }

            var e = Assert.Throws<InvalidDataException>(() => LanguageModel.Load(tampered));
            Assert.Contains("model.onnx", e.Message);
            Assert.Throws<FileNotFoundException>(() => LanguageModel.Load(Path.Combine(folder, "missing.zip")));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void CosineSchedule_AnnealsFromTheRateToZero_PerStep()
    {
        var cosine = new MLNetRnn.Training.EpochSettings(4, 8, 0.01f, 1f, 3, 1f, CosineSchedule: true);
        Assert.Equal(1f, cosine.ScheduleFactor(1, 0, 10));
        Assert.Equal(0.5f, cosine.ScheduleFactor(3, 0, 10), 6);                       // half-way through the run
        Assert.Equal(0.5 * (1 + Math.Cos(Math.PI * 3.9 / 4)), cosine.ScheduleFactor(4, 9, 10), 6); // the last step
        Assert.True(cosine.ScheduleFactor(2, 5, 10) < cosine.ScheduleFactor(2, 4, 10));
        Assert.Equal(1f, (cosine with { CosineSchedule = false }).ScheduleFactor(4, 9, 10));
    }

    [Fact]
    public void CosineSchedule_ChangesTraining_AndACheckpointOfAConstantRunIsNotResumedWithIt()
    {
        string folder = Directory.CreateTempSubdirectory("mlnetrnn-lm-cos-").FullName;
        try
        {
            string text = string.Concat(Enumerable.Repeat(Text, 3));
            LanguageModel Train(bool cosine, bool resume) => new LanguageModelTrainer(new LanguageModelOptions
            {
                HiddenSize = 16, EmbeddingSize = 8, Bptt = 10, BatchSize = 3, Epochs = 3, Seed = 8, CosineSchedule = cosine,
                Checkpoint = new MLNetRnn.Training.CheckpointSettings { Path = Path.Combine(folder, "run.ckpt"), Resume = resume },
            }).Fit(text);

            var constant = Train(cosine: false, resume: false);
            var error = Assert.Throws<InvalidOperationException>(() => Train(cosine: true, resume: true));
            Assert.Contains("cosine schedule", error.Message);
            File.Delete(Path.Combine(folder, "run.ckpt"));
            var annealed = Train(cosine: true, resume: false);
            Assert.NotEqual(constant.Network.Parameters.Values.ToArray(), annealed.Network.Parameters.Values.ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Checkpoint_ResumedAtAnEpochBoundary_GivesTheWeightsOfAnUninterruptedRun()
    {
        string folder = Directory.CreateTempSubdirectory("mlnetrnn-lm-ckpt-").FullName;
        try
        {
            LanguageModel Train(int epochs, string checkpoint, bool resume) => new LanguageModelTrainer(new LanguageModelOptions
            {
                HiddenSize = 16, EmbeddingSize = 8, Bptt = 10, BatchSize = 3, Epochs = epochs, Dropout = 0.2f, NumberOfLayers = 2, Seed = 8,
                Checkpoint = new MLNetRnn.Training.CheckpointSettings { Path = Path.Combine(folder, checkpoint), Resume = resume },
            }).Fit(string.Concat(Enumerable.Repeat(Text, 3)), Text);

            var straight = Train(4, "straight.ckpt", resume: false);
            Train(2, "split.ckpt", resume: false);
            var resumed = Train(4, "split.ckpt", resume: true);
            Assert.Equal(straight.Network.Parameters.Values.ToArray(), resumed.Network.Parameters.Values.ToArray());
            Assert.Equal(4, resumed.TrainingHistory.Count);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Checkpoint_ResumedInsideAnEpoch_ReadsItsPlanOfStreams_AndGivesTheUninterruptedWeights()
    {
        // Cancelled after epoch 1, the checkpoint holds epoch 2's plan (one row per stream of each chunk) at its first chunk;
        // the resumed run reads that plan back, and every chunk of epoch 2 starts from zeros or its own streams' state as before.
        string folder = Directory.CreateTempSubdirectory("mlnetrnn-lm-plan-").FullName;
        try
        {
            LanguageModelOptions Options(string checkpoint, bool resume) => new()
            {
                HiddenSize = 12, EmbeddingSize = 6, Bptt = 9, BatchSize = 3, Epochs = 3, Seed = 8,
                Checkpoint = new MLNetRnn.Training.CheckpointSettings { Path = Path.Combine(folder, checkpoint), Resume = resume },
            };
            string text = string.Concat(Enumerable.Repeat(Text, 3));
            var straight = new LanguageModelTrainer(Options("straight.ckpt", resume: false)).Fit(text);

            using var cancel = new CancellationTokenSource();
            var first = Options("split.ckpt", resume: false);
            first.CancellationToken = cancel.Token;
            first.Progress = new Reporter(_ => cancel.Cancel());
            Assert.Throws<OperationCanceledException>(() => new LanguageModelTrainer(first).Fit(text));
            using (var zip = System.IO.Compression.ZipFile.OpenRead(Path.Combine(folder, "split.ckpt")))
            {
                Assert.Contains(zip.Entries, e => e.FullName == "plan_rows.npy");
            }

            var resumed = new LanguageModelTrainer(Options("split.ckpt", resume: true)).Fit(text);
            Assert.Equal(straight.Network.Parameters.Values.ToArray(), resumed.Network.Parameters.Values.ToArray());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Theory]
    [InlineData(RecurrentCellType.Lstm, false, 2)]
    [InlineData(RecurrentCellType.Lstm, true, 1)]
    [InlineData(RecurrentCellType.Gru, true, 2)]
    [InlineData(RecurrentCellType.SimpleRnn, false, 1)]
    public void OnnxStepGraph_GivesTheEnginesLogitsAndState(RecurrentCellType cell, bool oneHot, int layers)
    {
        const int B = 2, T = 5, V = 9, H = 6;
        var network = LanguageModelNetworkTests.Network(cell, oneHot, layers, 20240501);
        var text = new LanguageModelText(TokenLevel.Character, false, false);
        var graph = LanguageModelOnnx.Write(network, [.. Enumerable.Range(0, V).Select(i => i switch { 0 => "<PAD>", 1 => "<UNK>", 2 => "<BOS>", 3 => "<EOS>", _ => $"t{i}" })], text);
        var random = new Random(4);
        long[] batchMajor = [.. Enumerable.Range(0, B * T).Select(_ => (long)random.Next(V))];
        var state = network.NewState(B);
        new MLNetRnn.Numerics.SeededRandom(6).FillUniform(state.H, -1f, 1f);
        new MLNetRnn.Numerics.SeededRandom(7).FillUniform(state.C, -1f, 1f);
        var inputs = new List<(string, object)>
        {
            ("input_ids", new DenseTensor<long>(batchMajor, [B, T])),
            ("h0", new DenseTensor<float>(state.H.ToArray(), [layers, B, H])),
        };
        if (cell == RecurrentCellType.Lstm)
        {
            inputs.Add(("c0", new DenseTensor<float>(state.C.ToArray(), [layers, B, H])));
        }

        var outputs = OnnxRunner.Run(graph, [.. inputs]);
        int[] timeMajor = new int[T * B];
        for (int b = 0; b < B; b++)
        {
            for (int t = 0; t < T; t++)
            {
                timeMajor[(t * B) + b] = (int)batchMajor[(b * T) + t];
            }
        }

        network.Forward(timeMajor, T, state, default, training: false);
        float[] expected = new float[B * T * V]; // engine (T, B, V) → [B, T, V]
        for (int t = 0; t < T; t++)
        {
            for (int b = 0; b < B; b++)
            {
                network.Logits.Slice(((t * B) + b) * V, V).CopyTo(expected.AsSpan(((b * T) + t) * V, V));
            }
        }

        Compare.Close(outputs.Floats("logits"), expected, 1e-5, "logits");
        Compare.Close(outputs.Floats("hN"), state.H, 1e-5, "hN");
        if (cell == RecurrentCellType.Lstm)
        {
            Compare.Close(outputs.Floats("cN"), state.C, 1e-5, "cN");
        }

        Assert.Equal(OnnxMetadata.LanguageModelKind, graph.MetadataValue(OnnxMetadata.Kind));
        var (read, vocabulary, settings) = LanguageModelOnnx.Read(OnnxModel.Parse(graph.ToBytes()));
        Assert.Equal(network.Parameters.Values.ToArray(), read.Parameters.Values.ToArray());
        Assert.Equal(V, vocabulary.Length);
        Assert.Equal(text, settings);
    }

    /// <summary>Greedy text computed here: feed the prompt, then repeatedly the arg-max of the drawable tokens (ids ≥ 4).</summary>
    private static string Greedy(LanguageModel model, string prompt, int tokens)
    {
        var network = model.Network.Clone();
        var state = network.NewState(1);
        int v = model.Vocabulary.Count;
        int[] ids = [.. prompt.Select(c => model.Vocabulary.ToList().IndexOf(c.ToString()))];
        network.Forward(ids, ids.Length, state, default, training: false);
        var text = new System.Text.StringBuilder();
        for (int i = 0; i < tokens; i++)
        {
            int id = 4 + TensorPrimitives.IndexOfMax(network.Logits[^v..][4..]);
            text.Append(model.Vocabulary[id]);
            network.Forward([id], 1, state, default, training: false);
        }

        return text.ToString();
    }

    /// <summary>Reports on the training thread (System.Progress would post to the thread pool).</summary>
    private sealed class Reporter(Action<MLNetRnn.Training.TrainingProgress> report) : IProgress<MLNetRnn.Training.TrainingProgress>
    {
        public void Report(MLNetRnn.Training.TrainingProgress value) => report(value);
    }
}
