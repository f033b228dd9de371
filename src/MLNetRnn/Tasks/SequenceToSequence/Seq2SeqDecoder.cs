using MLNetRnn.Onnx;
using MLNetRnn.Text;
using MLNetRnn.Training;

namespace MLNetRnn.SequenceToSequence;

/// <summary>
/// Decodes with the engine on a trained network: beam search with n-best lists and attention weights, or batched greedy.
/// Used by <see cref="SequenceToSequenceModel"/> and, from a saved model's ONNX graph, by the command line.
/// Thread-safe: each call borrows a private copy of the network.
/// </summary>
internal sealed class Seq2SeqDecoder
{
    private readonly NetworkPool<Seq2SeqNetwork> _pool;
    private readonly Vocabulary _targetVocabulary;
    private readonly int _sourceVocabularySize;

    public Seq2SeqDecoder(Seq2SeqNetwork network, Vocabulary targetVocabulary, TokenLevel level, DecodingSettings decoding)
    {
        decoding.Validate();
        _pool = new NetworkPool<Seq2SeqNetwork>(network.Clone);
        _targetVocabulary = targetVocabulary;
        _sourceVocabularySize = network.Architecture.SourceVocabularySize;
        Level = level;
        Decoding = decoding;
        Architecture = network.Architecture;
    }

    public TokenLevel Level { get; }

    public DecodingSettings Decoding { get; }

    public Seq2SeqArchitecture Architecture { get; }

    /// <summary>Rebuilds a decoder from a graph written by <see cref="Seq2SeqOnnx.Write"/>.</summary>
    public static Seq2SeqDecoder FromOnnx(OnnxModel model)
    {
        var (network, _, target, decoding, level) = Seq2SeqOnnx.Read(model);
        return new Seq2SeqDecoder(network, Vocabulary.FromTokens(target), level, decoding);
    }

    public IReadOnlyList<Seq2SeqPrediction> Decode(IReadOnlyList<int> sourceIds, int beamSize, int nBest)
    {
        ArgumentNullException.ThrowIfNull(sourceIds);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(beamSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nBest);
        CheckIds(sourceIds);
        return _pool.Use(network =>
        {
            network.StartDecoding([sourceIds.ToArray()], [0], beamSize);
            return BeamSearch.Search(network, _targetVocabulary.BeginId, _targetVocabulary.EndId, beamSize, Decoding.MaxOutputLength, Decoding.LengthPenalty, nBest)
                .Select(ToPrediction).ToList();
        });
    }

    /// <summary>Sentences decoded together by the batched beam search (K rows each).</summary>
    internal const int BeamBatchSentences = 64;

    /// <summary>
    /// Decodes every source (greedy in length buckets of 64 when <paramref name="beamSize"/> is 1, else batched beam search
    /// over length buckets of <see cref="BeamBatchSentences"/> sources), calling <paramref name="decoded"/> with each row's index
    /// and prediction as it is done (not in row order).
    /// </summary>
    public Seq2SeqPrediction[] DecodeAll(int[][] sources, int beamSize, Action<int, Seq2SeqPrediction>? decoded = null)
    {
        var result = new Seq2SeqPrediction[sources.Length];
        if (beamSize > 1)
        {
            DecodeBatched(sources, beamSize, 1, (row, outputs) =>
            {
                result[row] = outputs[0];
                decoded?.Invoke(row, result[row]);
            });
            return result;
        }

        return _pool.Use(network =>
        {
            foreach (int[] ids in sources)
            {
                CheckIds(ids);
            }

            foreach (int[] rows in LengthBuckets.Sorted(sources.Select(s => s.Length).ToArray(), 64))
            {
                network.StartDecoding(sources, rows, 1);
                var hyps = BeamSearch.Greedy(network, _targetVocabulary.BeginId, _targetVocabulary.EndId, Decoding.MaxOutputLength, Decoding.LengthPenalty);
                for (int j = 0; j < rows.Length; j++)
                {
                    result[rows[j]] = ToPrediction(hyps[j]);
                    decoded?.Invoke(rows[j], result[rows[j]]);
                }
            }

            return result;
        });
    }

    /// <summary>
    /// Beam search of many sources together (<see cref="BatchedBeamSearch"/>, length buckets of <see cref="BeamBatchSentences"/>);
    /// each source gets what <see cref="Decode"/> returns for it alone. Returns the n-best lists in source order.
    /// </summary>
    public IReadOnlyList<Seq2SeqPrediction>[] DecodeMany(IReadOnlyList<int[]> sources, int beamSize, int nBest)
    {
        ArgumentNullException.ThrowIfNull(sources);
        var result = new IReadOnlyList<Seq2SeqPrediction>[sources.Count];
        DecodeBatched(sources, beamSize, nBest, (row, outputs) => result[row] = outputs);
        return result;
    }

    private void DecodeBatched(IReadOnlyList<int[]> sources, int beamSize, int nBest, Action<int, IReadOnlyList<Seq2SeqPrediction>> decoded)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(beamSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(nBest);
        foreach (int[] ids in sources)
        {
            ArgumentNullException.ThrowIfNull(ids, nameof(sources));
            CheckIds(ids);
        }

        _pool.Use(network =>
        {
            foreach (int[] rows in LengthBuckets.Sorted(sources.Select(s => s.Length).ToArray(), BeamBatchSentences))
            {
                network.StartDecoding(sources, rows, beamSize);
                int[] widths = [.. rows.Select(r => sources[r].Length)];
                var lists = BatchedBeamSearch.Search(network, widths, _targetVocabulary.BeginId, _targetVocabulary.EndId, beamSize,
                    Decoding.MaxOutputLength, Decoding.LengthPenalty, nBest);
                for (int j = 0; j < rows.Length; j++)
                {
                    decoded(rows[j], [.. lists[j].Select(ToPrediction)]);
                }
            }

            return 0;
        });
    }

    private void CheckIds(IReadOnlyList<int> ids)
    {
        if (ids.Count == 0)
        {
            throw new ArgumentException("The source has no tokens; give at least one id (<UNK> = 1 stands for an empty text, as the model's graph reads it).", nameof(ids));
        }

        for (int i = 0; i < ids.Count; i++)
        {
            if (ids[i] < 1 || ids[i] >= _sourceVocabularySize)
            {
                throw new ArgumentException($"Source id {ids[i]} at position {i} is outside the vocabulary (ids 1 to {_sourceVocabularySize - 1}).", nameof(ids));
            }
        }
    }

    private Seq2SeqPrediction ToPrediction(Seq2SeqHypothesis h)
    {
        string[] tokens = [.. h.TokenIds.Select(id => _targetVocabulary[id])];
        return new Seq2SeqPrediction(TargetTokens.Join(tokens, Level), tokens, h.Score, h.Finished, h.Attention);
    }
}
