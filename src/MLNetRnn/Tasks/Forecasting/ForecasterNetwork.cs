using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Training;

namespace MLNetRnn.Forecasting;

// N = window (time steps), B = batch, F = features per step, H = hidden, L = layers, K = horizon.

/// <summary>
/// Recurrent stack over a normalised window → the top layer's final state → dense head with K outputs, each the change
/// of the normalised target from its last value in the window: <c>ẑ[k] = z[N−1, 0] + head(h_N)[k]</c>. Tensors are
/// named like a PyTorch module: <c>rnn.weight_ih_l0</c> …, <c>head.weight</c> (K, H), <c>head.bias</c> (K).
/// Not thread-safe (it keeps activations for backward).
/// </summary>
internal sealed class ForecasterNetwork
{
    private readonly RecurrentStack _rnn;
    private readonly Dense _head;
    private float[] _output = [], _hN = [], _summary = [], _predictions = [], _dPredictions = [], _dSummary = [], _dHN = [], _dx = [];
    private int _batch;

    public ForecasterNetwork(ForecasterArchitecture architecture, SeededRandom random)
    {
        Architecture = architecture;
        Parameters = new ParameterStore();
        _rnn = new RecurrentStack(Parameters, architecture.CellType, architecture.InputSize, architecture.HiddenSize, random,
            architecture.NumberOfLayers, false, architecture.NumberOfLayers > 1 ? architecture.Dropout : 0f, "rnn.");
        _head = new Dense(Parameters, architecture.HiddenSize, architecture.Horizon, random, "head.");
    }

    public ForecasterArchitecture Architecture { get; }

    public ParameterStore Parameters { get; }

    public RecurrentStack Rnn => _rnn;

    public Dense Head => _head;

    /// <summary>Gets every random stream training draws from inside the network (for checkpoints).</summary>
    internal IReadOnlyList<SeededRandom> RandomStreams => [_rnn.DropoutRandom];

    /// <summary>
    /// Runs a batch of normalised windows (N, B, F) time-major; writes the normalised forecasts (B, K) when asked and
    /// returns the mean squared error against <paramref name="targets"/> (B, K) in double when given (else 0).
    /// </summary>
    public double Forward(ReadOnlySpan<float> x, int batch, bool training, ReadOnlySpan<float> targets, Span<float> predictions)
    {
        var a = Architecture;
        int n = a.Window, f = a.InputSize, h = a.HiddenSize, k = a.Horizon;
        _batch = batch;
        Buffers.Ensure(ref _output, n * batch * h);
        Buffers.Ensure(ref _hN, _rnn.StateCount * batch * h);
        Buffers.Ensure(ref _predictions, batch * k);
        _rnn.Forward(x.Slice(0, n * batch * f), n, batch, default, _output.AsSpan(0, n * batch * h), hN: _hN.AsSpan(0, _rnn.StateCount * batch * h), training: training);
        Span<float> summary = Summary(batch);
        Span<float> p = _predictions.AsSpan(0, batch * k);
        _head.Forward(summary, batch, p);
        int last = (n - 1) * batch * f; // step N−1, row 0, feature 0 (the target)
        for (int row = 0; row < batch; row++)
        {
            float z = x[last + (row * f)];
            for (int j = 0; j < k; j++)
            {
                p[(row * k) + j] += z;
            }
        }

        if (!predictions.IsEmpty)
        {
            p.CopyTo(predictions);
        }

        if (targets.IsEmpty)
        {
            return 0;
        }

        Buffers.Ensure(ref _dPredictions, batch * k);
        double loss = 0;
        float scale = 2f / (batch * k);
        Span<float> d = _dPredictions.AsSpan(0, batch * k);
        for (int i = 0; i < batch * k; i++)
        {
            double diff = (double)p[i] - targets[i];
            loss += diff * diff;
            d[i] = (float)diff * scale;
        }

        return loss / (batch * k);
    }

    /// <summary>Adds the gradient of the last <see cref="Forward"/>'s loss to every parameter.</summary>
    public void Backward()
    {
        var a = Architecture;
        int b = _batch, h = a.HiddenSize, k = a.Horizon, s = _rnn.StateCount;
        if (b == 0)
        {
            throw new InvalidOperationException("Backward needs a Forward with targets first.");
        }

        Buffers.Ensure(ref _dSummary, b * h);
        Buffers.Ensure(ref _dHN, s * b * h);
        Buffers.Ensure(ref _dx, a.Window * b * a.InputSize);
        _head.Backward(_summary.AsSpan(0, b * h), _dPredictions.AsSpan(0, b * k), b, _dSummary.AsSpan(0, b * h));
        Span<float> dHN = _dHN.AsSpan(0, s * b * h);
        dHN.Clear();
        _dSummary.AsSpan(0, b * h).CopyTo(dHN.Slice((s - 1) * b * h)); // the top layer's slot
        _rnn.Backward(default, dHN, default, _dx.AsSpan(0, a.Window * b * a.InputSize));
    }

    /// <summary>The top layer's final states (B, H), the head's input.</summary>
    private Span<float> Summary(int batch)
    {
        int h = Architecture.HiddenSize;
        Buffers.Ensure(ref _summary, batch * h);
        Span<float> summary = _summary.AsSpan(0, batch * h);
        _hN.AsSpan((_rnn.StateCount - 1) * batch * h, batch * h).CopyTo(summary);
        return summary;
    }
}
