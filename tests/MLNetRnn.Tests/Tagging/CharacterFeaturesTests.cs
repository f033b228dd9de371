using Microsoft.ML;
using Microsoft.ML.OnnxRuntime.Tensors;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tagging;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Training;

namespace MLNetRnn.Tests.Tagging;

/// <summary>
/// Character features of the tagger: the whole network with them against finite differences; words split from ML.NET's
/// character keys exactly as the tokens; the ONNX graph (run by ONNX Runtime) gives the engine's tags; and a suffix rule on
/// words never seen in training is learned with characters and not without.
/// </summary>
public sealed class CharacterFeaturesTests
{
    private static readonly int[][] Sentences = SequenceTaggerNetworkTests.Sentences;
    private static readonly int[][] Gold = SequenceTaggerNetworkTests.Gold;
    private static readonly string[][] Words = [["ab", "c", "ab"], [""], ["dd", "a", "bcd", "x", "ab"], ["c", "c"]];
    private static readonly string[] Characters = ["<PAD>", "<UNK>", "<W>", "a", "b", "c", "d"]; // "x" is unknown

    [Theory]
    [InlineData(false, RecurrentCellType.Lstm, true)]
    [InlineData(true, RecurrentCellType.Gru, false)]
    public void Backward_WithCharacterFeatures_MatchesFiniteDifferences(bool crf, RecurrentCellType cell, bool bidirectional)
    {
        var network = new SequenceTaggerNetwork(new TaggerArchitecture(9, 3, cell, 4, 5, 1, bidirectional, 0f, crf, Characters.Length, 3, 2), new SeededRandom(20240501));
        int[] rows = [0, 1, 2, 3];
        var batch = SequenceBatch.Create(Sentences, rows);
        var characters = CharacterData.Of(Words, Characters).Batch(rows, batch.TimeSteps);
        Assert.Equal(7, characters.Words.Length); // "ab" ×3 and "c" ×3 are encoded once each
        int[] tags = SequenceTaggingTrainer.TimeMajor(Gold, rows, batch.TimeSteps);
        const float Scale = 100f;
        double Loss() => Scale * network.Forward(batch, false, tags, characters);

        network.Parameters.ZeroGrad();
        network.Forward(batch, true, tags, characters);
        network.Backward();
        float[] grads = [.. network.Parameters.Gradients.ToArray().Select(g => g * Scale)];
        foreach (var p in network.Parameters.Parameters)
        {
            GradientCheck.Run(network.Parameters.ValueArray, p.Offset, grads.AsSpan(p.Offset, p.Length), Loss, p.Name, maxChecks: 30);
        }

        Assert.Contains(network.Parameters.Parameters, p => p.Name == "char.rnn.weight_hh_l0_reverse");
        Assert.Throws<ArgumentNullException>(() => network.Forward(batch, false, tags));
    }

    [Fact]
    public void RaggedBatch_WithCharacterFeatures_GivesTheSameTagsAsOneSentenceAtATime()
    {
        var network = new SequenceTaggerNetwork(new TaggerArchitecture(9, 4, RecurrentCellType.Lstm, 4, 6, 1, true, 0f, false, Characters.Length, 3, 4), new SeededRandom(3));
        var data = CharacterData.Of(Words, Characters);
        int[] all = [0, 1, 2, 3];
        var batch = SequenceBatch.Create(Sentences, all);
        var together = network.Predict(batch, data.Batch(all, batch.TimeSteps));
        for (int r = 0; r < Sentences.Length; r++)
        {
            var one = SequenceBatch.Create(Sentences, [r]);
            Assert.Equal(network.Predict(one, data.Batch([r], one.TimeSteps))[0], together[r]);
        }
    }

