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
public sealed record TaggerArchitecture(
    int VocabularySize,
    int TagCount,
    RecurrentCellType CellType,
    int EmbeddingSize,
    int HiddenSize,
    int NumberOfLayers,
    bool Bidirectional,
    float Dropout,
    bool Crf);
