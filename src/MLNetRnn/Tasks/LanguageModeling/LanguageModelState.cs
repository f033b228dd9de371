namespace MLNetRnn.LanguageModeling;

// L = layers, B = rows (parallel streams), H = hidden.

/// <summary>
/// The recurrent state of B parallel streams between two calls of <see cref="LanguageModelNetwork.Forward"/>: hidden
/// states <see cref="H"/> (L, B, H) and, for an LSTM, cell states <see cref="C"/> (L, B, H); zeros at the start of a stream.
/// </summary>
internal sealed class LanguageModelState
{
    public LanguageModelState(int layers, int rows, int hidden, bool hasCellState)
    {
        Rows = rows;
        H = new float[layers * rows * hidden];
        C = hasCellState ? new float[H.Length] : [];
    }

    /// <summary>Gets B.</summary>
    public int Rows { get; }

    /// <summary>Gets the hidden states (L, B, H).</summary>
    public float[] H { get; }

    /// <summary>Gets the cell states (L, B, H), or empty for a cell without one.</summary>
    public float[] C { get; }

    /// <summary>Back to the start of every stream: all zeros.</summary>
    public void Clear()
    {
        Array.Clear(H);
        Array.Clear(C);
    }
}
