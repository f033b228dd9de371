using System.Numerics.Tensors;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.SequenceToSequence;

/// <summary>
/// The step decoder (<see cref="Seq2SeqNetwork.DecodeStep"/>: per-sentence keys and combine shares, per-token input gates)
/// against the teacher-forced <see cref="Seq2SeqNetwork.Forward"/> of the same network: fed the same target prefix, every
/// step's log-probabilities must equal the log-softmax of the teacher-forced logits.
/// </summary>
public sealed class Seq2SeqDecodingTests
{
    private const int Bos = 2, Eos = 3, SourceVocabulary = 11, TargetVocabulary = 13;

    public static TheoryData<AttentionScore?, RecurrentCellType, bool, int, bool> Models() => new()
    {
        { AttentionScore.General, RecurrentCellType.Lstm, true, 1, false },
        { AttentionScore.General, RecurrentCellType.Gru, true, 2, false },
        { AttentionScore.Dot, RecurrentCellType.Gru, false, 1, false },
        { AttentionScore.Dot, RecurrentCellType.SimpleRnn, false, 2, false },
        { AttentionScore.Additive, RecurrentCellType.Lstm, true, 2, false },
        { AttentionScore.Additive, RecurrentCellType.SimpleRnn, true, 1, true },
        { null, RecurrentCellType.Gru, true, 1, false },
        { null, RecurrentCellType.Lstm, false, 2, true },
    };

    [Theory]
    [MemberData(nameof(Models))]
    public void DecodeStep_EqualsTeacherForcedForward(AttentionScore? attention, RecurrentCellType cell, bool bidirectional, int decoderLayers, bool tie)
    {
        int embedding = 6, hidden = 5, memory = bidirectional ? 2 * hidden : hidden;
        var architecture = new Seq2SeqArchitecture(SourceVocabulary, TargetVocabulary, cell, cell, embedding, hidden, 1, bidirectional,
            memory, decoderLayers, attention, 0f, tie);
        var network = new Seq2SeqNetwork(architecture, new SeededRandom(20241129));
        var random = new Random(7);
        foreach (var parameter in network.Parameters.Parameters)
        {
            // Seeded weights, with biases away from zero so that every bias term counts.
            Span<float> values = parameter.Value;
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = (float)((random.NextDouble() * 1.2) - 0.6);
            }
        }

        int[][] sources = [[2, 3, 4, 5, 6, 7, 8], [9], [4, 10, 2], [5, 5, 6, 7]];
        int[][] targets = [.. sources.Select(s => Enumerable.Range(0, random.Next(2, 7)).Select(_ => random.Next(4, TargetVocabulary)).ToArray())];
        int[] all = [.. Enumerable.Range(0, sources.Length)];
        var batch = Seq2SeqBatch.Create(sources, targets, all, Bos, Eos);
        float[] logits = network.TeacherForcedLogits(batch);
        int b = sources.Length, v = TargetVocabulary, copies = 5, rows = b * copies, steps = targets.Max(t => t.Length) + 1;

        // Rows are ordered as the batch's rows (Seq2SeqBatch keeps the given order). The first step reads <BOS> on one row
        // per source (the first of its five prepared copies); the second step copies each into five rows (20 rows, enough
        // for the step's row-wise work to run as two parts), which go on one-to-one.
        network.StartDecoding(sources, all, copies);
        var logP = new float[rows * v];
        var attentionWeights = new float[rows * (attention is null ? 0 : network.MemorySteps)];
        int compared = 0;
        for (int t = 0; t < steps; t++)
        {
            int n = t == 0 ? b : rows, per = t == 0 ? 1 : copies;
            int[] parents = [.. Enumerable.Range(0, n).Select(r => t == 0 ? r * copies : t == 1 ? r / copies : r)];
            int[] tokens = [.. Enumerable.Range(0, n).Select(r => t == 0 ? Bos : (t - 1 < targets[r / per].Length ? targets[r / per][t - 1] : Eos))];
            network.DecodeStep(parents, tokens, logP, attentionWeights);
            for (int r = 0; r < n; r++)
            {
                int j = r / per;
                if (t > targets[j].Length)
                {
                    continue; // past this row's <EOS>: the teacher-forced pass has no step here
                }

                float[] expected = logits.AsSpan(((t * b) + j) * v, v).ToArray();
                float max = TensorPrimitives.Max(expected), log = MathF.Log(expected.Sum(z => MathF.Exp(z - max)));
                for (int i = 0; i < v; i++)
                {
                    if (i is 0 or 2)
                    {
                        Assert.True(float.IsNegativeInfinity(logP[(r * v) + i]), $"step {t}, row {r}: id {i} is never an output");
                        continue;
                    }

                    float want = expected[i] - max - log;
                    Assert.True(Math.Abs(logP[(r * v) + i] - want) <= 1e-5f * Math.Max(1f, Math.Abs(want)),
                        $"step {t}, row {r}, token {i}: decoded {logP[(r * v) + i]} vs teacher-forced {want}");
                }

                compared++;
            }

            for (int r = 0; r < n; r++)
            {
                // Copies of one source equal to rounding (a product's kernel may round a row by its place in the block).
                int first = r / per * per;
                for (int i = 3; i < v; i++)
                {
                    Assert.True(Math.Abs(logP[(r * v) + i] - logP[(first * v) + i]) <= 1e-6f * Math.Max(1f, Math.Abs(logP[(first * v) + i])),
                        $"step {t}: copies {first} and {r} of source {r / per} differ at token {i}");
                }
            }

            if (attention is not null)
            {
                for (int r = 0; r < n; r++)
                {
                    int len = sources[r / per].Length;
                    Span<float> w = attentionWeights.AsSpan(r * network.MemorySteps, network.MemorySteps);
                    Assert.Equal(1f, TensorPrimitives.Sum(w[..len]), 5);
                    Assert.True(w[len..].IndexOfAnyExcept(0f) < 0, $"step {t}, row {r}: attention on padding");
                }
            }
        }

