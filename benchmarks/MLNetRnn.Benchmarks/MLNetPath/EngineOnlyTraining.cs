using System.Diagnostics;
using MLNetRnn.Classification;
using MLNetRnn.Numerics;
using MLNetRnn.Training;

namespace MLNetRnn.Benchmarks.MLNetPath;

/// <summary>
/// The engine-only side of <c>mlnet-path</c>: the network and loop <see cref="SequenceClassificationTrainer"/>'s
/// <c>Fit</c> runs, on ids and targets read beforehand, line for line as the trainer does (same architecture, seed,
/// settings and batch function; no validation set, so no early stopping and no scoring). Only
/// <see cref="EpochLoop.Run"/> is timed.
/// </summary>
public static class EngineOnlyTraining
{
    /// <summary>Builds the network and trains it.</summary>
    /// <param name="o">The trainer's settings (no validation set, no pretrained embeddings).</param>
    /// <param name="data">The ids and targets.</param>
    /// <returns>The seconds <see cref="EpochLoop.Run"/> took and the per-epoch reports.</returns>
    public static (double Seconds, IReadOnlyList<TrainingProgress> History) Run(SequenceClassificationOptions o, SentimentWorkload data)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(data);
        int[][] sequences = data.Sequences;
        int[] targets = data.Targets;

        // As SequenceClassificationTrainer.Fit: seeded random, architecture, network, embedding gradient switch.
        var random = new SeededRandom(o.Seed);
        var architecture = new ClassifierArchitecture(data.VocabularySize, data.ClassCount, o.CellType, o.EmbeddingSize,
            o.HiddenSize, o.NumberOfLayers, o.Bidirectional, o.Dropout, o.Pooling);
        var network = new SequenceClassifierNetwork(architecture, random);
        network.Embedding.Weight.RequiresGradient = !o.FreezeEmbeddings;
        var history = new List<TrainingProgress>();

        // As SequenceClassificationTrainer.Train, with no validation scorer.
        long start = Stopwatch.GetTimestamp();
        var settings = new EpochSettings(o.Epochs, o.BatchSize, o.LearningRate, o.ClipNorm, o.EarlyStoppingPatience, 1f);
        EpochLoop.Run(network.Parameters, settings, sequences.Select(s => s.Length).ToArray(), random, rows =>
        {
            var batch = SequenceBatch.Create(sequences, rows);
            double loss = network.Forward(batch, true, rows.Select(r => targets[r]).ToArray(), default);
            network.Backward();
            return new BatchLoss(loss * rows.Length, rows.Length, batch.TokenCount);
        },
        null, new Recorder(history, o.Progress));
        return (Stopwatch.GetElapsedTime(start).TotalSeconds, history);
    }
}
