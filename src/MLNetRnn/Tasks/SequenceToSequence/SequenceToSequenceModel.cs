using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.DataViews;
using MLNetRnn.Onnx;
using MLNetRnn.Text;
using MLNetRnn.Training;

namespace MLNetRnn.SequenceToSequence;

/// <summary>
/// A trained encoder–decoder. As an ML.NET transformer it adds the predicted tokens (vector of String) and their score
/// (vector of one Single) for each source; the decoding (greedy, or beam search when <see cref="DecodingSettings.BeamSize"/>
/// is above 1) runs inside the ONNX graph (ML.NET's ONNX transform), so a model saved with <c>mlContext.Model.Save</c>
/// decodes in any ML.NET app without MLNetRnn, as the engine does. <see cref="Decode"/> adds what the graph does not
/// return: n-best lists and attention weights, and other beam sizes, computed by the engine on the same weights.
/// </summary>
/// <remarks>
/// Joining tokens into text is left to the reader (<see cref="Join"/>; <see cref="TargetLevel"/>: characters join with
/// nothing, words with a space): ONNX at opset 17, the newest that Debian's ONNX checker knows, has no string
/// concatenation. Safe to use from many threads.
/// </remarks>
public sealed class SequenceToSequenceModel : RecurrentModel
{
    private readonly Seq2SeqNetwork _network;
    private readonly Seq2SeqDecoder _decoder;
    private readonly Vocabulary _targetVocabulary;
    private readonly string[] _sourceVocabulary;
    private readonly DataViewSchema _inputSchema;

    private SequenceToSequenceModel(ITransformer steps, Seq2SeqNetwork network, OnnxModel graph, string[] sourceVocabulary,
        Vocabulary targetVocabulary, DecodingSettings decoding, TokenLevel level, string sourceColumn, string tokensColumn, string scoreColumn,
        IReadOnlyList<TrainingProgress> history, DataViewSchema inputSchema)
        : base(steps, graph, network.Parameters, history)
    {
        _inputSchema = inputSchema;
        _network = network;
        _sourceVocabulary = sourceVocabulary;
        _targetVocabulary = targetVocabulary;
        _decoder = new Seq2SeqDecoder(network, targetVocabulary, level, decoding);
        Decoding = decoding;
        TargetLevel = level;
        SourceColumnName = sourceColumn;
        PredictedTokensColumnName = tokensColumn;
        ScoreColumnName = scoreColumn;
    }

    /// <inheritdoc/>
    public override ModelSummary Summary() => ModelSummary.Of(_network);

    /// <summary>Gets the architecture.</summary>
    public Seq2SeqArchitecture Architecture => _network.Architecture;

    /// <summary>Gets how targets are split into tokens and predictions joined back.</summary>
    public TokenLevel TargetLevel { get; }

    /// <summary>Gets the decoding settings of the graph (beam size, maximum length, length penalty); also <see cref="Decode"/>'s defaults.</summary>
    public DecodingSettings Decoding { get; }

    /// <summary>Gets the target vocabulary (<c>&lt;PAD&gt;</c>, <c>&lt;UNK&gt;</c>, <c>&lt;BOS&gt;</c>, <c>&lt;EOS&gt;</c>, then tokens).</summary>
    public Vocabulary TargetVocabulary => _targetVocabulary;

    /// <summary>Gets the source token of each id (<c>&lt;PAD&gt;</c>, <c>&lt;UNK&gt;</c>, then the key values).</summary>
    public IReadOnlyList<string> SourceVocabulary => _sourceVocabulary;

    /// <summary>Gets the source-key input column.</summary>
    public string SourceColumnName { get; }

    /// <summary>Gets the predicted-tokens output column.</summary>
    public string PredictedTokensColumnName { get; }

    /// <summary>Gets the score output column.</summary>
    public string ScoreColumnName { get; }

    /// <summary>The same weights with other decoding settings in the graph (for example greedy vs beam 5); it can be saved too.</summary>
    /// <param name="decoding">The new settings.</param>
    /// <returns>A new model; this one is unchanged.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range.</exception>
    public SequenceToSequenceModel WithDecoding(DecodingSettings decoding)
    {
        ArgumentNullException.ThrowIfNull(decoding);
        decoding.Validate();
        return Build(_network, _sourceVocabulary, _targetVocabulary, decoding, TargetLevel, SourceColumnName, PredictedTokensColumnName, ScoreColumnName,
            TrainingHistory, _inputSchema);
    }

