namespace MLNetRnn.Layers;

// T = time, B = batch, W = row width, S = state slots, H = hidden size.

/// <summary>
/// A batch reordered longest-first, as PyTorch's packed sequences: <see cref="BatchSizes"/>[t] rows are alive at step t
/// and they are always the first ones, so each step works on one contiguous block. Gathers rows from the caller's
/// order into sorted order and scatters results back.
/// </summary>
internal sealed class PackedOrder
{
    private int[] _order = []; // sorted position -> original row (stable: equal lengths keep their order)
    private int _t, _b;

    /// <summary>Gets the number of rows alive at each step (non-increasing, first = B).</summary>
    public int[] BatchSizes { get; private set; } = [];

    /// <summary>Sorts the batch by length; empty lengths mean every row has length T.</summary>
    /// <exception cref="ArgumentException">The number of lengths is not B.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A length is outside [1, T]; the message names the row.</exception>
    public void Pack(ReadOnlySpan<int> lengths, int t, int b)
    {
        if (!lengths.IsEmpty && lengths.Length != b)
        {
            throw new ArgumentException($"'lengths' has {lengths.Length} entries but the batch has B={b} rows; give one length per row.", nameof(lengths));
        }

        for (int i = 0; i < lengths.Length; i++)
        {
            if (lengths[i] < 1 || lengths[i] > t)
            {
                throw new ArgumentOutOfRangeException(nameof(lengths), lengths[i], $"Row {i} has length {lengths[i]}; lengths must be in [1, T={t}]. Drop empty sequences before batching, or pad the batch to the longest row.");
            }
        }

        (_t, _b) = (t, b);
        if (_order.Length != b)
        {
            _order = new int[b];
        }

        if (BatchSizes.Length != t)
        {
            BatchSizes = new int[t];
        }

        for (int i = 0; i < b; i++)
        {
            _order[i] = i;
        }

        if (!lengths.IsEmpty)
        {
            // Stable insertion sort, longest first (batches are small).
            for (int i = 1; i < b; i++)
            {
                int row = _order[i];
                int j = i - 1;
                while (j >= 0 && lengths[_order[j]] < lengths[row])
                {
                    _order[j + 1] = _order[j];
                    j--;
                }

                _order[j + 1] = row;
            }
        }

        for (int step = 0; step < t; step++)
        {
            int alive = 0;
            while (alive < b && (lengths.IsEmpty ? t : lengths[_order[alive]]) > step)
            {
                alive++;
            }

            BatchSizes[step] = alive;
        }
    }

    /// <summary>Copies (T, B, W) rows from the caller's order into sorted order.</summary>
    public void Gather(ReadOnlySpan<float> source, Span<float> destination, int width)
    {
        for (int step = 0; step < _t; step++)
        {
            for (int j = 0; j < _b; j++)
            {
                source.Slice(((step * _b) + _order[j]) * width, width).CopyTo(destination.Slice(((step * _b) + j) * width, width));
            }
        }
    }

    /// <summary>Copies (T, B, W) rows from sorted order back into the caller's order.</summary>
    public void Scatter(ReadOnlySpan<float> source, Span<float> destination, int width)
    {
        for (int step = 0; step < _t; step++)
        {
            for (int j = 0; j < _b; j++)
            {
                source.Slice(((step * _b) + j) * width, width).CopyTo(destination.Slice(((step * _b) + _order[j]) * width, width));
            }
        }
    }

    /// <summary>Copies (S, B, H) states into sorted order; nothing when <paramref name="source"/> is empty.</summary>
    public void GatherStates(ReadOnlySpan<float> source, Span<float> destination, int hidden, int slots)
    {
        if (source.IsEmpty)
        {
            return;
        }

        for (int slot = 0; slot < slots; slot++)
        {
            for (int j = 0; j < _b; j++)
            {
                source.Slice(((slot * _b) + _order[j]) * hidden, hidden).CopyTo(destination.Slice(((slot * _b) + j) * hidden, hidden));
            }
        }
    }

    /// <summary>Copies (S, B, H) states back into the caller's order; nothing when <paramref name="destination"/> is empty.</summary>
    public void ScatterStates(ReadOnlySpan<float> source, Span<float> destination, int hidden, int slots)
    {
        if (destination.IsEmpty)
        {
            return;
        }

        for (int slot = 0; slot < slots; slot++)
        {
            for (int j = 0; j < _b; j++)
            {
                source.Slice(((slot * _b) + j) * hidden, hidden).CopyTo(destination.Slice(((slot * _b) + _order[j]) * hidden, hidden));
            }
        }
    }
}
