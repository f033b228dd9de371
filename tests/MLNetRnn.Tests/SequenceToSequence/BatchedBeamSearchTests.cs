using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Text;
using MLNetRnn.Training;
using Xunit.Abstractions;

namespace MLNetRnn.Tests.SequenceToSequence;

/// <summary>
/// The batched beam search against the one-sentence <see cref="BeamSearch.Search"/> on small trained networks: every sentence
/// must get the same hypotheses (tokens, finished flags, order), with scores and attention equal to float rounding.
/// </summary>
public sealed class BatchedBeamSearchTests(ITestOutputHelper output)
{
    // Target ids: 0 <PAD>, 1 <UNK>, 2 <BOS>, 3 <EOS>, 4.. tokens. Source ids: 0 <PAD>, 1 <UNK>, 2.. tokens.
    private const int Bos = 2, Eos = 3, SourceVocabulary = 12, TargetVocabulary = 14, Sentences = 100;

    // Scores are sums of log-probabilities from GEMMs whose rounding may depend on the number of rows (see BatchedBeamSearch).
    private const float Tolerance = 1e-4f;

    public static TheoryData<AttentionScore?, RecurrentCellType, bool, int> Models() => new()
    {
        { AttentionScore.General, RecurrentCellType.Lstm, true, 1 },
        { AttentionScore.Dot, RecurrentCellType.Gru, false, 1 },
        { AttentionScore.Additive, RecurrentCellType.Lstm, true, 2 },
        { null, RecurrentCellType.Gru, true, 1 },
        { null, RecurrentCellType.Lstm, false, 2 },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void Search_EqualsOneSentenceSearch(AttentionScore? attention, RecurrentCellType cell, bool bidirectional, int decoderLayers)
    {
        var network = Train(attention, cell, bidirectional, decoderLayers);
        int[][] sources = Sources(Sentences, new Random(20240502));
        int rows = 0, bitwise = 0, maxLengthHits = 0;
        foreach (int beam in new[] { 1, 3, 5 })
        {
            foreach (float alpha in new[] { 0f, 1f })
            {
                foreach (int maxLength in new[] { 12, 3 })
                {
                    int[] all = [.. Enumerable.Range(0, sources.Length)];
                    network.StartDecoding(sources, all, beam);
                    var batched = BatchedBeamSearch.Search(network, [.. sources.Select(s => s.Length)], Bos, Eos, beam, maxLength, alpha, beam);
                    for (int i = 0; i < sources.Length; i++)
                    {
                        network.StartDecoding(sources, [i], beam);
                        var single = BeamSearch.Search(network, Bos, Eos, beam, maxLength, alpha, beam);
                        var (same, hits) = AssertSame(single, batched[i], $"sentence {i}, beam {beam}, α {alpha}, max length {maxLength}");
                        rows++;
                        bitwise += same ? 1 : 0;
                        maxLengthHits += hits;
                    }
                }
            }
        }

        output.WriteLine($"{rows} sentence searches equal; {bitwise} bitwise in every score and attention weight; {maxLengthHits} hypotheses cut at the maximum length.");
        Assert.True(maxLengthHits > 0, "No hypothesis hit the maximum length; the test does not cover that case.");
    }

    [Fact]
    public void Search_OneSentenceBatch_EqualsOneSentenceSearch()
    {
        var network = Train(AttentionScore.General, RecurrentCellType.Lstm, true, 1);
        foreach (int[] source in Sources(20, new Random(7)))
        {
            network.StartDecoding([source], [0], 4);
            var batched = BatchedBeamSearch.Search(network, [source.Length], Bos, Eos, 4, 12, 0.6f, 4);
            network.StartDecoding([source], [0], 4);
            AssertSame(BeamSearch.Search(network, Bos, Eos, 4, 12, 0.6f, 4), batched[0], $"source of length {source.Length}");
        }
    }

    [Fact]
    public void Search_SentencesFinishingAtDifferentSteps_EachEqualsItsOwnSearch()
    {
        // One source of length 1 and one of length 11 in one batch: the model copies, so one finishes at step 2 and the
        // other runs on for about ten more steps while the first one's rows idle.
        var network = Train(AttentionScore.General, RecurrentCellType.Lstm, true, 1, steps: 300);
        int[][] sources = [[5], [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 2], [7, 8]];
        network.StartDecoding(sources, [0, 1, 2], 3);
        var counter = new RowCounter(network);
        var batched = BatchedBeamSearch.Search(counter, [1, 11, 2], Bos, Eos, 3, 20, 1f, 3);
        Assert.Equal(3, counter.RowsPerStep[0]); // <BOS> read once per sentence
        Assert.Equal(9, counter.RowsPerStep[1]);
        Assert.Equal(3, counter.RowsPerStep[^1]); // the finished sentences' rows were dropped
        Assert.True(batched[0][0].Finished && batched[1][0].TokenIds.Count >= batched[0][0].TokenIds.Count + 6,
            $"The test needs outputs of very different lengths, got {batched[0][0].TokenIds.Count} and {batched[1][0].TokenIds.Count}.");
        for (int i = 0; i < sources.Length; i++)
        {
            network.StartDecoding(sources, [i], 3);
            AssertSame(BeamSearch.Search(network, Bos, Eos, 3, 20, 1f, 3), batched[i], $"sentence {i}");
        }
    }

    [Fact]
    public void Search_ThrowsWhenRowsDoNotMatchSentencesTimesBeam()
    {
        var network = Train(null, RecurrentCellType.Gru, false, 1, steps: 1);
        network.StartDecoding([[4, 5], [6]], [0, 1], 3);
        var error = Assert.Throws<ArgumentException>(() => BatchedBeamSearch.Search(network, [2, 1], Bos, Eos, 2, 5, 0f, 1));
        Assert.Contains("6 rows but 2 sentences with a beam of 2 need 4", error.Message);
    }

    [Fact]
    public void DecodeMany_EqualsDecode_AndRejectsAnEmptySource()
    {
        var network = Train(AttentionScore.General, RecurrentCellType.Gru, true, 1);
        var tokens = new[] { "<PAD>", "<UNK>", "<BOS>", "<EOS>" }.Concat(Enumerable.Range(4, TargetVocabulary - 4).Select(i => $"t{i}"));
        var decoder = new Seq2SeqDecoder(network, Vocabulary.FromTokens(tokens), TokenLevel.Word, new DecodingSettings(5, 15, 1f));
        int[][] sources = Sources(150, new Random(11)); // more than one length bucket of 64
        var many = decoder.DecodeMany(sources, 5, 2);
        var all = decoder.DecodeAll(sources, 5);
        for (int i = 0; i < sources.Length; i++)
        {
            var one = decoder.Decode(sources[i], 5, 2);
            Assert.Equal(one.Count, many[i].Count);
            for (int n = 0; n < one.Count; n++)
            {
                Assert.Equal(one[n].Tokens, many[i][n].Tokens);
                Assert.Equal(one[n].Score, many[i][n].Score, Tolerance);
            }

            Assert.Equal(one[0].Tokens, all[i].Tokens);
        }

        var error = Assert.Throws<ArgumentException>(() => decoder.DecodeMany([[4], []], 5, 1));
        Assert.Contains("The source has no tokens", error.Message);
    }

    private static (bool Bitwise, int MaxLengthHits) AssertSame(List<Seq2SeqHypothesis> expected, List<Seq2SeqHypothesis> actual, string where)
    {
        Assert.True(expected.Count == actual.Count, $"{where}: {expected.Count} hypotheses vs {actual.Count}");
        bool bitwise = true;
        int hits = 0;
        for (int n = 0; n < expected.Count; n++)
        {
            Seq2SeqHypothesis e = expected[n], a = actual[n];
            Assert.True(e.TokenIds.SequenceEqual(a.TokenIds), $"{where}, hypothesis {n}: [{string.Join(' ', e.TokenIds)}] vs [{string.Join(' ', a.TokenIds)}]");
            Assert.Equal(e.Finished, a.Finished);
            Assert.True(Math.Abs(e.LogProbability - a.LogProbability) <= Tolerance * Math.Max(1f, Math.Abs(e.LogProbability)),
                $"{where}, hypothesis {n}: log p {e.LogProbability} vs {a.LogProbability}");
            Assert.True(Math.Abs(e.Score - a.Score) <= Tolerance * Math.Max(1f, Math.Abs(e.Score)), $"{where}, hypothesis {n}: score {e.Score} vs {a.Score}");
            Assert.Equal(e.Attention.Count, a.Attention.Count);
            bitwise &= e.LogProbability == a.LogProbability && e.Score == a.Score;
            for (int t = 0; t < e.Attention.Count; t++)
            {
                Assert.Equal(e.Attention[t].Length, a.Attention[t].Length);
                for (int s = 0; s < e.Attention[t].Length; s++)
                {
                    Assert.True(Math.Abs(e.Attention[t][s] - a.Attention[t][s]) <= Tolerance, $"{where}, hypothesis {n}, attention [{t}, {s}]");
                    bitwise &= e.Attention[t][s] == a.Attention[t][s];
                }
            }

            hits += e.Finished ? 0 : 1;
        }

        return (bitwise, hits);
    }

    // Sources of 1 to 11 tokens; the target is the source read backwards, shifted into target ids (+2), so output lengths vary.
    private static int[][] Sources(int count, Random random) =>
        [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, random.Next(1, 12)).Select(_ => random.Next(2, SourceVocabulary)).ToArray())];

    private static Seq2SeqNetwork Train(AttentionScore? attention, RecurrentCellType cell, bool bidirectional, int decoderLayers, int steps = 150)
    {
        var architecture = new Seq2SeqArchitecture(SourceVocabulary, TargetVocabulary, cell, cell, 8, 12, 1, bidirectional,
            bidirectional ? 24 : 12, decoderLayers, attention, 0f, false); // decoder hidden = memory width, as Dot needs
        var network = new Seq2SeqNetwork(architecture, new SeededRandom(20240501));
        var optimizer = new Adam(network.Parameters, 0.01f);
        var random = new Random(20240503);
        for (int step = 0; step < steps; step++)
        {
            int[][] sources = Sources(32, random);
            int[][] targets = [.. sources.Select(s => s.Reverse().Select(id => id + 2).ToArray())];
            var batch = Seq2SeqBatch.Create(sources, targets, [.. Enumerable.Range(0, 32)], Bos, Eos);
            network.Parameters.ZeroGrad();
            network.Forward(batch, training: true, labelSmoothing: 0f);
            network.Backward();
            optimizer.Step();
        }

        return network;
    }

    /// <summary>Passes every call to the network and records the number of rows of each step.</summary>
    private sealed class RowCounter(IStepDecoder inner) : IStepDecoder
    {
        public List<int> RowsPerStep { get; } = [];

        public int Rows => inner.Rows;

        public int VocabularySize => inner.VocabularySize;

        public int AttentionWidth => inner.AttentionWidth;

        public void Step(ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens, Span<float> logProbabilities, Span<float> attention)
        {
            RowsPerStep.Add(parents.Length);
            inner.Step(parents, tokens, logProbabilities, attention);
        }
    }
}
