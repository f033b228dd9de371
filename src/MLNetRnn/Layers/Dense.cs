using System.Numerics.Tensors;
using MLNetRnn.Numerics;

namespace MLNetRnn.Layers;

// N = rows (for example T*B or B), I = input features, O = output features.

/// <summary>A fully connected layer <c>y = x Wᵀ + b</c>, like PyTorch's <c>nn.Linear</c> (weight stored (O, I)).</summary>
/// <remarks>
/// Backward: <c>dW += dyᵀ x</c>, <c>db += Σₙ dy[n]</c>, <c>dx = dy W</c>.
/// Initialisation as PyTorch: <c>W, b ~ U(-1/√I, 1/√I)</c>.
/// </remarks>
public sealed class Dense
{
    private readonly Parameter _weight; // (O, I)
    private readonly Parameter _bias;   // (O)

    /// <summary>Creates the layer and adds <c>{prefix}weight</c> (O, I) and <c>{prefix}bias</c> (O) to <paramref name="store"/>.</summary>
    /// <param name="store">Where the tensors live.</param>
    /// <param name="inputSize">I; at least 1.</param>
    /// <param name="outputSize">O; at least 1.</param>
    /// <param name="random">The seeded source for initialisation.</param>
    /// <param name="prefix">Name prefix, for example <c>"head."</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public Dense(ParameterStore store, int inputSize, int outputSize, SeededRandom random, string prefix = "")
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputSize);
        InputSize = inputSize;
        OutputSize = outputSize;
        _weight = store.Add(prefix + "weight", outputSize, inputSize);
        _bias = store.Add(prefix + "bias", outputSize);
        float bound = 1f / MathF.Sqrt(inputSize);
        random.FillUniform(_weight.Value, -bound, bound);
        random.FillUniform(_bias.Value, -bound, bound);
    }

    /// <summary>
    /// Creates a layer whose weight is an existing tensor (weight tying, for example a decoder's output layer sharing the
    /// target embedding (V, E)); only <c>{prefix}bias</c> (O) is added. Both users' gradients add into the shared slice.
    /// </summary>
    internal Dense(ParameterStore store, Parameter sharedWeight, SeededRandom random, string prefix)
    {
        if (sharedWeight.Shape.Length != 2)
        {
            throw new ArgumentException($"A shared weight must be 2-D (O, I); '{sharedWeight.Name}' is {sharedWeight.FormatShape()}.", nameof(sharedWeight));
        }

        OutputSize = sharedWeight.Shape[0];
        InputSize = sharedWeight.Shape[1];
        _weight = sharedWeight;
        _bias = store.Add(prefix + "bias", OutputSize);
        float bound = 1f / MathF.Sqrt(InputSize);
        random.FillUniform(_bias.Value, -bound, bound);
    }

    /// <summary>Gets I.</summary>
    public int InputSize { get; }

    /// <summary>Gets O.</summary>
    public int OutputSize { get; }

    /// <summary>Gets the weight (O, I).</summary>
    public Parameter Weight => _weight;

    /// <summary>Gets the bias (O).</summary>
    public Parameter Bias => _bias;

    /// <summary>Computes <c>y = x Wᵀ + b</c> for <paramref name="rows"/> rows.</summary>
    /// <param name="input">N*I floats.</param>
    /// <param name="rows">N; zero or more.</param>
    /// <param name="output">N*O floats, overwritten.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is negative.</exception>
    public void Forward(ReadOnlySpan<float> input, int rows, Span<float> output)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        Check.Length(input, (long)rows * InputSize, nameof(input));
        Check.Length(output, (long)rows * OutputSize, nameof(output));
        ReadOnlySpan<float> b = _bias.Value;
        for (int n = 0; n < rows; n++)
        {
            b.CopyTo(output.Slice(n * OutputSize, OutputSize));
        }

        Gemm.Multiply(false, true, rows, OutputSize, InputSize, 1f, input, InputSize, _weight.Value, InputSize, 1f, output, OutputSize);
    }

    /// <summary>Adds the weight and bias gradients and, when asked, computes the input gradient.</summary>
    /// <param name="input">The N*I input given to <see cref="Forward"/>.</param>
    /// <param name="outputGradient">N*O floats, the gradient with respect to the output.</param>
    /// <param name="rows">N.</param>
    /// <param name="inputGradient">N*I floats, overwritten with <c>dy W</c>; empty to skip.</param>
    /// <exception cref="ArgumentException">A span is shorter than its shape needs.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="rows"/> is negative.</exception>
    public void Backward(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGradient, int rows, Span<float> inputGradient)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        Check.Length(input, (long)rows * InputSize, nameof(input));
        Check.Length(outputGradient, (long)rows * OutputSize, nameof(outputGradient));
        Gemm.Multiply(true, false, OutputSize, InputSize, rows, 1f, outputGradient, OutputSize, input, InputSize, 1f, _weight.Gradient, InputSize);
        Span<float> db = _bias.Gradient;
        for (int n = 0; n < rows; n++)
        {
            TensorPrimitives.Add(db, outputGradient.Slice(n * OutputSize, OutputSize), db);
        }

        if (!inputGradient.IsEmpty)
        {
            Check.Length(inputGradient, (long)rows * InputSize, nameof(inputGradient));
            Gemm.Multiply(false, false, rows, InputSize, OutputSize, 1f, outputGradient, OutputSize, _weight.Value, InputSize, 0f, inputGradient, InputSize);
        }
    }
}
