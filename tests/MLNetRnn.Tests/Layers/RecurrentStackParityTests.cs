using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tensors;
using MLNetRnn.Tests.TestSupport;
using Xunit.Abstractions;

namespace MLNetRnn.Tests.Layers;

/// <summary>
/// Outputs, final states and every gradient of <see cref="RecurrentStack"/> against PyTorch 1.13 on packed, ragged
/// batches (fixtures/make_torch_fixtures.py): same weights, same inputs, within 1e-4.
/// </summary>
public sealed class RecurrentStackParityTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-4;

    public static TheoryData<string> FixtureNames()
    {
        var data = new TheoryData<string>();
        foreach (string cell in new[] { "rnn", "lstm", "gru" })
        {
            for (int layers = 1; layers <= 3; layers++)
            {
                data.Add($"rnn_{cell}_l{layers}_uni.npz");
                data.Add($"rnn_{cell}_l{layers}_bi.npz");
            }
        }

        data.Add("rnn_gru_l1_uni_nostate.npz");
        return data;
    }

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void ForwardAndBackward_MatchPyTorch(string fixture)
    {
        var npz = Fixtures.Load(fixture);
        int[] meta = npz.I("meta"); // cell, L, D, I, H, T, B
        var cell = (RecurrentCellType)meta[0];
        int layers = meta[1], directions = meta[2], inputSize = meta[3], hidden = meta[4], t = meta[5], b = meta[6];
        bool lstm = cell == RecurrentCellType.Lstm;
        bool hasH0 = npz.ContainsKey("h0");
        var store = new ParameterStore();
        var stack = new RecurrentStack(store, cell, inputSize, hidden, new SeededRandom(1), layers, directions == 2);
        store.LoadStateDict(npz.Where(kv => IsParameterKey(kv.Key)));

        int s = layers * directions;
        var y = new float[t * b * directions * hidden];
        var hN = new float[s * b * hidden];
        var cN = lstm ? new float[s * b * hidden] : [];
        stack.Forward(npz.F("x"), t, b, npz.I("lengths"), y, hasH0 ? npz.F("h0") : default, lstm ? npz.F("c0") : default, hN, cN);

        var report = new List<string>();
        void Check(ReadOnlySpan<float> actual, string key) =>
            report.Add($"{key} {Compare.Close(actual, npz.F(key), Tolerance, $"{fixture} {key}"):E1}");

        Check(y, "out");
        Check(hN, "h_n");
        if (lstm)
        {
            Check(cN, "c_n");
        }

        var dx = new float[t * b * inputSize];
        var dh0 = new float[s * b * hidden];
        var dc0 = lstm ? new float[s * b * hidden] : [];
        stack.Backward(npz.F("grad_out"), npz.F("grad_h_n"), lstm ? npz.F("grad_c_n") : default, dx, hasH0 ? dh0 : default, lstm ? dc0 : default);
        Check(dx, "grad_x");
        if (hasH0)
        {
            Check(dh0, "grad_h0");
        }

        if (lstm)
        {
            Check(dc0, "grad_c0");
        }

        foreach (var p in store.Parameters)
        {
            report.Add($"grad.{p.Name} {Compare.Close(p.Gradient, npz.F("grad." + p.Name), Tolerance, $"{fixture} grad.{p.Name}"):E1}");
        }

        output.WriteLine($"{fixture}: {string.Join(", ", report)}");
    }

    [Fact]
    public void LoadStateDict_ThrowsForMissingExtraAndMisshapedTensors()
    {
        var npz = Fixtures.Load("rnn_lstm_l1_uni.npz");
        var store = new ParameterStore();
        _ = new RecurrentStack(store, RecurrentCellType.Lstm, 7, 12, new SeededRandom(1));
        var tensors = npz.Where(kv => IsParameterKey(kv.Key) && kv.Key != "bias_hh_l0").ToList();
        tensors.Add(new("weight_ih_l9", NpyArray.FromSingle(new float[4], 2, 2)));
        float before = store["weight_hh_l0"].Value[0];

        var e = Assert.Throws<InvalidDataException>(() => store.LoadStateDict(tensors));

        Assert.Contains("missing tensor 'bias_hh_l0' (48,)", e.Message);
        Assert.Contains("unexpected tensor 'weight_ih_l9' (2, 2)", e.Message);
        Assert.Contains("'weight_ih_l0' has shape (52, 7), expected (48, 7)", e.Message);
        Assert.Equal(before, store["weight_hh_l0"].Value[0]); // nothing half-loaded
    }

    private static bool IsParameterKey(string key) => key.StartsWith("weight_", StringComparison.Ordinal) || key.StartsWith("bias_", StringComparison.Ordinal);
}
