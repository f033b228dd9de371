using MLNetRnn.Layers;

namespace MLNetRnn.LanguageModeling;

/// <summary>The shape of a recurrent language model: input (embedding or one-hot) → recurrent stack → dense head over the vocabulary.</summary>
/// <param name="VocabularySize">V: tokens, including <c>&lt;PAD&gt;</c>, <c>&lt;UNK&gt;</c>, <c>&lt;BOS&gt;</c> and <c>&lt;EOS&gt;</c>.</param>
/// <param name="CellType">The recurrent cell.</param>
/// <param name="OneHotInput">Whether tokens enter the network as one-hot vectors of size V (no embedding table; for small
/// vocabularies such as characters) instead of a learned embedding.</param>
/// <param name="EmbeddingSize">E, the embedding size; ignored (and stored as V) with one-hot input.</param>
/// <param name="HiddenSize">H.</param>
/// <param name="NumberOfLayers">L, stacked unidirectional layers.</param>
/// <param name="Dropout">Dropout between layers and before the head during training, in [0, 1).</param>
public sealed record LanguageModelArchitecture(
    int VocabularySize,
    RecurrentCellType CellType,
    bool OneHotInput,
    int EmbeddingSize,
    int HiddenSize,
    int NumberOfLayers,
    float Dropout)
{
    /// <summary>Gets the width of the recurrent stack's input: V with one-hot input, else E.</summary>
    public int InputSize => OneHotInput ? VocabularySize : EmbeddingSize;

    /// <summary>The number of trainable scalars: V·E (no table with one-hot input) + the stack + V·H + V.</summary>
    /// <returns>The count, computed from the sizes alone (a reader checks it before allocating).</returns>
    /// <exception cref="OverflowException">The sizes overflow a 64-bit count.</exception>
    public long ParameterCount()
    {
        checked
        {
            long table = OneHotInput ? 0 : (long)VocabularySize * EmbeddingSize;
            return table + Onnx.ParameterBudget.Recurrent(CellType, InputSize, HiddenSize, NumberOfLayers, false)
                + ((long)VocabularySize * HiddenSize) + VocabularySize;
        }
    }
}
