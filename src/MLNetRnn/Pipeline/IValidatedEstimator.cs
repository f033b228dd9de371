using MLNetRnn.Data;

namespace MLNetRnn.Pipeline;

/// <summary>
/// An estimator that scores a validation set while fitting. An <see cref="EstimatorChain{TLastTransformer}"/> passes its
/// raw <see cref="ValidationSet"/> through the already-fitted steps before calling <see cref="Fit"/>.
/// </summary>
internal interface IValidatedEstimator
{
    /// <summary>Gets the validation rows in the pipeline's input format, or null.</summary>
    DataView? ValidationSet { get; }

    /// <summary>Fits with a validation set already in this estimator's input format.</summary>
    ITransformer Fit(DataView input, DataView? validation);
}
