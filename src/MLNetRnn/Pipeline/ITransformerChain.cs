namespace MLNetRnn.Pipeline;

/// <summary>The steps of any <see cref="TransformerChain{TLastTransformer}"/>, whatever its last type.</summary>
internal interface ITransformerChain
{
    IReadOnlyList<ITransformer> Transformers { get; }
}
