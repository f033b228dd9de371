using System.Globalization;
using MLNetRnn.Classification;
using MLNetRnn.Layers;
using MLNetRnn.Text;

namespace MLNetRnn.Benchmarks.Defaults;

/// <summary>One point of the defaults sweep: a name and the settings it changes from <see cref="SequenceClassificationOptions"/>'s defaults.</summary>
/// <param name="Name">Short name used in the tables and on the command line.</param>
/// <param name="Apply">Sets this configuration's values on a fresh options object.</param>
/// <param name="BuiltInVectors">Whether word-level datasets start from <see cref="PretrainedEmbeddings.LoadBuiltIn"/> (E 100,
/// its words joining the vocabulary), as the CLI does by default; character-level datasets ignore it.</param>
public sealed record SweepConfig(string Name, Action<SequenceClassificationOptions> Apply, bool BuiltInVectors = false)
{
    /// <summary>
    /// The coarse grid: the library's current defaults, then one-at-a-time and combined changes of cell, direction,
    /// pooling, dropout, sizes, learning rate, batch size and epochs/patience. Every configuration trains with the
    /// held-out 10 % validation slice (early stopping, best weights), as the defaults do.
    /// </summary>
    public static IReadOnlyList<SweepConfig> Grid { get; } =
    [
        new("defaults", _ => { }),
        new("lstm-e64h64-final-d0 (issue 9 start)", o => Set(o, RecurrentCellType.Lstm, 64, 64, false, SequencePooling.FinalState, 0f, 0.002f, 32, 10, 3)),
        new("max-d0.5", o => Set(o, RecurrentCellType.Lstm, 64, 64, false, SequencePooling.Max, 0.5f, 0.002f, 32, 10, 3)),
        new("bi-max-d0.5", o => Set(o, RecurrentCellType.Lstm, 64, 64, true, SequencePooling.Max, 0.5f, 0.002f, 32, 10, 3)),
        new("bi-mean-d0.5", o => Set(o, RecurrentCellType.Lstm, 64, 64, true, SequencePooling.Mean, 0.5f, 0.002f, 32, 10, 3)),
        new("gru-bi-max-d0.5", o => Set(o, RecurrentCellType.Gru, 64, 64, true, SequencePooling.Max, 0.5f, 0.002f, 32, 10, 3)),
        new("bi-max-d0.5-h128-lr0.001", o => Set(o, RecurrentCellType.Lstm, 64, 128, true, SequencePooling.Max, 0.5f, 0.001f, 32, 10, 3)),
        new("bi-max-d0.5-b16", o => Set(o, RecurrentCellType.Lstm, 64, 64, true, SequencePooling.Max, 0.5f, 0.002f, 16, 10, 3)),
        new("bi-max-d0.5-e20-p5", o => Set(o, RecurrentCellType.Lstm, 64, 64, true, SequencePooling.Max, 0.5f, 0.002f, 32, 20, 5)),
        new("gru-bi-max-d0.5-td0.2", o => Set(o, RecurrentCellType.Gru, 64, 64, true, SequencePooling.Max, 0.5f, 0.002f, 32, 10, 3, 0.2f)),
        new("bi-max-d0.5-td0.2", o => Set(o, RecurrentCellType.Lstm, 64, 64, true, SequencePooling.Max, 0.5f, 0.002f, 32, 10, 3, 0.2f)),
        new("gru-bi-max-d0.5-td0.2-e20-p5", o => Set(o, RecurrentCellType.Gru, 64, 64, true, SequencePooling.Max, 0.5f, 0.002f, 32, 20, 5, 0.2f)),
        new("gru-bi-max-d0.5-td0.3-lr0.005", o => Set(o, RecurrentCellType.Gru, 64, 64, true, SequencePooling.Max, 0.5f, 0.005f, 32, 10, 3, 0.3f)),
        new("gru-bi-mean-d0.5-td0.2", o => Set(o, RecurrentCellType.Gru, 64, 64, true, SequencePooling.Mean, 0.5f, 0.002f, 32, 10, 3, 0.2f)),
        new("gru-bi-max-d0.5-td0.2-e128h32", o => Set(o, RecurrentCellType.Gru, 128, 32, true, SequencePooling.Max, 0.5f, 0.002f, 32, 10, 3, 0.2f)),
        new("gru-bi-max-d0.5-td0.2-e128h32-e20-p5", o => Set(o, RecurrentCellType.Gru, 128, 32, true, SequencePooling.Max, 0.5f, 0.002f, 32, 20, 5, 0.2f)),
        new("gru-bi-max-d0.5-td0.3-e20-p5", o => Set(o, RecurrentCellType.Gru, 64, 64, true, SequencePooling.Max, 0.5f, 0.002f, 32, 20, 5, 0.3f)),
        new("gru-bi-max-d0.5-td0.2-b16-e20-p5", o => Set(o, RecurrentCellType.Gru, 64, 64, true, SequencePooling.Max, 0.5f, 0.002f, 16, 20, 5, 0.2f)),
        new("defaults+glove", _ => { }, BuiltInVectors: true),
        new("defaults+glove-frozen", o => o.FreezeEmbeddings = true, BuiltInVectors: true),
        new("defaults+glove-td0", o => o.TokenDropout = 0f, BuiltInVectors: true),
        new("defaults+glove-sparse", o => o.SparseEmbeddingUpdates = true, BuiltInVectors: true),
    ];

    /// <summary>A one-line description of the settings this configuration trains with.</summary>
    public string Describe()
    {
        var o = new SequenceClassificationOptions();
        Apply(o);
        return string.Create(CultureInfo.InvariantCulture,
            $"{o.CellType} E{(BuiltInVectors ? "100 (built-in GloVe, its words in the vocabulary" + (o.FreezeEmbeddings ? ", frozen)" : o.SparseEmbeddingUpdates ? ", sparse lazy updates)" : ")") : o.EmbeddingSize.ToString(CultureInfo.InvariantCulture))} H{o.HiddenSize}{(o.Bidirectional ? " bi" : string.Empty)} {o.Pooling} dropout {o.Dropout} token dropout {o.TokenDropout} lr {o.LearningRate} batch {o.BatchSize} epochs {o.Epochs} patience {o.EarlyStoppingPatience} held-out {o.ValidationFraction}");
    }

    private static void Set(SequenceClassificationOptions o, RecurrentCellType cell, int embedding, int hidden, bool bidirectional, SequencePooling pooling,
        float dropout, float learningRate, int batch, int epochs, int patience, float tokenDropout = 0f)
    {
        o.TokenDropout = tokenDropout;
        (o.CellType, o.EmbeddingSize, o.HiddenSize, o.Bidirectional, o.Pooling) = (cell, embedding, hidden, bidirectional, pooling);
        (o.Dropout, o.LearningRate, o.BatchSize, o.Epochs, o.EarlyStoppingPatience) = (dropout, learningRate, batch, epochs, patience);
    }
}
