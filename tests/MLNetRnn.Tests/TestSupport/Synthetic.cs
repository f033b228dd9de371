using Microsoft.ML;
using MLNetRnn.Numerics;

namespace MLNetRnn.Tests.TestSupport;

/// <summary>
/// A text task with a known answer: sentences of 1–12 words from a small vocabulary; the label is "yes" when the word
/// "seven" occurs, else "no". Any model that reads the whole sentence can reach ~100 %.
/// </summary>
internal static class Synthetic
{
    private static readonly string[] Words = ["one", "two", "three", "four", "five", "six", "eight", "nine", "ten", "red", "blue", "green", "cat", "dog", "runs", "sits"];

    public static Review[] Rows(int count, int seed)
    {
        var random = new SeededRandom(seed);
        var rows = new Review[count];
        for (int i = 0; i < count; i++)
        {
            int length = 1 + (int)(random.NextSingle() * 12);
            var words = new string[length];
            for (int w = 0; w < length; w++)
            {
                words[w] = Words[(int)(random.NextSingle() * Words.Length) % Words.Length];
            }

            bool yes = random.NextSingle() < 0.5f;
            if (yes)
            {
                words[(int)(random.NextSingle() * length) % length] = "seven";
            }

            rows[i] = new Review { Text = string.Join(' ', words), Label = yes ? "yes" : "no" };
        }

        return rows;
    }

    public static IDataView Load(MLContext ml, int count, int seed) => ml.Data.LoadFromEnumerable(Rows(count, seed));
}
