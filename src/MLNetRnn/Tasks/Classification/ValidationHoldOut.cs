using MLNetRnn.Numerics;

namespace MLNetRnn.Classification;

/// <summary>
/// The validation slice a <see cref="SequenceClassificationTrainer"/> held out of its training rows because it was given
/// no validation set (<see cref="SequenceClassificationOptions.ValidationFraction"/>): which rows, how many were left to
/// train on, and the fraction and seed that chose them. The model is trained on the other rows only; nothing is retrained
/// on all rows afterwards.
/// </summary>
/// <remarks>
/// The slice is stratified and seeded: the rows of each class c (n_c of them, in input order) are shuffled by a
/// <see cref="SeededRandom"/> made from the seed, and the first k_c = round(fraction · n_c) are held out, with
/// 0 ≤ k_c ≤ n_c − 1 so every class keeps at least one training row. Same rows, fraction and seed: the same slice.
/// </remarks>
/// <param name="Fraction">The requested share of rows, in (0, 0.5].</param>
/// <param name="Seed">The seed that chose the rows (the trainer's <see cref="SequenceClassificationOptions.Seed"/>).</param>
/// <param name="Rows">The held-out rows: 0-based indices into the training input, ascending. Empty when the data is too small for any.</param>
/// <param name="TrainingRows">How many rows the model was trained on (the input's rows minus <paramref name="Rows"/>).</param>
public sealed record ValidationHoldOut(float Fraction, int Seed, IReadOnlyList<int> Rows, int TrainingRows)
{
    /// <summary>The seed offset that keeps the slice's stream apart from initialisation and shuffling, which use the seed itself.</summary>
    private const long StreamOffset = 0x5EED_5117_CE00L;

    /// <summary>Chooses a stratified, seeded slice of <paramref name="targets"/>' rows (see the remarks of the type).</summary>
    /// <param name="targets">Class index per row, each in [0, C).</param>
    /// <param name="fraction">The share to hold out, in (0, 0.5].</param>
    /// <param name="seed">The seed.</param>
    /// <returns>The slice and the rows left for training (ascending).</returns>
    internal static (ValidationHoldOut HoldOut, int[] Training) Split(IReadOnlyList<int> targets, float fraction, int seed)
    {
        var random = new SeededRandom(unchecked(seed + StreamOffset));
        var held = new List<int>();
        foreach (var group in Enumerable.Range(0, targets.Count).GroupBy(r => targets[r]).OrderBy(g => g.Key))
        {
            int[] rows = [.. group];
            for (int i = rows.Length - 1; i > 0; i--)
            {
                int j = random.NextInt(i + 1);
                (rows[i], rows[j]) = (rows[j], rows[i]);
            }

            int take = Math.Min((int)Math.Round(fraction * rows.Length, MidpointRounding.AwayFromZero), rows.Length - 1);
            held.AddRange(rows.AsSpan(0, take));
        }

        held.Sort();
        var isHeld = new bool[targets.Count];
        held.ForEach(r => isHeld[r] = true);
        int[] training = [.. Enumerable.Range(0, targets.Count).Where(r => !isHeld[r])];
        return (new ValidationHoldOut(fraction, seed, held.ToArray(), training.Length), training);
    }
}
