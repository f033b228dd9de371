using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Serving;

namespace MLNetRnn;

/// <summary>Serving a model from many threads on ML.NET's <c>mlContext.Model</c> catalog.</summary>
public static class RnnServingOperations
{
    /// <summary>
    /// Makes a thread-safe prediction engine over <paramref name="model"/>: a pool of ML.NET prediction engines that share
    /// the model's weights (one ONNX Runtime session per graph), one engine per concurrent call. See
    /// <see cref="ConcurrentPredictionEngine{TInput, TOutput}"/> for the bounds and disposal.
    /// </summary>
    /// <typeparam name="TInput">The input class.</typeparam>
    /// <typeparam name="TOutput">The output class.</typeparam>
    /// <param name="catalog">ML.NET's model operations (<c>mlContext.Model</c>).</param>
    /// <param name="model">The fitted or loaded model; not copied, and not disposed by the result.</param>
    /// <param name="maxRetainedEngines">The most engines kept idle between calls. Default: twice the processor count.</param>
    /// <param name="ignoreMissingColumns">As for <c>CreatePredictionEngine</c>: whether a model column missing from <typeparamref name="TOutput"/> is ignored. Default true.</param>
    /// <param name="inputSchemaDefinition">As for <c>CreatePredictionEngine</c>: how <typeparamref name="TInput"/> maps to columns. Default by member names.</param>
    /// <param name="outputSchemaDefinition">As for <c>CreatePredictionEngine</c>: how columns map to <typeparamref name="TOutput"/>. Default by member names.</param>
    /// <returns>The engine; its first pooled engine is made now, so a mismatch between the classes and the model throws here.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="catalog"/> or <paramref name="model"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRetainedEngines"/> is zero or negative, or
    /// <typeparamref name="TInput"/> lacks a column the model reads (ML.NET's message: "Could not find input column 'Text'").</exception>
    public static ConcurrentPredictionEngine<TInput, TOutput> CreateConcurrentPredictionEngine<TInput, TOutput>(this ModelOperationsCatalog catalog, ITransformer model,
        int? maxRetainedEngines = null, bool ignoreMissingColumns = true, SchemaDefinition? inputSchemaDefinition = null, SchemaDefinition? outputSchemaDefinition = null)
        where TInput : class
        where TOutput : class, new()
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        int retained = maxRetainedEngines ?? 2 * Environment.ProcessorCount;
        if (retained <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRetainedEngines), retained, $"maxRetainedEngines is {retained}; keep at least 1 engine (the default is twice the processor count).");
        }

        // OwnsTransformer = false: by default an engine's Dispose disposes the model too (ML.NET issue 5945), which would
        // pull the ONNX Runtime sessions from under every other engine (a native crash while they run).
        var options = new PredictionEngineOptions
        {
            IgnoreMissingColumns = ignoreMissingColumns, InputSchemaDefinition = inputSchemaDefinition, OutputSchemaDefinition = outputSchemaDefinition,
            OwnsTransformer = false,
        };
        return new ConcurrentPredictionEngine<TInput, TOutput>(() => catalog.CreatePredictionEngine<TInput, TOutput>(model, options), retained);
    }
}
