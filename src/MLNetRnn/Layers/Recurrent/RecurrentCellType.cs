namespace MLNetRnn.Layers;

/// <summary>The recurrent cell of a <see cref="RecurrentStack"/>; gate orders match PyTorch so weights move between the two.</summary>
public enum RecurrentCellType
{
    /// <summary>Elman RNN with tanh, as PyTorch's <c>nn.RNN(nonlinearity='tanh')</c>: <c>h' = tanh(W_ih x + b_ih + W_hh h + b_hh)</c>.</summary>
    SimpleRnn,

    /// <summary>LSTM with gates in PyTorch's order i, f, g, o (weights (4H, ·)).</summary>
    Lstm,

    /// <summary>GRU with gates in PyTorch's order r, z, n (weights (3H, ·)) and <c>n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))</c>.</summary>
    Gru,
}

/// <summary>Facts about a <see cref="RecurrentCellType"/> that several places need.</summary>
internal static class RecurrentCellTypes
{
    /// <summary>G, the gate blocks of the cell's weights (G·H rows): LSTM 4, GRU 3, SimpleRNN 1.</summary>
    public static int Gates(this RecurrentCellType cell) => cell switch { RecurrentCellType.Lstm => 4, RecurrentCellType.Gru => 3, _ => 1 };
}
