using System.CommandLine;
using MLNetRnn.Layers;
using MLNetRnn.Pipeline;
using MLNetRnn.Tensors;

namespace MLNetRnn.Cli;

/// <summary>
/// <c>mlnet-rnn inspect --model F [--json]</c>: task, components, architecture, vocabulary sizes (labels for a classifier,
/// target vocabulary and decoding for an encoder–decoder), tensors with shapes, per-tensor and total parameter counts.
/// </summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model .zip, or a PyTorch-style state_dict .npz.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("inspect", "Show a model's task, layers, tensor shapes and parameter counts.") { model, json };
        command.SetAction(parse => Run(parse.GetRequiredValue(model), parse.GetValue(json)));
        return command;
    }

    private static int Run(string path, bool json)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{Path.GetFullPath(path)}' does not exist; check the --model path.");
        }

        ModelManifest? manifest = Path.GetExtension(path).Equals(".npz", StringComparison.OrdinalIgnoreCase) ? null : new RnnContext(seed: 0).Model.ReadManifest(path);
        var tensors = NpzFile.Read(path).Select(kv => (Name: kv.Key, Shape: kv.Value.Shape, Count: kv.Value.Count)).ToList();
        long total = tensors.Sum(t => t.Count);
        ModelParts? parts = manifest?.Task is ModelParts.Classification or ModelParts.SequenceToSequence ? ModelParts.Load(path, manifest) : null;
        var encoderDecoder = parts?.EncoderDecoder;
        object? architecture = parts?.Architecture;
        int? vocabulary = parts?.Ids.Vocabulary.Count;
        int? targetVocabulary = encoderDecoder?.TargetVocabulary.Count;
        IReadOnlyList<string>? labels = parts?.Classifier?.Labels;
        if (json)
        {
            JsonOut.Line(new
            {
                model = Path.GetFullPath(path), format = manifest?.Format, formatVersion = manifest?.FormatVersion, libraryVersion = manifest?.LibraryVersion, task = manifest?.Task,
                components = manifest?.Components.Select(c => new { c.Name, c.Kind }), architecture, vocabulary, targetVocabulary, labels, decoding = encoderDecoder?.Decoding,
                tensors = tensors.Select(t => new { name = t.Name, shape = t.Shape, parameters = t.Count }), totalParameters = total,
            });
            return 0;
        }

        if (manifest is not null)
        {
            Console.WriteLine($"{manifest.Format} v{manifest.FormatVersion} (MLNetRnn {manifest.LibraryVersion}), task {manifest.Task ?? "-"}");
            Console.WriteLine($"components: {string.Join(" -> ", manifest.Components.Select(c => c.Kind))}");
            if (architecture is not null)
            {
                Console.WriteLine($"architecture: {architecture}");
                Console.WriteLine(encoderDecoder is { } e
                    ? $"vocabulary: source {vocabulary} tokens, target {targetVocabulary} tokens; decoding: beam {e.Decoding.BeamSize}, max length {e.Decoding.MaxOutputLength}, length penalty {e.Decoding.LengthPenalty}"
                    : $"vocabulary: {vocabulary} tokens; labels: {string.Join(", ", labels!)}");
            }
        }

        int width = Math.Max(6, tensors.Count == 0 ? 0 : tensors.Max(t => t.Name.Length));
        Console.WriteLine($"{"tensor".PadRight(width)}  {"shape",-14} {"parameters",12}");
        foreach (var t in tensors)
        {
            Console.WriteLine($"{t.Name.PadRight(width)}  {ParameterStore.FormatShape(t.Shape),-14} {t.Count,12:N0}");
        }

        Console.WriteLine($"{"total".PadRight(width)}  {string.Empty,-14} {total,12:N0}");
        return 0;
    }
}
