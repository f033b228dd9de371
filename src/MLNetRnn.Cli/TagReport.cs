using System.Globalization;
using System.Text;
using MLNetRnn.Evaluation;
using MLNetRnn.Text;

namespace MLNetRnn.Cli;

/// <summary>
/// What <c>evaluate</c> (and <c>train tag</c> on its validation file) reports for a tagger: the saved model run by ML.NET on
/// gold sentences, scored by <see cref="TaggingEvaluator"/>.
/// </summary>
/// <remarks>
/// JSON fields: <c>tokenAccuracy</c>; <c>oovAccuracy</c>, the accuracy on tokens outside the model's vocabulary (they read
/// as <c>&lt;UNK&gt;</c>; null when there is none); <c>entityF1</c>, conlleval's exact-span F1, only when every gold tag and
/// every tag the model predicts is an IOB tag (<c>O</c>, <c>B</c>, <c>I</c>, <c>B-type</c>, <c>I-type</c>), else null;
/// <c>count</c>, the tokens scored; then <c>sentences</c>, <c>oovCount</c>, <c>macroF1</c>, <c>entityPrecision</c>,
/// <c>entityRecall</c> (null as entityF1) and <c>perTag</c>: <c>[{tag, precision, recall, f1, support}]</c>.
/// </remarks>
internal sealed record TagReport(int Sentences, TaggingMetrics Tokens, EntityMetrics? Entities)
{
    /// <summary>Runs the model on the sentences' tokens and scores its tags against theirs.</summary>
    public static TagReport Evaluate(ModelFile file, IReadOnlyList<TaggedSentence> gold)
    {
        var (_, modelTags, vocabulary, _) = file.ReadTagger();
        string[][] predicted = TagData.Predict(file, [.. gold.Select(s => s.Tokens)]);
        var known = new HashSet<string>(vocabulary.Skip(2), StringComparer.Ordinal); // ids 0 and 1 are <PAD> and <UNK>
        var goldTags = gold.Select(s => s.Tags).ToArray();
        var metrics = TaggingEvaluator.Evaluate(goldTags, predicted, [.. gold.Select(s => s.Tokens)], known);
        bool iob = modelTags.All(IsIob) && goldTags.All(tags => tags.All(IsIob));
        return new TagReport(gold.Count, metrics, iob ? TaggingEvaluator.EvaluateEntities(goldTags, predicted) : null);
    }

    /// <summary>The JSON object (see the remarks of <see cref="TagReport"/>).</summary>
    public object Json() => new
    {
        tokenAccuracy = JsonOut.Round(Tokens.TokenAccuracy),
        oovAccuracy = Tokens.OutOfVocabularyTokens == 0 ? (double?)null : JsonOut.Round(Tokens.OutOfVocabularyAccuracy),
        entityF1 = Entities is null ? (double?)null : JsonOut.Round(Entities.F1),
        count = Tokens.Tokens,
        sentences = Sentences,
        oovCount = Tokens.OutOfVocabularyTokens,
        macroF1 = JsonOut.Round(Tokens.MacroF1),
        entityPrecision = Entities is null ? (double?)null : JsonOut.Round(Entities.Precision),
        entityRecall = Entities is null ? (double?)null : JsonOut.Round(Entities.Recall),
        perTag = Tokens.PerTag.Select(t => new { tag = t.Name, precision = JsonOut.Round(t.Precision), recall = JsonOut.Round(t.Recall), f1 = JsonOut.Round(t.F1), support = t.Gold }),
    };

    /// <summary>A readable report: counts, token and OOV accuracy, macro-F1, entity scores when defined, and a per-tag table.</summary>
    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append(inv, $"sentences       {Sentences}\n");
        text.Append(inv, $"tokens          {Tokens.Tokens}\n");
        text.Append(inv, $"token accuracy  {Tokens.TokenAccuracy:F4}\n");
        text.Append(Tokens.OutOfVocabularyTokens == 0
            ? "OOV accuracy    n/a (every token is in the vocabulary)\n"
            : string.Create(inv, $"OOV accuracy    {Tokens.OutOfVocabularyAccuracy:F4} ({Tokens.OutOfVocabularyTokens} tokens)\n"));
        text.Append(inv, $"macro-F1        {Tokens.MacroF1:F4}\n");
        text.Append(Entities is { } e
            ? string.Create(inv, $"entities        precision {e.Precision:F4}, recall {e.Recall:F4}, F1 {e.F1:F4} ({e.Overall.Gold} gold, {e.Overall.Predicted} predicted)\n")
            : "entities        n/a (the tags are not IOB/BIO)\n");
        int width = Math.Max(3, Tokens.PerTag.Count == 0 ? 0 : Tokens.PerTag.Max(t => t.Name.Length));
        text.Append(inv, $"\n{"tag".PadRight(width)}  {"precision",9}  {"recall",6}  {"F1",6}  {"support",7}\n");
        foreach (var t in Tokens.PerTag)
        {
            text.Append(inv, $"{t.Name.PadRight(width)}  {t.Precision,9:F4}  {t.Recall,6:F4}  {t.F1,6:F4}  {t.Gold,7}\n");
        }

        return text.ToString();
    }

    private static bool IsIob(string tag) =>
        tag == "O" || (tag.Length >= 1 && tag[0] is 'B' or 'I' && (tag.Length == 1 || (tag[1] == '-' && tag.Length > 2)));
}
