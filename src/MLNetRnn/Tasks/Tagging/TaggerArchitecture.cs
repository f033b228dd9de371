using System.Text.Json.Serialization;
using MLNetRnn.Layers;

namespace MLNetRnn.Tagging;

/// <summary>The shape of a sequence tagger: everything needed to rebuild it before loading its weights.</summary>
/// <param name="VocabularySize">V, rows of the embedding (id 0 is padding).</param>
/// <param name="TagCount">K, outputs of the per-token head (and states of the CRF).</param>
/// <param name="CellType">The recurrent cell.</param>
/// <param name="EmbeddingSize">E.</param>
/// <param name="HiddenSize">H per direction.</param>
/// <param name="NumberOfLayers">L.</param>
/// <param name="Bidirectional">Whether each layer also reads right to left.</param>
/// <param name="Dropout">Dropout between recurrent layers and before the head, in training.</param>
/// <param name="Crf">Whether a linear-chain CRF scores tag sequences (Viterbi decoding) instead of a per-token softmax.</param>
/// <param name="CharacterCount">C, the character vocabulary of the character features (ids 0–2 are padding, unknown and the
/// word boundary), or 0 (default) for a tagger without character features.</param>
/// <param name="CharacterEmbeddingSize">Ec, the character embedding size (0 without character features).</param>
/// <param name="CharacterHiddenSize">Hc, the character BiLSTM's hidden size per direction (0 without character features);
/// each word's vector of 2·Hc is concatenated with its word embedding, so the recurrent stack reads E + 2·Hc.</param>
public sealed record TaggerArchitecture(
    int VocabularySize,
    int TagCount,
    RecurrentCellType CellType,
    int EmbeddingSize,
    int HiddenSize,
    int NumberOfLayers,
    bool Bidirectional,
    float Dropout,
    bool Crf,
    int CharacterCount = 0,
    int CharacterEmbeddingSize = 0,
    int CharacterHiddenSize = 0)
{
    /// <summary>Gets whether each word is also read from its characters.</summary>
    [JsonIgnore]
    public bool HasCharacterFeatures => CharacterCount > 0;

    /// <summary>Gets what the recurrent stack reads per token: E, plus 2·Hc with character features.</summary>
    [JsonIgnore]
    public int TokenInputSize => EmbeddingSize + (HasCharacterFeatures ? 2 * CharacterHiddenSize : 0);
}
