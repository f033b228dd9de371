using System.Text;
using MLNetRnn.Numerics;
using MLNetRnn.Tensors;

namespace MLNetRnn.Layers;

/// <summary>
/// All trainable tensors of a model in one contiguous value buffer and one gradient buffer of the same size, with
/// named slices (<see cref="Parameter"/>). An optimizer step is one loop over the buffer and a checkpoint is one write.
/// </summary>
/// <remarks>
/// Layers add their tensors at construction. Adding grows the buffers, so spans obtained earlier must not be kept
/// across an <see cref="Add"/>; take <see cref="Parameter.Value"/> again instead.
/// </remarks>
public sealed class ParameterStore
{
    private readonly List<Parameter> _parameters = [];
    private readonly Dictionary<string, Parameter> _byName = new(StringComparer.Ordinal);
    private float[] _values = [];
    private float[] _gradients = [];
    private int _count;
    private ClearSweep? _clear;

    /// <summary>Gets the total number of scalar parameters.</summary>
    public int Count => _count;

    /// <summary>Gets the tensors in the order they were added.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Gets all values, <see cref="Count"/> floats.</summary>
    public Span<float> Values => _values.AsSpan(0, _count);

    /// <summary>Gets all gradients, <see cref="Count"/> floats, aligned with <see cref="Values"/>.</summary>
    public Span<float> Gradients => _gradients.AsSpan(0, _count);

    internal float[] ValueArray => _values;

    internal float[] GradientArray => _gradients;

    /// <summary>Gets the tensor named <paramref name="name"/>.</summary>
    /// <param name="name">A <c>state_dict</c>-style name.</param>
    /// <exception cref="KeyNotFoundException">No tensor has that name; the message lists the names that exist.</exception>
    public Parameter this[string name] => _byName.TryGetValue(name, out var p)
        ? p
        : throw new KeyNotFoundException($"No parameter named '{name}'. Known parameters: {string.Join(", ", _byName.Keys)}.");

    /// <summary>Adds a zero-initialised tensor.</summary>
    /// <param name="name">A unique, non-empty name, such as <c>weight_ih_l0</c>.</param>
    /// <param name="shape">The dimensions, each at least 1.</param>
    /// <returns>The new tensor.</returns>
    /// <exception cref="ArgumentException">The name is empty or already used, or the shape is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is zero or negative.</exception>
    public Parameter Add(string name, params int[] shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_byName.ContainsKey(name))
        {
            throw new ArgumentException($"A parameter named '{name}' already exists; give each layer a distinct name prefix.", nameof(name));
        }

        if (shape.Length == 0)
        {
            throw new ArgumentException($"Parameter '{name}' needs at least one dimension.", nameof(shape));
        }

        long length = 1;
        foreach (int d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(d, nameof(shape));
            length *= d;
        }

        if (_count + length > Array.MaxLength)
        {
            throw new ArgumentException($"Parameter '{name}' {FormatShape(shape)} does not fit: the store would exceed {Array.MaxLength} floats.", nameof(shape));
        }

        int needed = _count + (int)length;
        if (needed > _values.Length)
        {
            int capacity = (int)Math.Min(Array.MaxLength, Math.Max(needed, 2L * _values.Length));
            Array.Resize(ref _values, capacity);
            Array.Resize(ref _gradients, capacity);
        }

