namespace MLNetRnn.Evaluation;

/// <summary>Precision, recall and F1 of one class, one-vs-rest, as part of <see cref="ClassificationMetrics"/>.</summary>
/// <param name="Label">The class name.</param>
/// <param name="Precision">TP / (TP + FP): of the rows predicted as this class, the fraction that truly are; 0 when the class is never predicted.</param>
/// <param name="Recall">TP / (TP + FN): of the rows truly of this class, the fraction predicted as it; 0 when the class never occurs.</param>
/// <param name="F1">2 · Precision · Recall / (Precision + Recall); 0 when both are 0.</param>
/// <param name="Support">The number of rows whose true class is this class.</param>
/// <remarks>
/// A ratio whose denominator is 0 is reported as 0, as scikit-learn does with <c>zero_division=0</c>.
/// </remarks>
public sealed record ClassMetrics(string Label, double Precision, double Recall, double F1, int Support);
