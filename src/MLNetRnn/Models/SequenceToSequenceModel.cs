using MLNetRnn.Data;
using MLNetRnn.Pipeline;
using MLNetRnn.Tensors;
using MLNetRnn.Text;

namespace MLNetRnn.Models;

/// <summary>
/// A trained encoder–decoder: adds the predicted text (String), its tokens (Vector&lt;String&gt;) and score (Single) for
/// each source id sequence. Beam search runs per sentence, so a sentence decodes the same alone or in a batch.
/// Thread-safe: each call borrows a private copy of the network.
/// </summary>
public sealed class SequenceToSequenceModel : ISavableTransformer
{
    internal const string ComponentKind = "SequenceToSequence";
    private readonly Seq2SeqNetwork _network;
    private readonly NetworkPool<Seq2SeqNetwork> _pool;
    private readonly Vocabulary _targetVocabulary;
    private readonly string _sourceColumn, _predictedColumn, _tokensColumn, _scoreColumn;

    internal SequenceToSequenceModel(Seq2SeqNetwork network, Vocabulary targetVocabulary, TokenLevel level, string sourceColumn,
        string predictedColumn, string tokensColumn, string scoreColumn, DecodingSettings decoding)
    {
        decoding.Validate();
        _network = network;
        _pool = new NetworkPool<Seq2SeqNetwork>(network.Clone);
        _targetVocabulary = targetVocabulary;
        TargetLevel = level;
        _sourceColumn = sourceColumn;
        _predictedColumn = predictedColumn;
        _tokensColumn = tokensColumn;
        _scoreColumn = scoreColumn;
        Decoding = decoding;
    }

    /// <summary>Gets the architecture.</summary>
    public Seq2SeqArchitecture Architecture => _network.Architecture;

    /// <summary>Gets how targets are tokenized and predictions joined.</summary>
    public TokenLevel TargetLevel { get; }

    /// <summary>Gets the decoding settings <see cref="Transform"/> uses.</summary>
    public DecodingSettings Decoding { get; }

    /// <summary>Gets the target vocabulary (<c>&lt;PAD&gt;</c>, <c>&lt;UNK&gt;</c>, <c>&lt;BOS&gt;</c>, <c>&lt;EOS&gt;</c>, then tokens).</summary>
    public Vocabulary TargetVocabulary => _targetVocabulary;

    /// <summary>Gets the source-id input column.</summary>
    public string SourceColumnName => _sourceColumn;

    /// <summary>Gets the predicted-text output column.</summary>
    public string PredictedColumnName => _predictedColumn;

    /// <summary>Gets the predicted-tokens output column.</summary>
    public string PredictedTokensColumnName => _tokensColumn;

    /// <summary>Gets the number of trainable scalars.</summary>
    public int ParameterCount => _network.Parameters.Count;

    /// <summary>Gets every tensor's name and shape, in order.</summary>
    public IReadOnlyList<(string Name, int[] Shape)> Tensors => _network.Parameters.Parameters.Select(p => (p.Name, p.Shape.ToArray())).ToList();

    string ISavableTransformer.Kind => ComponentKind;

    string? ISavableTransformer.Task => "SequenceToSequence";

