using System.CommandLine;
using Microsoft.ML;
using MLNetRnn.Layers;
using MLNetRnn.Tensors;

namespace MLNetRnn.Cli;

/// <summary>
/// <c>mlnet-rnn inspect --model F [--json]</c>: for a model .zip its task, ML.NET steps, our ONNX graphs, tokenizer and
/// text column, architecture, vocabulary sizes (labels for a classifier, target vocabulary and decoding for an
/// encoder–decoder), a Keras-style layer table (output shapes, parameter counts, total), and the rebuilt network's tensors under PyTorch names with shapes and parameter counts; for a
/// state-dict .npz its tensors.
/// </summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "A model .zip, or a PyTorch-style state_dict .npz.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object instead of a table." };
        var command = new Command("inspect", "Show a model's task, steps, layers, tensor shapes and parameter counts.") { model, json };
        command.SetAction(parse => Run(parse.GetRequiredValue(model), parse.GetValue(json)));
        return command;
    }

    private static int Run(string path, bool json)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Model file '{Path.GetFullPath(path)}' does not exist; check the --model path.");
        }

        if (Path.GetExtension(path).Equals(".npz", StringComparison.OrdinalIgnoreCase))
        {
            var arrays = NpzFile.Read(path).Select(kv => new Tensor(kv.Key, kv.Value.Shape, kv.Value.Count)).ToList();
            Print(json, new Description(Path.GetFullPath(path), null, null, [], [], null, null, null, null, null, null, null, null, arrays));
            return 0;
        }

        if (LanguageModelCommands.IsLanguageModel(path))
        {
            return LanguageModelCommands.Inspect(path, json);
        }

        var file = ModelFile.Read(path);
        var steps = Flatten(file.Load(new MLContext(seed: 0), out _)).Select(TypeName).ToList();
        var graphs = file.Zip.Graphs.Select(g => new Graph(g.Entry, g.Model.MetadataValue(Onnx.OnnxMetadata.Kind)!)).ToList();
        Description d;
        if (file.Task == ModelFile.Forecasting)
        {
            var (architecture, summary, parameters) = ForecastCommands.Describe(file);
            d = new Description(Path.GetFullPath(path), file.Task, Integrity(file.Integrity), steps, graphs, null, null, architecture, null, null, null, null, summary, Tensors(parameters));
        }
        else if (file.IsClassifier)
        {
            var (network, labels, vocabulary) = file.ReadClassifier();
            d = new Description(Path.GetFullPath(path), file.Task, Integrity(file.Integrity), steps, graphs, file.TextColumn, file.Tokenizer, network.Architecture, vocabulary.Length, null, labels, null,
                ModelSummary.Of(network), Tensors(network.Parameters));
        }
        else if (file.IsTagger)
        {
            var (network, tags, vocabulary, _) = file.ReadTagger();
            d = new Description(Path.GetFullPath(path), file.Task, Integrity(file.Integrity), steps, graphs, file.TextColumn, file.Tokenizer, network.Architecture, vocabulary.Length, null, tags, null,
                ModelSummary.Of(network), Tensors(network.Parameters));
        }
        else
        {
            var s = file.ReadSequenceToSequence();
            d = new Description(Path.GetFullPath(path), file.Task, Integrity(file.Integrity), steps, graphs, file.TextColumn, file.Tokenizer, s.Network.Architecture, s.SourceVocabulary.Length,
                s.TargetVocabulary.Length, null, s.Decoding, ModelSummary.Of(s.Network), Tensors(s.Network.Parameters));
        }

        Print(json, d);
        return 0;
    }

    /// <summary>The transformers of a loaded model in order, nested chains (a tokenizer's steps, a trainer's) opened up.</summary>
    internal static IEnumerable<ITransformer> Flatten(ITransformer transformer) => transformer is IEnumerable<ITransformer> chain
        ? chain.SelectMany(Flatten)
        : [transformer];

    private static string TypeName(ITransformer transformer)
    {
        string name = transformer.GetType().Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }

    private static List<Tensor> Tensors(ParameterStore store) => [.. store.Parameters.Select(p => new Tensor(p.Name, p.Shape.ToArray(), p.Length))];

    private static void Print(bool json, Description d)
    {
        long total = d.Tensors.Sum(t => t.Count);
        if (json)
        {
            JsonOut.Line(new
            {
                model = d.Path, task = d.Task, integrity = d.Integrity, steps = d.Steps, graphs = d.Graphs.Select(g => new { entry = g.Entry, kind = g.Kind }),
                textColumn = d.TextColumn,
                tokenizer = d.Tokenizer is { } t ? new { tokenizer = t.Tokenizer, lowerCase = t.LowerCase, keepPunctuation = t.KeepPunctuation, keepWhitespace = t.KeepWhitespace, pattern = t.Pattern } : null,
                architecture = d.Architecture, vocabulary = d.Vocabulary, targetVocabulary = d.TargetVocabulary, labels = d.Labels, decoding = d.Decoding,
                layers = d.Summary?.Layers.Select(l => new { name = l.Name, type = l.Type, outputShape = l.OutputShape, parameters = l.Parameters, tensors = l.Tensors }),
                tensors = d.Tensors.Select(t => new { name = t.Name, shape = t.Shape, parameters = t.Count }), totalParameters = total,
            });
            return;
        }

        if (d.Task is not null)
        {
            Console.WriteLine($"ML.NET model, task {d.Task}");
            Console.WriteLine(d.Integrity == "verified"
                ? $"integrity: verified (every entry matches the SHA-256 in {ModelIntegrity.SealEntryName})"
                : "integrity: unsealed (saved without MLNetRnn's seal: the zip's structure and CRCs were checked, edits cannot be detected)");
            Console.WriteLine($"steps: {string.Join(" -> ", d.Steps)}");
            Console.WriteLine($"graphs: {string.Join(", ", d.Graphs.Select(g => $"{g.Kind} ({g.Entry})"))}");
            if (d.Tokenizer is { } t)
            {
                Console.WriteLine($"text column: {d.TextColumn}; tokenizer: {t.Tokenizer}, lower-case {t.LowerCase}, "
                    + (t.Tokenizer == Transforms.TokenizerSettings.Words ? $"keep punctuation {t.KeepPunctuation}" : $"keep whitespace {t.KeepWhitespace}")
                    + (t.MaxTokens is int limit ? $", max tokens {limit}" : string.Empty));
            }

            Console.WriteLine($"architecture: {d.Architecture}");
            if (d.Vocabulary is not null) // a forecaster has none
            {
                Console.WriteLine(d.Decoding is { } decoding
                    ? $"vocabulary: source {d.Vocabulary} tokens, target {d.TargetVocabulary} tokens; decoding: beam {decoding.BeamSize}, max length {decoding.MaxOutputLength}, length penalty {decoding.LengthPenalty}"
                    : $"vocabulary: {d.Vocabulary} tokens; labels: {string.Join(", ", d.Labels ?? [])}");
            }
        }

        if (d.Summary is { } summary)
        {
            Console.WriteLine();
            Console.Write(summary.ToString());
            Console.WriteLine();
        }

        int width = Math.Max(6, d.Tensors.Count == 0 ? 0 : d.Tensors.Max(t => t.Name.Length));
        Console.WriteLine($"{"tensor".PadRight(width)}  {"shape",-14} {"parameters",12}");
        foreach (var t in d.Tensors)
        {
            Console.WriteLine($"{t.Name.PadRight(width)}  {ParameterStore.FormatShape(t.Shape),-14} {t.Count,12:N0}");
        }

        Console.WriteLine($"{"total".PadRight(width)}  {string.Empty,-14} {total,12:N0}");
    }

    private sealed record Tensor(string Name, int[] Shape, long Count);

    private sealed record Graph(string Entry, string Kind);

    /// <summary>The <c>integrity</c> JSON value: "verified" or "unsealed".</summary>
    private static string Integrity(ModelIntegrityStatus status) => status == ModelIntegrityStatus.Verified ? "verified" : "unsealed";

    private sealed record Description(string Path, string? Task, string? Integrity, IReadOnlyList<string> Steps, IReadOnlyList<Graph> Graphs, string? TextColumn,
        Transforms.TokenizerSettings? Tokenizer, object? Architecture, int? Vocabulary, int? TargetVocabulary, IReadOnlyList<string>? Labels,
        SequenceToSequence.DecodingSettings? Decoding, ModelSummary? Summary, IReadOnlyList<Tensor> Tensors);
}
