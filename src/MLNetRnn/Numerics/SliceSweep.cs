namespace MLNetRnn.Numerics;

/// <summary>
/// Work over a list of slices of one buffer (whole tensors, rows of row-sparse ones) that runs as two halves of about
/// equal elements on the engine's two threads (<see cref="TwoWay"/>), or in order on one.
/// </summary>
/// <remarks>
/// <para>Used for the per-step passes whose cost follows the parameter count rather than the batch's tokens: the
/// optimizer's update, gradient clipping's sums and scaling, and clearing gradients. Left on the calling thread they were
/// the serial part of every two-thread training step, and the larger share of a short (ragged) batch's step.</para>
/// <para>Two kinds of work, which may run one after the other over the same list (gradient clipping sums per slice, then scales):</para>
/// <list type="bullet">
/// <item><b>Element-wise</b> (<see cref="Run"/>): the halves may cut a slice. A cut falls on a multiple of
/// <see cref="Alignment"/> elements from the slice's start, so a vectorised loop sees the same lane groups and the same
/// scalar tail as over the whole slice: the bits never depend on the thread count or on where the cut fell.</item>
/// <item><b>Per slice</b> (<see cref="RunWholeSlices"/>): each slice is one unit (for example one partial sum); the halves
/// cut between slices only, so each unit's arithmetic is the same whoever runs it.</item>
/// </list>
/// <para>Nothing is allocated once the slice array has grown to the largest list.</para>
/// </remarks>
internal abstract class SliceSweep : ITwoPartWork
{
    /// <summary>Below this many elements the work runs on the calling thread: the hand-off would cost more than it saves.</summary>
    internal const long MinSplitElements = 1 << 15;

    /// <summary>Cuts inside a slice fall on multiples of this many elements from its start (two 256-bit vectors of float).</summary>
    internal const int Alignment = 16;

    private (int Offset, int Length)[] _slices = new (int, int)[16];
    private int _count;
    private long _total;
    private bool _wholeSlices;
    private int _cutSlice; // part 0 runs slices [0, _cutSlice) and the first _cutAt elements of slice _cutSlice
    private int _cutAt;

    /// <summary>Gets the number of slices added since the last <see cref="Clear"/>.</summary>
    public int Count => _count;

    /// <summary>Gets slice <paramref name="index"/>.</summary>
    public (int Offset, int Length) this[int index] => _slices[index];

    /// <summary>Empties the list.</summary>
    public void Clear()
    {
        _count = 0;
        _total = 0;
    }

    /// <summary>Appends the slice [offset, offset + length); empty slices are skipped.</summary>
    public void Add(int offset, int length)
    {
        if (length <= 0)
        {
            return;
        }

        if (_count == _slices.Length)
        {
            Array.Resize(ref _slices, _count * 2);
        }

        _slices[_count++] = (offset, length);
        _total += length;
    }

    /// <summary>Runs <see cref="Apply"/> over every element of every slice, cutting slices where the halves meet.</summary>
    public void Run()
    {
        _wholeSlices = false;
        RunCore();
    }

    /// <summary>Runs <see cref="ApplySlice"/> once per slice, the halves meeting between slices.</summary>
    public void RunWholeSlices()
    {
        _wholeSlices = true;
        RunCore();
    }

    /// <summary>Element-wise work on [offset, offset + length), a slice or part of one.</summary>
    protected virtual void Apply(int offset, int length) => throw new NotSupportedException("This sweep is per slice.");

    /// <summary>Per-slice work on slice <paramref name="index"/>.</summary>
    protected virtual void ApplySlice(int index, int offset, int length) => throw new NotSupportedException("This sweep is element-wise.");

    private void RunCore()
    {
        if (_total < MinSplitElements || !TwoWay.CanSplit || !FindCut())
        {
            RunRange(0, 0, _count, 0);
            return;
        }

        TwoWay.Run(this);
    }

    /// <summary>Finds where part 0 ends: about half the elements, on an aligned element or a slice boundary.</summary>
    private bool FindCut()
    {
        long half = _total / 2, before = 0;
        for (int i = 0; i < _count; i++)
        {
            int length = _slices[i].Length;
            if (before + length > half)
            {
                if (_wholeSlices)
                {
                    // End part 0 at whichever boundary of this slice is nearer the middle.
                    bool takeIt = half - before > before + length - half;
                    (_cutSlice, _cutAt) = takeIt ? (i + 1, 0) : (i, 0);
                }
                else
                {
                    (_cutSlice, _cutAt) = (i, (int)(half - before) / Alignment * Alignment);
                }

                return (_cutSlice > 0 || _cutAt > 0) && _cutSlice < _count;
            }

            before += length;
        }

        return false;
    }

    void ITwoPartWork.Execute(int part)
    {
        if (part == 0)
        {
            RunRange(0, 0, _cutSlice, _cutAt);
        }
        else
        {
            RunRange(_cutSlice, _cutAt, _count, 0);
        }
    }

    /// <summary>Runs from element <paramref name="startAt"/> of slice <paramref name="start"/> to element <paramref name="endAt"/> of slice <paramref name="end"/>.</summary>
    private void RunRange(int start, int startAt, int end, int endAt)
    {
        for (int i = start; i <= end && i < _count; i++)
        {
            var (offset, length) = _slices[i];
            int from = i == start ? startAt : 0, to = i == end ? endAt : length;
            if (to <= from)
            {
                continue;
            }

            if (_wholeSlices)
            {
                ApplySlice(i, offset, length);
            }
            else
            {
                Apply(offset + from, to - from);
            }
        }
    }
}
