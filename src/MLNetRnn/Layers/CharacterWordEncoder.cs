using MLNetRnn.Numerics;
using MLNetRnn.Training;

namespace MLNetRnn.Layers;

// W = words encoded in one call, L = longest word in characters, C = character vocabulary, Ec = character embedding,
// Hc = character hidden size per direction; the output of a word is 2*Hc: [forward final state; reverse final state].

/// <summary>
/// Encodes each word from its characters: a character embedding read by a one-layer bidirectional LSTM, whose two final
/// states are the word's vector (Lample et al. 2016's character features for taggers). Tensors:
/// <c>{prefix}embedding.weight</c> (C, Ec), <c>{prefix}rnn.weight_ih_l0</c> (4*Hc, Ec) … <c>{prefix}rnn.bias_hh_l0_reverse</c>
/// (4*Hc), as a PyTorch module with an <c>nn.Embedding(C, Ec, padding_idx=0)</c> and an
/// <c>nn.LSTM(Ec, Hc, bidirectional=True)</c> run on a packed sequence.
/// </summary>
/// <remarks>
/// <para>A word is a sequence of character ids, at least one (the tagger adds a boundary id before and after the
/// characters, so an empty word is still two ids). Forward: <c>y[w] = [h→_{len−1}; h←_0]</c>, the forward direction's
/// state after the word's last character and the reverse direction's state after reading back to its first, as
/// PyTorch's <c>h_n</c> of a packed sequence.</para>
/// <para>Backward adds every parameter's gradient from <c>dy</c> (W, 2*Hc). Not thread-safe: Forward keeps what Backward needs.</para>
/// </remarks>
public sealed class CharacterWordEncoder
{
    private SequenceBatch? _batch;
    private float[] _x = [], _y = [], _hN = [], _dHn = [], _dx = [];

    /// <summary>Creates the encoder and adds its tensors to <paramref name="store"/>.</summary>
    /// <param name="store">Where the tensors live.</param>
    /// <param name="characterCount">C, character ids (0 is padding); at least 2.</param>
    /// <param name="embeddingSize">Ec; at least 1.</param>
    /// <param name="hiddenSize">Hc per direction; at least 1.</param>
    /// <param name="random">The seeded source for initialisation.</param>
    /// <param name="prefix">Name prefix, for example <c>"char."</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is out of range.</exception>
    public CharacterWordEncoder(ParameterStore store, int characterCount, int embeddingSize, int hiddenSize, SeededRandom random, string prefix = "char.")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(characterCount, 2);
        Embedding = new Embedding(store, characterCount, embeddingSize, random, 0, prefix + "embedding.");
        Rnn = new RecurrentStack(store, RecurrentCellType.Lstm, embeddingSize, hiddenSize, random, 1, bidirectional: true, 0f, prefix + "rnn.");
    }

    /// <summary>Gets the character embedding (C, Ec).</summary>
    public Embedding Embedding { get; }

    /// <summary>Gets the bidirectional character LSTM.</summary>
    public RecurrentStack Rnn { get; }

    /// <summary>Gets 2*Hc, the size of a word's vector.</summary>
    public int OutputSize => 2 * Rnn.HiddenSize;

    /// <summary>Encodes each word.</summary>
    /// <param name="words">W words, each a non-empty array of character ids in [0, C).</param>
    /// <param name="output">(W, 2*Hc), overwritten.</param>
    /// <exception cref="ArgumentException">There is no word, a word is empty, or <paramref name="output"/> has the wrong size.</exception>
    public void Forward(IReadOnlyList<int[]> words, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (words.Count == 0)
        {
            throw new ArgumentException("There are no words to encode; pass at least one.", nameof(words));
        }

        int w = words.Count, h = Rnn.HiddenSize, e = Embedding.EmbeddingSize;
        Check.Exact(output, nameof(output), ("W", w), ("D", 2), ("Hc", h));
        var rows = new int[w];
        for (int i = 0; i < w; i++)
        {
            rows[i] = i;
        }

        var batch = _batch = SequenceBatch.Create(words, rows);
        int l = batch.TimeSteps;
        Buffers.Ensure(ref _x, l * w * e);
        Buffers.Ensure(ref _y, l * w * 2 * h);
        Buffers.Ensure(ref _hN, 2 * w * h);
        Embedding.Forward(batch.Ids, _x.AsSpan(0, l * w * e));
        Span<float> hN = _hN.AsSpan(0, 2 * w * h);
        Rnn.Forward(_x.AsSpan(0, l * w * e), l, w, batch.Lengths, _y.AsSpan(0, l * w * 2 * h), hN: hN);
        for (int i = 0; i < w; i++)
        {
            hN.Slice(i * h, h).CopyTo(output.Slice(i * 2 * h, h));            // forward direction, slot 0
            hN.Slice((w + i) * h, h).CopyTo(output.Slice((i * 2 * h) + h, h)); // reverse direction, slot 1
        }
    }

    /// <summary>Adds the gradient of the last <see cref="Forward"/> to every parameter.</summary>
    /// <param name="outputGradient">(W, 2*Hc), the gradient with respect to the output.</param>
    /// <exception cref="InvalidOperationException">No Forward ran before.</exception>
    /// <exception cref="ArgumentException"><paramref name="outputGradient"/> has the wrong size.</exception>
    public void Backward(ReadOnlySpan<float> outputGradient)
    {
        var batch = _batch ?? throw new InvalidOperationException("Backward needs a Forward first.");
        int w = batch.BatchSize, l = batch.TimeSteps, h = Rnn.HiddenSize, e = Embedding.EmbeddingSize;
        Check.Exact(outputGradient, nameof(outputGradient), ("W", w), ("D", 2), ("Hc", h));
        Buffers.Ensure(ref _dHn, 2 * w * h);
        Span<float> dHn = _dHn.AsSpan(0, 2 * w * h);
        for (int i = 0; i < w; i++)
        {
            outputGradient.Slice(i * 2 * h, h).CopyTo(dHn.Slice(i * h, h));
            outputGradient.Slice((i * 2 * h) + h, h).CopyTo(dHn.Slice((w + i) * h, h));
        }

        Buffers.Ensure(ref _dx, l * w * e);
        Span<float> dx = _dx.AsSpan(0, l * w * e);
        Rnn.Backward(default, dHn, default, dx);
        Embedding.Backward(batch.Ids, dx);
    }
}
