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
