using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Training;

namespace MLNetRnn.Tests.Training;

/// <summary>
/// Row-sparse embedding gradients with lazy updates (<c>SequenceClassificationOptions.SparseEmbeddingUpdates</c>): the
/// same steps as PyTorch's <c>nn.Embedding(sparse=True)</c> with <c>SparseAdam</c>; zeroing, the global norm and clipping
/// exactly as with the dense gradient; only the looked-up rows visited.
/// </summary>
public sealed class SparseEmbeddingUpdateTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ThreeAdamSteps_MatchPyTorchsSparseAdam_OrDenseAdam(bool sparse)
    {
        var npz = Fixtures.Load("sparse_adam.npz");
        var store = new ParameterStore();
        var embedding = new Embedding(store, 6, 3, new SeededRandom(1));
        npz.F("weight0").CopyTo(embedding.Weight.Value);
        if (sparse)
        {
            embedding.UseSparseUpdates();
        }

        var adam = new Adam(store, 0.01f);
        for (int s = 1; s <= 3; s++)
        {
            store.ZeroGrad();
            embedding.Backward(npz.I($"ids_{s}"), npz.F($"grad_{s}"));
            adam.Step();
            Compare.Close(embedding.Weight.Value, npz.F($"{(sparse ? "sparse" : "dense")}_{s}"), 1e-6, $"step {s}");
        }

        // The two optimizers really differ: row 2 is not looked up at step 2, and dense Adam moves it anyway.
        float[] sparse2 = npz.F("sparse_2"), dense2 = npz.F("dense_2"), after1 = npz.F("sparse_1");
        Assert.Equal(after1.AsSpan(6, 3).ToArray(), sparse2.AsSpan(6, 3).ToArray());
        Assert.NotEqual(after1.AsSpan(6, 3).ToArray(), dense2.AsSpan(6, 3).ToArray());
    }

    [Fact]
    public void ZeroGradNormAndClipping_AreThoseOfTheDenseGradient_AndVisitOnlyTheLookedUpRows()
    {
        var random = new SeededRandom(3);
        (ParameterStore Store, Embedding Embedding, Parameter Bias) Make(bool sparse)
        {
            var store = new ParameterStore();
            var before = store.Add("before", 5);
            var embedding = new Embedding(store, 50, 4, new SeededRandom(2), prefix: "embedding.");
            var bias = store.Add("after", 7);
            if (sparse)
            {
                embedding.UseSparseUpdates();
            }

            before.Gradient.Fill(0.25f);
            return (store, embedding, bias);
        }

        var (sparseStore, sparseEmbedding, sparseBias) = Make(true);
        var (denseStore, denseEmbedding, denseBias) = Make(false);
        int[] ids = [7, 3, 7, 0, 41];
        float[] outputGradient = new float[ids.Length * 4];
        random.FillGaussian(outputGradient, 0f, 3f);
        foreach (var (store, embedding, bias) in new[] { (sparseStore, sparseEmbedding, sparseBias), (denseStore, denseEmbedding, denseBias) })
        {
            embedding.Backward(ids, outputGradient);
            bias.Gradient.Fill(-0.5f);
        }

        Assert.Equal([3, 7, 41], sparseEmbedding.Weight.RowSparse!.Rows.ToArray()); // ascending, once each, never <PAD> (0)
        float sparseNorm = GradientClipping.ClipByGlobalNorm(sparseStore, 1f);
        float denseNorm = GradientClipping.ClipByGlobalNorm(denseStore, 1f);
        Assert.True(denseNorm > 1f, "the test needs clipping to happen");
        Assert.Equal(denseNorm, sparseNorm, 5);
        Compare.Close(sparseStore.Gradients, denseStore.Gradients.ToArray(), 1e-6, "clipped gradients");

        sparseStore.ZeroGrad();
        Assert.All(sparseStore.Gradients.ToArray(), g => Assert.Equal(0f, g));
        Assert.True(sparseEmbedding.Weight.RowSparse!.Rows.IsEmpty);
    }
}
