using System.Globalization;
using MLNetRnn.Classification;
using MLNetRnn.Interactive.Html;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Training;
using Cell = MLNetRnn.Interactive.Html.HtmlTable.Cell;

namespace MLNetRnn.Interactive;

/// <summary>
/// HTML for trained models, like Keras' <c>model.summary()</c>: the layers with output shapes and parameter counts and
/// the total, the tensors under their PyTorch names with shapes, the architecture and what the model maps between.
/// </summary>
internal static class ModelHtml
{
    /// <summary>The layer table with a total row.</summary>
    public static string Summary(ModelSummary summary) => HtmlTable.Block("mlnetrnn", [Layers(summary)]);

    /// <summary>Layers, tensors, architecture, labels and vocabulary, and how training went.</summary>
    public static string Classifier(SequenceClassificationModel model)
    {
        var settings = Architecture(model.Architecture)
            .Row("labels", string.Join(", ", model.Labels))
            .Row("vocabulary (with <PAD>, <UNK>)", Text(model.Vocabulary.Count))
            .Row("columns", $"{model.FeatureColumnName} → {model.ScoreColumnName}, {model.PredictedLabelColumnName}");
        return Model("SequenceClassificationModel", model, settings);
    }

    /// <summary>Layers, tensors, architecture, vocabularies and decoding, and how training went.</summary>
    public static string EncoderDecoder(SequenceToSequenceModel model)
    {
        var d = model.Decoding;
        var settings = Architecture(model.Architecture)
            .Row("source vocabulary (with <PAD>, <UNK>)", Text(model.SourceVocabulary.Count))
            .Row("target vocabulary (with <PAD>, <UNK>, <BOS>, <EOS>)", Text(model.TargetVocabulary.Count))
            .Row("target level", model.TargetLevel.ToString())
            .Row("decoding in the saved graph", string.Create(CultureInfo.InvariantCulture,
                $"{(d.BeamSize == 1 ? "greedy" : $"beam {d.BeamSize}")}, at most {d.MaxOutputLength} tokens, length penalty α = {d.LengthPenalty}"))
            .Row("columns", $"{model.SourceColumnName} → {model.PredictedTokensColumnName}, {model.ScoreColumnName}");
        return Model("SequenceToSequenceModel", model, settings);
    }

    private static string Model(string kind, RecurrentModel model, HtmlTable settings)
    {
        var summary = model.Summary();
        var tensors = new HtmlTable("mlnetrnn-tensors", "Tensors (PyTorch state_dict names)", "tensor", "shape", "parameters");
        foreach (var (name, shape) in model.Tensors)
        {
            tensors.Row(name, $"({string.Join(", ", shape)})", shape.Aggregate(1L, (n, d) => n * d));
        }

        tensors.Row(new Cell("<b>total</b>", false), string.Empty, model.ParameterCount);
        return HtmlTable.Block("mlnetrnn",
        [
            $"<p><b>{kind}</b> ({HtmlTable.Encode(summary.Task)}): {model.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters{Training(model.TrainingHistory)}</p>",
            Layers(summary),
            settings.ToString(),
            $"<details><summary>{model.Tensors.Count} tensors</summary>{tensors}</details>",
        ]);
    }

    private static string Layers(ModelSummary summary)
    {
        var table = new HtmlTable("mlnetrnn-summary", $"Model: {summary.Task}", "layer (type)", "output shape", "parameters");
        foreach (var layer in summary.Layers)
        {
            table.Row($"{layer.Name} ({layer.Type})", layer.OutputShape, layer.Parameters);
        }

        table.Row(new Cell("<b>total</b>", false), string.Empty, summary.TotalParameters);
        return table.ToString();
    }

    /// <summary>A settings table that starts with every property of an architecture record, in declaration order.</summary>
    private static HtmlTable Architecture(object architecture)
    {
        var table = new HtmlTable("mlnetrnn-architecture", "Architecture", "setting", "value");
        foreach (var property in architecture.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract"))
        {
            object? value = property.GetValue(architecture);
            table.Row(property.Name, value switch
            {
                null => "none",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? string.Empty,
            });
        }

        return table;
    }

    private static string Text(int count) => count.ToString("N0", CultureInfo.InvariantCulture);

    private static string Training(IReadOnlyList<TrainingProgress> history)
    {
        if (history.Count == 0)
        {
            return string.Empty;
        }

        var last = history[^1];
        var best = history.LastOrDefault(p => p.IsBest);
        string bestText = best is null ? string.Empty : string.Create(CultureInfo.InvariantCulture, $", best epoch {best.Epoch} (validation loss {best.ValidationLoss:F4})");
        return string.Create(CultureInfo.InvariantCulture, $"; trained {history.Count} epoch{(history.Count == 1 ? string.Empty : "s")} in {last.Elapsed.TotalSeconds:F1} s{bestText}");
    }
}
