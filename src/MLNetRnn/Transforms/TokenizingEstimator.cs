using MLNetRnn.Data;
using MLNetRnn.Pipeline;
using MLNetRnn.Text;

namespace MLNetRnn.Transforms;

/// <summary>Splits a String column into tokens (Vector&lt;String&gt;). Nothing is learned: fitting only checks the schema.</summary>
public sealed class TokenizingEstimator : IEstimator<TokenizingTransformer>
{
    private readonly TokenizingTransformer _transformer;

    internal TokenizingEstimator(TokenizingTransformer transformer) => _transformer = transformer;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => _transformer.GetOutputSchema(inputSchema);

    /// <inheritdoc/>
    public TokenizingTransformer Fit(DataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        return _transformer;
    }
}
