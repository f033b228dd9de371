using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLNetRnn.Benchmarks.Compare;

/// <summary>
/// The one-line JSON result of measuring one workload in one process: printed by <c>compare --one NAME</c> (ours) and
/// by <c>benchmarks/pytorch/compare.py</c> (PyTorch), with the same fields.
/// </summary>
public sealed class Measurement
{
    /// <summary>Gets or sets <c>mlnetrnn</c> or <c>pytorch</c>.</summary>
    [JsonPropertyName("framework")] public string Framework { get; set; } = "";

    /// <summary>Gets or sets the framework's version.</summary>
    [JsonPropertyName("version")] public string Version { get; set; } = "";

    /// <summary>Gets or sets the workload's name.</summary>
    [JsonPropertyName("workload")] public string Workload { get; set; } = "";

    /// <summary>Gets or sets the compute threads used (PyTorch: <c>torch.set_num_threads</c>; ours: the engine's thread count, 1 when it has no setting).</summary>
    [JsonPropertyName("threads")] public int Threads { get; set; }

    /// <summary>Gets or sets our GEMM provider (<c>Managed</c> or <c>OpenBlas</c>); null for PyTorch.</summary>
    [JsonPropertyName("provider")] public string? Provider { get; set; }

    /// <summary>Gets or sets the untimed warm-up repetitions run first.</summary>
    [JsonPropertyName("warmupRepetitions")] public int WarmupRepetitions { get; set; }

    /// <summary>Gets or sets the timed repetitions.</summary>
    [JsonPropertyName("repetitions")] public int Repetitions { get; set; }

    /// <summary>Gets or sets the fastest repetition, in seconds.</summary>
    [JsonPropertyName("bestSeconds")] public double BestSeconds { get; set; }

    /// <summary>Gets or sets the median repetition, in seconds.</summary>
    [JsonPropertyName("medianSeconds")] public double MedianSeconds { get; set; }

    /// <summary>Gets or sets the real tokens of one batch (training) or one sentence (inference).</summary>
    [JsonPropertyName("realTokens")] public long RealTokens { get; set; }

    /// <summary>Gets or sets the sentences per repetition (inference), or 0 for a training step.</summary>
    [JsonPropertyName("sentencesPerRepetition")] public int SentencesPerRepetition { get; set; }

    /// <summary>Gets or sets the process's peak resident set size at the end, in KiB.</summary>
    [JsonPropertyName("peakRssKb")] public long PeakRssKb { get; set; }

    /// <summary>Gets or sets the peak resident set size before the model was built (runtime and libraries loaded), in KiB.</summary>
    [JsonPropertyName("baselineRssKb")] public long BaselineRssKb { get; set; }

    /// <summary>Gets or sets the bytes allocated on the managed heap per timed repetition (ours only).</summary>
    [JsonPropertyName("allocatedBytesPerRepetition")] public double? AllocatedBytesPerRepetition { get; set; }

    /// <summary>Gets or sets the garbage collections (all generations) during the timed repetitions (ours only).</summary>
    [JsonPropertyName("gcCollections")] public int? GcCollections { get; set; }

    /// <summary>Gets or sets the last loss (training) or class-1 probability (inference), to show the work was done.</summary>
    [JsonPropertyName("check")] public double Check { get; set; }

    /// <summary>Gets or sets a second configuration timed in the same process (infer-lstm-onnx: ONNX Runtime's default
    /// session options; <c>--paired-with</c>: the other workload's name), or null.</summary>
    [JsonPropertyName("alternative")] public string? Alternative { get; set; }

    /// <summary>Gets or sets the fastest repetition of <see cref="Alternative"/>, in seconds.</summary>
    [JsonPropertyName("alternativeBestSeconds")] public double? AlternativeBestSeconds { get; set; }

    /// <summary>Gets or sets the median repetition of <see cref="Alternative"/>, in seconds.</summary>
    [JsonPropertyName("alternativeMedianSeconds")] public double? AlternativeMedianSeconds { get; set; }

    /// <summary>Gets the options used to read and write the JSON line.</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // plain '+' and '³' in the output
    };

    /// <summary>Reads the last line of <paramref name="output"/> that holds a JSON object.</summary>
    /// <param name="output">A child process's standard output.</param>
    /// <returns>The measurement, or null when no line parses.</returns>
    public static Measurement? ParseLastLine(string output)
    {
        ArgumentNullException.ThrowIfNull(output);
        foreach (string line in output.Split('\n').Reverse())
        {
            string trimmed = line.Trim();
            if (trimmed.StartsWith('{'))
            {
                try
                {
                    return JsonSerializer.Deserialize<Measurement>(trimmed, JsonOptions);
                }
                catch (JsonException)
                {
                    return null;
                }
            }
        }

        return null;
    }

    /// <summary>Writes this measurement as one JSON line.</summary>
    /// <returns>The JSON text.</returns>
    public string ToJsonLine() => JsonSerializer.Serialize(this, JsonOptions);
}
