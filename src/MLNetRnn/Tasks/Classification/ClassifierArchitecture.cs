using MLNetRnn.Layers;

namespace MLNetRnn.Classification;

/// <summary>The shape of a sequence classifier: everything needed to rebuild it before loading its weights.</summary>
/// <param name="VocabularySize">V, rows of the embedding (id 0 is padding).</param>
/// <param name="ClassCount">C, outputs of the head.</param>
/// <param name="CellType">The recurrent cell.</param>
/// <param name="EmbeddingSize">E.</param>
/// <param name="HiddenSize">H.</param>
/// <param name="NumberOfLayers">L.</param>
/// <param name="Bidirectional">Whether each layer also reads backwards.</param>
/// <param name="Dropout">Dropout between recurrent layers and before the head, in training.</param>
/// <param name="Pooling">How the sequence is summarised.</param>
public sealed record ClassifierArchitecture(
    int VocabularySize,
    int ClassCount,
    RecurrentCellType CellType,
    int EmbeddingSize,
    int HiddenSize,
    int NumberOfLayers,
    bool Bidirectional,
    float Dropout,
    SequencePooling Pooling);
