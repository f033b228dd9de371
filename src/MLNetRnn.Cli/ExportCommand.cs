using System.CommandLine;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MLNetRnn.LanguageModeling;
using MLNetRnn.Onnx;
using MLNetRnn.Tensors;
using MLNetRnn.Transforms;

namespace MLNetRnn.Cli;

/// <summary>
/// <c>mlnet-rnn export --model M.zip --out DIR [--json]</c>: the trained network in files other tools read without
/// ML.NET or MLNetRnn: the ONNX graph, a PyTorch state_dict, the vocabularies, the tokenizer and the configuration.
/// <c>--model</c> is an ML.NET model zip (classifier, tagger, seq2seq, forecaster) or a language-model file
/// (<c>train lm</c>, recognised by its <c>model.onnx</c> entry as <c>inspect</c> does).
/// </summary>
/// <remarks>
/// Files (each written to a temporary name and renamed; the model is read and checked before the folder is made):
/// <list type="bullet">
/// <item><c>model.onnx</c>: the classifier or encoder–decoder graph, byte for byte as stored in the zip (input: token
/// keys uint32 [1, T], id = key + 1). For a language model its step graph, byte for byte as the zip's <c>model.onnx</c>
/// entry (B = rows, T = steps, L = layers, H = hidden, V = vocabulary): inputs <c>input_ids</c> int64 [B, T] (ids of
/// <c>vocab.txt</c>), <c>h0</c> float [L, B, H] (zeros at the start of a text) and for an LSTM <c>c0</c> float [L, B, H];
/// outputs <c>logits</c> float [B, T, V] (next-token scores after each step, before the softmax), <c>hN</c> and for an
/// LSTM <c>cN</c> float [L, B, H] (the state after step T, fed back as <c>h0</c>/<c>c0</c> to continue).</item>
/// <item><c>weights.npz</c>: the rebuilt network's state_dict under PyTorch names (<c>embedding.weight</c>,
/// <c>rnn.weight_ih_l0</c>, …, <c>head.weight</c>, <c>head.bias</c>; <c>encoder.…</c>/<c>decoder.…</c> for seq2seq; a
/// language model with one-hot input has no <c>embedding.weight</c>).</item>
/// <item><c>vocab.txt</c>: source tokens in id order (<c>&lt;PAD&gt;</c> 0, <c>&lt;UNK&gt;</c> 1, …; a language model's
/// <c>&lt;BOS&gt;</c> 2, <c>&lt;EOS&gt;</c> 3), one per line;
/// <c>labels.txt</c> (classifier, labels in output order; tagger, tags in id order; <c>chars.txt</c>, a tagger's
/// character vocabulary with <c>--char-features</c>) or <c>target_vocab.txt</c> (seq2seq, target tokens in id order).
/// In these lists a backslash is written <c>\\</c>, a line feed <c>\n</c> and a carriage return <c>\r</c>, so that
/// every token (a character model's newline included) stays on its own line.</item>
/// <item><c>tokenizer.json</c>: the tokenizer settings, its RE2 pattern, the text column (<c>null</c> for a language
/// model, which reads plain text) and <c>maxTokens</c> (the most tokens kept, the first ones; <c>null</c> for no limit)
/// (only when the model tokenizes with MLNetRnn's tokenizer, as every language model does).</item>
/// <item><c>config.json</c>: the task, the architecture and (seq2seq) the decoding settings and target level; for a
/// language model <c>task</c> <c>LanguageModel</c>, the architecture and the text settings <c>level</c>
/// (<c>Character</c> or <c>Word</c>), <c>lineMode</c> (each line one sentence framed by <c>&lt;BOS&gt;</c> …
/// <c>&lt;EOS&gt;</c>, newlines not tokens; else one continuous text without them) and <c>lowerCase</c>.</item>
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
        var model = CliOptions.Model("The model .zip (any task, a language model from 'train lm' included).");
        var output = new Option<string>("--out") { Description = "Folder to write into (created when missing; files of the same names are replaced).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print one JSON object: {\"out\", \"files\"}." };
        var command = new Command("export", "Write a model's ONNX graph, PyTorch weights (.npz), vocabularies, tokenizer and configuration as plain files (any task, language models included).") { model, output, json };
        command.SetAction(p => Run(p.GetRequiredValue(model), p.GetRequiredValue(output), p.GetValue(json)));
        return command;
    }

    private static int Run(string modelPath, string outPath, bool json)
    {
        string folder = Path.GetFullPath(outPath);
        var files = new List<string>();
        void Write(string name, Action<string> write)
        {
            write(Path.Combine(folder, name));
            files.Add(name);
        }

        if (LanguageModelCommands.IsLanguageModel(modelPath))
        {
            WriteLanguageModel(LanguageModelFile.ReadStored(modelPath), folder, Write);
        }
        else
        {
            WriteModel(ModelFile.Read(modelPath), folder, Write);
        }

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

    /// <summary>The files of an ML.NET model zip (classifier, tagger, seq2seq, forecaster) that <see cref="ModelFile.Read"/> has checked.</summary>
    private static void WriteModel(ModelFile file, string folder, Action<string, Action<string>> write)
    {
        Directory.CreateDirectory(folder);
        write("model.onnx", path => OutputFiles.WriteBytes(path, file.NetworkBytes));
        object config;
        if (file.Task == ModelFile.Forecasting)
        {
            var (architecture, _, parameters) = ForecastCommands.Describe(file);
            write("weights.npz", path => NpzFile.Write(path, parameters.ToStateDict()));
            config = new { task = file.Task, architecture, inputColumn = file.IdsColumn, outputColumn = file.OutputColumn };
        }
        else if (file.IsClassifier)
        {
            var (network, labels, vocabulary) = file.ReadClassifier();
            write("weights.npz", path => NpzFile.Write(path, network.Parameters.ToStateDict()));
            write("vocab.txt", path => OutputFiles.WriteText(path, Lines(vocabulary)));
            write("labels.txt", path => OutputFiles.WriteText(path, Lines(labels)));
            config = new { task = file.Task, architecture = network.Architecture, inputColumn = file.IdsColumn, outputColumn = file.OutputColumn };
        }
        else if (file.IsTagger)
        {
            var (network, tags, vocabulary, characters) = file.ReadTagger();
            write("weights.npz", path => NpzFile.Write(path, network.Parameters.ToStateDict()));
            write("vocab.txt", path => OutputFiles.WriteText(path, Lines(vocabulary)));
            write("labels.txt", path => OutputFiles.WriteText(path, Lines(tags)));
            if (characters is not null)
            {
                write("chars.txt", path => OutputFiles.WriteText(path, Lines(characters)));
            }

            config = new { task = file.Task, architecture = network.Architecture, inputColumn = file.IdsColumn, characterColumn = file.Network.MetadataValue(OnnxMetadata.CharacterColumn), outputColumn = file.OutputColumn };
        }
        else
        {
            var s = file.ReadSequenceToSequence();
            write("weights.npz", path => NpzFile.Write(path, s.Network.Parameters.ToStateDict()));
            write("vocab.txt", path => OutputFiles.WriteText(path, Lines(s.SourceVocabulary)));
            write("target_vocab.txt", path => OutputFiles.WriteText(path, Lines(s.TargetVocabulary)));
            config = new { task = file.Task, architecture = s.Network.Architecture, decoding = s.Decoding, targetLevel = s.Level, inputColumn = file.IdsColumn, outputColumn = file.OutputColumn };
        }

        if (file.Tokenizer is { } t)
        {
            write("tokenizer.json", path => WriteJson(path, Tokenizer(t, file.TextColumn)));
        }

        write("config.json", path => WriteJson(path, config));
    }

    /// <summary>The files of a language-model zip (<paramref name="stored"/>: its checked graph and the entry's bytes), its network rebuilt and checked before the folder is made.</summary>
    private static void WriteLanguageModel((OnnxModel Graph, byte[] Bytes) stored, string folder, Action<string, Action<string>> write)
    {
        var (network, vocabulary, text) = LanguageModelOnnx.Read(stored.Graph);
        Directory.CreateDirectory(folder);
        write("model.onnx", path => OutputFiles.WriteBytes(path, stored.Bytes));
        write("weights.npz", path => NpzFile.Write(path, network.Parameters.ToStateDict()));
        write("vocab.txt", path => OutputFiles.WriteText(path, Lines(vocabulary)));
        write("tokenizer.json", path => WriteJson(path, Tokenizer(text.Tokenization(), null)));
        var config = new { task = LanguageModelCommands.TaskName, architecture = network.Architecture, level = text.Level, lineMode = text.LineMode, lowerCase = text.LowerCase };
        write("config.json", path => WriteJson(path, config));
    }

    /// <summary>The <c>tokenizer.json</c> object; <paramref name="textColumn"/> is null for a language model, which reads plain text.</summary>
    private static object Tokenizer(TokenizerSettings t, string? textColumn) =>
        new { tokenizer = t.Tokenizer, lowerCase = t.LowerCase, keepPunctuation = t.KeepPunctuation, keepWhitespace = t.KeepWhitespace, pattern = t.Pattern, textColumn, maxTokens = t.MaxTokens };

    private static void WriteJson(string path, object value) => OutputFiles.WriteText(path, JsonSerializer.Serialize(value, FileJson) + "\n");

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
