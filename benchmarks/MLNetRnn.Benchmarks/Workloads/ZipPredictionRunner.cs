using Microsoft.ML;

namespace MLNetRnn.Benchmarks.Workloads;

/// <summary>
/// One-sentence inference as an app pays for it: the <see cref="LatencyModel"/> .zip loaded with a new
/// <see cref="MLContext"/>'s <c>Model.Load</c>, and <c>PredictionEngine&lt;SentenceInput, ScoreOutput&gt;.Predict</c> on
/// the 20-word sentence, text in, <c>Score</c> out; <see cref="WorkloadSpec.SentencesPerRepetition"/> calls per repetition.
/// </summary>
/// <remarks>
/// A call runs the saved chain row by row: NormalizeText (lower-casing), the word tokenizer graph in ONNX Runtime, ML.NET's
/// key mapping (the vocabulary), the classifier graph in ONNX Runtime, then ML.NET's copying into a new
/// <see cref="ScoreOutput"/>. The label hashing and mapping after the graph produce <c>PredictedLabel</c>, which
/// <see cref="ScoreOutput"/> does not ask for.
/// </remarks>
public sealed class ZipPredictionRunner : IWorkloadRunner, IDisposable
{
    private readonly PredictionEngine<SentenceInput, ScoreOutput> _engine;
    private readonly SentenceInput _input;
    private float _last;

    /// <summary>Loads the model and makes the prediction engine.</summary>
    /// <param name="spec">The workload (B = 1).</param>
    /// <param name="zipPath">The model written by <see cref="LatencyModel.Prepare"/>.</param>
    public ZipPredictionRunner(WorkloadSpec spec, string zipPath)
    {
        ArgumentNullException.ThrowIfNull(spec);
        Spec = spec;
        var ml = new MLContext();
        ITransformer model = ml.Model.Load(zipPath, out _);
        _engine = ml.Model.CreatePredictionEngine<SentenceInput, ScoreOutput>(model);
        _input = new SentenceInput { Text = LatencyModel.Sentence(spec) };
        RealTokens = _input.Text.Split(' ').Length;
    }

    /// <inheritdoc/>
    public WorkloadSpec Spec { get; }

    /// <inheritdoc/>
    public long RealTokens { get; }

    /// <summary>Gets the last sentence's probability of class 1 (to keep the work observable).</summary>
    public float LastProbability => _last;

    /// <inheritdoc/>
    public void RunRepetition()
    {
        for (int i = 0; i < WorkloadSpec.SentencesPerRepetition; i++)
        {
            _last = _engine.Predict(_input).Score[1];
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _engine.Dispose();
}
