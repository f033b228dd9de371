using MLNetRnn.Data;

namespace MLNetRnn.Pipeline;

/// <summary>An unfitted step of a pipeline: learns from data and returns a transformer, as ML.NET's <c>IEstimator&lt;TTransformer&gt;</c>.</summary>
/// <typeparam name="TTransformer">The fitted step's type.</typeparam>
public interface IEstimator<out TTransformer>
    where TTransformer : ITransformer
{
    /// <summary>
    /// Checks the input columns and gets the schema the fitted transformer will produce, without training, so that a
    /// pipeline reports a wrong column before any work starts.
    /// </summary>
    /// <param name="inputSchema">The training data's columns.</param>
    /// <returns>The output's columns.</returns>
    /// <exception cref="ArgumentException">A needed column is missing or of the wrong type, for example "Column 'Text' must be String, got Single".</exception>
    DataViewSchema GetOutputSchema(DataViewSchema inputSchema);

    /// <summary>Learns from <paramref name="input"/>.</summary>
    /// <param name="input">The training data.</param>
    /// <returns>The fitted step.</returns>
    /// <exception cref="ArgumentException">A needed column is missing or of the wrong type, or the data is unusable (the message says why).</exception>
    TTransformer Fit(DataView input);
}
