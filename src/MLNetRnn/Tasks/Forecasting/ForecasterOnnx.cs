using System.Globalization;
using System.Text.Json;
using MLNetRnn.Numerics;
using MLNetRnn.Onnx;

namespace MLNetRnn.Forecasting;

// N = window, F = features per step, H = hidden, L = layers, K = horizon.

/// <summary>
/// Writes a trained forecaster as one ONNX graph for ML.NET's ONNX transform, and reads it back.
/// </summary>
/// <remarks>
/// <para>Input: the window column, float [1, N·F]: the raw features of the last N rows, oldest first, each row's target,
/// covariates and calendar features (<see cref="ForecastLayout.FeatureNames"/>). Output: the forecast column, float [K],
/// in the target's units.</para>
/// <para>Graph: <c>z = (x − mean) / scale</c> (the training rows' statistics as initializers <c>normalise.mean</c>,
/// <c>normalise.scale</c>, tiled over the N steps) → Reshape [N, 1, F] → the recurrent stack (<see cref="RecurrentStackOnnx"/>)
/// → the top layer's final state [1, H] → Gemm(head) [1, K] → + z of the target at the last step → × scale + mean of the
/// target. Metadata carries the architecture and the <see cref="ForecastLayout"/> (JSON), so <see cref="Read"/> rebuilds
/// the network and the evaluation's baselines exactly.</para>
/// </remarks>
internal static class ForecasterOnnx
{
    public static OnnxModel Write(ForecasterNetwork network, ForecastLayout layout)
    {
        var a = network.Architecture;
        int n = a.Window, f = a.InputSize;
        var g = new OnnxGraphBuilder("recurrent_forecaster");
        string x = g.Input(layout.WindowColumn, OnnxDataType.Float, OnnxDim.Of(1), OnnxDim.Of(n * f));
        string mean = g.Add(OnnxTensor.FromFloats("normalise.mean", Tile(layout.Means, n), n * f));
        string scale = g.Add(OnnxTensor.FromFloats("normalise.scale", Tile(layout.Scales, n), n * f));
        string z = g.Node("Div", [g.Node("Sub", [x, mean]), scale]); // [1, N*F]
        var (_, hn, _) = RecurrentStackOnnx.Write(g, network.Rnn, network.Parameters, "rnn.", g.Reshape(z, n, 1, f), null, null, null);
        string top = g.Reshape(g.Slice(hn, g.Int64s(a.NumberOfLayers - 1), g.Int64s(a.NumberOfLayers), g.Int64s(0)), 1, a.HiddenSize);
        string weight = g.Add(OnnxTensor.FromFloats("head.weight", network.Head.Weight.Value.ToArray(), a.Horizon, a.HiddenSize));
        string bias = g.Add(OnnxTensor.FromFloats("head.bias", network.Head.Bias.Value.ToArray(), a.Horizon));
        string lastTarget = g.Slice(z, g.Int64s((n - 1) * f), g.Int64s(((n - 1) * f) + 1), g.Int64s(1)); // [1, 1]
        string normalised = g.Add(g.Linear(top, weight, bias), lastTarget); // [1, K]
        string forecast = g.Add(g.Mul(normalised, g.Scalar(layout.Scales[0])), g.Scalar(layout.Means[0]));
        g.Output(layout.ForecastColumn, g.Reshape(forecast, -1), OnnxDataType.Float, OnnxDim.Of(a.Horizon));

        var model = new OnnxModel(g.Graph);
        model.Metadata.Add(new(OnnxMetadata.Kind, OnnxMetadata.ForecasterKind));
        model.Metadata.Add(new(OnnxMetadata.FormatVersion, OnnxMetadata.CurrentFormatVersion.ToString(CultureInfo.InvariantCulture)));
        model.Metadata.Add(new(OnnxMetadata.Architecture, JsonSerializer.Serialize(a)));
        model.Metadata.Add(new(OnnxMetadata.Settings, JsonSerializer.Serialize(layout)));
        model.Metadata.Add(new(OnnxMetadata.InputColumn, layout.WindowColumn));
        model.Metadata.Add(new(OnnxMetadata.OutputColumn, layout.ForecastColumn));
        return model;
    }

