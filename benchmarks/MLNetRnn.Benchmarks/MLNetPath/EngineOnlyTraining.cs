using System.Diagnostics;
using MLNetRnn.Benchmarks.Workloads;
using MLNetRnn.Classification;
using Microsoft.ML;
using MLNetRnn.Training;

namespace MLNetRnn.Benchmarks.MLNetPath;

/// <summary>
/// The engine-only side of <c>mlnet-path</c>: the trainer's own engine part (<c>TrainNetwork</c>: network, embedding,
/// epochs) on ids and targets read beforehand, without the IDataView reading, the ONNX graph and the ML.NET steps that
/// <c>Fit</c> adds around it. No validation set, so no early stopping and no scoring.
/// </summary>
public static class EngineOnlyTraining
{
    /// <summary>Builds the network and trains it.</summary>
    /// <param name="o">The trainer's settings (no validation set, no pretrained embeddings).</param>
    /// <param name="data">The ids and targets.</param>
    /// <returns>The seconds training took and the per-epoch reports.</returns>
    public static (double Seconds, IReadOnlyList<TrainingProgress> History) Run(SequenceClassificationOptions o, SentimentWorkload data)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentNullException.ThrowIfNull(data);
        var trainer = RecurrentTrainer.Create(new MLContext(), o.CellType, o);
        var history = new List<TrainingProgress>();
        string[] vocabulary = [.. Enumerable.Range(0, data.VocabularySize).Select(id => $"id{id}")]; // only its length matters without pretrained vectors
        long start = Stopwatch.GetTimestamp();
        trainer.TrainNetwork(vocabulary, data.ClassCount, data.Sequences, data.Targets, null, new Recorder(history, o.Progress));
        return (Stopwatch.GetElapsedTime(start).TotalSeconds, history);
    }
}
