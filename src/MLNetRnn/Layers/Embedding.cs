using MLNetRnn.Numerics;

namespace MLNetRnn.Layers;

// N = number of ids looked up (for a batch, T*B in time-major order), V = vocabulary size, E = embedding size.

/// <summary>
/// A lookup table from token ids to learned vectors, like PyTorch's <c>nn.Embedding</c> with <c>padding_idx</c>.
/// </summary>
/// <remarks>
/// Forward: <c>y[n, :] = W[ids[n], :]</c>. Backward: <c>dW[ids[n], :] += dy[n, :]</c> for every id except the padding id,
/// whose row never receives gradient (and is initialised to zero), so padding contributes nothing.
/// Initialisation as PyTorch: <c>W ~ N(0, 1)</c>, padding row zero.
/// </remarks>
public sealed class Embedding
{
    private readonly Parameter _weight; // (V, E)

    /// <summary>Creates the table and adds its weight <c>{prefix}weight</c> (V, E) to <paramref name="store"/>.</summary>
    /// <param name="store">Where the weight lives.</param>
    /// <param name="vocabularySize">V, the number of ids; at least 1.</param>
    /// <param name="embeddingSize">E, the vector size; at least 1.</param>
    /// <param name="random">The seeded source for the N(0, 1) initialisation.</param>
    /// <param name="paddingId">The id whose row stays zero and gets no gradient, or -1 for none. Default 0 (<c>&lt;PAD&gt;</c>).</param>
    /// <param name="prefix">Name prefix, for example <c>"embedding."</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or <paramref name="paddingId"/> is not -1 and not a valid id.</exception>
    public Embedding(ParameterStore store, int vocabularySize, int embeddingSize, SeededRandom random, int paddingId = 0, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocabularySize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingSize);
        if (paddingId < -1 || paddingId >= vocabularySize)
        {
            throw new ArgumentOutOfRangeException(nameof(paddingId), paddingId, $"The padding id must be -1 (none) or in [0, {vocabularySize}).");
        }

        VocabularySize = vocabularySize;
        EmbeddingSize = embeddingSize;
        PaddingId = paddingId;
        _weight = store.Add(prefix + "weight", vocabularySize, embeddingSize);
        random.FillGaussian(_weight.Value, 0f, 1f);
        if (paddingId >= 0)
        {
            _weight.Value.Slice(paddingId * embeddingSize, embeddingSize).Clear();
        }
    }

    /// <summary>Gets V, the number of ids.</summary>
    public int VocabularySize { get; }

    /// <summary>Gets E, the vector size.</summary>
    public int EmbeddingSize { get; }

    /// <summary>Gets the id that gets no gradient, or -1.</summary>
    public int PaddingId { get; }

    /// <summary>Gets the weight tensor (V, E).</summary>
    public Parameter Weight => _weight;

    /// <summary>Looks up each id's vector.</summary>
    /// <param name="ids">N ids, each in [0, V).</param>
    /// <param name="output">N*E floats, overwritten with the vectors, row n for id n.</param>
    /// <exception cref="ArgumentException"><paramref name="output"/> is shorter than N*E.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, V); the message names its position and value.</exception>
    public void Forward(ReadOnlySpan<int> ids, Span<float> output)
    {
        int e = EmbeddingSize;
        Check.Length(output, (long)ids.Length * e, nameof(output));
        ReadOnlySpan<float> w = _weight.Value;
        for (int n = 0; n < ids.Length; n++)
        {
            int id = ids[n];
            CheckId(id, n);
            w.Slice(id * e, e).CopyTo(output.Slice(n * e, e));
        }
    }

    /// <summary>Adds the gradient of each looked-up vector into its row of the weight gradient.</summary>
    /// <param name="ids">The N ids given to <see cref="Forward"/>.</param>
    /// <param name="outputGradient">N*E floats, the gradient with respect to the output.</param>
    /// <exception cref="ArgumentException"><paramref name="outputGradient"/> is shorter than N*E.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, V).</exception>
    public void Backward(ReadOnlySpan<int> ids, ReadOnlySpan<float> outputGradient)
    {
        int e = EmbeddingSize;
        Check.Length(outputGradient, (long)ids.Length * e, nameof(outputGradient));
        Span<float> dw = _weight.Gradient;
        for (int n = 0; n < ids.Length; n++)
        {
            int id = ids[n];
            CheckId(id, n);
            if (id != PaddingId)
            {
                _weight.RowSparse?.Mark(id);
                Span<float> row = dw.Slice(id * e, e);
                System.Numerics.Tensors.TensorPrimitives.Add(row, outputGradient.Slice(n * e, e), row);
            }
        }
    }

    /// <summary>
    /// Makes the table's gradient row-sparse and its optimizer updates lazy: zeroing, clipping and the optimizer visit only
    /// the rows a batch looked up, so their cost follows the batch rather than the vocabulary, and a row not in the batch
    /// is left as it is (PyTorch's <c>sparse=True</c> with <c>SparseAdam</c>; see <see cref="RowSparseGradient"/>).
    /// </summary>
    internal void UseSparseUpdates() => _weight.RowSparse ??= new RowSparseGradient(VocabularySize, EmbeddingSize);

    /// <summary>Sets or clears a row of pretrained values, for example from a GloVe file.</summary>
    /// <param name="id">The row to set.</param>
    /// <param name="vector">E values.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="id"/> is outside [0, V).</exception>
    /// <exception cref="ArgumentException"><paramref name="vector"/> does not have E values.</exception>
    public void SetVector(int id, ReadOnlySpan<float> vector)
    {
        CheckId(id, 0);
        if (vector.Length != EmbeddingSize)
        {
            throw new ArgumentException($"The vector has {vector.Length} values; this embedding has size {EmbeddingSize}.", nameof(vector));
        }

        vector.CopyTo(_weight.Value.Slice(id * EmbeddingSize, EmbeddingSize));
    }

    private void CheckId(int id, int position)
    {
        if ((uint)id >= (uint)VocabularySize)
        {
            throw new ArgumentOutOfRangeException("ids", id, $"Id {id} at position {position} is outside the vocabulary [0, {VocabularySize}); map unknown tokens to <UNK> before the lookup.");
        }
    }
}
