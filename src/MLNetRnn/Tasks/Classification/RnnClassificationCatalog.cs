using Microsoft.ML;
using MLNetRnn.Classification;
using MLNetRnn.Layers;

namespace MLNetRnn;

/// <summary>
/// Recurrent sequence classifiers on ML.NET's <c>mlContext.MulticlassClassification.Trainers</c> catalog. Each method
/// copies the options it is given and sets the cell, so one options object can make several trainers.
/// </summary>
public static class RnnClassificationCatalog
{
    /// <summary>An LSTM sequence classifier with the common settings; see <see cref="SequenceClassificationOptions"/> for the rest.</summary>
    /// <param name="catalog">ML.NET's multiclass trainers.</param>
    /// <param name="labelColumnName">The key label column. Default <c>"Label"</c>.</param>
    /// <param name="featureColumnName">The token-key column (from <c>Transforms.Text.MapTokensToIds</c>). Default <c>"Features"</c>.</param>
    /// <param name="hiddenSize">H per direction. Default 64.</param>
    /// <param name="bidirectional">Also read right to left. Default true.</param>
    /// <param name="epochs">Most passes over the data (early stopping on a held-out slice usually ends sooner). Default 20.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size or count is not positive.</exception>
    public static SequenceClassificationTrainer Lstm(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", int hiddenSize = 64, bool bidirectional = true, int epochs = 20) =>
        Make(catalog, Short(labelColumnName, featureColumnName, hiddenSize, bidirectional, epochs), RecurrentCellType.Lstm);

    /// <summary>An LSTM sequence classifier with every setting.</summary>
    /// <param name="catalog">ML.NET's multiclass trainers.</param>
    /// <param name="options">The settings; copied, with <see cref="SequenceClassificationOptions.CellType"/> set to LSTM on the copy.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public static SequenceClassificationTrainer Lstm(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, SequenceClassificationOptions options) =>
        Make(catalog, options, RecurrentCellType.Lstm);

    /// <summary>A GRU sequence classifier with the common settings.</summary>
    /// <inheritdoc cref="Lstm(MulticlassClassificationCatalog.MulticlassClassificationTrainers, string, string, int, bool, int)"/>
    public static SequenceClassificationTrainer Gru(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", int hiddenSize = 64, bool bidirectional = true, int epochs = 20) =>
        Make(catalog, Short(labelColumnName, featureColumnName, hiddenSize, bidirectional, epochs), RecurrentCellType.Gru);

    /// <summary>A GRU sequence classifier with every setting (the copy's cell is set to GRU).</summary>
    /// <inheritdoc cref="Lstm(MulticlassClassificationCatalog.MulticlassClassificationTrainers, SequenceClassificationOptions)"/>
    public static SequenceClassificationTrainer Gru(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, SequenceClassificationOptions options) =>
        Make(catalog, options, RecurrentCellType.Gru);

    /// <summary>A simple (Elman, tanh) RNN sequence classifier with the common settings.</summary>
    /// <inheritdoc cref="Lstm(MulticlassClassificationCatalog.MulticlassClassificationTrainers, string, string, int, bool, int)"/>
    public static SequenceClassificationTrainer Rnn(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label", string featureColumnName = "Features", int hiddenSize = 64, bool bidirectional = true, int epochs = 20) =>
        Make(catalog, Short(labelColumnName, featureColumnName, hiddenSize, bidirectional, epochs), RecurrentCellType.SimpleRnn);

    /// <summary>A simple (Elman, tanh) RNN sequence classifier with every setting (the copy's cell is set to SimpleRnn).</summary>
    /// <inheritdoc cref="Lstm(MulticlassClassificationCatalog.MulticlassClassificationTrainers, SequenceClassificationOptions)"/>
    public static SequenceClassificationTrainer Rnn(this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, SequenceClassificationOptions options) =>
        Make(catalog, options, RecurrentCellType.SimpleRnn);

    private static SequenceClassificationOptions Short(string label, string feature, int hidden, bool bidirectional, int epochs) => new()
    {
        LabelColumnName = label, FeatureColumnName = feature, HiddenSize = hidden, Bidirectional = bidirectional, Epochs = epochs,
    };

    private static SequenceClassificationTrainer Make(MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog, SequenceClassificationOptions options, RecurrentCellType cell)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Clone();
        copy.CellType = cell;
        return new SequenceClassificationTrainer(copy);
    }
}
