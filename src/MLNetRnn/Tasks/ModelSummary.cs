using System.Globalization;
using System.Text;
using MLNetRnn.Classification;
using MLNetRnn.Layers;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Tagging;

namespace MLNetRnn;

/// <summary>One row of a <see cref="ModelSummary"/>: a layer, what it gives and how many scalars it trains.</summary>
/// <param name="Name">The layer's tensor-name prefix, as in the state dict (<c>embedding</c>, <c>rnn.l0</c>, <c>head</c>).</param>
/// <param name="Type">What the layer is, with the settings that matter (<c>LSTM, bidirectional</c>, <c>Dense, softmax</c>).</param>
/// <param name="OutputShape">The layer's output with symbolic batch and time dimensions, for example <c>(batch, time, 128)</c>.</param>
/// <param name="Parameters">Trainable scalars the layer owns; a tensor shared with an earlier layer is counted there only.</param>
/// <param name="Tensors">The names of the tensors counted in <paramref name="Parameters"/>.</param>
public sealed record LayerSummary(string Name, string Type, string OutputShape, long Parameters, IReadOnlyList<string> Tensors);

/// <summary>
/// A Keras-style summary of a network: its layers in the order data flows through them, each with its output shape and
/// parameter count, and the total. Counts are summed from the tensors the network really allocated, so they are the
/// numbers a PyTorch module with the same state dict reports (a recurrent layer keeps PyTorch's two bias vectors: a
/// SimpleRNN layer has H×(H+I) + 2H, an LSTM 4(H×(H+I) + 2H), a GRU 3(H×(H+I) + 2H), doubled when bidirectional).
/// </summary>
public sealed class ModelSummary
{
    internal ModelSummary(string task, IReadOnlyList<LayerSummary> layers)
    {
        Task = task;
        Layers = layers;
        TotalParameters = layers.Sum(l => l.Parameters);
    }

    /// <summary>Gets the task the network serves (<c>SequenceClassification</c>, <c>SequenceTagging</c> or <c>SequenceToSequence</c>).</summary>
    public string Task { get; }

    /// <summary>Gets the layers in the order data flows through them.</summary>
    public IReadOnlyList<LayerSummary> Layers { get; }

    /// <summary>Gets the number of trainable scalars in the whole network.</summary>
    public long TotalParameters { get; }

    /// <summary>The summary as a fixed-width table with a total line, like Keras' <c>model.summary()</c>.</summary>
    /// <returns>The table, lines separated by <c>\n</c>.</returns>
    public override string ToString()
    {
        string[] head = ["Layer (type)", "Output shape", "Param #"];
        var rows = Layers.Select(l => new[] { $"{l.Name} ({l.Type})", l.OutputShape, l.Parameters.ToString("N0", CultureInfo.InvariantCulture) }).ToList();
        int[] widths = [.. Enumerable.Range(0, 3).Select(c => rows.Select(r => r[c].Length).Append(head[c].Length).Max())];
        int total = widths.Sum() + 4;
        var text = new StringBuilder();
        string rule = new('-', total), doubleRule = new('=', total);
        void Row(string[] r) => text.Append(r[0].PadRight(widths[0])).Append("  ").Append(r[1].PadRight(widths[1])).Append("  ")
            .Append(r[2].PadLeft(widths[2])).Append('\n');
        text.Append(Task).Append('\n').Append(rule).Append('\n');
        Row(head);
        text.Append(doubleRule).Append('\n');
        foreach (var r in rows)
        {
            Row(r);
        }

        text.Append(doubleRule).Append('\n');
        text.Append("Total params: ").Append(TotalParameters.ToString("N0", CultureInfo.InvariantCulture)).Append('\n');
        return text.ToString();
    }

    internal static ModelSummary Of(SequenceClassifierNetwork network)
    {
        var a = network.Architecture;
        var rows = new Rows(network.Parameters);
        int p = network.Rnn.OutputSize;
        rows.Add("embedding", "Embedding", $"(batch, time, {a.EmbeddingSize})");
        rows.AddRecurrent("rnn", network.Rnn, "time");
        string pooling = a.Pooling switch
        {
            SequencePooling.FinalState => "state at the last real token",
            SequencePooling.Mean => "mean over real tokens",
            _ => "max over real tokens",
        };
        rows.Add("pooling", $"Pooling, {pooling}", $"(batch, {p})");
        if (a.Dropout > 0f)
        {
            rows.Add("dropout", Invariant($"Dropout, p={a.Dropout}"), $"(batch, {p})");
        }

        rows.Add("head", "Dense, softmax", $"(batch, {a.ClassCount})");
        return rows.Finish("SequenceClassification");
    }

    internal static ModelSummary Of(SequenceTaggerNetwork network)
    {
        var a = network.Architecture;
        var rows = new Rows(network.Parameters);
        rows.Add("embedding", "Embedding", $"(batch, time, {a.EmbeddingSize})");
        if (network.Characters is { } characters)
        {
            rows.Add("char", "Character embedding + BiLSTM per word, final states", $"(batch, time, {characters.OutputSize})");
        }

        rows.AddRecurrent("rnn", network.Rnn, "time");
        if (a.Dropout > 0f)
        {
            rows.Add("dropout", Invariant($"Dropout, p={a.Dropout}"), $"(batch, time, {network.Rnn.OutputSize})");
        }

        rows.Add("head", a.Crf ? "Dense, tag scores per token" : "Dense, softmax per token", $"(batch, time, {a.TagCount})");
        if (a.Crf)
        {
            rows.Add("crf", "Linear-chain CRF, Viterbi", "(batch, time)");
        }

        return rows.Finish("SequenceTagging");
    }

