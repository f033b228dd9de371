namespace MLNetRnn.Numerics;

/// <summary>Work buffers that grow to the largest shape seen and are then reused, so steady-state steps allocate nothing.</summary>
internal static class Buffers
{
    /// <summary>Replaces <paramref name="buffer"/> by a new zeroed array when it is shorter than <paramref name="length"/>.</summary>
    /// <typeparam name="T">The element type: float for activations, double for log-space recursions, int for lengths, tags and back-pointers.</typeparam>
    public static void Ensure<T>(ref T[] buffer, int length)
        where T : unmanaged
    {
        if (buffer.Length < length)
        {
            buffer = new T[length];
        }
    }

    /// <summary>As <see cref="Ensure{T}"/>, and returns the first <paramref name="length"/> elements.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    public static Span<T> Grow<T>(ref T[] buffer, long length)
        where T : unmanaged
    {
        Ensure(ref buffer, checked((int)length));
        return buffer.AsSpan(0, (int)length);
    }
}
