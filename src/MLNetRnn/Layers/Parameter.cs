namespace MLNetRnn.Layers;

/// <summary>
/// A named slice of a <see cref="ParameterStore"/>: one weight or bias tensor, stored row-major inside the store's
/// single contiguous value buffer, with its gradient at the same offset in the gradient buffer.
/// </summary>
/// <remarks>Names follow PyTorch <c>state_dict</c> keys (<c>weight_ih_l0</c>, <c>rnn.bias_hh_l1_reverse</c>).</remarks>
public sealed class Parameter
{
    private readonly ParameterStore _store;
    private readonly int[] _shape;

    internal Parameter(ParameterStore store, string name, int[] shape, int offset, int length)
    {
        _store = store;
        _shape = shape;
        Name = name;
        Offset = offset;
        Length = length;
    }

    /// <summary>Gets the <c>state_dict</c>-style name, unique within its store.</summary>
    public string Name { get; }

    /// <summary>Gets the tensor shape, row-major (for example <c>(4*H, I)</c> for an LSTM's <c>weight_ih</c>).</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Gets the offset of this tensor's first element in the store's buffers.</summary>
    public int Offset { get; }

    /// <summary>Gets the number of elements (the product of <see cref="Shape"/>).</summary>
    public int Length { get; }

    /// <summary>
    /// Gets or sets whether optimizers update this tensor. A frozen tensor (for example a pretrained embedding) still
    /// receives gradients, which optimizers ignore. Default <see langword="true"/>.
    /// </summary>
    public bool RequiresGradient { get; set; } = true;

    /// <summary>Gets the values, a live view into the store (valid until more parameters are added).</summary>
    public Span<float> Value => _store.ValueArray.AsSpan(Offset, Length);

    /// <summary>Gets the gradient, a live view into the store (valid until more parameters are added).</summary>
    public Span<float> Gradient => _store.GradientArray.AsSpan(Offset, Length);

    internal int[] ShapeArray => _shape;

    /// <summary>Gets or sets the tracker of written gradient rows when this parameter takes row-sparse, lazy updates
    /// (see <see cref="RowSparseGradient"/>), or null for ordinary dense ones.</summary>
    internal RowSparseGradient? RowSparse { get; set; }

    /// <summary>Formats the shape as PyTorch prints it, for example <c>(52, 7)</c>.</summary>
    /// <returns>The shape in parentheses.</returns>
    public string FormatShape() => ParameterStore.FormatShape(_shape);

    /// <inheritdoc/>
    public override string ToString() => $"{Name} {FormatShape()}";
}
