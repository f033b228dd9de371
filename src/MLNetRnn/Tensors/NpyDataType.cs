namespace MLNetRnn.Tensors;

/// <summary>
/// Element types that <see cref="NpyFile"/> and <see cref="NpzFile"/> read and write.
/// </summary>
/// <remarks>
/// Each value maps to one NumPy dtype descriptor, always stored little-endian on disk:
/// <see cref="Float32"/> is <c>&lt;f4</c>, <see cref="Float64"/> is <c>&lt;f8</c>, <see cref="Int32"/> is
/// <c>&lt;i4</c>, <see cref="Int64"/> is <c>&lt;i8</c> and <see cref="Bool"/> is <c>|b1</c> (one byte, 0 or 1).
/// </remarks>
public enum NpyDataType
{
    /// <summary>32-bit IEEE 754 floating point (<c>np.float32</c>, descriptor <c>&lt;f4</c>).</summary>
    Float32,

    /// <summary>64-bit IEEE 754 floating point (<c>np.float64</c>, descriptor <c>&lt;f8</c>).</summary>
    Float64,

    /// <summary>32-bit signed integer (<c>np.int32</c>, descriptor <c>&lt;i4</c>).</summary>
    Int32,

    /// <summary>64-bit signed integer (<c>np.int64</c>, descriptor <c>&lt;i8</c>).</summary>
    Int64,

    /// <summary>Boolean stored as one byte, 0 or 1 (<c>np.bool_</c>, descriptor <c>|b1</c>).</summary>
    Bool,
}
