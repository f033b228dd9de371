namespace MLNetRnn.Training;

/// <summary>The range checks every task's options share (sizes, counts, epochs, batch size, patience).</summary>
internal static class OptionChecks
{
    /// <summary>Throws for the first setting below 1, naming it and its value.</summary>
    /// <param name="settings">Each setting's name (as the options property is called) and value.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is 0 or negative.</exception>
    public static void AtLeastOne(params ReadOnlySpan<(string Name, int Value)> settings)
    {
        foreach (var (name, value) in settings)
        {
            if (value < 1)
            {
                throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1, got {value}.");
            }
        }
    }
}
