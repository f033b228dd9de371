using System.Numerics.Tensors;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Training;

namespace MLNetRnn.Tagging;

// T = time (longest row of the batch), B = batch, E = embedding, H = hidden, D = directions, P = D*H, K = tags.
// X = what the stack reads per token: E, or E + 2*Hc with character features (W = distinct words of the batch).
// Time-major like the rest of the engine: token (t, b) is row t*B + b of every (T, B, ·) buffer; tags (t, b) at t*B + b.

/// <summary>
/// Embedding → recurrent stack → dropout → dense per token → softmax cross-entropy over real tokens, or a linear-chain
/// CRF's negative log-likelihood. Tensors are named like a PyTorch module: <c>embedding.weight</c> (V, E),
/// <c>rnn.weight_ih_l0</c> …, <c>head.weight</c> (K, P), <c>head.bias</c> (K), and with a CRF <c>crf.start_transitions</c>
/// (K), <c>crf.end_transitions</c> (K), <c>crf.transitions</c> (K, K); with character features <c>char.embedding.weight</c>
/// (C, Ec) and <c>char.rnn.*</c> (<see cref="CharacterWordEncoder"/>), whose word vector is concatenated after the word
/// embedding: x_t = [embedding(w_t); chars(w_t)].
/// Not thread-safe (it keeps activations for backward); give each thread its own <see cref="Clone"/>.
/// </summary>
/// <remarks>
/// Padding (t ≥ len[b]) is never read: the stack packs real tokens only, the softmax loss skips padding rows, and the CRF
/// reads real steps only, so a row gets the same loss share and tags alone or in any ragged batch.
/// Softmax loss: mean over the batch's real tokens of <c>−log softmax(z_t)[y_t]</c>. CRF loss: mean over the batch's
/// sentences of <c>log Z − s(gold)</c> (pytorch-crf's <c>reduction='mean'</c>).
/// </remarks>
internal sealed class SequenceTaggerNetwork
{
    private const int Ignore = -100;
    private readonly SeededRandom _dropoutRandom;
    private SequenceBatch? _batch;
    private CharacterBatch? _characters;
    private float[] _embedded = [], _charOut = [], _dCharOut = [];
    private float[] _x = [], _output = [], _dropMask = [], _emissions = [], _dEmissions = [], _dOut = [], _dx = [];
    private int[] _targets = [];
    private bool _dropped, _skipBackward;

