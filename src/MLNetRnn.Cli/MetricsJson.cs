using MLNetRnn.Evaluation;

namespace MLNetRnn.Cli;

/// <summary>The metric objects that <c>train</c> (validation) and <c>evaluate</c> print, so both use the same field names.</summary>
internal static class MetricsJson
{
    /// <summary><c>{"accuracy","macroF1","logLoss","count"}</c>.</summary>
    public static object Of(ClassificationMetrics m) =>
        new { accuracy = JsonOut.Round(m.Accuracy), macroF1 = JsonOut.Round(m.MacroF1), logLoss = JsonOut.Round(m.LogLoss), count = m.Count };

    /// <summary><c>{"exactMatch","tokenErrorRate","bleu","count"}</c>.</summary>
    public static object Of(SequenceToSequenceMetrics m) =>
        new { exactMatch = JsonOut.Round(m.ExactMatch), tokenErrorRate = JsonOut.Round(m.TokenErrorRate), bleu = JsonOut.Round(m.Bleu), count = m.Count };
}
