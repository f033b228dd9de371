namespace MLNetRnn.Benchmarks.Workloads;

/// <summary>What runs our side of a workload.</summary>
public enum WorkloadHarness
{
    /// <summary>MLNetRnn's engine, layer by layer (<see cref="TrainingStepRunner"/>, <see cref="InferenceRunner"/>).</summary>
    Engine,

    /// <summary>
    /// The classifier's ONNX graph in a raw ONNX Runtime <c>InferenceSession</c>, token keys in
    /// (<see cref="OnnxSessionRunner"/>).
    /// </summary>
    OnnxSession,

    /// <summary>
    /// A saved ML.NET model loaded back and run through a <c>PredictionEngine</c>, text in
    /// (<see cref="ZipPredictionRunner"/>).
    /// </summary>
    MLNetZip,
}