    public SequenceTaggerNetwork(TaggerArchitecture architecture, SeededRandom random)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(architecture.TagCount);
        Architecture = architecture;
        Parameters = new ParameterStore();
        Embedding = new Embedding(Parameters, architecture.VocabularySize, architecture.EmbeddingSize, random, 0, "embedding.");
        Characters = architecture.HasCharacterFeatures
            ? new CharacterWordEncoder(Parameters, architecture.CharacterCount, architecture.CharacterEmbeddingSize, architecture.CharacterHiddenSize, random, "char.")
            : null;
        Rnn = new RecurrentStack(Parameters, architecture.CellType, architecture.TokenInputSize, architecture.HiddenSize, random,
            architecture.NumberOfLayers, architecture.Bidirectional, architecture.NumberOfLayers > 1 ? architecture.Dropout : 0f, "rnn.");
        Head = new Dense(Parameters, Rnn.OutputSize, architecture.TagCount, random, "head.");
        Crf = architecture.Crf ? new LinearChainCrf(Parameters, architecture.TagCount, random, "crf.") : null;
        _dropoutRandom = random.Fork();
    }

    public TaggerArchitecture Architecture { get; }

    public ParameterStore Parameters { get; }

    public Embedding Embedding { get; }

    /// <summary>Gets the character encoder, or null without character features.</summary>
    public CharacterWordEncoder? Characters { get; }

    public RecurrentStack Rnn { get; }

    public Dense Head { get; }

    /// <summary>Gets the CRF, or null for a softmax head.</summary>
    public LinearChainCrf? Crf { get; }

    /// <summary>Gets every random stream training draws from inside the network, in a fixed order (for checkpoints).</summary>
    internal IReadOnlyList<SeededRandom> RandomStreams => [Rnn.DropoutRandom, _dropoutRandom];

    /// <summary>A network with the same architecture and a copy of the weights, for another thread.</summary>
    public SequenceTaggerNetwork Clone()
    {
        var copy = new SequenceTaggerNetwork(Architecture, new SeededRandom(0));
        Parameters.Values.CopyTo(copy.Parameters.Values);
        return copy;
    }

    /// <summary>
    /// Runs the batch up to the tag scores (emissions, (T, B, K)) and returns the loss when <paramref name="tags"/> are
    /// given (else 0), keeping what <see cref="Backward"/> needs.
    /// </summary>
    /// <param name="batch">The padded batch.</param>
    /// <param name="training">Whether dropout is applied.</param>
    /// <param name="tags">(T, B) gold tags in [0, K) at real positions (padding positions are ignored), or empty.</param>
    /// <param name="characters">The batch's words as characters; required with character features, else ignored.</param>
    /// <returns>The softmax loss per real token or the CRF loss per sentence, in double (unrounded); in training, NaN
    /// when a score is not finite (then <see cref="Backward"/> adds nothing), so the training loop can skip the batch or stop.</returns>
    public double Forward(SequenceBatch batch, bool training, ReadOnlySpan<int> tags, CharacterBatch? characters = null)
    {
        _batch = batch;
        int t = batch.TimeSteps, b = batch.BatchSize, x = Architecture.TokenInputSize, p = Rnn.OutputSize, k = Architecture.TagCount;
        Buffers.Ensure(ref _x, t * b * x);
        Buffers.Ensure(ref _output, t * b * p);
        Buffers.Ensure(ref _emissions, t * b * k);
        Buffers.Ensure(ref _dEmissions, t * b * k);
        EmbedTokens(batch, characters, _x.AsSpan(0, t * b * x));
        Span<float> output = _output.AsSpan(0, t * b * p);
        Rnn.Forward(_x.AsSpan(0, t * b * x), t, b, batch.Lengths, output, training: training);
        _dropped = training && Architecture.Dropout > 0f;
        if (_dropped)
        {
            Buffers.Ensure(ref _dropMask, t * b * p);
            DropoutMask.Apply(_dropoutRandom, Architecture.Dropout, _dropMask.AsSpan(0, t * b * p), output);
        }

        Span<float> emissions = _emissions.AsSpan(0, t * b * k);
        Head.Forward(output, t * b, emissions); // padding rows hold the bias only; nothing reads them
        if (tags.IsEmpty)
        {
            return 0;
        }

        if (tags.Length != t * b)
        {
            throw new ArgumentException($"'tags' has {tags.Length} elements but the batch (T={t}, B={b}) needs {t * b}.", nameof(tags));
        }

        _skipBackward = false;
        if (Crf is not null)
        {
            if (training && !RealEmissionsFinite(batch, emissions))
            {
                _skipBackward = true; // as the softmax's nonFiniteIsNaN: the loop names the step or skips the batch
                return double.NaN;
            }

            return Crf.Forward(emissions, t, b, batch.Lengths, tags, LossReduction.Mean);
        }

        Span<int> targets = Buffers.Grow(ref _targets, t * b);
        for (int step = 0; step < t; step++)
        {
            for (int row = 0; row < b; row++)
            {
                int i = (step * b) + row;
                targets[i] = step < batch.Lengths[row] ? tags[i] : Ignore;
            }
        }

        return SoftmaxCrossEntropy.ComputeExact(emissions, targets, k, _dEmissions.AsSpan(0, t * b * k), Ignore, LossReduction.Mean, 0f, nonFiniteIsNaN: training);
    }

    /// <summary>Adds the gradient of the last <see cref="Forward"/>'s loss (it needs tags) to every parameter.</summary>
    /// <exception cref="InvalidOperationException">No Forward ran before.</exception>
    public void Backward()
    {
        var batch = _batch ?? throw new InvalidOperationException("Backward needs a Forward with tags first.");
        if (_skipBackward)
        {
            return; // the loss was not finite; the training loop skips this batch or stops
        }

        int t = batch.TimeSteps, b = batch.BatchSize, p = Rnn.OutputSize, k = Architecture.TagCount;
        Span<float> dEmissions = _dEmissions.AsSpan(0, t * b * k);
        Crf?.Backward(dEmissions); // the softmax head's gradient was written by Forward
        Buffers.Ensure(ref _dOut, t * b * p);
        Span<float> dOut = _dOut.AsSpan(0, t * b * p);
        Head.Backward(_output.AsSpan(0, t * b * p), dEmissions, t * b, dOut);
        if (_dropped)
        {
            TensorPrimitives.Multiply(dOut, _dropMask.AsSpan(0, t * b * p), dOut);
        }

        int x = Architecture.TokenInputSize;
        Buffers.Ensure(ref _dx, t * b * x);
        Span<float> dx = _dx.AsSpan(0, t * b * x);
        Rnn.Backward(dOut, default, default, dx);
        BackwardTokens(batch, dx);
    }

    /// <summary>x (T, B, X): each token's word embedding, followed by its word's character vector (zero on padding).</summary>
    private void EmbedTokens(SequenceBatch batch, CharacterBatch? characters, Span<float> x)
    {
        int n = batch.Ids.Length, e = Architecture.EmbeddingSize;
        if (Characters is null)
        {
            _characters = null;
            Embedding.Forward(batch.Ids, x);
            return;
        }

        _characters = characters ?? throw new ArgumentNullException(nameof(characters), "This tagger reads characters too; pass the batch's CharacterBatch.");
        if (characters.WordOfToken.Length != n)
        {
            throw new ArgumentException($"The character batch covers {characters.WordOfToken.Length} positions but the batch has {n}.", nameof(characters));
        }

        int c = Characters.OutputSize, width = e + c, w = characters.Words.Length;
        Buffers.Ensure(ref _embedded, n * e);
        Buffers.Ensure(ref _charOut, w * c);
        Span<float> embedded = _embedded.AsSpan(0, n * e), charOut = _charOut.AsSpan(0, w * c);
        Embedding.Forward(batch.Ids, embedded);
        Characters.Forward(characters.Words, charOut);
        for (int i = 0; i < n; i++)
        {
            embedded.Slice(i * e, e).CopyTo(x.Slice(i * width, e));
            int word = characters.WordOfToken[i];
            if (word >= 0)
            {
                charOut.Slice(word * c, c).CopyTo(x.Slice((i * width) + e, c));
            }
            else
            {
                x.Slice((i * width) + e, c).Clear();
            }
        }
    }

    /// <summary>Splits dx (T, B, X) into the word embedding's gradient and each word's summed character-vector gradient.</summary>
    private void BackwardTokens(SequenceBatch batch, Span<float> dx)
    {
        if (Characters is null || _characters is not { } characters)
        {
            Embedding.Backward(batch.Ids, dx);
            return;
        }

        int n = batch.Ids.Length, e = Architecture.EmbeddingSize, c = Characters.OutputSize, width = e + c, w = characters.Words.Length;
        Buffers.Ensure(ref _dCharOut, w * c);
        Span<float> dEmbedded = _embedded.AsSpan(0, n * e), dCharOut = _dCharOut.AsSpan(0, w * c); // the forward's embeddings are no longer needed
        dCharOut.Clear();
        for (int i = 0; i < n; i++)
        {
            dx.Slice(i * width, e).CopyTo(dEmbedded.Slice(i * e, e));
            int word = characters.WordOfToken[i];
            if (word >= 0)
            {
                Span<float> into = dCharOut.Slice(word * c, c);
                TensorPrimitives.Add(into, dx.Slice((i * width) + e, c), into);
            }
        }

        Embedding.Backward(batch.Ids, dEmbedded);
        Characters.Backward(dCharOut);
    }

    private bool RealEmissionsFinite(SequenceBatch batch, ReadOnlySpan<float> emissions)
    {
        int b = batch.BatchSize, k = Architecture.TagCount;
        for (int row = 0; row < b; row++)
        {
            for (int step = 0; step < batch.Lengths[row]; step++)
            {
                foreach (float v in emissions.Slice(((step * b) + row) * k, k))
                {
                    if (!float.IsFinite(v))
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>The predicted tags of each row of the batch: the arg-max per token (first on ties), or the CRF's Viterbi path.</summary>
    /// <param name="batch">The padded batch.</param>
    /// <param name="characters">The batch's words as characters; required with character features.</param>
    /// <returns>B arrays, row j with <c>batch.Lengths[j]</c> tags in [0, K).</returns>
    public int[][] Predict(SequenceBatch batch, CharacterBatch? characters = null)
    {
        Forward(batch, false, default, characters);
        int t = batch.TimeSteps, b = batch.BatchSize, k = Architecture.TagCount;
        ReadOnlySpan<float> emissions = _emissions.AsSpan(0, t * b * k);
        var result = new int[b][];
        int[]? path = null;
        if (Crf is not null)
        {
            path = new int[t * b];
            Crf.Decode(emissions, t, b, batch.Lengths, path);
        }

        for (int row = 0; row < b; row++)
        {
            var tags = result[row] = new int[batch.Lengths[row]];
            for (int step = 0; step < tags.Length; step++)
            {
                int i = (step * b) + row;
                tags[step] = path is not null ? path[i] : TensorPrimitives.IndexOfMax(emissions.Slice(i * k, k));
            }
        }

        return result;
    }
}