    [Fact]
    public void SplitWords_ReadsMLNetsCharacterKeysBackAsTheTokens()
    {
        var ml = new MLContext(seed: 1);
        Row[] rows = [new() { Tokens = ["The", "cat's", "naïve", ",", "x"] }, new() { Tokens = ["a"] }, new() { Tokens = [] }];
        var chars = ml.Transforms.Text.TokenizeIntoCharactersAsKeys("Chars", "Tokens").Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));
        string[][] words = TaggerCharacters.ReadWords(chars, "Chars");
        Assert.Equal(rows[0].Tokens, words[0]);
        Assert.Equal(rows[1].Tokens, words[1]);
        Assert.Equal([string.Empty], words[2]); // no tokens: one empty word, as the token side reads one <UNK>
        var e = Assert.Throws<ArgumentException>(() => TaggerCharacters.ReadWords(ml.Data.LoadFromEnumerable(rows), "Tokens"));
        Assert.Contains("TokenizeIntoCharactersAsKeys", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Graph_WithCharacterFeatures_GivesTheEnginesTags(bool crf)
    {
        const int V = 12, K = 4;
        var network = new SequenceTaggerNetwork(new TaggerArchitecture(V, K, RecurrentCellType.Lstm, 5, 6, 1, true, 0f, crf, Characters.Length, 3, 4), new SeededRandom(20240501));
        string[] tags = ["A", "B", "C", "D"];
        string[] vocabulary = [.. Enumerable.Range(0, V).Select(i => $"w{i}")];
        var model = TaggerOnnx.Write(network, tags, vocabulary, Characters, new TaggerOnnx.ColumnNames("Ids", "Chars", "PredictedTags"));
        var random = new Random(7);
        string letters = "abcdxyz"; // x, y, z are not in the character vocabulary
        for (int n = 0; n < 30; n++)
        {
            int length = n == 0 ? 0 : random.Next(1, 9); // n = 0: a row without tokens
            string[] words = [.. Enumerable.Range(0, length).Select(_ => new string([.. Enumerable.Range(0, random.Next(1, 7)).Select(_ => letters[random.Next(letters.Length)])]))];
            uint[] keys = [.. Enumerable.Range(0, length).Select(_ => (uint)random.Next(0, V - 1))];
            int[] ids = length == 0 ? [1] : [.. keys.Select(k => (int)k + 1)];
            ushort[] stream = length == 0 ? [] : [0x02, .. string.Join('\u001f', words).Select(c => (ushort)c), 0x03]; // ML.NET's layout
            string[] engineWords = TaggerCharacters.SplitWords(stream);
            var batch = SequenceBatch.Create([ids], [0]);
            int[] expected = network.Predict(batch, CharacterData.Of([engineWords], Characters).Batch([0], batch.TimeSteps))[0];
            var outputs = OnnxRunner.Run(model, ("Ids", new DenseTensor<uint>(keys, [1, length])), ("Chars", new DenseTensor<ushort>(stream, [1, stream.Length])));
            Assert.Equal(expected.Select(t => tags[t]), ((DenseTensor<string>)outputs["PredictedTags"]).Buffer.ToArray());
        }
    }

    [Fact]
    public void Fit_WithCharacterFeatures_TagsUnseenWordsBySuffixAndTheSavedZipAgrees()
    {
        // Each word is a random stem plus a suffix that decides its tag; the test words' stems never occur in training,
        // so every test word is <UNK> to the word embedding and only the characters tell the tags apart.
        var random = new Random(20240501);
        string[] suffixes = ["ing", "ion", "ly"], tagNames = ["VERB", "NOUN", "ADV"];
        Row[] Make(int count) => [.. Enumerable.Range(0, count).Select(_ =>
        {
            int n = random.Next(1, 7);
            int[] kinds = [.. Enumerable.Range(0, n).Select(_ => random.Next(3))];
            return new Row
            {
                Tokens = [.. kinds.Select(k => new string([.. Enumerable.Range(0, random.Next(2, 5)).Select(_ => (char)('a' + random.Next(26)))]) + suffixes[k])],
                Tags = [.. kinds.Select(k => tagNames[k])],
            };
        })];
        Row[] train = Make(300), test = Make(60);
        var ml = new MLContext(seed: 1);
        var options = new SequenceTaggingOptions { FeatureColumnName = "Ids", CharacterColumnName = "Chars", EmbeddingSize = 8, HiddenSize = 16, CharacterEmbeddingSize = 8, CharacterHiddenSize = 12, Epochs = 6, BatchSize = 16, LearningRate = 0.01f, Seed = 4 };
        var prefix = ml.Transforms.Text.MapTokensToIds("Ids", "Tokens", minCount: 2).Append(ml.Transforms.Text.TokenizeIntoCharactersAsKeys("Chars", "Tokens"));
        var withChars = prefix.Append(ml.Tagging.Trainers.Lstm(options)).Fit(ml.Data.LoadFromEnumerable(train));
        options.CharacterColumnName = null;
        var wordsOnly = prefix.Append(ml.Tagging.Trainers.Lstm(options)).Fit(ml.Data.LoadFromEnumerable(train));

        var testData = ml.Data.LoadFromEnumerable(test);
        double charAccuracy = ml.Tagging.Evaluate(withChars.Transform(testData)).TokenAccuracy;
        double wordAccuracy = ml.Tagging.Evaluate(wordsOnly.Transform(testData)).TokenAccuracy;
        Assert.True(charAccuracy > 0.97, $"with characters {charAccuracy:P1}");
        Assert.True(wordAccuracy < 0.6, $"without characters {wordAccuracy:P1}"); // every test word is <UNK>

        var tagger = withChars.LastTransformer;
        string[][] engine = tagger.PredictTags(withChars.Take(withChars.Count() - 1).Aggregate(testData, (view, step) => step.Transform(view)));
        var (loaded, path) = RoundTrip.SaveAndLoad(ml, withChars, testData.Schema);
        try
        {
            Assert.Equal(engine, RoundTrip.Tokens(new MLContext(seed: 2).Model.Load(path, out _).Transform(testData), "PredictedTags"));
            Assert.Equal(engine, RoundTrip.Tokens(loaded.Transform(testData), "PredictedTags"));
        }
        finally
        {
            File.Delete(path);
        }

        Assert.Equal("Chars", tagger.CharacterColumnName);
        Assert.Equal(["<PAD>", "<UNK>", "<W>"], tagger.CharacterVocabulary!.Take(3));
    }

    [Fact]
    public void Fit_ThrowsWhenTheCharacterColumnIsNotCharacterKeys()
    {
        var ml = new MLContext(seed: 1);
        Row[] rows = [new() { Tokens = ["a", "b"], Tags = ["X", "Y"] }];
        var options = new SequenceTaggingOptions { FeatureColumnName = "Ids", CharacterColumnName = "Ids2", Epochs = 1 };
        var e = Assert.Throws<ArgumentException>(() => ml.Transforms.Text.MapTokensToIds("Ids", "Tokens").Append(ml.Transforms.Text.MapTokensToIds("Ids2", "Tokens"))
            .Append(ml.Tagging.Trainers.Lstm(options)).Fit(ml.Data.LoadFromEnumerable(rows)));
        Assert.Contains("Column 'Ids2' (characters) must be a vector of 16-bit character keys", e.Message);
        Assert.Throws<ArgumentException>(() => ml.Tagging.Trainers.Lstm(new SequenceTaggingOptions { CharacterColumnName = "Features" }));
    }

    public sealed class Row
    {
        public string[] Tokens { get; set; } = [];

        public string[] Tags { get; set; } = [];
    }
}
