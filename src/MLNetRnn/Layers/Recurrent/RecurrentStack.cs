using System.Numerics.Tensors;
using MLNetRnn.Numerics;

namespace MLNetRnn.Layers;

// B = batch, T = time, I = input size, H = hidden size, L = layers, D = directions (1 or 2), S = L*D state slots.

/// <summary>
/// A multi-layer, optionally bidirectional recurrent network over variable-length batches, with the semantics of
/// PyTorch's <c>nn.RNN</c>/<c>nn.LSTM</c>/<c>nn.GRU</c> run on a packed sequence (<c>pack_padded_sequence</c> with
/// <c>enforce_sorted=False</c>).
/// </summary>
/// <remarks>
/// <para>Input (T, B, I) time-major, lengths (B) in any order. Output (T, B, D*H): for each row, the forward direction's
/// state after each real step concatenated with the reverse direction's, and zero past the row's length.</para>
/// <para>Final states (S, B, H), slot <c>l*D + d</c> (PyTorch's <c>h_n</c> order): the forward direction's state at the row's
/// last real step; the reverse direction's state after reading back from the row's own last real step to step 0.</para>
/// <para>Dropout (training only) multiplies every layer's output except the last by a mask of 0 or 1/(1−p).</para>
/// <para>Parameters per layer l and direction, named as PyTorch's <c>state_dict</c>: <c>weight_ih_l{l}</c> (G*H, I or D*H),
/// <c>weight_hh_l{l}</c> (G*H, H), <c>bias_ih_l{l}</c>, <c>bias_hh_l{l}</c> (G*H), with <c>_reverse</c> for the reverse
/// direction; G = 1, 4 (i, f, g, o) or 3 (r, z, n). Initialisation as PyTorch: <c>U(−1/√H, 1/√H)</c>.</para>
/// <para>Not thread-safe: <see cref="Forward"/> keeps what <see cref="Backward"/> needs.</para>
/// </remarks>
public sealed class RecurrentStack : ITwoPartWork
{
    private readonly RecurrentLayer[] _layers; // [l * D + d]
    private readonly SeededRandom _dropoutRandom;
    private readonly PackedOrder _packed = new();  // the batch sorted by length, and rows alive per step
    private float[] _x = [];         // packed (N, I) input
    private float[][] _layerOut = [];  // [l] packed (N, D*H), after dropout
    private float[][] _masks = [];     // [l] packed (N, D*H) dropout masks
    private float[] _h0 = [], _c0 = [], _hN = [], _cN = []; // (S, B, H) sorted
    private float[] _dY = [], _dX = [];               // backward scratch, packed (N, D*H) and (N, max(I, D*H))
    private readonly float[][] _dDir = [[], []];      // per direction, packed (N, H)
    private readonly float[][] _dXDir = [[], []];     // per direction, packed (N, max(I, D*H))
    private bool _usedDropout;
    private int _t, _b;

    // The layer being run when the two directions execute as two parts (see ITwoPartWork.Execute).
    private bool _backwardPass, _hasH0, _hasC0, _hasDhN, _hasDcN, _wantDh0, _wantDc0, _needDx;
    private int _layer;
    private float[] _layerInput = [];

