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
}
