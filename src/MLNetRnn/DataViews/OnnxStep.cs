using Microsoft.ML;
using Microsoft.ML.Transforms.Onnx;
using MLNetRnn.Onnx;

namespace MLNetRnn.DataViews;

/// <summary>
/// Turns a graph we wrote into ML.NET's own ONNX transform (<c>ApplyOnnxModel</c> over the graph's bytes), which is what
/// travels in a saved model: ML.NET stores the bytes inside its .zip and any ML.NET app runs them with ONNX Runtime.
/// Graph input and output names are the column names (ML.NET's rule).
/// </summary>
internal static class OnnxStep
{
    /// <summary>The context our components are made with. ML.NET does not let an extension package reach the caller's
    /// <see cref="MLContext"/>; every component we create is deterministic, so a private one changes nothing.</summary>
    public static MLContext Context() => new(seed: 0);

    public static OnnxScoringEstimator Estimator(MLContext ml, OnnxModel model) =>
        ml.Transforms.ApplyOnnxModel(
            [.. model.Graph.Outputs.Select(o => o.Name)],
            [.. model.Graph.Inputs.Select(i => i.Name)],
            new MemoryStream(model.ToBytes()));
}
