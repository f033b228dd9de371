using System.Globalization;
using System.Text.Json;
using MLNetRnn.Numerics;
using MLNetRnn.Onnx;

namespace MLNetRnn.Tagging;

// T = tokens, E = embedding, H = hidden, D = directions, P = D*H, K = tags, X = E (+ 2*Hc with character features).

/// <summary>Writes a trained sequence tagger as one ONNX graph for ML.NET's ONNX transform, and reads it back.</summary>
/// <remarks>
/// <para>Input: the token keys of one row, uint32 [1, T] (ML.NET's key column; id = key + 1, an empty row reads as one
/// <c>&lt;UNK&gt;</c>); with character features also the row's character keys, uint16 [1, N] (ML.NET's
/// <c>TokenizeIntoCharactersAsKeys</c> over the same tokens, see <see cref="CharacterFeaturesOnnx"/>). Output: the
/// predicted tags as text, [1, T] (ML.NET reads dimension 0 as the row, so the column is a variable-length vector of String).</para>
/// <para>Graph: Gather(embedding) [‖ character features] → the recurrent stack (<see cref="RecurrentStackOnnx"/>) →
/// Gemm(head) per token → emissions [T, K] → ArgMax per token (softmax head; ONNX's ArgMax takes the first maximum, as the
/// engine) or Viterbi (<see cref="ViterbiOnnx"/>, CRF head) → tag ids → Gather on the tag strings. Initializers keep
/// PyTorch names (<c>embedding.weight</c>, <c>char.embedding.weight</c>, <c>head.weight</c>, <c>head.bias</c>,
/// <c>crf.transitions</c> …); metadata carries the architecture, tags and vocabularies, so <see cref="Read"/> rebuilds the network exactly.</para>
/// </remarks>
internal static class TaggerOnnx
{
    /// <summary>The graph of a tagger without character features.</summary>
    public static OnnxModel Write(SequenceTaggerNetwork network, IReadOnlyList<string> tags, IReadOnlyList<string> vocabulary, string featureColumn, string predictedTagsColumn) =>
        Write(network, tags, vocabulary, null, new ColumnNames(featureColumn, null, predictedTagsColumn));

    public static OnnxModel Write(SequenceTaggerNetwork network, IReadOnlyList<string> tags, IReadOnlyList<string> vocabulary,
        IReadOnlyList<string>? characterVocabulary, ColumnNames columns)
    {
        var a = network.Architecture;
        if ((network.Characters is null) != (columns.Characters is null) || (network.Characters is null) != (characterVocabulary is null))
        {
            throw new ArgumentException("A tagger with character features needs its character column and vocabulary, and one without needs neither.", nameof(columns));
        }

        var g = new OnnxGraphBuilder("sequence_tagger");
        string keys = g.Input(columns.Features, OnnxDataType.UInt32, OnnxDim.Of(1), OnnxDim.Symbol("T"));
        string ids = SequenceIdsOnnx.FromKeys(g, keys);
        string table = g.Add(OnnxTensor.FromFloats("embedding.weight", network.Embedding.Weight.Value.ToArray(), a.VocabularySize, a.EmbeddingSize));
        string x = g.Transpose(g.Gather(table, ids), 1, 0, 2); // [T, 1, E]
        if (network.Characters is { } encoder)
        {
            string characterKeys = g.Input(columns.Characters!, OnnxDataType.UInt16, OnnxDim.Of(1), OnnxDim.Symbol("N"));
            string words = CharacterFeaturesOnnx.Write(g, characterKeys, encoder, network.Parameters, characterVocabulary!); // [T, 2·Hc]
            x = g.Concat(2, x, g.Unsqueeze(words, 1)); // [T, 1, X]
        }

        var (y, _, _) = RecurrentStackOnnx.Write(g, network.Rnn, network.Parameters, "rnn.", x, null, null, null);
        int p = network.Rnn.OutputSize;
        string weight = g.Add(OnnxTensor.FromFloats("head.weight", network.Head.Weight.Value.ToArray(), a.TagCount, p));
        string bias = g.Add(OnnxTensor.FromFloats("head.bias", network.Head.Bias.Value.ToArray(), a.TagCount));
        string emissions = g.Linear(g.Reshape(y, -1, p), weight, bias); // [T, K]
        string best = network.Crf is { } crf
            ? ViterbiOnnx.Write(g, emissions, crf)
            : g.Node("ArgMax", [emissions], OnnxAttribute.Of("axis", 1L), OnnxAttribute.Of("keepdims", 0L)); // [T]
        string text = g.Gather(g.Strings("tags", [.. tags], tags.Count), best);
        g.Output(columns.PredictedTags, g.Reshape(text, 1, -1), OnnxDataType.String, OnnxDim.Of(1), OnnxDim.Symbol("T"));

        var model = new OnnxModel(g.Graph);
        model.Metadata.Add(new(OnnxMetadata.Kind, OnnxMetadata.TaggerKind));
        model.Metadata.Add(new(OnnxMetadata.FormatVersion, OnnxMetadata.CurrentFormatVersion.ToString(CultureInfo.InvariantCulture)));
        model.Metadata.Add(new(OnnxMetadata.Architecture, JsonSerializer.Serialize(a)));
        model.Metadata.Add(new(OnnxMetadata.Labels, JsonSerializer.Serialize(tags)));
        model.Metadata.Add(new(OnnxMetadata.Vocabulary, JsonSerializer.Serialize(vocabulary)));
        model.Metadata.Add(new(OnnxMetadata.InputColumn, columns.Features));
        model.Metadata.Add(new(OnnxMetadata.OutputColumn, columns.PredictedTags));
        if (columns.Characters is { } characterColumn)
        {
            model.Opsets["ai.onnx.ml"] = 2;
            model.Metadata.Add(new(OnnxMetadata.CharacterColumn, characterColumn));
            model.Metadata.Add(new(OnnxMetadata.CharacterVocabulary, JsonSerializer.Serialize(characterVocabulary)));
        }

        return model;
    }

