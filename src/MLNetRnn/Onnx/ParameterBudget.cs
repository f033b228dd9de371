using MLNetRnn.Classification;
using MLNetRnn.Layers;
using MLNetRnn.SequenceToSequence;

namespace MLNetRnn.Onnx;

/// <summary>
/// How many parameters an architecture read from a file needs, computed before the network is built: a reader allocates
/// the network only when the graph really holds that many float values, so metadata that claims a 10⁹-word vocabulary
/// costs nothing. A test keeps these formulas equal to the networks' real parameter counts.
/// </summary>
internal static class ParameterBudget
{
    /// <summary>V·E + the recurrent stack + C·(D·H) + C.</summary>
    public static long Classifier(ClassifierArchitecture a)
    {
        long d = a.Bidirectional ? 2 : 1;
        return checked(((long)a.VocabularySize * a.EmbeddingSize) + Recurrent(a.CellType, a.EmbeddingSize, a.HiddenSize, a.NumberOfLayers, a.Bidirectional)
            + (a.ClassCount * d * a.HiddenSize) + a.ClassCount);
    }

    /// <summary>V·E + character features (C·Ec + a one-layer bidirectional LSTM over Ec) + the recurrent stack over X + K·P + K (+ K² + 2K for a CRF).</summary>
    public static long Tagger(Tagging.TaggerArchitecture a)
    {
        checked
        {
            long p = (a.Bidirectional ? 2L : 1L) * a.HiddenSize;
            long characters = a.CharacterCount > 0
                ? ((long)a.CharacterCount * a.CharacterEmbeddingSize) + Recurrent(RecurrentCellType.Lstm, a.CharacterEmbeddingSize, a.CharacterHiddenSize, 1, true)
                : 0;
            long input = (long)a.EmbeddingSize + (a.CharacterCount > 0 ? 2L * a.CharacterHiddenSize : 0);
            long crf = a.Crf ? ((long)a.TagCount * a.TagCount) + (2L * a.TagCount) : 0;
            return ((long)a.VocabularySize * a.EmbeddingSize) + characters + Recurrent(a.CellType, (int)Math.Min(input, int.MaxValue), a.HiddenSize, a.NumberOfLayers, a.Bidirectional)
                + (a.TagCount * p) + a.TagCount + crf;
        }
    }

    /// <summary>Embeddings, encoder, bridge (and its cell-state twin for an LSTM decoder), decoder, attention, combine and head.</summary>
    public static long Seq2Seq(Seq2SeqArchitecture a)
    {
        checked
        {
            long m = (a.Bidirectional ? 2L : 1L) * a.HiddenSize;
            long bridgeOut = (long)a.DecoderLayers * a.DecoderHiddenSize;
            long bridge = (bridgeOut * m) + bridgeOut;
            long total = ((long)a.SourceVocabularySize * a.EmbeddingSize) + Recurrent(a.EncoderCell, a.EmbeddingSize, a.HiddenSize, a.EncoderLayers, a.Bidirectional)
                + (a.DecoderCell == RecurrentCellType.Lstm ? 2 * bridge : bridge)
                + ((long)a.TargetVocabularySize * a.EmbeddingSize) + Recurrent(a.DecoderCell, a.EmbeddingSize, a.DecoderHiddenSize, a.DecoderLayers, false);
            total += a.Attention switch
            {
                AttentionScore.General => a.DecoderHiddenSize * m,
                AttentionScore.Additive => ((long)a.DecoderHiddenSize * a.DecoderHiddenSize) + (a.DecoderHiddenSize * m) + (2L * a.DecoderHiddenSize),
                _ => 0,
            };
            long combined = a.TieEmbeddings ? a.EmbeddingSize : a.DecoderHiddenSize;
            if (a.Attention is not null || combined != a.DecoderHiddenSize)
            {
                long input = (a.Attention is null ? 0 : m) + a.DecoderHiddenSize;
                total += (combined * input) + combined;
            }

            return total + (a.TieEmbeddings ? a.TargetVocabularySize : ((long)a.TargetVocabularySize * combined) + a.TargetVocabularySize);
        }
    }

    /// <summary>Per layer and direction: G·H·I + G·H·H + 2·G·H, with I the embedding for layer 0 and D·H above it.</summary>
    public static long Recurrent(RecurrentCellType cell, int inputSize, int hiddenSize, int layers, bool bidirectional)
    {
        long g = cell.Gates();
        long d = bidirectional ? 2 : 1, h = hiddenSize;
        checked
        {
            long first = d * ((g * h * inputSize) + (g * h * h) + (2 * g * h));
            long above = d * ((g * h * d * h) + (g * h * h) + (2 * g * h));
            return layers < 1 ? 0 : first + ((layers - 1L) * above);
        }
    }

    /// <summary>Requires that the graph's float initializers hold at least <paramref name="needed"/> values (the parameters).</summary>
    /// <exception cref="InvalidDataException">They hold fewer: the metadata claims a larger network than the file stores.</exception>
    public static void Require(OnnxGraph graph, Func<long> needed, string what)
    {
        long stored = graph.Initializers.Sum(t => (long)(t.Floats?.Length ?? 0));
        long count;
        try
        {
            count = needed();
        }
        catch (OverflowException)
        {
            count = long.MaxValue;
        }

        if (count > stored)
        {
            throw new InvalidDataException($"The {what}'s architecture metadata describes {(count == long.MaxValue ? "more than 2^63" : count.ToString(System.Globalization.CultureInfo.InvariantCulture))} parameters, but the graph stores only {stored} float values; the model is damaged.");
        }
    }
}
