using MLNetRnn.Layers;
using MLNetRnn.Numerics;

namespace MLNetRnn.Training;

/// <summary>Gradient clipping by global norm, as PyTorch's <c>torch.nn.utils.clip_grad_norm_</c>.</summary>
public static class GradientClipping
{
    /// <summary>Scales every trainable tensor's gradient so that their joint L2 norm is at most <paramref name="maxNorm"/>.</summary>
    /// <param name="store">The tensors; frozen ones are neither counted nor scaled.</param>
    /// <param name="maxNorm">The largest allowed norm; positive.</param>
    /// <returns>The norm before clipping (useful to log); NaN or infinity when a gradient is not finite, in which case nothing is scaled.</returns>
    /// <remarks><c>n = √Σ g²</c>; when <c>n &gt; maxNorm</c>, every gradient is multiplied by <c>maxNorm / (n + 1e-6)</c>.</remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxNorm"/> is not positive and finite.</exception>
    public static float ClipByGlobalNorm(ParameterStore store, float maxNorm)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (!(maxNorm > 0f && float.IsFinite(maxNorm)))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNorm), maxNorm, $"Invalid max norm: {maxNorm}. Use a positive value such as 1.0.");
        }

        // The sum of squares is vectorised in float per unit (a row of a row-sparse tensor, or a chunk of at most
        // ChunkElements of a dense one, so a large tensor's float sum does not lose its small terms) and combined in
        // double. The units are fixed by the tensors' shapes, never by the thread count: one thread or two give the same
        // norm bit for bit, two threads computing the units' sums at the same time.
        var work = s_work ??= new ClipSweep();
        work.Collect(store);
        work.RunWholeSlices(); // the units' sums
        float norm = (float)Math.Sqrt(work.Total());
        float coefficient = maxNorm / (norm + 1e-6f);
        if (float.IsFinite(norm) && coefficient < 1f)
        {
            work.Coefficient = coefficient;
            work.Run(); // the scaling, element-wise over the same units
        }

        work.Release();
        return norm;
    }

    /// <summary>A dense tensor's sum of squares is taken in float over chunks of this many elements.</summary>
    internal const int ChunkElements = 1 << 16;

    // One per thread: a clipping call is synchronous, and training loops on different threads each get their own.
    [ThreadStatic] private static ClipSweep? s_work;

    /// <summary>The units of one clipping call: their sums of squares per unit, then their scaling element-wise.</summary>
    private sealed class ClipSweep : SliceSweep
    {
        private readonly List<(int First, int End, bool Sparse)> _tensors = [];
        private float[] _sums = new float[16];
        private float[] _gradients = [];

        /// <summary>Gets or sets the factor <see cref="SliceSweep.Run"/> multiplies the gradients by.</summary>
        public float Coefficient { get; set; }

        /// <summary>Lists the units of every trainable tensor, in store order.</summary>
        public void Collect(ParameterStore store)
        {
            _gradients = store.GradientArray;
            Clear();
            _tensors.Clear();
            var parameters = store.Parameters;
            for (int i = 0; i < parameters.Count; i++)
            {
                var p = parameters[i];
                if (!p.RequiresGradient)
                {
                    continue;
                }

                int first = Count;
                if (p.RowSparse is { } sparse)
                {
                    foreach (int row in sparse.Rows)
                    {
                        Add(p.Offset + (row * sparse.RowLength), sparse.RowLength);
                    }
                }
                else
                {
                    for (int at = 0; at < p.Length; at += ChunkElements)
                    {
                        Add(p.Offset + at, Math.Min(ChunkElements, p.Length - at));
                    }
                }

                _tensors.Add((first, Count, p.RowSparse is not null));
            }

            if (_sums.Length < Count)
            {
                Array.Resize(ref _sums, Math.Max(Count, _sums.Length * 2));
            }
        }

        /// <summary>Combines the units' float sums: a row-sparse tensor's rows in float first (as its dense twin's single float sum), every tensor's or chunk's sum in double.</summary>
        public double Total()
        {
            double sum = 0;
            for (int i = 0; i < _tensors.Count; i++)
            {
                var (first, end, sparse) = _tensors[i];
                float rows = 0f;
                for (int unit = first; unit < end; unit++)
                {
                    if (sparse)
                    {
                        rows += _sums[unit];
                    }
                    else
                    {
                        sum += _sums[unit];
                    }
                }

                sum += rows;
            }

            return sum;
        }

        /// <summary>Drops the reference to the store's gradients (the thread-static sweep outlives the call).</summary>
        public void Release() => _gradients = [];

        protected override void ApplySlice(int index, int offset, int length) =>
            _sums[index] = System.Numerics.Tensors.TensorPrimitives.SumOfSquares(_gradients.AsSpan(offset, length));

        protected override void Apply(int offset, int length)
        {
            Span<float> slice = _gradients.AsSpan(offset, length);
            System.Numerics.Tensors.TensorPrimitives.Multiply(slice, Coefficient, slice);
        }
    }
}
