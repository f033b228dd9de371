using MLNetRnn.Layers;
using MLNetRnn.Models;

namespace MLNetRnn.Pipeline;

/// <summary>Recurrent sequence classifiers: <see cref="Lstm(SequenceClassificationOptions)"/>, <see cref="Gru(SequenceClassificationOptions)"/>, <see cref="Rnn(SequenceClassificationOptions)"/>.</summary>
public sealed class SequenceClassificationTrainers
{
    private readonly int _seed;

    internal SequenceClassificationTrainers(int seed) => _seed = seed;

    /// <summary>An LSTM classifier with the given settings (the cell type is set to LSTM).</summary>
    /// <param name="options">All settings; see <see cref="SequenceClassificationOptions"/> for defaults.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public SequenceClassificationTrainer Lstm(SequenceClassificationOptions options) => Create(options, RecurrentCellType.Lstm);

    /// <summary>An LSTM classifier with the common settings; the rest keep their defaults.</summary>
    /// <param name="labelColumnName">The label column. Default <c>"Label"</c>.</param>
    /// <param name="featureColumnName">The token-id column. Default <c>"Ids"</c>.</param>
    /// <param name="hiddenSize">H per direction. Default 64.</param>
    /// <param name="epochs">Passes over the data. Default 10.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public SequenceClassificationTrainer Lstm(string labelColumnName = "Label", string featureColumnName = "Ids", int hiddenSize = 64, int epochs = 10) =>
        Lstm(new SequenceClassificationOptions { LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, HiddenSize = hiddenSize, Epochs = epochs });

    /// <summary>A GRU classifier with the given settings (the cell type is set to GRU).</summary>
    /// <param name="options">All settings.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public SequenceClassificationTrainer Gru(SequenceClassificationOptions options) => Create(options, RecurrentCellType.Gru);

    /// <summary>A GRU classifier with the common settings.</summary>
    /// <param name="labelColumnName">The label column. Default <c>"Label"</c>.</param>
    /// <param name="featureColumnName">The token-id column. Default <c>"Ids"</c>.</param>
    /// <param name="hiddenSize">H per direction. Default 64.</param>
    /// <param name="epochs">Passes over the data. Default 10.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public SequenceClassificationTrainer Gru(string labelColumnName = "Label", string featureColumnName = "Ids", int hiddenSize = 64, int epochs = 10) =>
        Gru(new SequenceClassificationOptions { LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, HiddenSize = hiddenSize, Epochs = epochs });

    /// <summary>A simple (tanh) RNN classifier with the given settings (the cell type is set to SimpleRnn).</summary>
    /// <param name="options">All settings.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public SequenceClassificationTrainer Rnn(SequenceClassificationOptions options) => Create(options, RecurrentCellType.SimpleRnn);

    /// <summary>A simple (tanh) RNN classifier with the common settings.</summary>
    /// <param name="labelColumnName">The label column. Default <c>"Label"</c>.</param>
    /// <param name="featureColumnName">The token-id column. Default <c>"Ids"</c>.</param>
    /// <param name="hiddenSize">H per direction. Default 64.</param>
    /// <param name="epochs">Passes over the data. Default 10.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public SequenceClassificationTrainer Rnn(string labelColumnName = "Label", string featureColumnName = "Ids", int hiddenSize = 64, int epochs = 10) =>
        Rnn(new SequenceClassificationOptions { LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, HiddenSize = hiddenSize, Epochs = epochs });

    private SequenceClassificationTrainer Create(SequenceClassificationOptions options, RecurrentCellType cell)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.CellType = cell;
        return new SequenceClassificationTrainer(options, _seed);
    }
}