    internal static ModelSummary Of(Seq2SeqNetwork network)
    {
        var a = network.Architecture;
        var rows = new Rows(network.Parameters);
        int memory = network.MemorySize;
        rows.Add("encoder.embedding", "Embedding", $"(batch, source_time, {a.EmbeddingSize})");
        rows.AddRecurrent("encoder.rnn", new RecurrentShape(a.EncoderCell, a.EncoderLayers, a.Bidirectional ? 2 : 1, a.HiddenSize, a.Dropout), "source_time");
        rows.Add("bridge", "Dense, tanh, encoder summary to decoder h0", $"(batch, {a.DecoderLayers * a.DecoderHiddenSize})");
        if (a.DecoderCell == RecurrentCellType.Lstm)
        {
            rows.Add("bridge_c", "Dense, tanh, encoder summary to decoder c0", $"(batch, {a.DecoderLayers * a.DecoderHiddenSize})");
        }

        rows.Add("decoder.embedding", "Embedding", $"(batch, target_time, {a.EmbeddingSize})");
        rows.AddRecurrent("decoder.rnn", new RecurrentShape(a.DecoderCell, a.DecoderLayers, 1, a.DecoderHiddenSize, a.Dropout), "target_time");
        if (a.Attention is { } score)
        {
            rows.Add("attention", $"Attention, {score.ToString().ToLowerInvariant()} score", $"(batch, target_time, {memory})");
        }

        if (rows.Has("combine"))
        {
            rows.Add("combine", "Dense, tanh", $"(batch, target_time, {network.CombinedSize})");
        }

        rows.Add("head", a.TieEmbeddings ? "Dense, softmax, weight tied to decoder.embedding" : "Dense, softmax", $"(batch, target_time, {a.TargetVocabularySize})");
        return rows.Finish("SequenceToSequence");
    }

    internal static ModelSummary Of(Forecasting.ForecasterNetwork network)
    {
        var a = network.Architecture;
        var rows = new Rows(network.Parameters);
        rows.AddRecurrent("rnn", network.Rnn, "window");
        rows.Add("head", "Dense, change of each horizon step from the last value", $"(batch, {a.Horizon})");
        return rows.Finish("SequenceForecasting");
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private readonly record struct RecurrentShape(RecurrentCellType Cell, int Layers, int Directions, int Hidden, float Dropout)
    {
        public static implicit operator RecurrentShape(RecurrentStack stack) =>
            new(stack.CellType, stack.NumberOfLayers, stack.Directions, stack.HiddenSize, stack.Dropout);
    }

    /// <summary>Collects rows, giving each the store's tensors under its prefix, and checks every tensor was claimed once.</summary>
    private sealed class Rows(ParameterStore store)
    {
        private readonly List<LayerSummary> _rows = [];
        private readonly HashSet<string> _claimed = [];

        public bool Has(string prefix) => store.Parameters.Any(t => t.Name.StartsWith(prefix + ".", StringComparison.Ordinal));

        public void Add(string name, string type, string shape) =>
            Add(name, type, shape, t => t.StartsWith(name + ".", StringComparison.Ordinal));

        public void AddRecurrent(string prefix, RecurrentShape rnn, string time)
        {
            string cell = rnn.Cell switch
            {
                RecurrentCellType.Lstm => "LSTM",
                RecurrentCellType.Gru => "GRU",
                _ => "SimpleRNN, tanh",
            };
            for (int layer = 0; layer < rnn.Layers; layer++)
            {
                string suffix = $"_l{layer}";
                string type = cell + (rnn.Directions == 2 ? ", bidirectional" : string.Empty)
                    + (layer > 0 && rnn.Dropout > 0f ? Invariant($", input dropout p={rnn.Dropout}") : string.Empty);
                Add($"{prefix}.l{layer}", type, $"(batch, {time}, {rnn.Directions * rnn.Hidden})",
                    t => t.StartsWith(prefix + ".", StringComparison.Ordinal) && (t.EndsWith(suffix, StringComparison.Ordinal) || t.EndsWith(suffix + "_reverse", StringComparison.Ordinal)));
            }
        }

        public ModelSummary Finish(string task)
        {
            var missed = store.Parameters.Where(t => !_claimed.Contains(t.Name)).Select(t => t.Name).ToList();
            if (missed.Count > 0)
            {
                throw new InvalidOperationException($"The model summary has no layer for tensor(s) {string.Join(", ", missed)}; this is a bug in MLNetRnn.");
            }

            return new ModelSummary(task, _rows);
        }

        private void Add(string name, string type, string shape, Func<string, bool> owns)
        {
            var tensors = store.Parameters.Where(t => owns(t.Name) && _claimed.Add(t.Name)).ToList();
            _rows.Add(new LayerSummary(name, type, shape, tensors.Sum(t => (long)t.Length), [.. tensors.Select(t => t.Name)]));
        }
    }
}
