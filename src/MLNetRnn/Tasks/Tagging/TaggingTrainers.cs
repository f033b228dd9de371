using MLNetRnn.Layers;

namespace MLNetRnn.Tagging;

/// <summary>
/// The recurrent taggers of <see cref="TaggingCatalog"/>. Each method copies the options it is given and sets the cell,
/// so one options object can make several trainers.
/// </summary>
public sealed class TaggingTrainers
{
    internal TaggingTrainers()
    {
    }

    /// <summary>A bidirectional LSTM tagger with the common settings; see <see cref="SequenceTaggingOptions"/> for the rest.</summary>
    /// <param name="tagColumnName">The gold tags, a vector of String with one tag per token. Default <c>"Tags"</c>.</param>
    /// <param name="featureColumnName">The token-key column (from <c>Transforms.Text.MapTokensToIds</c>). Default <c>"Features"</c>.</param>
    /// <param name="hiddenSize">H per direction. Default 64.</param>
    /// <param name="crf">Score whole tag sequences with a linear-chain CRF (Viterbi decoding). Default false: softmax per token.</param>
    /// <param name="epochs">The most passes over the data. Default 10.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size or count is not positive.</exception>
    public SequenceTaggingTrainer Lstm(string tagColumnName = "Tags", string featureColumnName = "Features", int hiddenSize = 64, bool crf = false, int epochs = 10) =>
        Make(Short(tagColumnName, featureColumnName, hiddenSize, crf, epochs), RecurrentCellType.Lstm);

    /// <summary>An LSTM tagger with every setting.</summary>
    /// <param name="options">The settings; copied, with <see cref="SequenceTaggingOptions.CellType"/> set to LSTM on the copy.</param>
    /// <returns>The trainer.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it.</exception>
    public SequenceTaggingTrainer Lstm(SequenceTaggingOptions options) => Make(options, RecurrentCellType.Lstm);

    /// <summary>A bidirectional GRU tagger with the common settings.</summary>
    /// <inheritdoc cref="Lstm(string, string, int, bool, int)"/>
    public SequenceTaggingTrainer Gru(string tagColumnName = "Tags", string featureColumnName = "Features", int hiddenSize = 64, bool crf = false, int epochs = 10) =>
        Make(Short(tagColumnName, featureColumnName, hiddenSize, crf, epochs), RecurrentCellType.Gru);

    /// <summary>A GRU tagger with every setting (the copy's cell is set to GRU).</summary>
    /// <inheritdoc cref="Lstm(SequenceTaggingOptions)"/>
    public SequenceTaggingTrainer Gru(SequenceTaggingOptions options) => Make(options, RecurrentCellType.Gru);

    /// <summary>A bidirectional simple (Elman, tanh) RNN tagger with the common settings.</summary>
    /// <inheritdoc cref="Lstm(string, string, int, bool, int)"/>
    public SequenceTaggingTrainer Rnn(string tagColumnName = "Tags", string featureColumnName = "Features", int hiddenSize = 64, bool crf = false, int epochs = 10) =>
        Make(Short(tagColumnName, featureColumnName, hiddenSize, crf, epochs), RecurrentCellType.SimpleRnn);

    /// <summary>A simple (Elman, tanh) RNN tagger with every setting (the copy's cell is set to SimpleRnn).</summary>
    /// <inheritdoc cref="Lstm(SequenceTaggingOptions)"/>
    public SequenceTaggingTrainer Rnn(SequenceTaggingOptions options) => Make(options, RecurrentCellType.SimpleRnn);

    private static SequenceTaggingOptions Short(string tags, string feature, int hidden, bool crf, int epochs) => new()
    {
        TagColumnName = tags, FeatureColumnName = feature, HiddenSize = hidden, Crf = crf, Epochs = epochs,
    };

    private static SequenceTaggingTrainer Make(SequenceTaggingOptions options, RecurrentCellType cell)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = options.Clone();
        copy.CellType = cell;
        return new SequenceTaggingTrainer(copy);
    }
}
