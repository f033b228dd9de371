using Microsoft.ML;
using MLNetRnn.Classification;
using MLNetRnn.Layers;

namespace MLNetRnn.Benchmarks.Workloads;

/// <summary>Picks the catalog method of a cell: <c>Trainers.Lstm</c>, <c>Gru</c> or <c>Rnn</c>.</summary>
public static class RecurrentTrainer
{
    /// <summary>The trainer an app gets from <c>ml.MulticlassClassification.Trainers</c> for <paramref name="cell"/>.</summary>
    /// <param name="ml">The context.</param>
    /// <param name="cell">The recurrent cell.</param>
    /// <param name="options">The settings (copied by the catalog, which sets the cell on its copy).</param>
    /// <returns>The trainer.</returns>
    public static SequenceClassificationTrainer Create(MLContext ml, RecurrentCellType cell, SequenceClassificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(ml);
        var trainers = ml.MulticlassClassification.Trainers;
        return cell switch
        {
            RecurrentCellType.Gru => trainers.Gru(options),
            RecurrentCellType.SimpleRnn => trainers.Rnn(options),
            _ => trainers.Lstm(options),
        };
    }
}