    /// <summary>Returns a model with the same weights that decodes differently (for example greedy vs beam 5).</summary>
    /// <param name="decoding">The new settings.</param>
    /// <returns>The new model.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public SequenceToSequenceModel WithDecoding(DecodingSettings decoding) =>
        new(_network, _targetVocabulary, TargetLevel, _sourceColumn, _predictedColumn, _tokensColumn, _scoreColumn, decoding);

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        inputSchema.Require(_sourceColumn, typeof(int[]));
        return OutputSchema(inputSchema, _predictedColumn, _tokensColumn, _scoreColumn);
    }

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">A source is empty.</exception>
    public DataView Transform(DataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        int[][] sources = input.GetColumn<int[]>(_sourceColumn);
        var best = DecodeAll(sources, Decoding);
        return input.WithColumn(_predictedColumn, best.Select(p => p.Text).ToArray())
            .WithColumn(_tokensColumn, best.Select(p => p.Tokens.ToArray()).ToArray())
            .WithColumn(_scoreColumn, best.Select(p => p.Score).ToArray());
    }

    /// <summary>Decodes one source with beam search and returns the n best outputs with their attention weights.</summary>
    /// <param name="sourceIds">Source token ids (from the pipeline's <c>MapTokensToIds</c>).</param>
    /// <param name="beamSize">Hypotheses kept per step (1 = greedy); null uses <see cref="Decoding"/>.</param>
    /// <param name="nBest">How many outputs to return, best first; at most the beam size.</param>
    /// <returns>The outputs, best first.</returns>
    /// <exception cref="ArgumentException">The source is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The beam size or n-best is not positive.</exception>
    public IReadOnlyList<Seq2SeqPrediction> Decode(IReadOnlyList<int> sourceIds, int? beamSize = null, int nBest = 1)
    {
        ArgumentNullException.ThrowIfNull(sourceIds);
        int beam = beamSize ?? Decoding.BeamSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(beam);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nBest);
        return _pool.Use(network =>
        {
            network.StartDecoding([sourceIds.ToArray()], [0], beam);
            return BeamSearch.Search(network, _targetVocabulary.BeginId, _targetVocabulary.EndId, beam, Decoding.MaxOutputLength, Decoding.LengthPenalty, nBest)
                .Select(ToPrediction).ToList();
        });
    }

    internal Seq2SeqPrediction[] DecodeAll(int[][] sources, DecodingSettings decoding) => _pool.Use(network =>
    {
        var result = new Seq2SeqPrediction[sources.Length];
        if (decoding.BeamSize == 1)
        {
            // Greedy: a batch of sentences of similar lengths at once.
            foreach (int[] rows in Training.LengthBuckets.Sorted(sources.Select(s => s.Length).ToArray(), 64))
            {
                network.StartDecoding(sources, rows, 1);
                var hyps = BeamSearch.Greedy(network, _targetVocabulary.BeginId, _targetVocabulary.EndId, decoding.MaxOutputLength, decoding.LengthPenalty);
                for (int j = 0; j < rows.Length; j++)
                {
                    result[rows[j]] = ToPrediction(hyps[j]);
                }
            }
        }
        else
        {
            for (int i = 0; i < sources.Length; i++)
            {
                network.StartDecoding(sources, [i], decoding.BeamSize);
                result[i] = ToPrediction(BeamSearch.Search(network, _targetVocabulary.BeginId, _targetVocabulary.EndId, decoding.BeamSize,
                    decoding.MaxOutputLength, decoding.LengthPenalty, 1)[0]);
            }
        }

        return result;
    });

    internal static DataViewSchema OutputSchema(DataViewSchema input, string predicted, string tokens, string score) =>
        input.WithOutputs((predicted, typeof(string), null), (tokens, typeof(string[]), null), (score, typeof(float), null));

    private Seq2SeqPrediction ToPrediction(Seq2SeqHypothesis h)
    {
        string[] tokens = h.TokenIds.Select(id => _targetVocabulary[id]).ToArray();
        return new Seq2SeqPrediction(TargetTokens.Join(tokens, TargetLevel), tokens, h.Score, h.Finished, h.Attention);
    }

    void ISavableTransformer.Save(ModelSaveContext context)
    {
        context.WriteJson("config.json", new SavedConfig(_network.Architecture, TargetLevel, _sourceColumn, _predictedColumn, _tokensColumn, _scoreColumn, Decoding));
        using (var writer = new StreamWriter(context.Create("target_vocab.txt"), new System.Text.UTF8Encoding(false)) { NewLine = "\n" })
        {
            _targetVocabulary.Save(writer);
        }

        foreach (var p in _network.Parameters.Parameters)
        {
            context.WriteTensor(p.Name, NpyArray.FromSingle(p.Value.ToArray(), p.Shape.ToArray()));
        }
    }

    internal static ITransformer Load(ModelLoadContext context)
    {
        var c = context.ReadJson<SavedConfig>("config.json");
        var a = c.Architecture;
        if (a is null || c.Decoding is null || a.SourceVocabularySize < 2 || a.TargetVocabularySize < 4 || a.EmbeddingSize < 1 || a.HiddenSize < 1
            || a.EncoderLayers < 1 || a.DecoderLayers < 1 || a.DecoderHiddenSize < 1 || !(a.Dropout >= 0f && a.Dropout < 1f))
        {
            throw context.Corrupt("config.json has an invalid architecture or decoding section");
        }

        Vocabulary vocabulary;
        try
        {
            vocabulary = Vocabulary.Load(new StringReader(string.Join("\n", context.ReadLines("target_vocab.txt"))));
        }
        catch (InvalidDataException e)
        {
            throw context.Corrupt($"target_vocab.txt is invalid ({e.Message})");
        }

        if (vocabulary.Count != a.TargetVocabularySize || !vocabulary.HasBeginEnd)
        {
            throw context.Corrupt($"target_vocab.txt has {vocabulary.Count} tokens (with <BOS>/<EOS>: {vocabulary.HasBeginEnd}) but the config expects {a.TargetVocabularySize} with <BOS>/<EOS>");
        }

        var network = new Seq2SeqNetwork(a, new Numerics.SeededRandom(0));
        context.ReadParameters(network.Parameters);
        return new SequenceToSequenceModel(network, vocabulary, c.TargetLevel, c.SourceColumnName, c.PredictedColumnName, c.PredictedTokensColumnName, c.ScoreColumnName, c.Decoding);
    }

    private sealed record SavedConfig(Seq2SeqArchitecture Architecture, TokenLevel TargetLevel, string SourceColumnName, string PredictedColumnName,
        string PredictedTokensColumnName, string ScoreColumnName, DecodingSettings Decoding);
}
