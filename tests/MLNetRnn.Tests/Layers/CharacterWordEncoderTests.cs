using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Layers;

/// <summary>
/// <see cref="CharacterWordEncoder"/>: each word's vector is the character BiLSTM's two final states, the same as running
/// the stack on that word alone (so words of different lengths do not leak into each other), and Backward matches
/// finite differences for every tensor.
/// </summary>
public sealed class CharacterWordEncoderTests
{
    private static readonly int[][] Words = [[2, 5, 3, 2], [2, 2], [2, 7, 1, 4, 6, 8, 2], [2, 3, 2]];

    [Fact]
    public void Forward_IsEachWordsFinalForwardAndReverseStates()
    {
        var store = new ParameterStore();
        var encoder = new CharacterWordEncoder(store, 9, 4, 5, new SeededRandom(20240501));
        var output = new float[Words.Length * 10];
        encoder.Forward(Words, output);
        for (int w = 0; w < Words.Length; w++)
        {
            // Reference: the same embedding and stack on the word alone (batch of one, no padding), h_n slots 0 and 1.
            int length = Words[w].Length;
            var x = new float[length * 4];
            encoder.Embedding.Forward(Words[w], x);
            var hN = new float[2 * 5];
            encoder.Rnn.Forward(x, length, 1, [length], new float[length * 10], hN: hN);
            Assert.Equal(hN, output.AsSpan(w * 10, 10).ToArray());
        }

        // The reverse state is the state after the first character, not the last: it differs from the forward one.
        Assert.NotEqual(output.AsSpan(0, 5).ToArray(), output.AsSpan(5, 5).ToArray());
    }

    [Fact]
    public void Backward_MatchesFiniteDifferences()
    {
        var random = new SeededRandom(20240501);
        var store = new ParameterStore();
        var encoder = new CharacterWordEncoder(store, 9, 4, 5, random);
        float[] weights = TestData.Uniform(random, Words.Length * 10); // loss = Σ y ⊙ weights, so every output matters
        var output = new float[weights.Length];
        double Loss()
        {
            encoder.Forward(Words, output);
            double sum = 0;
            for (int i = 0; i < output.Length; i++)
            {
                sum += (double)output[i] * weights[i];
            }

            return sum;
        }

        store.ZeroGrad();
        Loss();
        encoder.Backward(weights);
        float[] grads = store.Gradients.ToArray();
        foreach (var p in store.Parameters)
        {
            GradientCheck.Run(store.ValueArray, p.Offset, grads.AsSpan(p.Offset, p.Length), Loss, p.Name, maxChecks: 40);
        }

        Assert.All(store.Gradients.ToArray().AsSpan(0, 9 * 4).ToArray().Take(4), g => Assert.Equal(0f, g)); // padding row 0 gets nothing
        Assert.Equal(
            ["char.embedding.weight", "char.rnn.weight_ih_l0", "char.rnn.weight_hh_l0", "char.rnn.bias_ih_l0", "char.rnn.bias_hh_l0",
                "char.rnn.weight_ih_l0_reverse", "char.rnn.weight_hh_l0_reverse", "char.rnn.bias_ih_l0_reverse", "char.rnn.bias_hh_l0_reverse"],
            store.Parameters.Select(p => p.Name));
    }

    [Fact]
    public void Forward_ThrowsForNoWordsAnEmptyWordOrAWrongOutputSize()
    {
        var encoder = new CharacterWordEncoder(new ParameterStore(), 9, 4, 5, new SeededRandom(1));
        Assert.Contains("no words", Assert.Throws<ArgumentException>(() => encoder.Forward([], [])).Message);
        Assert.Throws<ArgumentException>(() => encoder.Forward([[2, 3], []], new float[20]));
        Assert.Contains("'output' has 19 elements", Assert.Throws<ArgumentException>(() => encoder.Forward(Words, new float[19])).Message);
        Assert.Throws<InvalidOperationException>(() => encoder.Backward(new float[40]));
    }
}
