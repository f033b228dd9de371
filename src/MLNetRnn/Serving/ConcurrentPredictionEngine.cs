using System.Collections.Concurrent;
using Microsoft.ML;

namespace MLNetRnn.Serving;

/// <summary>
/// A thread-safe stand-in for ML.NET's <see cref="PredictionEngine{TSrc, TDst}"/>: one loaded model served by many threads
/// at once. Each call borrows a prediction engine from a pool (making one when none is free), predicts, and gives it back.
/// Make it with <c>mlContext.Model.CreateConcurrentPredictionEngine&lt;TInput, TOutput&gt;(model)</c>.
/// </summary>
/// <typeparam name="TInput">The input class (as for <c>CreatePredictionEngine</c>).</typeparam>
/// <typeparam name="TOutput">The output class (as for <c>CreatePredictionEngine</c>).</typeparam>
/// <remarks>
/// <para>
/// Why a pool: a <see cref="PredictionEngine{TSrc, TDst}"/> keeps per-row buffers and is not thread-safe, so two threads
/// must never use one at the same time. Every engine here is made from the same <see cref="ITransformer"/>, and ML.NET's
/// ONNX transform (the tokenizer, classifier and encoder–decoder graphs of an MLNetRnn model) runs every engine's rows on
/// the transformer's one ONNX Runtime session, whose <c>Run</c> is thread-safe: the weights are loaded once, however many
/// engines exist. An engine adds only its own buffers: the inputs, the graph's intermediate and output tensors and
/// ML.NET's row copies for one prediction (tested, and measured by the benchmarks' <c>serve</c> command).
/// </para>
/// <para>
/// Bounds: a call never waits for another caller. With N calls running at once there are N engines in use; when a call
/// ends its engine is kept for the next call if fewer than <see cref="MaxRetainedEngines"/> are idle, otherwise disposed.
/// So memory is the weights once, plus one engine per concurrent call, and after a burst at most
/// <see cref="MaxRetainedEngines"/> engines stay. A retained engine keeps buffers sized for the longest input it served.
/// </para>
/// <para>
/// Disposal: <see cref="Dispose"/> disposes the idle engines at once and each engine still in use when its call returns;
/// later calls throw <see cref="ObjectDisposedException"/>. It does not dispose the model: the caller owns it (a loaded
/// model's ONNX transforms hold the ONNX Runtime sessions), and disposes it after this object. The pooled engines are made
/// with <c>PredictionEngineOptions.OwnsTransformer = false</c>: ML.NET's default (<c>true</c>) makes an engine's
/// <c>Dispose</c> dispose the model as well, so disposing one engine would break every other engine over that model.
/// </para>
/// </remarks>
public sealed class ConcurrentPredictionEngine<TInput, TOutput> : IDisposable
    where TInput : class
    where TOutput : class, new()
{
    private readonly Func<PredictionEngine<TInput, TOutput>> _create;
    private readonly ConcurrentStack<PredictionEngine<TInput, TOutput>> _idle = new();
    private readonly Lock _createLock = new();
    private int _idleCount;
    private long _created;
    private volatile bool _disposed;

    internal ConcurrentPredictionEngine(Func<PredictionEngine<TInput, TOutput>> create, int maxRetainedEngines)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRetainedEngines);
        _create = create;
        MaxRetainedEngines = maxRetainedEngines;
        var first = Create(); // fails now, not at the first call, when the classes do not fit the model
        OutputSchema = first.OutputSchema;
        Return(first);
    }

    /// <summary>Gets the most engines kept idle between calls (the others are disposed when their call ends).</summary>
    public int MaxRetainedEngines { get; }

    /// <summary>Gets how many engines are idle now, at most <see cref="MaxRetainedEngines"/>.</summary>
    public int RetainedEngines => Math.Min(Volatile.Read(ref _idleCount), MaxRetainedEngines);

    /// <summary>Gets how many engines have been made so far (one at construction, then one whenever a call found none idle).</summary>
    public long EnginesCreated => Interlocked.Read(ref _created);

    /// <summary>Gets the schema of the model's output, as <see cref="PredictionEngineBase{TSrc, TDst}.OutputSchema"/>.</summary>
    public DataViewSchema OutputSchema { get; }

    /// <summary>Predicts one example; safe to call from any number of threads at once.</summary>
    /// <param name="example">The input.</param>
    /// <returns>A new output object (callers never share one).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="example"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">This object has been disposed.</exception>
    public TOutput Predict(TInput example)
    {
        ArgumentNullException.ThrowIfNull(example);
        var engine = Rent();
        try
        {
            return engine.Predict(example);
        }
        finally
        {
            Return(engine);
        }
    }

    /// <summary>Predicts one example into an output object the caller owns (ML.NET reuses its arrays when it can).</summary>
    /// <param name="example">The input.</param>
    /// <param name="prediction">The output to fill; a new one is made when it is null.</param>
    /// <exception cref="ArgumentNullException"><paramref name="example"/> is null.</exception>
    /// <exception cref="ObjectDisposedException">This object has been disposed.</exception>
    public void Predict(TInput example, ref TOutput prediction)
    {
        ArgumentNullException.ThrowIfNull(example);
        var engine = Rent();
        try
        {
            engine.Predict(example, ref prediction);
        }
        finally
        {
            Return(engine);
        }
    }

    /// <summary>Disposes the idle engines now and every engine in use when its call ends; the model is not disposed.</summary>
    public void Dispose()
    {
        _disposed = true;
        DisposeIdle();
    }

    private PredictionEngine<TInput, TOutput> Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryPop(out var engine))
        {
            Interlocked.Decrement(ref _idleCount);
            return engine;
        }

        return Create();
    }

    private PredictionEngine<TInput, TOutput> Create()
    {
        // Engines are made rarely (at most one per concurrent caller); one at a time keeps the shared MLContext out of races.
        lock (_createLock)
        {
            var engine = _create();
            Interlocked.Increment(ref _created);
            return engine;
        }
    }

    private void Return(PredictionEngine<TInput, TOutput> engine)
    {
        if (!_disposed)
        {
            if (Interlocked.Increment(ref _idleCount) <= MaxRetainedEngines)
            {
                _idle.Push(engine);
                if (_disposed)
                {
                    DisposeIdle(); // Dispose ran between the check and the push
                }

                return;
            }

            Interlocked.Decrement(ref _idleCount); // enough are idle: this one goes
        }

        engine.Dispose();
    }

    private void DisposeIdle()
    {
        while (_idle.TryPop(out var engine))
        {
            Interlocked.Decrement(ref _idleCount);
            engine.Dispose();
        }
    }
}
