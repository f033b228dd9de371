using System.Numerics.Tensors;
using MLNetRnn.Numerics;

namespace MLNetRnn.Layers;

/// <summary>Inverted dropout: a fresh mask of 0 (probability p) or 1/(1−p) per value, multiplied in; backward multiplies the gradient by the same mask.</summary>
internal static class DropoutMask
{
    /// <summary>Draws <paramref name="mask"/> (as long as <paramref name="values"/>) from <paramref name="random"/> and multiplies it into <paramref name="values"/>.</summary>
    public static void Apply(SeededRandom random, float probability, Span<float> mask, Span<float> values)
    {
        float keep = 1f / (1f - probability);
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = random.NextSingle() < probability ? 0f : keep;
        }

        TensorPrimitives.Multiply(values, mask, values);
    }
}