        var parameter = new Parameter(this, name, (int[])shape.Clone(), _count, (int)length);
        _count = needed;
        _parameters.Add(parameter);
        _byName.Add(name, parameter);
        return parameter;
    }

    /// <summary>Tries to find the tensor named <paramref name="name"/>.</summary>
    /// <param name="name">A <c>state_dict</c>-style name.</param>
    /// <param name="parameter">The tensor, when found.</param>
    /// <returns><see langword="true"/> when the tensor exists.</returns>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Parameter? parameter) =>
        _byName.TryGetValue(name, out parameter);

    /// <summary>Sets every gradient to zero.</summary>
    public void ZeroGrad()
    {
        var clear = _clear ??= new ClearSweep(this);
        clear.Clear();
        int dense = 0; // start of the run of dense parameters not cleared yet
        foreach (var p in _parameters)
        {
            if (p.RowSparse is { } rows)
            {
                clear.Add(dense, p.Offset - dense);
                rows.Clear(p.Gradient);
                dense = p.Offset + p.Length;
            }
        }

        clear.Add(dense, _count - dense);
        clear.Run(); // on two engine threads, two halves at the same time
    }

    /// <summary>Clears runs of the gradient buffer.</summary>
    private sealed class ClearSweep(ParameterStore owner) : SliceSweep
    {
        protected override void Apply(int offset, int length) => owner._gradients.AsSpan(offset, length).Clear();
    }

    /// <summary>Copies every tensor out as an <see cref="NpyArray"/>, keyed by name, in order (a PyTorch <c>state_dict</c>).</summary>
    /// <param name="prefix">Only tensors whose names start with this are returned, with the prefix removed.</param>
    /// <returns>The tensors, in the order they were added.</returns>
    public IReadOnlyList<KeyValuePair<string, NpyArray>> ToStateDict(string prefix = "")
    {
        var result = new List<KeyValuePair<string, NpyArray>>();
        foreach (var p in _parameters)
        {
            if (p.Name.StartsWith(prefix, StringComparison.Ordinal))
            {
                result.Add(new(p.Name[prefix.Length..], NpyArray.FromSingle(p.Value.ToArray(), p.ShapeArray)));
            }
        }

        return result;
    }

    /// <summary>
    /// Copies tensors from a PyTorch-style <c>state_dict</c> (for example one read with <see cref="NpzFile.Read(string)"/>)
    /// into the matching parameters. Nothing is changed unless every check passes.
    /// </summary>
    /// <param name="stateDict">Tensors keyed by name.</param>
    /// <param name="prefix">Prepended to each key to find the parameter (for example <c>"rnn."</c>); only parameters
    /// with this prefix are expected.</param>
    /// <param name="strict">When <see langword="true"/> (default), every expected parameter must be present and no extra
    /// key is allowed, as PyTorch's <c>load_state_dict(strict=True)</c>.</param>
    /// <exception cref="InvalidDataException">A tensor is missing, unexpected, or of the wrong shape or type; the message
    /// lists every problem with expected and actual shapes.</exception>
    public void LoadStateDict(IEnumerable<KeyValuePair<string, NpyArray>> stateDict, string prefix = "", bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var problems = new List<string>();
        var matched = new List<(Parameter Target, NpyArray Source)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, array) in stateDict)
        {
            if (!_byName.TryGetValue(prefix + key, out var p))
            {
                if (strict)
                {
                    problems.Add($"unexpected tensor '{key}' {FormatShape(array.Shape)}");
                }

                continue;
            }

            seen.Add(p.Name);
            if (!array.Shape.AsSpan().SequenceEqual(p.ShapeArray))
            {
                problems.Add($"'{key}' has shape {FormatShape(array.Shape)}, expected {p.FormatShape()}");
            }
            else if (array.DataType is not (NpyDataType.Float32 or NpyDataType.Float64))
            {
                problems.Add($"'{key}' has type {array.DataType}, expected Float32");
            }
            else
            {
                matched.Add((p, array));
            }
        }

        if (strict)
        {
            foreach (var p in _parameters)
            {
                if (p.Name.StartsWith(prefix, StringComparison.Ordinal) && !seen.Contains(p.Name))
                {
                    problems.Add($"missing tensor '{p.Name[prefix.Length..]}' {p.FormatShape()}");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidDataException(
                $"The state_dict does not match this model ({problems.Count} problem(s)): {string.Join("; ", problems)}. " +
                "Check that the model was built with the same cell type, sizes, layer count and direction, and that key names use PyTorch state_dict names.");
        }

        foreach (var (target, source) in matched)
        {
            source.ToSingle().AsSpan().CopyTo(target.Value);
        }
    }

    /// <summary>Formats a shape as PyTorch prints it, for example <c>(52, 7)</c>.</summary>
    /// <param name="shape">The dimensions.</param>
    /// <returns>The dimensions in parentheses.</returns>
    public static string FormatShape(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("(");
        for (int i = 0; i < shape.Length; i++)
        {
            sb.Append(i == 0 ? string.Empty : ", ").Append(shape[i]);
        }

        return sb.Append(shape.Length == 1 ? ",)" : ")").ToString();
    }
}
