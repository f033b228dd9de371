using System.Reflection;
using MLNetRnn.Benchmarks.Workloads;
using MLNetRnn.Numerics;

namespace MLNetRnn.Benchmarks.Compare;

/// <summary>
/// <c>compare --one NAME</c>: builds one workload in MLNetRnn in this (fresh) process, times it with
/// <see cref="RepetitionTimer"/> and prints one JSON line (<see cref="Measurement"/>). One process per workload keeps
/// each workload's peak memory its own. The GEMM provider comes from <c>MLNETRNN_GEMM</c> and the thread count from
/// <c>MLNETRNN_THREADS</c>, as for any user.
/// </summary>
/// <remarks>
/// The ONNX Runtime and ML.NET workloads (<see cref="WorkloadHarness"/>) run the files <see cref="LatencyModel.Prepare"/>
/// wrote to <c>--model-dir</c> (<c>compare</c> prepares them once per run); without it they are prepared here first,
/// and the peak memory then includes that fit. <c>infer-lstm-onnx</c> takes the thread count as ONNX Runtime's
/// intra-op threads and times a session with ONNX Runtime's default options in alternation with it
/// (<see cref="Measurement.Alternative"/>).
/// </remarks>
public static class OneWorkloadCommand
{
    /// <summary>Measures <paramref name="spec"/> and returns the result.</summary>
    /// <param name="spec">The workload.</param>
    /// <param name="timer">How to time it.</param>
    /// <param name="modelDirectory">The prepared model files of an ONNX Runtime or ML.NET workload, or null.</param>
    /// <param name="pairedWith">A second engine training workload timed in alternation with <paramref name="spec"/> (one
    /// repetition of each in turn, so the machine's drift hits both alike), reported in the alternative fields; or null.</param>
    /// <returns>The measurement, also printed by the caller.</returns>
    /// <exception cref="ArgumentException"><paramref name="pairedWith"/> is given but either workload is not an engine training workload.</exception>
    public static Measurement Run(WorkloadSpec spec, RepetitionTimer timer, string? modelDirectory = null, WorkloadSpec? pairedWith = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(timer);
        int threads = EngineThreading.Count;
        var measurement = new Measurement
        {
            Framework = "mlnetrnn",
            Version = LibraryVersion,
            Workload = spec.Name,
            Threads = threads,
            Provider = Runs(spec),
            BaselineRssKb = ProcessMemory.PeakResidentKilobytes,
            SentencesPerRepetition = spec.Inference ? WorkloadSpec.SentencesPerRepetition : 0,
        };

        string? temporary = null;
        if (spec.Harness != WorkloadHarness.Engine && modelDirectory is null)
        {
            temporary = modelDirectory = Directory.CreateTempSubdirectory("mlnetrnn-latency-").FullName;
            LatencyModel.Prepare(spec, temporary);
        }

        try
        {
            IWorkloadRunner runner = WorkloadRunner.Create(spec, modelDirectory, threads);
            using (runner as IDisposable)
            {
                measurement.RealTokens = runner.RealTokens;
                if (pairedWith is not null)
                {
                    if (spec.Inference || pairedWith.Inference || spec.Harness != WorkloadHarness.Engine || pairedWith.Harness != WorkloadHarness.Engine)
                    {
                        throw new ArgumentException($"--paired-with pairs two engine training workloads; got '{spec.Name}' and '{pairedWith.Name}'.");
                    }

                    var paired = WorkloadRunner.Create(pairedWith, modelDirectory, threads);
                    var other = new Measurement();
                    timer.MeasureInterleaved(runner.RunRepetition, measurement, paired.RunRepetition, other);
                    measurement.Alternative = pairedWith.Name;
                    measurement.AlternativeBestSeconds = other.BestSeconds;
                    measurement.AlternativeMedianSeconds = other.MedianSeconds;
                }
                else if (spec.Harness == WorkloadHarness.OnnxSession)
                {
                    // Intra-op threads = the thread count, against ONNX Runtime's default session, one repetition of each in turn.
                    using var defaults = (OnnxSessionRunner)WorkloadRunner.Create(spec, modelDirectory, intraOpThreads: null);
                    var other = new Measurement();
                    timer.MeasureInterleaved(runner.RunRepetition, measurement, defaults.RunRepetition, other);
                    measurement.Alternative = "ONNX Runtime default SessionOptions (intra-op threads chosen by ONNX Runtime)";
                    measurement.AlternativeBestSeconds = other.BestSeconds;
                    measurement.AlternativeMedianSeconds = other.MedianSeconds;
                }
                else
                {
                    timer.Measure(runner.RunRepetition, measurement);
                }

                measurement.Check = runner switch
                {
                    TrainingStepRunner training => training.LastLoss,
                    InferenceRunner inference => inference.LastProbability,
                    OnnxSessionRunner onnx => onnx.LastProbability,
                    ZipPredictionRunner zip => zip.LastProbability,
                    _ => double.NaN,
                };
            }
        }
        finally
        {
            if (temporary is not null)
            {
                Directory.Delete(temporary, recursive: true);
            }
        }

        measurement.PeakRssKb = ProcessMemory.PeakResidentKilobytes;
        return measurement;
    }

    /// <summary>What runs our side, as the table's GEMM column shows it: the engine's GEMM provider, or the runtime.</summary>
    /// <param name="spec">The workload.</param>
    /// <returns>The label.</returns>
    public static string Runs(WorkloadSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return spec.Harness switch
        {
            WorkloadHarness.OnnxSession => "ONNX Runtime",
            WorkloadHarness.MLNetZip => "ML.NET zip",
            _ => Gemm.Provider.ToString(),
        };
    }

    /// <summary>Gets MLNetRnn's informational version.</summary>
    public static string LibraryVersion =>
        typeof(Gemm).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Gemm).Assembly.GetName().Version?.ToString() ?? "?";
}
