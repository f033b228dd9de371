using System.Globalization;
using System.Text.Json;
using MLNetRnn.Numerics;
using MLNetRnn.Onnx;
using MLNetRnn.SequenceToSequence;

namespace MLNetRnn.LanguageModeling;

// B = rows, T = steps, E = embedding, H = hidden, L = layers, V = vocabulary.

/// <summary>Writes a language model's network as an ONNX step graph and reads it back.</summary>
/// <remarks>
/// <para>Inputs: <c>input_ids</c> int64 [B, T] token ids; <c>h0</c> float [L, B, H] the state before the first step (zeros
/// at the start of a text); for an LSTM <c>c0</c> float [L, B, H]. Outputs: <c>logits</c> float [B, T, V] (the next-token
/// scores after each step, before the softmax), <c>hN</c> and for an LSTM <c>cN</c> [L, B, H], the state after step T.
/// With T = 1 it is one generation step; feeding <c>hN</c>/<c>cN</c> back as <c>h0</c>/<c>c0</c> continues the text.</para>
/// <para>Graph: Gather(<c>embedding.weight</c>) or OneHot(V) → Transpose to [T, B, ·] → the recurrent stack
/// (<see cref="RecurrentStackOnnx"/>, ONNX <c>LSTM</c>/<c>GRU</c>/<c>RNN</c> per layer) → Transpose → MatMul(<c>head.weight</c>ᵀ)
/// + <c>head.bias</c>. Metadata: <c>mlnetrnn.kind</c> = <c>language-model</c>, the architecture, the vocabulary (JSON array
/// in id order) and the text settings (level, line mode, lower-casing).</para>
/// </remarks>
internal static class LanguageModelOnnx
{
    public static OnnxModel Write(LanguageModelNetwork network, IReadOnlyList<string> vocabulary, LanguageModelText text)
    {
        var a = network.Architecture;
        var g = new OnnxGraphBuilder("language_model_step");
        string ids = g.Input("input_ids", OnnxDataType.Int64, OnnxDim.Symbol("B"), OnnxDim.Symbol("T"));
        string h0 = g.Input("h0", OnnxDataType.Float, OnnxDim.Of(a.NumberOfLayers), OnnxDim.Symbol("B"), OnnxDim.Of(a.HiddenSize));
        string? c0 = network.Rnn.HasCellState ? g.Input("c0", OnnxDataType.Float, OnnxDim.Of(a.NumberOfLayers), OnnxDim.Symbol("B"), OnnxDim.Of(a.HiddenSize)) : null;
        string input = network.Embedding is { } embedding
            ? g.Gather(g.Add(OnnxTensor.FromFloats("embedding.weight", embedding.Weight.Value.ToArray(), a.VocabularySize, a.EmbeddingSize)), ids)
            : g.Node("OneHot", [ids, g.Int64s([a.VocabularySize], []), g.Floats("one_hot_values", [0f, 1f], 2)], OnnxAttribute.Of("axis", -1L));
        string x = g.Transpose(input, 1, 0, 2); // [T, B, I]
        var (y, hn, cn) = RecurrentStackOnnx.Write(g, network.Rnn, network.Parameters, "rnn.", x, null, h0, c0);
        string weight = g.Add(OnnxTensor.FromFloats("head.weight", network.Head.Weight.Value.ToArray(), a.VocabularySize, a.HiddenSize));
        string bias = g.Add(OnnxTensor.FromFloats("head.bias", network.Head.Bias.Value.ToArray(), a.VocabularySize));
        string logits = g.Add(g.MatMul(g.Transpose(y, 1, 0, 2), g.Transpose(weight, 1, 0)), bias); // [B, T, V]
        g.Output("logits", logits, OnnxDataType.Float, OnnxDim.Symbol("B"), OnnxDim.Symbol("T"), OnnxDim.Of(a.VocabularySize));
        g.Output("hN", hn, OnnxDataType.Float, OnnxDim.Of(a.NumberOfLayers), OnnxDim.Symbol("B"), OnnxDim.Of(a.HiddenSize));
        if (cn is not null)
        {
            g.Output("cN", cn, OnnxDataType.Float, OnnxDim.Of(a.NumberOfLayers), OnnxDim.Symbol("B"), OnnxDim.Of(a.HiddenSize));
        }

        var model = new OnnxModel(g.Graph) { DocString = "MLNetRnn language model, one or more steps: input_ids [B, T] + state -> logits [B, T, V] + state." };
        model.Metadata.Add(new(OnnxMetadata.Kind, OnnxMetadata.LanguageModelKind));
        model.Metadata.Add(new(OnnxMetadata.FormatVersion, OnnxMetadata.CurrentFormatVersion.ToString(CultureInfo.InvariantCulture)));
        model.Metadata.Add(new(OnnxMetadata.Architecture, JsonSerializer.Serialize(a)));
        model.Metadata.Add(new(OnnxMetadata.Vocabulary, JsonSerializer.Serialize(vocabulary)));
        model.Metadata.Add(new(OnnxMetadata.Settings, JsonSerializer.Serialize(text)));
        return model;
    }