        Assert.Equal(b + (copies * targets.Sum(t => t.Length)), compared);
    }

    // 4 sources × 5 rows = 20: the step runs as two halves of rows on weights read as they are; 8 × 5 = 40: on weights
    // packed for the session. Parents shuffle rows across the halves at every step.
    [Theory]
    [InlineData(AttentionScore.General, RecurrentCellType.Lstm, 2, 4)]
    [InlineData(AttentionScore.General, RecurrentCellType.Lstm, 2, 8)]
    [InlineData(AttentionScore.Additive, RecurrentCellType.Gru, 1, 8)]
    [InlineData(null, RecurrentCellType.SimpleRnn, 2, 8)]
    public void DecodeStep_TwoThreadsGiveTheSameBitsAsOne(AttentionScore? attention, RecurrentCellType cell, int decoderLayers, int sentences)
    {
        const int copies = 5, steps = 6;
        var architecture = new Seq2SeqArchitecture(SourceVocabulary, TargetVocabulary, cell, cell, 6, 24, 1, true, 48, decoderLayers, attention, 0f, false);
        int[][] sources = [.. Enumerable.Range(0, sentences).Select(j => Enumerable.Range(0, 1 + (j * 3 % 7)).Select(i => 2 + ((i + j) % 9)).ToArray())];
        int rows = sentences * copies, v = TargetVocabulary;
        float[] Run(int threads) => EngineThreadCount.With(threads, () =>
        {
            var network = new Seq2SeqNetwork(architecture, new SeededRandom(20241130));
            var random = new Random(5);
            network.StartDecoding(sources, [.. Enumerable.Range(0, sentences)], copies);
            int width = attention is null ? 0 : network.MemorySteps;
            var all = new List<float>();
            int previous = rows;
            for (int t = 0; t < steps; t++)
            {
                int[] parents = [.. Enumerable.Range(0, rows).Select(_ => random.Next(previous))];
                int[] tokens = [.. Enumerable.Range(0, rows).Select(_ => random.Next(3, v))];
                var logP = new float[rows * v];
                var weights = new float[rows * width];
                network.DecodeStep(parents, tokens, logP, weights);
                all.AddRange(logP);
                all.AddRange(weights);
                previous = rows;
            }

            return all.ToArray();
        });

        Assert.Equal(Run(1), Run(2)); // bitwise: float equality, no tolerance
    }

    [Fact]
    public void DecodeStep_RefusesAParentBeyondThePreviousStepsRows_AndMoreRowsThanPrepared()
    {
        var architecture = new Seq2SeqArchitecture(SourceVocabulary, TargetVocabulary, RecurrentCellType.Lstm, RecurrentCellType.Lstm, 4, 4, 1, false,
            4, 1, AttentionScore.General, 0f, false);
        var network = new Seq2SeqNetwork(architecture, new SeededRandom(1));
        network.StartDecoding([[2, 3], [4]], [0, 1], 2);
        var logP = new float[4 * TargetVocabulary];
        network.DecodeStep([0, 2], [Bos, Bos], logP, default); // two rows now
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => network.DecodeStep([0, 1, 2, 1], [4, 4, 4, 4], logP, default));
        Assert.Contains("below 2", error.Message);
        var tooMany = Assert.Throws<ArgumentException>(() => network.DecodeStep([0, 1, 1, 1, 0], [4, 4, 4, 4, 4], new float[5 * TargetVocabulary], default));
        Assert.Contains("at most the 4 rows", tooMany.Message);
    }
}