    /// <summary>Creates the stack and adds its tensors to <paramref name="store"/>.</summary>
    /// <param name="store">Where the tensors live.</param>
    /// <param name="cellType">The recurrent cell.</param>
    /// <param name="inputSize">I; at least 1.</param>
    /// <param name="hiddenSize">H; at least 1.</param>
    /// <param name="random">The seeded source for initialisation and dropout masks.</param>
    /// <param name="numberOfLayers">L; at least 1. Default 1.</param>
    /// <param name="bidirectional">Whether each layer also reads the sequence backwards. Default false.</param>
    /// <param name="dropout">Probability in [0, 1) of zeroing a value between layers during training. Default 0.</param>
    /// <param name="prefix">Name prefix, for example <c>"rnn."</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive or <paramref name="dropout"/> is outside [0, 1).</exception>
    public RecurrentStack(ParameterStore store, RecurrentCellType cellType, int inputSize, int hiddenSize, SeededRandom random,
        int numberOfLayers = 1, bool bidirectional = false, float dropout = 0f, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hiddenSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numberOfLayers);
        if (!(dropout >= 0f && dropout < 1f))
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Dropout must be in [0, 1).");
        }

        CellType = cellType;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        NumberOfLayers = numberOfLayers;
        Directions = bidirectional ? 2 : 1;
        Dropout = dropout;
        _layers = new RecurrentLayer[numberOfLayers * Directions];
        for (int l = 0; l < numberOfLayers; l++)
        {
            int layerInput = l == 0 ? inputSize : Directions * hiddenSize;
            for (int d = 0; d < Directions; d++)
            {
                string suffix = $"_l{l}" + (d == 1 ? "_reverse" : string.Empty);
                bool reverse = d == 1;
                _layers[(l * Directions) + d] = cellType switch
                {
                    RecurrentCellType.SimpleRnn => new SimpleRnnLayer(store, layerInput, hiddenSize, prefix, suffix, random) { Reverse = reverse },
                    RecurrentCellType.Lstm => new LstmLayer(store, layerInput, hiddenSize, prefix, suffix, random) { Reverse = reverse },
                    RecurrentCellType.Gru => new GruLayer(store, layerInput, hiddenSize, prefix, suffix, random) { Reverse = reverse },
                    _ => throw new ArgumentOutOfRangeException(nameof(cellType), cellType, "Unknown cell type."),
                };
            }
        }

        _dropoutRandom = random.Fork();
    }

    /// <summary>Gets the cell type.</summary>
    public RecurrentCellType CellType { get; }

    /// <summary>Gets the generator of the dropout masks between layers (its state goes into training checkpoints).</summary>
    internal SeededRandom DropoutRandom => _dropoutRandom;

    /// <summary>Gets I.</summary>
    public int InputSize { get; }

    /// <summary>Gets H.</summary>
    public int HiddenSize { get; }

    /// <summary>Gets L.</summary>
    public int NumberOfLayers { get; }

    /// <summary>Gets D: 2 when bidirectional, else 1.</summary>
    public int Directions { get; }

    /// <summary>Gets the dropout probability between layers.</summary>
    public float Dropout { get; }

    /// <summary>Gets D*H, the width of each output row.</summary>
    public int OutputSize => Directions * HiddenSize;

    /// <summary>Gets S = L*D, the number of state slots in h0/hN (and c0/cN).</summary>
    public int StateCount => NumberOfLayers * Directions;

    /// <summary>Whether the cell has a cell state (LSTM), so c0/cN apply.</summary>
    public bool HasCellState => CellType == RecurrentCellType.Lstm;

    /// <summary>Runs the stack over a batch.</summary>
    /// <param name="input">(T, B, I) time-major; values past a row's length are ignored.</param>
    /// <param name="timeSteps">T; at least 1.</param>
    /// <param name="batchSize">B; at least 1.</param>
    /// <param name="lengths">B lengths in [1, T], any order; empty means every row has length T.</param>
    /// <param name="output">(T, B, D*H), overwritten; zero past each row's length.</param>
    /// <param name="h0">(S, B, H) initial hidden states, or empty for zeros.</param>
    /// <param name="c0">(S, B, H) initial cell states (LSTM), or empty for zeros.</param>
    /// <param name="hN">(S, B, H) receives the final hidden states, or empty.</param>
    /// <param name="cN">(S, B, H) receives the final cell states (LSTM), or empty.</param>
    /// <param name="training">Whether to apply dropout between layers.</param>
    /// <exception cref="ArgumentOutOfRangeException">T or B is not positive, or a length is outside [1, T]; the message names the row and value.</exception>
    /// <exception cref="ArgumentException">A span does not have the size its shape needs, or c0/cN are given for a cell without a cell state.</exception>
    public void Forward(ReadOnlySpan<float> input, int timeSteps, int batchSize, ReadOnlySpan<int> lengths, Span<float> output,
        ReadOnlySpan<float> h0 = default, ReadOnlySpan<float> c0 = default, Span<float> hN = default, Span<float> cN = default,
        bool training = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timeSteps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        int t = timeSteps, b = batchSize, h = HiddenSize, s = StateCount, dh = OutputSize;
        Check.Exact(input, nameof(input), ("T", t), ("B", b), ("I", InputSize));
        Check.Exact(output, nameof(output), ("T", t), ("B", b), ("D*H", dh));
        CheckState(h0, s, b, nameof(h0));
        CheckState(hN, s, b, nameof(hN));
        CheckCellState(c0, s, b, nameof(c0));
        CheckCellState(cN, s, b, nameof(cN));
        _packed.Pack(lengths, t, b);
        int n = _packed.Total; // real tokens: every internal buffer is packed (N, ·)
        _t = t;
        _b = b;

        Buffers.Ensure(ref _x, n * InputSize);
        _packed.Gather(input, _x, InputSize);
        Buffers.Ensure(ref _h0, s * b * h);
        Buffers.Ensure(ref _c0, s * b * h);
        Buffers.Ensure(ref _hN, s * b * h);
        Buffers.Ensure(ref _cN, s * b * h);
        _packed.GatherStates(h0, _h0, HiddenSize, StateCount);
        _packed.GatherStates(c0, _c0, HiddenSize, StateCount);
        if (_layerOut.Length != NumberOfLayers)
        {
            _layerOut = new float[NumberOfLayers][];
            _masks = new float[NumberOfLayers][];
            Array.Fill(_layerOut, []);
            Array.Fill(_masks, []);
        }

        _usedDropout = training && Dropout > 0f && NumberOfLayers > 1;
        (_backwardPass, _hasH0, _hasC0) = (false, !h0.IsEmpty, !c0.IsEmpty);
        _layerInput = _x;
        for (int l = 0; l < NumberOfLayers; l++)
        {
            Buffers.Ensure(ref _layerOut[l], n * dh);
            Span<float> y = _layerOut[l].AsSpan(0, n * dh);
            _layer = l;
            RunDirections();

            if (_usedDropout && l < NumberOfLayers - 1)
            {
                Buffers.Ensure(ref _masks[l], n * dh);
                DropoutMask.Apply(_dropoutRandom, Dropout, _masks[l].AsSpan(0, n * dh), y);
            }

            _layerInput = _layerOut[l];
        }

        _packed.Scatter(_layerOut[NumberOfLayers - 1], output, dh);
        _packed.ScatterStates(_hN, hN, HiddenSize, StateCount);
        _packed.ScatterStates(_cN, cN, HiddenSize, StateCount);
    }

    /// <summary>
    /// Back-propagates through the last <see cref="Forward"/>: adds every parameter's gradient and, when asked, writes
    /// the gradients of the input and the initial states.
    /// </summary>
    /// <param name="outputGradient">(T, B, D*H) gradient w.r.t. the output, or empty; values past a row's length are ignored.</param>
    /// <param name="hNGradient">(S, B, H) gradient w.r.t. the final hidden states, or empty.</param>
    /// <param name="cNGradient">(S, B, H) gradient w.r.t. the final cell states (LSTM), or empty.</param>
    /// <param name="inputGradient">(T, B, I) overwritten with the input gradient (zero past each length), or empty to skip.</param>
    /// <param name="h0Gradient">(S, B, H) overwritten with the initial-state gradient, or empty.</param>
    /// <param name="c0Gradient">(S, B, H) overwritten with the initial cell-state gradient (LSTM), or empty.</param>
    /// <exception cref="InvalidOperationException">No <see cref="Forward"/> ran before.</exception>
    /// <exception cref="ArgumentException">A span does not have the size its shape needs.</exception>
    public void Backward(ReadOnlySpan<float> outputGradient, ReadOnlySpan<float> hNGradient = default, ReadOnlySpan<float> cNGradient = default,
        Span<float> inputGradient = default, Span<float> h0Gradient = default, Span<float> c0Gradient = default)
    {
        if (_t == 0)
        {
            throw new InvalidOperationException("Backward needs a Forward first: call Forward on the batch, then Backward.");
        }

        int t = _t, b = _b, h = HiddenSize, s = StateCount, dh = OutputSize, n = _packed.Total;
        if (!outputGradient.IsEmpty)
        {
            Check.Exact(outputGradient, nameof(outputGradient), ("T", t), ("B", b), ("D*H", dh));
        }

        if (!inputGradient.IsEmpty)
        {
            Check.Exact(inputGradient, nameof(inputGradient), ("T", t), ("B", b), ("I", InputSize));
        }

        CheckState(hNGradient, s, b, nameof(hNGradient));
        CheckState(h0Gradient, s, b, nameof(h0Gradient));
        CheckCellState(cNGradient, s, b, nameof(cNGradient));
        CheckCellState(c0Gradient, s, b, nameof(c0Gradient));

        // Sorted copies of the incoming gradients; the final-state ones reuse the forward's state buffers.
        Buffers.Ensure(ref _dY, n * dh);
        Span<float> dY = _dY.AsSpan(0, n * dh);
        if (outputGradient.IsEmpty)
        {
            dY.Clear();
        }
        else
        {
            _packed.Gather(outputGradient, dY, dh);
        }

        _packed.GatherStates(hNGradient, _hN, HiddenSize, StateCount);
        _packed.GatherStates(cNGradient, _cN, HiddenSize, StateCount);
        int widest = n * Math.Max(InputSize, dh);
        Buffers.Ensure(ref _dX, widest);
        for (int d = 0; d < Directions; d++)
        {
            Buffers.Ensure(ref _dDir[d], n * h);
            Buffers.Ensure(ref _dXDir[d], widest);
        }

        (_backwardPass, _hasDhN, _hasDcN, _wantDh0, _wantDc0) = (true, !hNGradient.IsEmpty, !cNGradient.IsEmpty, !h0Gradient.IsEmpty, !c0Gradient.IsEmpty);
        for (int l = NumberOfLayers - 1; l >= 0; l--)
        {
            int inSize = l == 0 ? InputSize : dh;
            _layer = l;
            _needDx = l > 0 || !inputGradient.IsEmpty;
            RunDirections();
            Span<float> dX = _dX.AsSpan(0, n * inSize);
            if (_needDx)
            {
                // Summed after both directions finish, in a fixed order, so the bits do not depend on threads.
                _dXDir[0].AsSpan(0, n * inSize).CopyTo(dX);
                if (Directions == 2)
                {
                    TensorPrimitives.Add(dX, _dXDir[1].AsSpan(0, n * inSize), dX);
                }
            }

            if (l > 0)
            {
                // dY of the layer below = dX of this layer through the dropout mask.
                if (_usedDropout)
                {
                    TensorPrimitives.Multiply(dX, _masks[l - 1].AsSpan(0, n * dh), dY);
                }
                else
                {
                    dX.CopyTo(dY);
                }
            }
        }

        if (!inputGradient.IsEmpty)
        {
            _packed.Scatter(_dX.AsSpan(0, n * InputSize), inputGradient, InputSize);
        }

        _packed.ScatterStates(_h0, h0Gradient, HiddenSize, StateCount);
        _packed.ScatterStates(_c0, c0Gradient, HiddenSize, StateCount);
    }

    /// <summary>
    /// Runs layer <see cref="_layer"/>'s directions, forward or backward: at the same time on two threads when the stack
    /// is bidirectional, two threads are allowed and the layer is large enough to repay the hand-off; else in order.
    /// </summary>
    private void RunDirections()
    {
        int inSize = _layer == 0 ? InputSize : OutputSize;
        long work = (long)_packed.Total * _layers[0].Gates * HiddenSize * (inSize + HiddenSize);
        if (Directions == 2 && work >= ParallelWork && TwoWay.CanSplit)
        {
            TwoWay.Run(this);
            return;
        }

        for (int d = 0; d < Directions; d++)
        {
            ((ITwoPartWork)this).Execute(d);
        }
    }

    // One direction of one layer costs about T*B*G*H*(I+H) multiply-adds; below this, thread hand-off costs more than it saves.
    private const long ParallelWork = 1L << 20;

    /// <summary>Runs direction <paramref name="d"/> of layer <see cref="_layer"/>; each direction touches only its own buffers.</summary>
    void ITwoPartWork.Execute(int d)
    {
        int slot = (_layer * Directions) + d, n = _packed.Total, h = HiddenSize;
        var layer = _layers[slot];
        if (!_backwardPass)
        {
            int inSize = _layer == 0 ? InputSize : OutputSize;
            layer.Forward(_layerInput.AsSpan(0, n * inSize), _packed.BatchSizes, _hasH0 ? StateSlot(_h0, slot) : default,
                _hasC0 ? StateSlot(_c0, slot) : default, StateSlot(_hN, slot), HasCellState ? StateSlot(_cN, slot) : default);
            Interleave(layer.Output, _layerOut[_layer], d);
            return;
        }

        int inputSize = _layer == 0 ? InputSize : OutputSize;
        Span<float> dOut = _dDir[d].AsSpan(0, n * h);
        Deinterleave(_dY.AsSpan(0, n * OutputSize), dOut, d);
        layer.Backward(dOut, _hasDhN ? StateSlot(_hN, slot) : default, _hasDcN ? StateSlot(_cN, slot) : default,
            _needDx ? _dXDir[d].AsSpan(0, n * inputSize) : default, _wantDh0 ? StateSlot(_h0, slot) : default, _wantDc0 ? StateSlot(_c0, slot) : default);
    }

    private Span<float> StateSlot(float[] states, int slot) => states.AsSpan(slot * _b * HiddenSize, _b * HiddenSize);

    /// <summary>Writes one direction's packed (N, H) rows into columns [d*H, (d+1)*H) of packed (N, D*H).</summary>
    private void Interleave(ReadOnlySpan<float> direction, Span<float> combined, int d)
    {
        int h = HiddenSize, dh = OutputSize;
        if (Directions == 1)
        {
            direction.CopyTo(combined);
            return;
        }

        for (int r = 0; r < _packed.Total; r++)
        {
            direction.Slice(r * h, h).CopyTo(combined.Slice((r * dh) + (d * h), h));
        }
    }

    private void Deinterleave(ReadOnlySpan<float> combined, Span<float> direction, int d)
    {
        int h = HiddenSize, dh = OutputSize;
        if (Directions == 1)
        {
            combined.CopyTo(direction);
            return;
        }

        for (int r = 0; r < _packed.Total; r++)
        {
            combined.Slice((r * dh) + (d * h), h).CopyTo(direction.Slice(r * h, h));
        }
    }

    private void CheckState(ReadOnlySpan<float> state, int s, int b, string name)
    {
        if (!state.IsEmpty)
        {
            Check.Exact(state, name, ("S=L*D", s), ("B", b), ("H", HiddenSize));
        }
    }

    private void CheckCellState(ReadOnlySpan<float> state, int s, int b, string name)
    {
        if (!state.IsEmpty && !HasCellState)
        {
            throw new ArgumentException($"'{name}' is a cell state, which only LSTM has; this stack is {CellType}. Pass an empty span.", name);
        }

        CheckState(state, s, b, name);
    }
}