    /// <summary>Rebuilds the network, tags, vocabulary and character vocabulary (null without character features) from a graph written by <c>Write</c>.</summary>
    /// <remarks>The graph is untrusted: the network is allocated only after the graph is shown to store as many weights as its metadata claims.</remarks>
    /// <exception cref="InvalidDataException">The graph is not a tagger, is too new, uses an unknown component, or its metadata and weights disagree.</exception>
    public static (SequenceTaggerNetwork Network, string[] Tags, string[] Vocabulary, string[]? Characters) Read(OnnxModel model)
    {
        OnnxModelCheck.Kind(model, OnnxMetadata.TaggerKind);
        var a = OnnxModelCheck.Json<TaggerArchitecture>(model, OnnxMetadata.Architecture);
        string[] tags = OnnxModelCheck.Json<string[]>(model, OnnxMetadata.Labels);
        string[] vocabulary = OnnxModelCheck.Json<string[]>(model, OnnxMetadata.Vocabulary);
        string[]? characters = a.HasCharacterFeatures ? OnnxModelCheck.Json<string[]>(model, OnnxMetadata.CharacterVocabulary) : null;
        bool charactersSound = characters is null
            ? a.CharacterCount == 0
            : a.CharacterCount >= TaggerCharacters.FirstCharacter && characters.Length == a.CharacterCount && a.CharacterEmbeddingSize >= 1 && a.CharacterHiddenSize >= 1
                && characters.Skip(TaggerCharacters.FirstCharacter).All(c => c is { Length: 1 }) && model.MetadataValue(OnnxMetadata.CharacterColumn) is { Length: > 0 };
        if (a.VocabularySize < 2 || a.TagCount < 1 || a.EmbeddingSize < 1 || a.HiddenSize < 1 || a.NumberOfLayers < 1
            || !Enum.IsDefined(a.CellType) || !(a.Dropout >= 0f && a.Dropout < 1f) || !charactersSound
            || tags.Length != a.TagCount || vocabulary.Length != a.VocabularySize || Array.Exists(tags, t => t is null) || Array.Exists(vocabulary, t => t is null))
        {
            throw new InvalidDataException($"The tagger's metadata is inconsistent ({a.TagCount} tags, {tags.Length} tag names, vocabulary {a.VocabularySize} vs {vocabulary.Length} tokens, characters {a.CharacterCount} vs {characters?.Length ?? 0}); the model is damaged.");
        }

        ParameterBudget.Require(model.Graph, () => ParameterBudget.Tagger(a), "tagger");
        SequenceTaggerNetwork network;
        try
        {
            network = new SequenceTaggerNetwork(a, new SeededRandom(0));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"The tagger's architecture metadata is invalid ({e.Message}); the model is damaged.", e);
        }

        var graph = model.Graph;
        RecurrentStackOnnx.Tensor(graph, "embedding.weight", network.Embedding.Weight.Length).CopyTo(network.Embedding.Weight.Value);
        if (network.Characters is { } encoder)
        {
            RecurrentStackOnnx.Tensor(graph, "char.embedding.weight", encoder.Embedding.Weight.Length).CopyTo(encoder.Embedding.Weight.Value);
            RecurrentStackOnnx.Read(graph, encoder.Rnn, network.Parameters, "char.rnn.");
        }

        RecurrentStackOnnx.Read(graph, network.Rnn, network.Parameters, "rnn.");
        RecurrentStackOnnx.Tensor(graph, "head.weight", network.Head.Weight.Length).CopyTo(network.Head.Weight.Value);
        RecurrentStackOnnx.Tensor(graph, "head.bias", network.Head.Bias.Length).CopyTo(network.Head.Bias.Value);
        if (network.Crf is { } crf)
        {
            RecurrentStackOnnx.Tensor(graph, "crf.start_transitions", crf.StartTransitions.Length).CopyTo(crf.StartTransitions.Value);
            RecurrentStackOnnx.Tensor(graph, "crf.end_transitions", crf.EndTransitions.Length).CopyTo(crf.EndTransitions.Value);
            RecurrentStackOnnx.Tensor(graph, "crf.transitions", crf.Transitions.Length).CopyTo(crf.Transitions.Value);
        }

        return (network, tags, vocabulary, characters);
    }

    /// <summary>The graph's columns: token keys in, character keys in (null without character features), predicted tags out.</summary>
    internal sealed record ColumnNames(string Features, string? Characters, string PredictedTags);
}
