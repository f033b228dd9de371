using System.Numerics.Tensors;
using MLNetRnn.Numerics;

namespace MLNetRnn.Layers;

// B = batch, T = time, H = hidden size; one gate (G = 1).

/// <summary>The Elman (tanh) step: <c>h' = tanh(W_ih x + b_ih + W_hh h + b_hh)</c>, PyTorch's <c>nn.RNN</c>.</summary>
/// <remarks>Backward: <c>dpre = dh' ⊙ (1 − h'²)</c>; the same for the input and hidden sides.</remarks>
internal sealed class SimpleRnnLayer(ParameterStore store, int inputSize, int hiddenSize, string prefix, string suffix, SeededRandom random)
    : RecurrentLayer(store, inputSize, hiddenSize, 1, prefix, suffix, random)
{
    protected override bool FoldsHiddenBias => true;

    protected override void StepForward(int t, int lo, int hi, int fromPrev, int prevT, ReadOnlySpan<float> c0)
    {
        int n = (hi - lo) * HiddenSize, at = (Start[t] + lo) * HiddenSize;
        Span<float> pre = Xg.AsSpan(at, n);
        TensorPrimitives.Add(pre, Hg.AsSpan(lo * HiddenSize, n), pre);
        Activations.Tanh(pre, Hs.AsSpan(at, n));
    }

    protected override void StepBackward(int t, int lo, int hi, int fromPrev, int stillAlive, ReadOnlySpan<float> dh,
        ReadOnlySpan<float> dcN, Span<float> dc0, Span<float> dGx, Span<float> dGh, Span<float> dhPrev)
    {
        // dpre = dh ⊙ (1 − h²)
        ReadOnlySpan<float> hOut = Hs.AsSpan((Start[t] + lo) * HiddenSize, (hi - lo) * HiddenSize);
        TensorPrimitives.Multiply(hOut, hOut, dGx);
        TensorPrimitives.Subtract(1f, dGx, dGx);
        TensorPrimitives.Multiply(dGx, dh, dGx);
        dhPrev.Clear();
    }
}
