using MLNetRnn.Layers;

namespace MLNetRnn.SequenceToSequence;

/// <summary>The shape of an encoder–decoder: everything needed to rebuild it before loading its weights.</summary>
/// <param name="SourceVocabularySize">Vs, rows of the source embedding (id 0 is padding).</param>
/// <param name="TargetVocabularySize">Vt, rows of the target embedding and outputs of the head (with <c>&lt;BOS&gt;</c>, <c>&lt;EOS&gt;</c>).</param>
/// <param name="EncoderCell">The encoder's cell.</param>
/// <param name="DecoderCell">The decoder's cell.</param>
/// <param name="EmbeddingSize">E, for source and target embeddings.</param>
/// <param name="HiddenSize">H, the encoder's hidden size per direction.</param>
/// <param name="EncoderLayers">Encoder layers.</param>
/// <param name="Bidirectional">Whether the encoder reads both ways (memory width D*H).</param>
/// <param name="DecoderHiddenSize">Hd, the decoder's hidden size.</param>
/// <param name="DecoderLayers">Decoder layers.</param>
/// <param name="Attention">The attention score, or null for none (the decoder sees the source only through its initial state).</param>
/// <param name="Dropout">Dropout between recurrent layers and on the combined output, in training.</param>
/// <param name="TieEmbeddings">Whether the output layer reuses the target embedding (V, E) as its weight.</param>
public sealed record Seq2SeqArchitecture(
    int SourceVocabularySize,
    int TargetVocabularySize,
    RecurrentCellType EncoderCell,
    RecurrentCellType DecoderCell,
    int EmbeddingSize,
    int HiddenSize,
    int EncoderLayers,
    bool Bidirectional,
    int DecoderHiddenSize,
    int DecoderLayers,
    AttentionScore? Attention,
    float Dropout,
    bool TieEmbeddings);
