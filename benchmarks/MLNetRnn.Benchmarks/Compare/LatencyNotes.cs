using System.Globalization;
using MLNetRnn.Benchmarks.Workloads;

namespace MLNetRnn.Benchmarks.Compare;

/// <summary>The notes under <c>compare</c>'s table for the ONNX Runtime and ML.NET rows: what each row includes, what
/// its PyTorch column is, which ONNX Runtime thread setting was faster, and whether the two ran the same graph.</summary>
public static class LatencyNotes
{
    /// <summary>The notes, one per line, for the rows in <paramref name="results"/> (none without such rows).</summary>
    /// <param name="results">Every row of the run.</param>
    /// <returns>The notes.</returns>
    public static IEnumerable<string> For(IReadOnlyList<WorkloadResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var zip = results.FirstOrDefault(r => r.Spec.Harness == WorkloadHarness.MLNetZip);
        var onnx = results.FirstOrDefault(r => r.Spec.Harness == WorkloadHarness.OnnxSession);
        if (zip is not null)
        {
            yield return $"{zip.Spec.Name}: text in, Score out, as an app pays per call: PredictionEngine<SentenceInput, ScoreOutput>.Predict "
                + "on the .zip written by Model.Save and read by a new MLContext's Model.Load (NormalizeText, the word tokenizer graph in ONNX Runtime, "
                + "the vocabulary's key mapping, the classifier graph in ONNX Runtime, a new output object per call). ML.NET builds a loaded model's "
                + "sessions with ONNX Runtime's default SessionOptions; the engine thread count does not reach it, so its thread columns repeat one "
                + $"configuration. PyTorch column: {zip.Spec.PyTorchWorkload}, the same sentence as text (Python lower-case + regex tokenization, "
                + "dict lookup, torch.tensor, forward, softmax, tolist).";
        }

        if (onnx is not null)
        {
            string text = $"{onnx.Spec.Name}: ONNX Runtime alone: the same classifier's ONNX graph in an InferenceSession, token keys in "
                + "(uint32 [1, 20], input and output tensors bound once), Score out; SessionOptions.IntraOpNumThreads = the thread column "
                + $"(set explicitly). PyTorch column: {onnx.Spec.PyTorchWorkload} (ids tensor in, no tokenization).";
            var pairs = onnx.Ours.Where(m => m.AlternativeBestSeconds is not null).GroupBy(m => m.Threads).OrderBy(g => g.Key)
                .Select(g => (Threads: g.Key, Explicit: g.Min(m => m.BestSeconds), Default: g.Min(m => m.AlternativeBestSeconds!.Value)))
                .ToList();
            if (pairs.Count > 0)
            {
                text += " ONNX Runtime's default SessionOptions, timed in alternation with it in the same processes: "
                    + string.Join("; ", pairs.Select(p => $"intra-op {p.Threads} {Ms(p.Explicit)} vs default {Ms(p.Default)}"));
                var fastest = pairs.MinBy(p => p.Explicit);
                double fastestDefault = pairs.Min(p => p.Default);
                text += fastestDefault < fastest.Explicit
                    ? $"; fastest: the default ({fastest.Explicit / fastestDefault:0.00}× faster than intra-op {fastest.Threads})."
                    : $"; fastest: intra-op {fastest.Threads} ({fastestDefault / fastest.Explicit:0.00}× faster than the default).";
            }

            yield return text;
        }

        if (zip?.OursBest is { } z && onnx?.OursBest is { } o)
        {
            bool same = Math.Abs(z.Check - o.Check) <= 1e-5;
            yield return $"Both run one prepared model on the same 20 ids: Score[1] = {z.Check.ToString("0.000000", CultureInfo.InvariantCulture)} "
                + $"({zip.Spec.Name}) and {o.Check.ToString("0.000000", CultureInfo.InvariantCulture)} ({onnx.Spec.Name}): {(same ? "same" : "DIFFERENT")}.";
        }
    }

    private static string Ms(double repetitionSeconds) =>
        (1000 * repetitionSeconds / WorkloadSpec.SentencesPerRepetition).ToString("0.000", CultureInfo.InvariantCulture) + " ms";
}
