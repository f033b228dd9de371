namespace MLNetRnn.Layers;

// T = time, B = batch, W = row width, S = state slots, H = hidden size.

/// <summary>
/// A batch reordered longest-first and packed, as PyTorch's <c>PackedSequence</c>: <see cref="BatchSizes"/>[t] rows are
/// alive at step t, they are always the first ones, and only they are stored: step t occupies packed rows
/// [<see cref="Start"/>[t], Start[t] + BatchSizes[t]) of an (N, W) buffer, N = <see cref="Total"/> real tokens.
/// Gathers rows from the caller's padded (T, B, W) layout into packed rows and scatters results back (zero on padding).
/// </summary>
internal sealed class PackedOrder
{
    private int[] _order = []; // sorted position -> original row (stable: equal lengths keep their order)
    private int _t, _b;

    /// <summary>Gets the number of rows alive at each step (non-increasing, first = B).</summary>
    public int[] BatchSizes { get; private set; } = [];

    /// <summary>Gets the first packed row of each step, T + 1 entries (the last is <see cref="Total"/>).</summary>
    public int[] Start { get; private set; } = [];

    /// <summary>Gets N, the number of real tokens (packed rows).</summary>
    public int Total => Start[_t];

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
            Start = new int[t + 1];
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
            Start[step + 1] = Start[step] + alive;
        }
    }

    /// <summary>Copies the real rows of a padded (T, B, W) buffer in the caller's order into packed (N, W) rows.</summary>
    public void Gather(ReadOnlySpan<float> source, Span<float> destination, int width)
    {
        for (int step = 0; step < _t; step++)
        {
            for (int j = 0; j < BatchSizes[step]; j++)
            {
                source.Slice(((step * _b) + _order[j]) * width, width).CopyTo(destination.Slice((Start[step] + j) * width, width));
            }
        }
    }

    /// <summary>Copies packed (N, W) rows back into a padded (T, B, W) buffer in the caller's order; padding becomes zero.</summary>
    public void Scatter(ReadOnlySpan<float> source, Span<float> destination, int width)
    {
        for (int step = 0; step < _t; step++)
        {
            int alive = BatchSizes[step];
            for (int j = 0; j < _b; j++)
            {
                Span<float> row = destination.Slice(((step * _b) + _order[j]) * width, width);
                if (j < alive)
                {
                    source.Slice((Start[step] + j) * width, width).CopyTo(row);
                }
                else
                {
                    row.Clear();
                }
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
