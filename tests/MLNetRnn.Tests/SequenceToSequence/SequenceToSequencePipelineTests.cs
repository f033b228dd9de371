using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Layers;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.SequenceToSequence;

/// <summary>
/// The encoder–decoder in an MLContext pipeline, on a task it learns in seconds (spell a word backwards, letter by
/// letter): greedy decoding inside the ONNX graph equals the engine's, save/load through ML.NET, beam search and attention.
/// </summary>
public sealed class SequenceToSequencePipelineTests : IClassFixture<SequenceToSequencePipelineTests.Trained>
{
    private readonly Trained _trained;

    public SequenceToSequencePipelineTests(Trained trained) => _trained = trained;

    [Fact]
    public void Fit_LearnsTheTask_DecodingInOnnxRuntime()
    {
        var metrics = _trained.Ml.SequenceToSequence.Evaluate(_trained.Model.Transform(_trained.Test));
        Assert.True(metrics.ExactMatch > 0.8, $"exact match {metrics.ExactMatch:F3}");
        Assert.True(metrics.TokenErrorRate < 0.1, $"token error rate {metrics.TokenErrorRate:F3}");
    }

    [Fact]
    public void OnnxGreedy_EqualsTheEnginesGreedy_TokensAndScores()
    {
        AssertOnnxEqualsEngine(_trained.Model, _trained.Test);
    }

    public static TheoryData<AttentionScore?, RecurrentCellType, int, bool, int> Architectures() => new()
    {
        { AttentionScore.Dot, RecurrentCellType.Lstm, 2, false, 1 },
        { AttentionScore.General, RecurrentCellType.Gru, 1, false, 1 },
        { AttentionScore.Additive, RecurrentCellType.Lstm, 1, true, 1 },
        { null, RecurrentCellType.SimpleRnn, 2, false, 1 },
        { null, RecurrentCellType.Gru, 1, true, 1 },
        { AttentionScore.Dot, RecurrentCellType.Lstm, 2, false, 4 },
        { AttentionScore.General, RecurrentCellType.Gru, 1, false, 3 },
        { AttentionScore.Additive, RecurrentCellType.Lstm, 1, true, 5 },
        { null, RecurrentCellType.SimpleRnn, 2, false, 2 },
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void OnnxDecoding_EqualsTheEngines_ForEveryArchitectureAndBeam(AttentionScore? attention, RecurrentCellType decoder, int decoderLayers, bool tie, int beam)
    {
        var ml = new MLContext(seed: 1);
        var options = new SequenceToSequenceOptions
        {
            EmbeddingSize = 8, HiddenSize = 8, Epochs = 2, BatchSize = 16, LearningRate = 0.01f, Attention = attention, DecoderCell = decoder,
            EncoderCell = decoder == RecurrentCellType.SimpleRnn ? RecurrentCellType.Gru : RecurrentCellType.Lstm, DecoderLayers = decoderLayers,
            EncoderLayers = 2, TieEmbeddings = tie, MaxOutputLength = 12, LengthPenalty = 0.6f, BeamSize = beam,
        };
        var model = Trained.Pipeline(ml, options).Fit(ml.Data.TakeRows(_trained.Train, 120));
        AssertOnnxEqualsEngine(model, _trained.Test);
    }

    [Fact]
    public void BeamOfOne_EqualsGreedy_OnTheTrainedModel()
    {
        var model = _trained.Model.LastTransformer;
        var scored = _trained.Model.Transform(_trained.Test);
        int[][] ids = MLNetRnn.DataViews.ColumnReader.TokenIds(scored, "SourceIds");
        string[][] greedy = RoundTrip.Tokens(scored, "PredictedTokens");
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(greedy[i], model.Decode(ids[i], beamSize: 1)[0].Tokens);
        }
    }

    [Fact]
    public void WithDecoding_RebuildsTheGraph_BeamThreeInOnnxEqualsTheEngine_AndTheOriginalIsUnchanged()
    {
        var original = _trained.Model.LastTransformer;
        var beam = original.WithDecoding(original.Decoding with { BeamSize = 3 });
        var model = new TransformerChain<SequenceToSequenceModel>([.. _trained.Model.Take(2), beam]);

        AssertOnnxEqualsEngine(model, _trained.Test);
        Assert.Equal(1, original.Decoding.BeamSize);
        Assert.Equal(3, beam.Decoding.BeamSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => original.WithDecoding(original.Decoding with { MaxOutputLength = 0 }));
    }

