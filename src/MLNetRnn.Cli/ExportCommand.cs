using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MLNetRnn.Tensors;

namespace MLNetRnn.Cli;

/// <summary>
/// <c>mlnet-rnn export --model M.zip --out DIR [--json]</c>: the trained network in files other tools read without
/// ML.NET or MLNetRnn: the ONNX graph, a PyTorch state_dict, the vocabularies, the tokenizer and the configuration.
/// </summary>
/// <remarks>
/// Files (each written to a temporary name and renamed):
/// <list type="bullet">
/// <item><c>model.onnx</c>: the classifier or encoder–decoder graph, byte for byte as stored in the zip (input: token
/// keys uint32 [1, T], id = key + 1).</item>
/// <item><c>weights.npz</c>: the rebuilt network's state_dict under PyTorch names (<c>embedding.weight</c>,
/// <c>rnn.weight_ih_l0</c>, …, <c>head.weight</c>, <c>head.bias</c>; <c>encoder.…</c>/<c>decoder.…</c> for seq2seq).</item>
/// <item><c>vocab.txt</c>: source tokens in id order (<c>&lt;PAD&gt;</c> 0, <c>&lt;UNK&gt;</c> 1, …), one per line;
/// <c>labels.txt</c> (classifier, labels in output order; tagger, tags in id order; <c>chars.txt</c>, a tagger's
/// character vocabulary with <c>--char-features</c>) or <c>target_vocab.txt</c> (seq2seq, target tokens in id order).
/// In these lists a backslash is written <c>\\</c>, a line feed <c>\n</c> and a carriage return <c>\r</c>, so that
/// every token (a character model's newline included) stays on its own line.</item>
/// <item><c>tokenizer.json</c>: the tokenizer settings, its RE2 pattern, the text column and <c>maxTokens</c> (the most
/// tokens kept, the first ones; <c>null</c> for no limit) (only when the model tokenizes with MLNetRnn's tokenizer).</item>
/// <item><c>config.json</c>: the task, the architecture and (seq2seq) the decoding settings and target level.</item>
/// </list>
/// </remarks>
internal static class ExportCommand
{
    private static readonly JsonSerializerOptions FileJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    public static Command Create()
    {
        var model = CliOptions.Model("The model .zip.");
        var output = new Option<string>("--out") { Description = "Folder to write into (created when missing; files of the same names are replaced).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object: {\"out\", \"files\"}." };
        var command = new Command("export", "Write a model's ONNX graph, PyTorch weights (.npz), vocabularies, tokenizer and configuration as plain files.") { model, output, json };
        command.SetAction(p => Run(p.GetRequiredValue(model), p.GetRequiredValue(output), p.GetValue(json)));
        return command;
    }

    private static int Run(string modelPath, string outPath, bool json)
    {
        var file = ModelFile.Read(modelPath);
        string folder = Path.GetFullPath(outPath);
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        void Write(string name, Action<string> write)
        {
            write(Path.Combine(folder, name));
            files.Add(name);
        }

        Write("model.onnx", path => OutputFiles.WriteBytes(path, file.NetworkBytes));
        object config;
        if (file.Task == ModelFile.Forecasting)
        {
            var (architecture, _, parameters) = ForecastCommands.Describe(file);
            Write("weights.npz", path => NpzFile.Write(path, parameters.ToStateDict()));
            config = new { task = file.Task, architecture, inputColumn = file.IdsColumn, outputColumn = file.OutputColumn };
        }
        else if (file.IsClassifier)
        {
            var (network, labels, vocabulary) = file.ReadClassifier();
            Write("weights.npz", path => NpzFile.Write(path, network.Parameters.ToStateDict()));
            Write("vocab.txt", path => OutputFiles.WriteText(path, Lines(vocabulary)));
            Write("labels.txt", path => OutputFiles.WriteText(path, Lines(labels)));
            config = new { task = file.Task, architecture = network.Architecture, inputColumn = file.IdsColumn, outputColumn = file.OutputColumn };
        }
        else if (file.IsTagger)
        {
            var (network, tags, vocabulary, characters) = file.ReadTagger();
            Write("weights.npz", path => NpzFile.Write(path, network.Parameters.ToStateDict()));
            Write("vocab.txt", path => OutputFiles.WriteText(path, Lines(vocabulary)));
            Write("labels.txt", path => OutputFiles.WriteText(path, Lines(tags)));
            if (characters is not null)
            {
                Write("chars.txt", path => OutputFiles.WriteText(path, Lines(characters)));
            }

            config = new { task = file.Task, architecture = network.Architecture, inputColumn = file.IdsColumn, characterColumn = file.Network.MetadataValue(Onnx.OnnxMetadata.CharacterColumn), outputColumn = file.OutputColumn };
        }
        else
        {
            var s = file.ReadSequenceToSequence();
            Write("weights.npz", path => NpzFile.Write(path, s.Network.Parameters.ToStateDict()));
            Write("vocab.txt", path => OutputFiles.WriteText(path, Lines(s.SourceVocabulary)));
            Write("target_vocab.txt", path => OutputFiles.WriteText(path, Lines(s.TargetVocabulary)));
            config = new { task = file.Task, architecture = s.Network.Architecture, decoding = s.Decoding, targetLevel = s.Level, inputColumn = file.IdsColumn, outputColumn = file.OutputColumn };
        }

        if (file.Tokenizer is { } t)
        {
            var tokenizer = new { tokenizer = t.Tokenizer, lowerCase = t.LowerCase, keepPunctuation = t.KeepPunctuation, keepWhitespace = t.KeepWhitespace, pattern = t.Pattern, textColumn = file.TextColumn, maxTokens = t.MaxTokens };
            Write("tokenizer.json", path => OutputFiles.WriteText(path, JsonSerializer.Serialize(tokenizer, FileJson) + "\n"));
        }

        Write("config.json", path => OutputFiles.WriteText(path, JsonSerializer.Serialize(config, FileJson) + "\n"));
        if (json)
        {
            JsonOut.Line(new { @out = folder, files });
        }
        else
        {
            Console.WriteLine($"wrote {folder}: {string.Join(", ", files)}");
        }

        return 0;
    }

    /// <summary>One token per line, with <c>\</c>, line feed and carriage return escaped as <c>\\</c>, <c>\n</c>, <c>\r</c>.</summary>
    private static string Lines(IEnumerable<string> tokens)
    {
        var text = new StringBuilder();
        foreach (string token in tokens)
        {
            text.Append(token.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal)).Append('\n');
        }

        return text.ToString();
    }
}
