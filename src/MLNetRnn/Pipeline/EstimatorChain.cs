using MLNetRnn.Data;

namespace MLNetRnn.Pipeline;

/// <summary>
/// Estimators run in order: each is fitted on the output of the steps before it, as ML.NET's <c>EstimatorChain</c>.
/// Build one with <see cref="EstimatorExtensions.Append{TNew}(IEstimator{ITransformer}, IEstimator{TNew})"/>.
/// </summary>
/// <typeparam name="TLastTransformer">The last step's fitted type.</typeparam>
public sealed class EstimatorChain<TLastTransformer> : IEstimator<TransformerChain<TLastTransformer>>
    where TLastTransformer : class, ITransformer
{
    private readonly IEstimator<ITransformer>[] _estimators;

    internal EstimatorChain(IEnumerable<IEstimator<ITransformer>> estimators) => _estimators = estimators.ToArray();

    /// <summary>Gets the steps, in order.</summary>
    public IReadOnlyList<IEstimator<ITransformer>> Estimators => _estimators;

    /// <summary>Returns a longer chain ending with <paramref name="next"/>; this chain is unchanged.</summary>
    /// <typeparam name="TNew">The new last step's fitted type.</typeparam>
    /// <param name="next">The step to add.</param>
    /// <returns>The new chain.</returns>
    public EstimatorChain<TNew> Append<TNew>(IEstimator<TNew> next)
        where TNew : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(next);
        return new EstimatorChain<TNew>([.. _estimators, next]);
    }

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        foreach (var e in _estimators)
        {
            inputSchema = e.GetOutputSchema(inputSchema);
        }

        return inputSchema;
    }

    /// <inheritdoc/>
    /// <remarks>The whole chain's schema is checked first, so a wrong column fails before the first step trains. A trainer's
    /// validation set (for example <c>SequenceClassificationOptions.ValidationSet</c>) is given in the chain's input format and
    /// passed through the fitted steps before that trainer sees it.</remarks>
    public TransformerChain<TLastTransformer> Fit(DataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        var fitted = new List<ITransformer>(_estimators.Length);
        foreach (var e in _estimators)
        {
            ITransformer t;
            if (e is IValidatedEstimator validated && validated.ValidationSet is { } validation)
            {
                // The validation rows are raw pipeline input: bring them to this step's input format first.
                foreach (var previous in fitted)
                {
                    validation = previous.Transform(validation);
                }

                t = validated.Fit(input, validation);
            }
            else
            {
                t = e.Fit(input);
            }

            fitted.Add(t);
            if (fitted.Count < _estimators.Length)
            {
                input = t.Transform(input);
            }
        }

        return new TransformerChain<TLastTransformer>(fitted);
    }
}
