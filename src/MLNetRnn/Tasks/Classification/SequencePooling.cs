namespace MLNetRnn.Classification;

/// <summary>How a sequence classifier summarises a recurrent stack's output into one vector per row.</summary>
public enum SequencePooling
{
    /// <summary>
    /// The top layer's final state of each direction, concatenated (PyTorch's <c>h_n</c> with packed sequences): the forward
    /// state after the row's last real token and the reverse state after reading back to its first. Never a padding step.
    /// </summary>
    FinalState,

    /// <summary>The mean of the top layer's outputs over the row's real tokens.</summary>
    Mean,

    /// <summary>The element-wise maximum of the top layer's outputs over the row's real tokens.</summary>
    Max,
}
