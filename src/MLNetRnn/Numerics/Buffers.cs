namespace MLNetRnn.Numerics;

/// <summary>Work buffers that grow to the largest shape seen and are then reused, so steady-state steps allocate nothing.</summary>
internal static class Buffers
{
    /// <summary>Replaces <paramref name="buffer"/> by a new zeroed array when it is shorter than <paramref name="length"/>.</summary>
    public static void Ensure(ref float[] buffer, int length)
    {
        if (buffer.Length < length)
        {
            buffer = new float[length];
        }
    }

    /// <summary>As <see cref="Ensure"/>, and returns the first <paramref name="length"/> elements.</summary>
    public static Span<float> Grow(ref float[] buffer, long length)
    {
        Ensure(ref buffer, checked((int)length));
        return buffer.AsSpan(0, (int)length);
    }

    /// <summary>As <see cref="Grow(ref float[], long)"/> for double buffers (log-space recursions kept in double).</summary>
    public static Span<double> Grow(ref double[] buffer, long length)
    {
        int n = checked((int)length);
        if (buffer.Length < n)
        {
            buffer = new double[n];
        }

        return buffer.AsSpan(0, n);
    }

    /// <summary>As <see cref="Grow(ref float[], long)"/> for int buffers (lengths, tags, back-pointers).</summary>
    public static Span<int> Grow(ref int[] buffer, long length)
    {
        int n = checked((int)length);
        if (buffer.Length < n)
        {
            buffer = new int[n];
        }

        return buffer.AsSpan(0, n);
    }
}
