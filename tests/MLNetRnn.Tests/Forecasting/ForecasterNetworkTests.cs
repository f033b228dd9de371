using MLNetRnn.Forecasting;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tests.TestSupport;

namespace MLNetRnn.Tests.Forecasting;

/// <summary>The forecaster network's backward pass (recurrent stack → final state → head + last value) against finite differences.</summary>
public sealed class ForecasterNetworkTests
{
    [Theory]
    [InlineData(RecurrentCellType.Lstm, 1)]
    [InlineData(RecurrentCellType.Gru, 2)]
    public void Backward_MatchesFiniteDifferences(RecurrentCellType cell, int layers)
    {
        int n = 5, b = 3, f = 4, k = 2;
        var network = new ForecasterNetwork(new ForecasterArchitecture(cell, f, 6, layers, 0f, n, k), new SeededRandom(20240501));
        var random = new SeededRandom(7);
        var x = new float[n * b * f];
        var targets = new float[b * k];
        random.FillGaussian(x, 0f, 1f);
        random.FillGaussian(targets, 0f, 1f);
        network.Parameters.ZeroGrad();
        network.Forward(x, b, false, targets, default);
        network.Backward();
        float[] values = network.Parameters.Values.ToArray();
        float[] analytic = network.Parameters.Gradients.ToArray();
        double Loss()
        {
            values.CopyTo(network.Parameters.Values);
            return network.Forward(x, b, false, targets, default);
        }

        GradientCheck.Run(values, 0, analytic, Loss, $"{cell} forecaster", maxChecks: 200);
    }
}
