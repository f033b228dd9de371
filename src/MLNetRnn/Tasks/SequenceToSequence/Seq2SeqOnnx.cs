using System.Globalization;
using System.Text.Json;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Onnx;

namespace MLNetRnn.SequenceToSequence;

// Ts = source tokens, M = encoder output width (D*H), Hd = decoder hidden, Ld = decoder layers, V = target vocabulary.

/// <summary>
/// Writes a trained encoder–decoder as one ONNX graph that decodes inside an ONNX <c>Loop</c> (greedy, or beam search
/// when <see cref="DecodingSettings.BeamSize"/> is above 1), and reads it back.
/// </summary>
/// <remarks>
/// <para>Input: the source token keys of one row, uint32 [1, Ts]. Outputs: the predicted target tokens, String [1, n], and
/// the score [1] = Σ log p (over the tokens and <c>&lt;EOS&gt;</c>) / length^α, as <see cref="BeamSearch"/> computes it.</para>
/// <para>Outside the loop: encoder, memory [Ts, M], bridge to the decoder's initial states, and (additive attention) the
/// memory's projection. Each loop step (<see cref="DecoderStepOnnx"/>): embed the last tokens, one decoder step,
/// attention over the memory, combine, head, log-softmax with <c>&lt;PAD&gt;</c> and <c>&lt;BOS&gt;</c> at −∞; then
/// <see cref="GreedyDecodingOnnx"/> takes the arg-max, or <see cref="BeamDecodingOnnx"/> keeps the best hypotheses. Weights are initializers of the main graph under their PyTorch names (the recurrent stacks
/// as <see cref="RecurrentStackOnnx"/> packs them); metadata carries the architecture, vocabularies and decoding settings.</para>
/// </remarks>
internal static class Seq2SeqOnnx
{
    public static OnnxModel Write(Seq2SeqNetwork network, IReadOnlyList<string> sourceVocabulary, IReadOnlyList<string> targetVocabulary,
        DecodingSettings decoding, TokenLevel level, string sourceColumn, string tokensColumn, string scoreColumn)
    {
        var a = network.Architecture;
        var store = network.Parameters;
        var g = new OnnxGraphBuilder("encoder_decoder");
        string keys = g.Input(sourceColumn, OnnxDataType.UInt32, OnnxDim.Of(1), OnnxDim.Symbol("Ts"));
        string ids = SequenceIdsOnnx.FromKeys(g, keys);
        string x = g.Transpose(g.Gather(Weight(g, store, "encoder.embedding.weight"), ids), 1, 0, 2); // [Ts, 1, E]
        var (y, hn, _) = RecurrentStackOnnx.Write(g, network.Encoder, store, "encoder.rnn.", x, null, null, null);
        int m = network.MemorySize, directions = a.Bidirectional ? 2 : 1;
        string memory = g.Reshape(y, -1, m); // [Ts, M]
        string top = g.Slice(hn, g.Int64s((a.EncoderLayers - 1) * directions), g.Int64s(a.EncoderLayers * directions), g.Int64s(0));
        string summary = g.Reshape(g.Transpose(top, 1, 0, 2), 1, m); // [1, M] = [h_fwd; h_bwd]
        string h0 = Bridge(g, store, "bridge.", summary, a);
        string? c0 = network.BridgeC is null ? null : Bridge(g, store, "bridge_c.", summary, a);
        var attention = AttentionOnnx.Prepare(g, store, a.Attention, memory);

        var step = new DecoderStepOnnx(g, network, attention);
        var (output, score) = decoding.BeamSize == 1
            ? GreedyDecodingOnnx.Write(g, step, h0, c0, decoding)
            : BeamDecodingOnnx.Write(g, step, h0, c0, decoding);
        string predicted = g.Gather(g.Strings("target_tokens", [.. targetVocabulary], targetVocabulary.Count), output);
        g.Output(tokensColumn, g.Reshape(predicted, 1, -1), OnnxDataType.String, OnnxDim.Of(1), OnnxDim.Symbol("n")); // ML.NET reads dim 0 as the batch
        g.Output(scoreColumn, score, OnnxDataType.Float, OnnxDim.Of(1));

        var model = new OnnxModel(g.Graph);
        model.Metadata.Add(new(OnnxMetadata.Kind, OnnxMetadata.EncoderDecoderKind));
        model.Metadata.Add(new(OnnxMetadata.FormatVersion, OnnxMetadata.CurrentFormatVersion.ToString(CultureInfo.InvariantCulture)));
        model.Metadata.Add(new(OnnxMetadata.Architecture, JsonSerializer.Serialize(a)));
        model.Metadata.Add(new(OnnxMetadata.Vocabulary, JsonSerializer.Serialize(sourceVocabulary)));
        model.Metadata.Add(new(OnnxMetadata.TargetVocabulary, JsonSerializer.Serialize(targetVocabulary)));
        model.Metadata.Add(new(OnnxMetadata.Settings, JsonSerializer.Serialize(new SavedSettings(decoding, level))));
        model.Metadata.Add(new(OnnxMetadata.InputColumn, sourceColumn));
        model.Metadata.Add(new(OnnxMetadata.OutputColumn, tokensColumn));
        return model;
    }

