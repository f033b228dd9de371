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
