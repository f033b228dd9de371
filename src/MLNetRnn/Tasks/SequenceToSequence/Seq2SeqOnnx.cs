using System.Globalization;
using System.Text.Json;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Onnx;

namespace MLNetRnn.SequenceToSequence;

// Ts = source tokens, M = encoder output width (D*H), Hd = decoder hidden, Ld = decoder layers, V = target vocabulary.

/// <summary>
/// Writes a trained encoder–decoder as one ONNX graph that decodes greedily inside an ONNX <c>Loop</c>, and reads it back.
/// </summary>
/// <remarks>
/// <para>Input: the source token keys of one row, uint32 [1, Ts]. Outputs: the predicted target tokens, String [1, n], and
/// the score [1] = Σ log p (over the tokens and <c>&lt;EOS&gt;</c>) / length^α, as <see cref="BeamSearch.Greedy"/> computes it.</para>
/// <para>Outside the loop: encoder, memory [Ts, M], bridge to the decoder's initial states, and (additive attention) the
/// memory's projection. Each loop step: embed the last token, one decoder step, attention over the memory, combine,
/// head, log-softmax with <c>&lt;PAD&gt;</c> and <c>&lt;BOS&gt;</c> at −∞, arg-max; the loop stops after <c>&lt;EOS&gt;</c>
/// or at the maximum length. Weights are initializers of the main graph under their PyTorch names (the recurrent stacks
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
        var attention = AttentionInputs.Prepare(g, store, a.Attention, memory);

        var body = g.Subgraph("decode_step");
        DecodeStep(body, g, network, attention, c0 is not null);
        string[] loop = g.Nodes("Loop", [g.Scalar((long)decoding.MaxOutputLength), Bool(g, true), g.Int64s(2), h0, .. c0 is null ? Array.Empty<string>() : [c0]],
            c0 is null ? 4 : 5, string.Empty, OnnxAttribute.Of("body", body.Graph));
        string tokens = g.Reshape(loop[^2], -1); // [n], <EOS> last when it was reached
        string logProbabilities = g.Reshape(loop[^1], -1);
        string n = g.Node("Shape", [tokens]); // [1]
        string last = g.Gather(tokens, g.Node("Sub", [n, g.Int64s(1)]));
        string finished = g.Cast(g.Node("Equal", [last, g.Int64s(3)]), OnnxDataType.Int64);
        string output = g.Slice(tokens, g.Int64s(0), g.Node("Sub", [n, finished]), g.Int64s(0));
        string predicted = g.Gather(g.Strings("target_tokens", [.. targetVocabulary], targetVocabulary.Count), output);
        g.Output(tokensColumn, g.Reshape(predicted, 1, -1), OnnxDataType.String, OnnxDim.Of(1), OnnxDim.Symbol("n")); // ML.NET reads dim 0 as the batch
        string sum = g.Node("ReduceSum", [logProbabilities], OnnxAttribute.Of("keepdims", 1L)); // [1]
        string penalty = g.Node("Pow", [g.Cast(n, OnnxDataType.Float), g.Add(OnnxTensor.FromFloats(g.Fresh("alpha"), [decoding.LengthPenalty], 1))]);
        g.Output(scoreColumn, g.Node("Div", [sum, penalty]), OnnxDataType.Float, OnnxDim.Of(1));

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
    /// <exception cref="InvalidDataException">The graph is not ours, is too new, or its metadata and weights disagree.</exception>
    public static (Seq2SeqNetwork Network, string[] SourceVocabulary, string[] TargetVocabulary, DecodingSettings Decoding, TokenLevel Level) Read(OnnxModel model)
    {
        OnnxModelCheck.Kind(model, OnnxMetadata.EncoderDecoderKind);
        var a = OnnxModelCheck.Json<Seq2SeqArchitecture>(model, OnnxMetadata.Architecture);
        string[] source = OnnxModelCheck.Json<string[]>(model, OnnxMetadata.Vocabulary);
        string[] target = OnnxModelCheck.Json<string[]>(model, OnnxMetadata.TargetVocabulary);
        var settings = OnnxModelCheck.Json<SavedSettings>(model, OnnxMetadata.Settings);
        if (a.SourceVocabularySize != source.Length || a.TargetVocabularySize != target.Length || a.TargetVocabularySize < 4 || a.EmbeddingSize < 1
            || a.HiddenSize < 1 || a.EncoderLayers < 1 || a.DecoderLayers < 1 || a.DecoderHiddenSize < 1 || !(a.Dropout >= 0f && a.Dropout < 1f) || settings.Decoding is null)
        {
            throw new InvalidDataException($"The encoder–decoder's metadata is inconsistent (vocabularies {a.SourceVocabularySize}/{source.Length} and {a.TargetVocabularySize}/{target.Length}); the model is damaged.");
        }

        var network = new Seq2SeqNetwork(a, new SeededRandom(0));
        RecurrentStackOnnx.Read(model.Graph, network.Encoder, network.Parameters, "encoder.rnn.");
        RecurrentStackOnnx.Read(model.Graph, network.Decoder, network.Parameters, "decoder.rnn.");
        foreach (var p in network.Parameters.Parameters.Where(p => !p.Name.StartsWith("encoder.rnn.", StringComparison.Ordinal) && !p.Name.StartsWith("decoder.rnn.", StringComparison.Ordinal)))
        {
            RecurrentStackOnnx.Tensor(model.Graph, p.Name, p.Length).CopyTo(p.Value);
        }

        return (network, source, target, settings.Decoding, settings.Level);
    }

    /// <summary>One decoder step as a Loop body: (iteration, condition, token [1], h [Ld,1,Hd], c) → (condition, token, h, c, scan: token, log p).</summary>
    private static void DecodeStep(OnnxGraphBuilder body, OnnxGraphBuilder outer, Seq2SeqNetwork network, AttentionInputs attention, bool lstm)
    {
        var a = network.Architecture;
        var store = network.Parameters;
        int hd = a.DecoderHiddenSize, ld = a.DecoderLayers, v = a.TargetVocabularySize;
        body.Input(body.Fresh("iteration"), OnnxDataType.Int64);
        body.Input(body.Fresh("condition"), OnnxDataType.Bool);
        string token = body.Input(body.Fresh("token"), OnnxDataType.Int64, OnnxDim.Of(1));
        string h = body.Input(body.Fresh("h"), OnnxDataType.Float, OnnxDim.Of(ld), OnnxDim.Of(1), OnnxDim.Of(hd));
        string? c = lstm ? body.Input(body.Fresh("c"), OnnxDataType.Float, OnnxDim.Of(ld), OnnxDim.Of(1), OnnxDim.Of(hd)) : null;

        string e = body.Unsqueeze(body.Gather(Weight(outer, store, "decoder.embedding.weight"), token), 0); // [1, 1, E]
        var (y, hn, cn) = RecurrentStackOnnx.Write(body, network.Decoder, store, "decoder.rnn.", e, null, h, c, outer);
        string q = body.Reshape(y, 1, hd);
        string combined = q;
        if (attention.Score is not null)
        {
            string weights = body.Node("Softmax", [attention.Scores(body, q)], OnnxAttribute.Of("axis", 1L)); // [1, Ts]
            string context = body.MatMul(weights, attention.Memory); // [1, M]
            combined = body.Tanh(body.Linear(body.Concat(1, context, q), Weight(outer, store, "combine.weight"), Weight(outer, store, "combine.bias")));
        }
        else if (network.CombineLayer is not null)
        {
            combined = body.Tanh(body.Linear(q, Weight(outer, store, "combine.weight"), Weight(outer, store, "combine.bias")));
        }

        string logits = body.Linear(combined, Weight(outer, store, network.Head.Weight.Name), Weight(outer, store, "head.bias"));
        var mask = new float[v];
        mask[0] = mask[2] = float.NegativeInfinity; // <PAD> and <BOS> are never outputs
        string logP = body.Add(body.Node("LogSoftmax", [logits], OnnxAttribute.Of("axis", 1L)), outer.Floats("never", mask, 1, v));
        string next = body.Node("ArgMax", [logP], OnnxAttribute.Of("axis", 1L), OnnxAttribute.Of("keepdims", 0L)); // [1]
        string chosen = body.Reshape(body.Node("GatherElements", [logP, body.Unsqueeze(next, 1)], OnnxAttribute.Of("axis", 1L)), 1);
        string keepGoing = body.Reshape(body.Node("Not", [body.Node("Equal", [next, outer.Int64s(3)])]), []);
        body.OutputValue(keepGoing, OnnxDataType.Bool);
        body.OutputValue(body.Node("Identity", [next]), OnnxDataType.Int64, OnnxDim.Of(1));
        body.OutputValue(hn, OnnxDataType.Float, OnnxDim.Of(ld), OnnxDim.Of(1), OnnxDim.Of(hd));
        if (cn is not null)
        {
            body.OutputValue(cn, OnnxDataType.Float, OnnxDim.Of(ld), OnnxDim.Of(1), OnnxDim.Of(hd));
        }

        body.OutputValue(next, OnnxDataType.Int64, OnnxDim.Of(1));
        body.OutputValue(chosen, OnnxDataType.Float, OnnxDim.Of(1));
    }

    /// <summary>tanh(W summary + b) [1, Ld*Hd] as decoder states [Ld, 1, Hd].</summary>
    private static string Bridge(OnnxGraphBuilder g, Layers.ParameterStore store, string prefix, string summary, Seq2SeqArchitecture a)
    {
        string o = g.Tanh(g.Linear(summary, Weight(g, store, prefix + "weight"), Weight(g, store, prefix + "bias")));
        return g.Transpose(g.Reshape(o, 1, a.DecoderLayers, a.DecoderHiddenSize), 1, 0, 2);
    }

    /// <summary>The initializer of a parameter, under its PyTorch name (added once, then reused).</summary>
    private static string Weight(OnnxGraphBuilder g, Layers.ParameterStore store, string name)
    {
        if (g.Graph.Initializer(name) is null)
        {
            var p = store[name];
            g.Add(OnnxTensor.FromFloats(name, p.Value.ToArray(), [.. p.Shape.ToArray().Select(d => (long)d)]));
        }

        return name;
    }

    private static string Bool(OnnxGraphBuilder g, bool value) => g.Add(OnnxTensor.FromInt32s(g.Fresh("bool"), OnnxDataType.Bool, [value ? 1 : 0]));

    /// <summary>What the attention needs outside the loop: the memory [Ts, M], its transpose, and the additive score's memory projection.</summary>
    private sealed record AttentionInputs(AttentionScore? Score, string Memory, string MemoryTransposed, string? Projected, Layers.ParameterStore Store, OnnxGraphBuilder Outer)
    {
        public static AttentionInputs Prepare(OnnxGraphBuilder g, Layers.ParameterStore store, AttentionScore? score, string memory)
        {
            string? projected = score == AttentionScore.Additive
                ? g.Linear(memory, Weight(g, store, "attention.memory.weight"), Weight(g, store, "attention.memory.bias")) // [Ts, A]
                : null;
            return new AttentionInputs(score, memory, g.Transpose(memory, 1, 0), projected, store, g);
        }

        /// <summary>Scores [1, Ts] of the query q [1, Hd] (see <see cref="Layers.Attention"/> for the formulas).</summary>
        public string Scores(OnnxGraphBuilder body, string q) => Score switch
        {
            AttentionScore.Dot => body.MatMul(q, MemoryTransposed),
            AttentionScore.General => body.MatMul(body.MatMul(q, Weight(Outer, Store, "attention.linear_in.weight")), MemoryTransposed),
            _ => body.Reshape(body.Node("Gemm", [body.Tanh(body.Add(Projected!, body.Node("Gemm", [q, Weight(Outer, Store, "attention.query.weight")], OnnxAttribute.Of("transB", 1L)))),
                Weight(Outer, Store, "attention.v.weight")], OnnxAttribute.Of("transB", 1L)), 1, -1),
        };
    }

    private sealed record SavedSettings(DecodingSettings Decoding, TokenLevel Level);
}