    /// <summary>Rebuilds the network, vocabularies and settings from a graph written by <see cref="Write"/>.</summary>
    /// <remarks>The graph is untrusted: the network is allocated only after the graph is shown to store as many weights as its metadata claims.</remarks>
    /// <exception cref="InvalidDataException">The graph is not ours, is too new, uses an unknown component, or its metadata, vocabularies, decoding settings and weights disagree.</exception>
    public static (Seq2SeqNetwork Network, string[] SourceVocabulary, string[] TargetVocabulary, DecodingSettings Decoding, TokenLevel Level) Read(OnnxModel model)
    {
        OnnxModelCheck.Kind(model, OnnxMetadata.EncoderDecoderKind);
        var a = OnnxModelCheck.Json<Seq2SeqArchitecture>(model, OnnxMetadata.Architecture);
        string[] source = OnnxModelCheck.Json<string[]>(model, OnnxMetadata.Vocabulary);
        string[] target = OnnxModelCheck.Json<string[]>(model, OnnxMetadata.TargetVocabulary);
        var settings = OnnxModelCheck.Json<SavedSettings>(model, OnnxMetadata.Settings);
        if (a.SourceVocabularySize != source.Length || a.TargetVocabularySize != target.Length || a.TargetVocabularySize < 4 || a.EmbeddingSize < 1
            || a.HiddenSize < 1 || a.EncoderLayers < 1 || a.DecoderLayers < 1 || a.DecoderHiddenSize < 1 || !(a.Dropout >= 0f && a.Dropout < 1f) || settings.Decoding is null
            || !Enum.IsDefined(a.EncoderCell) || !Enum.IsDefined(a.DecoderCell) || (a.Attention is { } score && !Enum.IsDefined(score)) || !Enum.IsDefined(settings.Level))
        {
            throw new InvalidDataException($"The encoder–decoder's metadata is inconsistent (vocabularies {a.SourceVocabularySize}/{source.Length} and {a.TargetVocabularySize}/{target.Length}); the model is damaged.");
        }

        var d = settings.Decoding;
        if (d.BeamSize is < 1 or > Files.FileLimits.MaxBeamSize || d.MaxOutputLength is < 1 or > Files.FileLimits.MaxOutputLength || !(d.LengthPenalty >= 0f && float.IsFinite(d.LengthPenalty)))
        {
            throw new InvalidDataException($"The encoder–decoder's decoding settings (beam {d.BeamSize}, max length {d.MaxOutputLength}, length penalty {d.LengthPenalty}) are outside what a saved model may ask for (beam 1–{Files.FileLimits.MaxBeamSize}, length 1–{Files.FileLimits.MaxOutputLength}, penalty ≥ 0); the model is damaged.");
        }

        ParameterBudget.Require(model.Graph, () => ParameterBudget.Seq2Seq(a), "encoder–decoder");
        Seq2SeqNetwork network;
        try
        {
            Text.Vocabulary.FromTokens(source);
            Text.Vocabulary.FromTokens(target);
            network = new Seq2SeqNetwork(a, new SeededRandom(0));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The encoder–decoder's metadata is invalid ({e.Message}); the model is damaged.", e);
        }

        RecurrentStackOnnx.Read(model.Graph, network.Encoder, network.Parameters, "encoder.rnn.");
        RecurrentStackOnnx.Read(model.Graph, network.Decoder, network.Parameters, "decoder.rnn.");
        foreach (var p in network.Parameters.Parameters.Where(p => !p.Name.StartsWith("encoder.rnn.", StringComparison.Ordinal) && !p.Name.StartsWith("decoder.rnn.", StringComparison.Ordinal)))
        {
            RecurrentStackOnnx.Tensor(model.Graph, p.Name, p.Length).CopyTo(p.Value);
        }

        return (network, source, target, settings.Decoding, settings.Level);
    }

    /// <summary>tanh(W summary + b) [1, Ld*Hd] as decoder states [Ld, 1, Hd].</summary>
    private static string Bridge(OnnxGraphBuilder g, Layers.ParameterStore store, string prefix, string summary, Seq2SeqArchitecture a)
    {
        string o = g.Tanh(g.Linear(summary, Weight(g, store, prefix + "weight"), Weight(g, store, prefix + "bias")));
        return g.Transpose(g.Reshape(o, 1, a.DecoderLayers, a.DecoderHiddenSize), 1, 0, 2);
    }

    /// <summary>The initializer of a parameter, under its PyTorch name (added once, then reused).</summary>
    internal static string Weight(OnnxGraphBuilder g, Layers.ParameterStore store, string name)
    {
        if (g.Graph.Initializer(name) is null)
        {
            var p = store[name];
            g.Add(OnnxTensor.FromFloats(name, p.Value.ToArray(), [.. p.Shape.ToArray().Select(d => (long)d)]));
        }

        return name;
    }

    internal static string Bool(OnnxGraphBuilder g, bool value) => g.Add(OnnxTensor.FromInt32s(g.Fresh("bool"), OnnxDataType.Bool, [value ? 1 : 0]));

    private sealed record SavedSettings(DecodingSettings Decoding, TokenLevel Level);
}
