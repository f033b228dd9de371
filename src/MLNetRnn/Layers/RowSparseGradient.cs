namespace MLNetRnn.Layers;

/// <summary>
/// The rows of a (rows, row length) parameter whose gradient a batch wrote, for a parameter most of whose rows a batch
/// never reads (an embedding table): zeroing, the gradient norm, clipping and the optimizer then visit those rows only.
/// </summary>
/// <remarks>
/// Semantics, as PyTorch's <c>nn.Embedding(sparse=True)</c> with <c>torch.optim.SparseAdam</c>: zeroing, the norm and
/// clipping are exact (the other rows' gradients are zero), but the optimizer's update is lazy: a row not in the batch
/// keeps its value and its optimizer state (Adam's moments do not decay, momentum does not carry it), while a row in the
/// batch gets the ordinary update with the global step count. The layer that writes the gradient marks each row it
/// writes; anything else writing into that parameter's gradient must mark too, so tied weights cannot use this.
/// </remarks>
internal sealed class RowSparseGradient
{
    private readonly bool[] _touched;
    private readonly int[] _rows;
    private int _count;
    private bool _sorted = true;

    /// <summary>Creates the tracker for a parameter of <paramref name="rowCount"/> rows of <paramref name="rowLength"/> values.</summary>
    public RowSparseGradient(int rowCount, int rowLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rowLength);
        _touched = new bool[rowCount];
        _rows = new int[rowCount];
        RowLength = rowLength;
    }

    /// <summary>Gets the number of values in a row.</summary>
    public int RowLength { get; }

    /// <summary>Gets the rows written since the last <see cref="Clear"/>, in ascending order (so sums are deterministic).</summary>
    public ReadOnlySpan<int> Rows
    {
        get
        {
            if (!_sorted)
            {
                Array.Sort(_rows, 0, _count);
                _sorted = true;
            }

            return _rows.AsSpan(0, _count);
        }
    }

    /// <summary>Records that the gradient of <paramref name="row"/> was written.</summary>
    public void Mark(int row)
    {
        if (!_touched[row])
        {
            _touched[row] = true;
            _rows[_count++] = row;
            _sorted = false;
        }
    }

    /// <summary>Zeroes the marked rows of <paramref name="gradient"/> (the others are zero already) and forgets them.</summary>
    public void Clear(Span<float> gradient)
    {
        foreach (int row in _rows.AsSpan(0, _count))
        {
            gradient.Slice(row * RowLength, RowLength).Clear();
            _touched[row] = false;
        }

        _count = 0;
        _sorted = true;
    }
}