    [Fact]
    public void SentenceAlone_DecodesAsInsideABatch()
    {
        var model = _trained.Model.LastTransformer;
        int[][] ids = MLNetRnn.DataViews.ColumnReader.TokenIds(_trained.Model.Transform(_trained.Test), "SourceIds");
        var batch = model.DecodeAll(ids, 1);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(batch[i].Text, model.DecodeAll([ids[i]], 1)[0].Text);
        }
    }

    [Fact]
    public void DecodeMany_GivesEachSentenceItsOwnDecodeOutputs()
    {
        var model = _trained.Model.LastTransformer;
        int[][] ids = MLNetRnn.DataViews.ColumnReader.TokenIds(_trained.Model.Transform(_trained.Test), "SourceIds");
        var many = model.DecodeMany(ids, beamSize: 4, nBest: 2);
        Assert.Equal(ids.Length, many.Count);
        for (int i = 0; i < ids.Length; i++)
        {
            var alone = model.Decode(ids[i], beamSize: 4, nBest: 2);
            Assert.Equal(alone.Select(p => p.Text), many[i].Select(p => p.Text));
            Assert.Equal(alone[0].Score, many[i][0].Score, 4);
            Assert.Equal(alone[0].Attention.Count, many[i][0].Attention.Count);
            Assert.All(many[i][0].Attention, row => Assert.Equal(ids[i].Length, row.Length)); // cut to the sentence, not the bucket
        }
    }

    [Fact]
    public void Decode_AttentionRowsSumToOneOverTheSource_AndNBestIsSorted()
    {
        var model = _trained.Model.LastTransformer;
        int[] ids = MLNetRnn.DataViews.ColumnReader.TokenIds(_trained.Model.Transform(_trained.Test), "SourceIds")[0];
        var nbest = model.Decode(ids, beamSize: 4, nBest: 3);
        Assert.Equal(3, nbest.Count);
        Assert.True(nbest[0].Score >= nbest[1].Score && nbest[1].Score >= nbest[2].Score);
        var best = nbest[0];
        Assert.Equal(best.Tokens.Count + 1, best.Attention.Count); // one row per output token and <EOS>
        Assert.All(best.Attention, row =>
        {
            Assert.Equal(ids.Length, row.Length);
            Assert.Equal(1.0, row.Sum(), 4);
        });
    }

    [Fact]
    public void SaveLoad_PredictionEngineOfAPlainMLNetLoad_GivesTheSameTokens()
    {
        var (loaded, path) = RoundTrip.SaveAndLoad(_trained.Ml, _trained.Model, _trained.Train.Schema);
        try
        {
            var expected = RoundTrip.Tokens(_trained.Model.Transform(_trained.Test), "PredictedTokens");
            Assert.Equal(expected, RoundTrip.Tokens(loaded.Transform(_trained.Test), "PredictedTokens"));
            var engine = new MLContext().Model.CreatePredictionEngine<Pair, Output>(loaded);
            var word = engine.Predict(new Pair { Source = "good" });
            Assert.Equal(["d", "o", "o", "g"], word.PredictedTokens);
            Assert.Single(word.Score);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Fit_EmptyTarget_IsAClearError()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Pair { Source = "ab", Target = "b a" }, new Pair { Source = "cd", Target = " " } });
        var e = Assert.Throws<ArgumentException>(() => Trained.Pipeline(ml, new SequenceToSequenceOptions { Epochs = 1 }).Fit(data));
        Assert.Contains("Row 1 of target column 'Target' is empty", e.Message);
    }

    [Fact]
    public void Fit_SourceOfStrings_SaysWhatItMustBe()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(new[] { new Pair { Source = "ab", Target = "b a" } });
        var pipeline = ml.Transforms.Text.TokenizeCharacters("SourceTokens", "Source")
            .Append(ml.SequenceToSequence.Trainers.EncoderDecoder(sourceColumnName: "SourceTokens"));
        var e = Assert.Throws<ArgumentException>(() => pipeline.Fit(data));
        Assert.Contains("Column 'SourceTokens' (source token ids) must be a vector of keys", e.Message);
    }

    private static void AssertOnnxEqualsEngine(TransformerChain<SequenceToSequenceModel> model, IDataView data)
    {
        var scored = model.Transform(data);
        int[][] ids = MLNetRnn.DataViews.ColumnReader.TokenIds(scored, "SourceIds");
        string[][] tokens = RoundTrip.Tokens(scored, "PredictedTokens");
        float[][] scores = RoundTrip.Scores(scored, "Score");
        var engine = model.LastTransformer.DecodeAll(ids, model.LastTransformer.Decoding.BeamSize);
        for (int i = 0; i < ids.Length; i++)
        {
            Assert.Equal(engine[i].Tokens, tokens[i]);
            Assert.Equal(engine[i].Score, scores[i][0], 1e-5f);
        }
    }

    public sealed class Pair
    {
        [LoadColumn(0)]
        public string Source { get; set; } = string.Empty;

        [LoadColumn(1)]
        public string Target { get; set; } = string.Empty;
    }

    public sealed class Output
    {
        public string[] PredictedTokens { get; set; } = [];

        public float[] Score { get; set; } = [];
    }

    /// <summary>Words of the sentiment data, spelled backwards with spaces: "good" -> "d o o g".</summary>
    public sealed class Trained
    {
        public Trained()
        {
            Ml = new MLContext(seed: 5);
            var words = File.ReadLines(Sentiment.Dataset("train.tsv")).Skip(1)
                .SelectMany(l => l.Split('\t')[0].ToLowerInvariant().Split(' '))
                .Where(w => w.Length is >= 2 and <= 6 && w.All(char.IsAsciiLetterLower)).Distinct().Take(700).ToList();
            var pairs = words.Select(w => new Pair { Source = w, Target = string.Join(' ', w.Reverse()) }).ToList();
            Train = Ml.Data.LoadFromEnumerable(pairs.Take(600));
            Test = Ml.Data.LoadFromEnumerable(pairs.Skip(600));
            var options = new SequenceToSequenceOptions
            {
                EmbeddingSize = 16, HiddenSize = 32, Epochs = 25, BatchSize = 32, LearningRate = 0.01f, BeamSize = 1, Attention = AttentionScore.General,
            };
            Model = Pipeline(Ml, options).Fit(Train);
        }

        public MLContext Ml { get; }

        public IDataView Train { get; }

        public IDataView Test { get; }

        public TransformerChain<SequenceToSequenceModel> Model { get; }

        public static EstimatorChain<SequenceToSequenceModel> Pipeline(MLContext ml, SequenceToSequenceOptions options) =>
            ml.Transforms.Text.TokenizeCharacters("SourceTokens", "Source")
                .Append(ml.Transforms.Text.MapTokensToIds("SourceIds", "SourceTokens"))
                .Append(ml.SequenceToSequence.Trainers.EncoderDecoder(options));
    }
}
