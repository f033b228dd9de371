using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Layers;

/// <summary><see cref="Embedding"/> and <see cref="Dense"/> against PyTorch, finite differences, and bad input.</summary>
public sealed class EmbeddingDenseTests
{
    [Fact]
    public void EmbeddingThenDense_MatchPyTorch()
    {
        var npz = Fixtures.Load("embedding_linear.npz");
        int[] ids = npz.I("ids"); // (T=5, B=3)
        var store = new ParameterStore();
        var embedding = new Embedding(store, 11, 6, new SeededRandom(1), paddingId: 0, prefix: "embedding.");
        var dense = new Dense(store, 6, 4, new SeededRandom(2), prefix: "linear.");
        store.LoadStateDict(npz.Where(kv => kv.Key is "embedding.weight" or "linear.weight" or "linear.bias"));

        var e = new float[ids.Length * 6];
        var y = new float[ids.Length * 4];
        embedding.Forward(ids, e);
        dense.Forward(e, ids.Length, y);
        Compare.Close(y, npz.F("y"), 1e-5, "y");

        var de = new float[e.Length];
        dense.Backward(e, npz.F("grad_y"), ids.Length, de);
        embedding.Backward(ids, de);
        Compare.Close(store["linear.weight"].Gradient, npz.F("grad.linear.weight"), 1e-5, "grad linear.weight");
        Compare.Close(store["linear.bias"].Gradient, npz.F("grad.linear.bias"), 1e-5, "grad linear.bias");
        Compare.Close(store["embedding.weight"].Gradient, npz.F("grad.embedding.weight"), 1e-5, "grad embedding.weight");
        Assert.All(store["embedding.weight"].Gradient[..6].ToArray(), g => Assert.Equal(0f, g)); // padding row
    }

    [Fact]
    public void Embedding_PaddingRowStartsAtZero()
    {
        var embedding = new Embedding(new ParameterStore(), 5, 3, new SeededRandom(4), paddingId: 2);
        Assert.All(embedding.Weight.Value.Slice(6, 3).ToArray(), v => Assert.Equal(0f, v));
        Assert.Contains(embedding.Weight.Value[..3].ToArray(), v => v != 0f);
    }

    [Fact]
    public void Dense_BackwardMatchesFiniteDifferences()
    {
        const int N = 4, I = 5, O = 3;
        var random = new SeededRandom(20240501);
        var store = new ParameterStore();
        var dense = new Dense(store, I, O, random);
        var x = new float[N * I];
        var w = new float[N * O];
        random.FillUniform(x, -1, 1);
        random.FillUniform(w, -1, 1);
        var y = new float[N * O];
        double Loss()
        {
            dense.Forward(x, N, y);
            double s = 0;
            for (int i = 0; i < y.Length; i++)
            {
                s += Math.Tanh(y[i]) * w[i];
            }

            return s;
        }

        Loss();
        var dy = new float[y.Length];
        for (int i = 0; i < y.Length; i++)
        {
            float t = MathF.Tanh(y[i]);
            dy[i] = (1 - (t * t)) * w[i];
        }

        var dx = new float[x.Length];
        dense.Backward(x, dy, N, dx);
        GradientCheck.Run(x, 0, dx, Loss, "dx");
        float[] grads = store.Gradients.ToArray();
        foreach (var p in store.Parameters)
        {
            GradientCheck.Run(store.ValueArray, p.Offset, grads.AsSpan(p.Offset, p.Length), Loss, p.Name);
        }
    }

    [Fact]
    public void Embedding_BackwardMatchesFiniteDifferences()
    {
        var random = new SeededRandom(9);
        var store = new ParameterStore();
        var embedding = new Embedding(store, 6, 4, random);
        int[] ids = [3, 0, 5, 3, 1];
        var w = new float[ids.Length * 4];
        random.FillUniform(w, -1, 1);
        var e = new float[w.Length];
        double Loss()
        {
            embedding.Forward(ids, e);
            double s = 0;
            for (int i = 0; i < e.Length; i++)
            {
                s += e[i] * e[i] * w[i];
            }

            return s;
        }

        Loss();
        var de = new float[e.Length];
        for (int i = 0; i < e.Length; i++)
        {
            de[i] = 2 * e[i] * w[i];
        }

        embedding.Backward(ids, de);
        var grad = store.Gradients.ToArray();

        // The padding row (id 0) is excluded by design; check every other row.
        GradientCheck.Run(store.ValueArray, 4, grad.AsSpan(4), Loss, "embedding.weight");
        Assert.All(grad[..4], g => Assert.Equal(0f, g));
    }

    [Fact]
    public void Embedding_ThrowsForIdOutsideVocabulary()
    {
        var embedding = new Embedding(new ParameterStore(), 5, 2, new SeededRandom(1));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => embedding.Forward([1, 7], new float[4]));
        Assert.Contains("Id 7 at position 1", e.Message);
        Assert.Contains("[0, 5)", e.Message);
    }

    [Fact]
    public void Dense_ThrowsForShortInput()
    {
        var dense = new Dense(new ParameterStore(), 3, 2, new SeededRandom(1));
        var e = Assert.Throws<ArgumentException>(() => dense.Forward(new float[5], 2, new float[4]));
        Assert.Contains("'input' has 5 elements but the shapes need 6", e.Message);
    }

    [Fact]
    public void ParameterStore_ThrowsForDuplicateNameAndBadShape()
    {
        var store = new ParameterStore();
        store.Add("w", 2, 3);
        Assert.Contains("'w' already exists", Assert.Throws<ArgumentException>(() => store.Add("w", 1)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => store.Add("v", 2, 0));
        Assert.Contains("Known parameters: w", Assert.Throws<KeyNotFoundException>(() => store["nope"]).Message);
    }
}
