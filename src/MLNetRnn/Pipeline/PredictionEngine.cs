using MLNetRnn.Data;

namespace MLNetRnn.Pipeline;

/// <summary>
/// Predicts one example at a time with a fitted pipeline, as ML.NET's <c>PredictionEngine</c>, but safe to call from many
/// threads at once: it keeps no per-call state, and models borrow private activation buffers per call.
/// </summary>
/// <typeparam name="TSrc">The input class.</typeparam>
/// <typeparam name="TDst">The output class.</typeparam>
public sealed class PredictionEngine<TSrc, TDst>
    where TSrc : class
    where TDst : class, new()
{
    private readonly ITransformer _model;
    private readonly DataCatalog _data;

    internal PredictionEngine(ITransformer model, DataCatalog data)
    {
        _model = model;
        _data = data;
    }

    /// <summary>Runs the pipeline on one example.</summary>
    /// <param name="example">The input.</param>
    /// <returns>A new output object.</returns>
    /// <exception cref="ArgumentException">The input lacks a needed column or holds a bad value (the message says which).</exception>
    public TDst Predict(TSrc example)
    {
        ArgumentNullException.ThrowIfNull(example);
        return Predict([example])[0];
    }

    /// <summary>Runs the pipeline on several examples at once (faster than one by one: rows are batched).</summary>
    /// <param name="examples">The inputs.</param>
    /// <returns>One output per input, in order.</returns>
    /// <exception cref="ArgumentException">An input lacks a needed column or holds a bad value.</exception>
    public IReadOnlyList<TDst> Predict(IReadOnlyList<TSrc> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        if (examples.Count == 0)
        {
            return [];
        }

        var output = _model.Transform(_data.LoadFromEnumerable(examples));
        return _data.CreateEnumerable<TDst>(output).ToList();
    }
}