    /// <summary>Rebuilds the network, vocabulary and text settings from a graph written by <see cref="Write"/>.</summary>
    /// <remarks>The graph is untrusted: the network is allocated only after the graph is shown to store as many weights as its metadata claims.</remarks>
    /// <exception cref="InvalidDataException">The graph is not a language model of ours, is too new, or its metadata and weights disagree.</exception>
    public static (LanguageModelNetwork Network, string[] Vocabulary, LanguageModelText Text) Read(OnnxModel model)
    {
        OnnxModelCheck.Kind(model, OnnxMetadata.LanguageModelKind);
        var a = OnnxModelCheck.Json<LanguageModelArchitecture>(model, OnnxMetadata.Architecture);
        string[] vocabulary = OnnxModelCheck.Json<string[]>(model, OnnxMetadata.Vocabulary);
        var text = OnnxModelCheck.Json<LanguageModelText>(model, OnnxMetadata.Settings);
        if (a.VocabularySize < 5 || vocabulary.Length != a.VocabularySize || Array.Exists(vocabulary, t => t is null) || a.HiddenSize < 1 || a.NumberOfLayers < 1
            || a.EmbeddingSize < 1 || (a.OneHotInput && a.EmbeddingSize != a.VocabularySize) || !Enum.IsDefined(a.CellType) || !(a.Dropout >= 0f && a.Dropout < 1f)
            || !Enum.IsDefined(text.Level))
        {
            throw new InvalidDataException($"The language model's metadata is inconsistent (vocabulary {a.VocabularySize} vs {vocabulary.Length} tokens, hidden {a.HiddenSize}, layers {a.NumberOfLayers}, embedding {a.EmbeddingSize}, one-hot {a.OneHotInput}); the model is damaged.");
        }

        ParameterBudget.Require(model.Graph, a.ParameterCount, "language model");
        LanguageModelNetwork network;
        try
        {
            network = new LanguageModelNetwork(a, new SeededRandom(0));
            Text.Vocabulary.FromTokens(vocabulary);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The language model's metadata is invalid ({e.Message}); the model is damaged.", e);
        }

        var graph = model.Graph;
        if (network.Embedding is { } embedding)
        {
            RecurrentStackOnnx.Tensor(graph, "embedding.weight", embedding.Weight.Length).CopyTo(embedding.Weight.Value);
        }

        RecurrentStackOnnx.Read(graph, network.Rnn, network.Parameters, "rnn.");
        RecurrentStackOnnx.Tensor(graph, "head.weight", network.Head.Weight.Length).CopyTo(network.Head.Weight.Value);
        RecurrentStackOnnx.Tensor(graph, "head.bias", network.Head.Bias.Length).CopyTo(network.Head.Bias.Value);
        return (network, vocabulary, text);
    }
}