    /// <summary>Rebuilds the network and the layout from a graph written by <see cref="Write"/>.</summary>
    /// <remarks>The graph is untrusted: the network is allocated only after the graph is shown to store as many weights as its metadata claims.</remarks>
    /// <exception cref="InvalidDataException">The graph is not ours, is too new, or its metadata and weights disagree.</exception>
    public static (ForecasterNetwork Network, ForecastLayout Layout) Read(OnnxModel model)
    {
        var layout = ReadLayout(model);
        var a = OnnxModelCheck.Json<ForecasterArchitecture>(model, OnnxMetadata.Architecture);
        if (a.InputSize != layout.FeaturesPerStep || a.Window != layout.Window || a.Horizon != layout.Horizon || a.HiddenSize < 1 || a.NumberOfLayers < 1
            || !Enum.IsDefined(a.CellType) || !(a.Dropout >= 0f && a.Dropout < 1f))
        {
            throw new InvalidDataException($"The forecaster's metadata is inconsistent (architecture {a}, layout window {layout.Window}, horizon {layout.Horizon}, {layout.FeaturesPerStep} features); the model is damaged.");
        }

        ParameterBudget.Require(model.Graph, () => checked(ParameterBudget.Recurrent(a.CellType, a.InputSize, a.HiddenSize, a.NumberOfLayers, false) + ((long)a.Horizon * a.HiddenSize) + a.Horizon), "forecaster");
        var network = new ForecasterNetwork(a, new SeededRandom(0));
        RecurrentStackOnnx.Read(model.Graph, network.Rnn, network.Parameters, "rnn.");
        RecurrentStackOnnx.Tensor(model.Graph, "head.weight", network.Head.Weight.Length).CopyTo(network.Head.Weight.Value);
        RecurrentStackOnnx.Tensor(model.Graph, "head.bias", network.Head.Bias.Length).CopyTo(network.Head.Bias.Value);
        return (network, layout);
    }

    /// <summary>Reads and checks the layout alone (what the CLI needs to build windows and baselines).</summary>
    /// <exception cref="InvalidDataException">The graph is not a forecaster or its layout is inconsistent.</exception>
    public static ForecastLayout ReadLayout(OnnxModel model)
    {
        OnnxModelCheck.Kind(model, OnnxMetadata.ForecasterKind);
        var l = OnnxModelCheck.Json<ForecastLayout>(model, OnnxMetadata.Settings);
        int f = l.FeatureNames?.Length ?? 0;
        if (l.ValueColumn is null || l.FeatureColumns is null || l.FeatureNames is null || l.Means?.Length != f || l.Scales?.Length != f
            || l.Climatology?.Length != ForecastCalendar.SeasonKeys(l.Spacing) || !Enum.IsDefined(l.Spacing) || l.Window < 1 || l.Horizon < 1 || l.Season < 1
            || f != 1 + l.FeatureColumns.Length + ForecastCalendar.FeatureCount(l.Spacing) || (l.DateColumn is null) != (l.Spacing == ForecastSpacing.None)
            || l.WindowColumn is null || l.ForecastColumn is null || Array.Exists(l.Scales, s => !(s > 0f) || !float.IsFinite(s)))
        {
            throw new InvalidDataException("The forecaster's layout metadata is inconsistent (feature, statistics and climatology counts, window, horizon or season); the model is damaged.");
        }

        return l;
    }

    private static float[] Tile(float[] values, int times)
    {
        var tiled = new float[values.Length * times];
        for (int i = 0; i < times; i++)
        {
            values.CopyTo(tiled, i * values.Length);
        }

        return tiled;
    }
}
