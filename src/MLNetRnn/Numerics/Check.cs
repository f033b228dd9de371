namespace MLNetRnn.Numerics;

/// <summary>Argument checks shared by the numerical code; each throws a message naming the argument and both sizes.</summary>
internal static class Check
{
    public static void Length(ReadOnlySpan<float> span, long required, string name)
    {
        if (span.Length < required)
        {
            throw new ArgumentException($"'{name}' has {span.Length} elements but the shapes need {required}.", name);
        }
    }

    public static void Length(ReadOnlySpan<int> span, long required, string name)
    {
        if (span.Length < required)
        {
            throw new ArgumentException($"'{name}' has {span.Length} elements but the shapes need {required}.", name);
        }
    }

    /// <summary>Throws unless the span has exactly d1*d2*d3 elements; the message (built only on failure) names each dimension.</summary>
    public static void Exact(ReadOnlySpan<float> span, string name, (string Name, int Size) d1, (string Name, int Size) d2, (string Name, int Size) d3)
    {
        long required = (long)d1.Size * d2.Size * d3.Size;
        if (span.Length != required)
        {
            throw new ArgumentException($"'{name}' has {span.Length} elements but its shape ({d1.Name}={d1.Size}, {d2.Name}={d2.Size}, {d3.Name}={d3.Size}) needs {required}.", name);
        }
    }

    public static void Finite(ReadOnlySpan<float> values, string name)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                throw new ArgumentException($"'{name}' holds {values[i]} at index {i}; inputs must be finite numbers (check the data for NaN or infinity, or lower the learning rate if training diverged).", name);
            }
        }
    }
}