    /// <summary>Joins predicted tokens into text at <see cref="TargetLevel"/>.</summary>
    /// <param name="tokens">The tokens.</param>
    /// <returns>Characters joined with nothing, or words with single spaces.</returns>
    public string Join(IEnumerable<string> tokens) => TargetTokens.Join(tokens, TargetLevel);

    /// <summary>Decodes one source with the engine's beam search and returns the n best outputs with their attention weights.</summary>
    /// <param name="sourceIds">Source token ids (key + 1, as the model reads its key column; <c>&lt;UNK&gt;</c> = 1).</param>
    /// <param name="beamSize">Hypotheses kept per step (1 = greedy, the graph's decoding); null uses <see cref="Decoding"/>.</param>
    /// <param name="nBest">How many outputs to return, best first; at most the beam size.</param>
    /// <returns>The outputs, best first.</returns>
    /// <exception cref="ArgumentException">The source is empty, or an id is outside the source vocabulary.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The beam size or n-best is not positive.</exception>
    public IReadOnlyList<Seq2SeqPrediction> Decode(IReadOnlyList<int> sourceIds, int? beamSize = null, int nBest = 1) =>
        _decoder.Decode(sourceIds, beamSize ?? Decoding.BeamSize, nBest);

    /// <summary>
    /// Decodes many sources together with the engine's batched beam search (all sources of a length bucket and all their
    /// beams in one decoder step); each source gets the outputs <see cref="Decode"/> gives it alone (the same tokens; scores
    /// and attention weights equal to float rounding).
    /// </summary>
    /// <param name="sources">Each source's token ids (key + 1, as for <see cref="Decode"/>).</param>
    /// <param name="beamSize">Hypotheses kept per step and source (1 = greedy); null uses <see cref="Decoding"/>.</param>
    /// <param name="nBest">How many outputs to return per source, best first; at most the beam size.</param>
    /// <returns>One n-best list per source, in source order.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="sources"/> or one of its entries is null.</exception>
    /// <exception cref="ArgumentException">A source is empty, or an id is outside the source vocabulary.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The beam size or n-best is not positive.</exception>
    public IReadOnlyList<IReadOnlyList<Seq2SeqPrediction>> DecodeMany(IReadOnlyList<int[]> sources, int? beamSize = null, int nBest = 1) =>
        _decoder.DecodeMany(sources, beamSize ?? Decoding.BeamSize, nBest);

    /// <summary>Decodes many sources with the engine (greedy in batches, or batched beam search), best output only.</summary>
    internal Seq2SeqPrediction[] DecodeAll(int[][] sources, int beamSize, Action<int, Seq2SeqPrediction>? decoded = null) => _decoder.DecodeAll(sources, beamSize, decoded);

    internal static SequenceToSequenceModel Create(Seq2SeqNetwork network, string[] sourceVocabulary, Vocabulary targetVocabulary, DecodingSettings decoding,
        SequenceToSequenceOptions options, IDataView trainingData, IReadOnlyList<TrainingProgress> history) =>
        Build(network, sourceVocabulary, targetVocabulary, decoding, options.TargetLevel, options.SourceColumnName, options.PredictedTokensColumnName,
            options.ScoreColumnName, history, trainingData.Schema);

    private static SequenceToSequenceModel Build(Seq2SeqNetwork network, string[] sourceVocabulary, Vocabulary targetVocabulary, DecodingSettings decoding,
        TokenLevel level, string sourceColumn, string tokensColumn, string scoreColumn, IReadOnlyList<TrainingProgress> history, DataViewSchema inputSchema)
    {
        var graph = Seq2SeqOnnx.Write(network, sourceVocabulary, targetVocabulary.Tokens, decoding, level, sourceColumn, tokensColumn, scoreColumn);
        var steps = new EstimatorChain<ITransformer>().Append(OnnxStep.Estimator(OnnxStep.Context(), graph)).Fit(new EmptyDataView(inputSchema));
        return new SequenceToSequenceModel(steps, network, graph, sourceVocabulary, targetVocabulary, decoding, level, sourceColumn, tokensColumn, scoreColumn,
            history, inputSchema);
    }
}
