namespace MLNetRnn.Pipeline;

/// <summary>ML.NET's <c>Append</c> on any estimator, so pipelines read as <c>a.Append(b).Append(c)</c>.</summary>
public static class EstimatorExtensions
{
    /// <summary>Starts a chain: <paramref name="start"/> then <paramref name="next"/>.</summary>
    /// <typeparam name="TNew">The fitted type of <paramref name="next"/>.</typeparam>
    /// <param name="start">The first step.</param>
    /// <param name="next">The second step.</param>
    /// <returns>A two-step chain.</returns>
    public static EstimatorChain<TNew> Append<TNew>(this IEstimator<ITransformer> start, IEstimator<TNew> next)
        where TNew : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(next);
        return new EstimatorChain<TNew>([start, next]);
    }
}
