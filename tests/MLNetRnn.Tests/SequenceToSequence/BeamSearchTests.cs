using MLNetRnn.SequenceToSequence;

namespace MLNetRnn.Tests.SequenceToSequence;

/// <summary>Beam search and greedy decoding on hand-built models whose probabilities are known exactly.</summary>
public sealed class BeamSearchTests
{
    // Tokens: 0 <PAD>, 1 <UNK>, 2 <BOS>, 3 <EOS>, 4 A, 5 B.
    private const int Bos = 2, Eos = 3, A = 4, B = 5;

    /// <summary>
    /// After &lt;BOS&gt;: A 0.6, B 0.4. After A: A, B, EOS each 1/3. After B: EOS 0.9, A 0.05, B 0.05.
    /// Greedy takes A (0.6) then the first max of a three-way tie (A at 1/3) ...; the best full sequence is B EOS
    /// (0.4 · 0.9 = 0.36) against A EOS (0.6 · 1/3 = 0.2).
    /// </summary>
    private static readonly Dictionary<int, double[]> Table = new()
    {
        [Bos] = [0, 0, 0, 0, 0.6, 0.4],
        [A] = [0, 0, 0, 1 / 3.0, 1 / 3.0, 1 / 3.0],
        [B] = [0, 0, 0, 0.9, 0.05, 0.05],
        [Eos] = [0, 0, 0, 1, 0, 0],
    };

    [Fact]
    public void BeamFindsTheBestSequenceWhereGreedyDoesNot()
    {
        var beam = BeamSearch.Search(new TableModel(3), Bos, Eos, beamSize: 3, maxLength: 10, lengthPenalty: 0f, nBest: 3);
        var greedy = BeamSearch.Greedy(new TableModel(1), Bos, Eos, maxLength: 10, lengthPenalty: 0f)[0];

        Assert.Equal([B], beam[0].TokenIds);
        Assert.Equal(Math.Log(0.36), beam[0].LogProbability, 5);
        Assert.True(beam[0].Finished);
        Assert.Equal(A, greedy.TokenIds[0]);
        Assert.True(greedy.LogProbability < beam[0].LogProbability);
        Assert.Equal([A], beam[1].TokenIds); // A EOS = 0.2 is the runner-up
        Assert.Equal(Math.Log(0.2), beam[1].LogProbability, 5);
    }

    [Fact]
    public void BeamOfOneEqualsGreedy()
    {
        var beam = BeamSearch.Search(new TableModel(1), Bos, Eos, beamSize: 1, maxLength: 6, lengthPenalty: 1f, nBest: 1)[0];
        var greedy = BeamSearch.Greedy(new TableModel(1), Bos, Eos, maxLength: 6, lengthPenalty: 1f)[0];
        Assert.Equal(greedy.TokenIds, beam.TokenIds);
        Assert.Equal(greedy.LogProbability, beam.LogProbability, 6);
        Assert.Equal(greedy.Finished, beam.Finished);
    }

    [Fact]
    public void LengthPenaltyFavoursLongerHypotheses()
    {
        // Raw scores prefer the shortest ending; with α = 1 the per-token average decides.
        var raw = BeamSearch.Search(new TableModel(4), Bos, Eos, 4, 10, 0f, 4);
        var normalised = BeamSearch.Search(new TableModel(4), Bos, Eos, 4, 10, 1f, 4);
        Assert.All(raw.Zip(raw.Skip(1)), p => Assert.True(p.First.Score >= p.Second.Score));
        Assert.All(normalised, h => Assert.Equal(h.LogProbability / (h.TokenIds.Count + 1), h.Score, 5));
    }

    [Fact]
    public void BatchedSearchFindsTheBestSequenceForEverySentence()
    {
        // Three identical sentences with a beam of 3: each must find B EOS (0.36) then A EOS (0.2), as the one-sentence search.
        var lists = BatchedBeamSearch.Search(new TableModel(9), [1, 1, 1], Bos, Eos, beamSize: 3, maxLength: 10, lengthPenalty: 0f, nBest: 2);
        Assert.All(lists, list =>
        {
            Assert.Equal([B], list[0].TokenIds);
            Assert.Equal(Math.Log(0.36), list[0].LogProbability, 5);
            Assert.Equal([A], list[1].TokenIds);
            Assert.Equal(Math.Log(0.2), list[1].LogProbability, 5);
        });
    }

    [Fact]
    public void UnfinishedHypothesesAreReturnedAtMaximumLength()
    {
        var cut = BeamSearch.Search(new TableModel(2), Bos, Eos, 2, maxLength: 1, lengthPenalty: 0f, nBest: 2);
        Assert.Contains(cut, h => !h.Finished);
    }

    /// <summary>A first-order Markov model: the next-token distribution depends only on the token just read.</summary>
    private sealed class TableModel(int capacity) : IStepDecoder
    {
        private int _rows = -1; // before the first step: capacity

        public int Rows => _rows < 0 ? capacity : _rows;

        public int VocabularySize => 6;

        public int AttentionWidth => 0;

        public void Step(ReadOnlySpan<int> parents, ReadOnlySpan<int> tokens, Span<float> logProbabilities, Span<float> attention)
        {
            int before = Rows;
            Assert.True(parents.Length <= capacity && parents.ToArray().All(p => p < before), "A step's parents must be rows of the previous step.");
            _rows = parents.Length;
            for (int r = 0; r < _rows; r++)
            {
                double[] p = Table[tokens[r]];
                for (int t = 0; t < 6; t++)
                {
                    logProbabilities[(r * 6) + t] = p[t] > 0 ? (float)Math.Log(p[t]) : float.NegativeInfinity;
                }
            }
        }
    }
}
