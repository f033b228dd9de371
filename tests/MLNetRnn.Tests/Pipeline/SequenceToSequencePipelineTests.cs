using MLNetRnn.Layers;
using MLNetRnn.Models;
using MLNetRnn.Pipeline;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Pipeline;

/// <summary>
/// The encoder–decoder pipeline on a task it can learn in seconds (spell a word letter by letter, reversed): fit,
/// evaluate, decode greedy and beam, attention, save/load.
/// </summary>
public sealed class SequenceToSequencePipelineTests : IClassFixture<SequenceToSequencePipelineTests.Trained>
{
    private readonly Trained _trained;

    public SequenceToSequencePipelineTests(Trained trained) => _trained = trained;

    [Fact]
    public void Fit_LearnsTheTask()
    {
        var metrics = _trained.Ctx.SequenceToSequence.Evaluate(_trained.Model.Transform(_trained.Test));
        Assert.True(metrics.ExactMatch > 0.8, $"exact match {metrics.ExactMatch:F3}");
        Assert.True(metrics.TokenErrorRate < 0.1, $"token error rate {metrics.TokenErrorRate:F3}");
    }

    [Fact]
    public void BeamOfOneEqualsGreedyOnTheTrainedModel()
    {
        var model = _trained.Model.LastTransformer;
        var greedy = _trained.Model.Transform(_trained.Test); // beam 1 in the options below
        int[][] ids = greedy.GetColumn<int[]>("SourceIds");
        string[] predicted = greedy.GetColumn<string>("Predicted");
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(predicted[i], model.Decode(ids[i], beamSize: 1)[0].Text);
        }
    }

    [Fact]
    public void SentenceAloneDecodesAsInsideABatch()
    {
        var model = _trained.Model.LastTransformer.WithDecoding(new DecodingSettings(1, 20, 1f));
        int[][] ids = _trained.Model.Transform(_trained.Test).GetColumn<int[]>("SourceIds");
        var batch = model.DecodeAll(ids, model.Decoding);
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(batch[i].Text, model.DecodeAll([ids[i]], model.Decoding)[0].Text);
        }
    }

    [Fact]
    public void Decode_AttentionRowsSumToOneOverTheSourceAndNBestIsSorted()
    {
        var model = _trained.Model.LastTransformer;
        int[] ids = _trained.Model.Transform(_trained.Test).GetColumn<int[]>("SourceIds")[0];
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
    public void SaveLoad_ReloadedModelPredictsTheSame()
    {
        var (loaded, path) = RoundTrip.SaveAndLoad(_trained.Ctx, _trained.Model, _trained.Train);
        try
        {
            RoundTrip.AssertSameColumn(_trained.Model.Transform(_trained.Test), loaded.Transform(_trained.Test), "Predicted");
            Assert.Equal("SequenceToSequence", _trained.Ctx.Model.ReadManifest(path).Task);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Fit_EmptyTargetIsAClearError()
    {
        var ctx = new RnnContext(seed: 1);
        var data = ctx.Data.LoadFromEnumerable(new[] { new Pair { Source = "ab", Target = "b a" }, new Pair { Source = "cd", Target = " " } });
        var e = Assert.Throws<ArgumentException>(() => Trained.Pipeline(ctx, new SequenceToSequenceOptions { Epochs = 1 }).Fit(data));
        Assert.Contains("Row 1 of target column 'Target' is empty", e.Message);
    }

    public sealed class Pair
    {
        public string Source { get; set; } = string.Empty;

        public string Target { get; set; } = string.Empty;
    }

    /// <summary>Words of the sentiment data, spelled backwards with spaces: "good" -> "d o o g".</summary>
    public sealed class Trained
    {
        public Trained()
        {
            Ctx = new RnnContext(seed: 5);
            var words = File.ReadLines(Sentiment.Dataset("train.tsv")).Skip(1)
                .SelectMany(l => l.Split('\t')[0].ToLowerInvariant().Split(' '))
                .Where(w => w.Length is >= 2 and <= 6 && w.All(char.IsAsciiLetterLower)).Distinct().Take(700).ToList();
            var pairs = words.Select(w => new Pair { Source = w, Target = string.Join(' ', w.Reverse()) }).ToList();
            Train = Ctx.Data.LoadFromEnumerable(pairs.Take(600));
            Test = Ctx.Data.LoadFromEnumerable(pairs.Skip(600));
            var options = new SequenceToSequenceOptions
            {
                EmbeddingSize = 16, HiddenSize = 32, Epochs = 25, BatchSize = 32, LearningRate = 0.01f, BeamSize = 1, Attention = AttentionScore.General,
            };
            Model = Pipeline(Ctx, options).Fit(Train);
        }

        public RnnContext Ctx { get; }

        public MLNetRnn.Data.DataView Train { get; }

        public MLNetRnn.Data.DataView Test { get; }

        public TransformerChain<SequenceToSequenceModel> Model { get; }

        public static EstimatorChain<SequenceToSequenceModel> Pipeline(RnnContext ctx, SequenceToSequenceOptions options) =>
            ctx.Transforms.Text.TokenizeIntoCharacters("SourceTokens", "Source")
                .Append(ctx.Transforms.Text.MapTokensToIds("SourceIds", "SourceTokens"))
                .Append(ctx.SequenceToSequence.Trainers.EncoderDecoder(options));
    }
}
