using MLNetRnn.Layers;
using MLNetRnn.Tests.TestSupport;
using MLNetRnn.Training;

namespace MLNetRnn.Tests.Training;

/// <summary>SGD, Adam, AdamW and global-norm clipping against <c>torch.optim</c> step by step.</summary>
public sealed class OptimizerTests
{
    public static TheoryData<string> Optimizers() => new() { "sgd", "sgd_momentum", "adam", "adam_wd", "adamw" };

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void Steps_MatchPyTorch(string name)
    {
        var npz = Fixtures.Load("optimizers.npz");
        float[] h = npz.F(name + "_hparams");
        float[] grads = npz.F("grads");
        float[] expected = npz.F(name + "_steps");
        var store = new ParameterStore();
        var p = store.Add("p", 20);
        npz.F("p0").CopyTo(p.Value);
        Optimizer optimizer = name switch
        {
            "sgd" or "sgd_momentum" => new Sgd(store, h[0], momentum: h[1], dampening: h[2], weightDecay: h[3], nesterov: h[4] != 0),
            "adam" or "adam_wd" => new Adam(store, h[0], h[1], h[2], h[3], h[4]),
            _ => new AdamW(store, h[0], h[1], h[2], h[3], h[4]),
        };

        for (int step = 0; step < 5; step++)
        {
            grads.AsSpan(step * 20, 20).CopyTo(p.Gradient);
            optimizer.Step();
            Compare.Close(p.Value, expected.AsSpan(step * 20, 20), 1e-5, $"{name} step {step + 1}");
        }
    }

    [Fact]
    public void Step_SkipsFrozenParameters()
    {
        var store = new ParameterStore();
        var frozen = store.Add("frozen", 3);
        var live = store.Add("live", 3);
        frozen.RequiresGradient = false;
        store.Gradients.Fill(1f);
        new Adam(store, 0.1f).Step();
        Assert.All(frozen.Value.ToArray(), v => Assert.Equal(0f, v));
        Assert.All(live.Value.ToArray(), v => Assert.True(v < 0f));
    }

    [Theory]
    [InlineData("clip_max_norm", "clip_out")]
    [InlineData("clip_max_norm_noop", "clip_out_noop")]
    public void ClipByGlobalNorm_MatchesPyTorch(string maxKey, string outKey)
    {
        var npz = Fixtures.Load("optimizers.npz");
        int[] sizes = npz.I("clip_sizes");
        var store = new ParameterStore();
        for (int i = 0; i < sizes.Length; i++)
        {
            store.Add($"t{i}", sizes[i]);
        }

        npz.F("clip_in").CopyTo(store.Gradients);
        float norm = GradientClipping.ClipByGlobalNorm(store, npz.F(maxKey)[0]);
        Assert.Equal(npz.F("clip_total_norm")[0], norm, 5);
        Compare.Close(store.Gradients, npz.F(outKey), 1e-6, outKey);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(-0.1f)]
    [InlineData(float.NaN)]
    public void Constructor_ThrowsForInvalidLearningRate(float lr)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(new ParameterStore(), lr));
        Assert.Contains($"Invalid learning rate: {lr}", e.Message);
    }

    [Fact]
    public void Constructor_ThrowsForInvalidBeta()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(new ParameterStore(), 0.01f, beta1: 1f));
        Assert.Contains("Invalid beta1: 1", e.Message);
    }
}
