using MLNetRnn.Data;

namespace MLNetRnn.Pipeline;

/// <summary>Fitted steps applied in order; the result of fitting an <see cref="EstimatorChain{TLastTransformer}"/>.</summary>
/// <typeparam name="TLastTransformer">The last step's type (for example the trained model).</typeparam>
public sealed class TransformerChain<TLastTransformer> : ITransformer, ITransformerChain
    where TLastTransformer : class, ITransformer
{
    private readonly ITransformer[] _transformers;

    /// <summary>Creates a chain.</summary>
    /// <param name="transformers">The steps, in order; the last must be a <typeparamref name="TLastTransformer"/>.</param>
    /// <exception cref="ArgumentException">The chain is empty or its last step has another type.</exception>
    public TransformerChain(IEnumerable<ITransformer> transformers)
    {
        ArgumentNullException.ThrowIfNull(transformers);
        _transformers = transformers.ToArray();
        if (_transformers.Length == 0 || _transformers[^1] is not TLastTransformer last)
        {
            throw new ArgumentException($"A transformer chain needs at least one step and must end with {typeof(TLastTransformer).Name}.", nameof(transformers));
        }

        LastTransformer = last;
    }

    /// <summary>Gets the steps, in order.</summary>
    public IReadOnlyList<ITransformer> Transformers => _transformers;

    /// <summary>Gets the last step.</summary>
    public TLastTransformer LastTransformer { get; }

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        foreach (var t in _transformers)
        {
            inputSchema = t.GetOutputSchema(inputSchema);
        }

        return inputSchema;
    }

    /// <inheritdoc/>
    public DataView Transform(DataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        foreach (var t in _transformers)
        {
            input = t.Transform(input);
        }

        return input;
    }
}
