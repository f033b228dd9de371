using MLNetRnn.Tagging;
using MLNetRnn.Training;

namespace MLNetRnn.Tests.Tagging;

/// <summary>The trainer's options (copied, validated) and its checkpoints: an interrupted run resumes to the same weights.</summary>
public sealed class SequenceTaggingTrainerTests
{
    private static readonly int[][] Words = [[2, 5, 3], [7], [4, 8, 1, 6, 2], [3, 3], [9, 2, 4, 4], [6, 5]];
    private static readonly int[][] Tags = [[0, 2, 1], [1], [2, 2, 0, 1, 0], [1, 2], [0, 0, 1, 2], [2, 1]];

    [Fact]
    public void Options_AreCopiedWhenTheTrainerIsMade()
    {
        var options = new SequenceTaggingOptions { HiddenSize = 8 };
        var trainer = new MLContextCatalog().Lstm(options);
        options.HiddenSize = 99;
        Assert.Equal(8, trainer.Options.HiddenSize);
        Assert.True(trainer.Options.Bidirectional);
        Assert.Equal(MLNetRnn.Layers.RecurrentCellType.Lstm, trainer.Options.CellType);
    }

    [Fact]
    public void Options_ThrowNamingTheBadSetting()
    {
        var catalog = new MLContextCatalog();
        Assert.Equal("HiddenSize", Assert.Throws<ArgumentOutOfRangeException>(() => catalog.Gru(new SequenceTaggingOptions { HiddenSize = 0 })).ParamName);
        Assert.Contains("Invalid learning rate: -1", Assert.Throws<ArgumentOutOfRangeException>(() => catalog.Rnn(new SequenceTaggingOptions { LearningRate = -1 })).Message);
        Assert.Contains("must differ", Assert.Throws<ArgumentException>(() => catalog.Lstm(new SequenceTaggingOptions { PredictedTagsColumnName = "Tags" })).Message);
        Assert.Equal("Dropout", Assert.Throws<ArgumentOutOfRangeException>(() => catalog.Lstm(new SequenceTaggingOptions { Dropout = 1f })).ParamName);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Checkpoint_ResumedRunEndsWithTheUninterruptedRunsWeights(bool crf)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlnetrnn-tagger-{Guid.NewGuid():N}.ckpt");
        try
        {
            SequenceTaggingOptions Options(int epochs, bool checkpoint) => new()
            {
                EmbeddingSize = 4, HiddenSize = 5, Crf = crf, Epochs = epochs, BatchSize = 2, Dropout = 0.2f, NumberOfLayers = 2, Seed = 11,
                Checkpoint = checkpoint ? new CheckpointSettings { Path = path, Resume = true } : null,
            };
            float[] straight = Train(Options(3, false), out _);
            Train(Options(1, true), out _);
            Assert.True(File.Exists(path));
            float[] resumed = Train(Options(3, true), out var epochs);
            Assert.Equal([2, 3], epochs); // it continued after epoch 1 rather than starting over
            Assert.Equal(straight, resumed);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static float[] Train(SequenceTaggingOptions options, out List<int> epochs)
    {
        var reports = new Reports();
        float[] weights = new SequenceTaggingTrainer(options).TrainNetwork(10, 3, Words, Tags, null, reports).Parameters.Values.ToArray();
        epochs = reports.Epochs;
        return weights;
    }

    private sealed class Reports : IProgress<TrainingProgress>
    {
        public List<int> Epochs { get; } = [];

        public void Report(TrainingProgress value) => Epochs.Add(value.Epoch);
    }

    /// <summary>The trainers as a user reaches them (<c>mlContext.Tagging.Trainers</c>).</summary>
    private sealed class MLContextCatalog
    {
        private readonly TaggingTrainers _trainers = new Microsoft.ML.MLContext(seed: 1).Tagging.Trainers;

        public SequenceTaggingTrainer Lstm(SequenceTaggingOptions o) => _trainers.Lstm(o);

        public SequenceTaggingTrainer Gru(SequenceTaggingOptions o) => _trainers.Gru(o);

        public SequenceTaggingTrainer Rnn(SequenceTaggingOptions o) => _trainers.Rnn(o);
    }
}
