// ModelConsumer: "an app that has only ML.NET, no MLNetRnn".
//
// It demonstrates that a model .zip saved by an ML.NET pipeline (for instance one trained with MLNetRnn and
// exported to ONNX) can be loaded and scored by an app that references nothing but Microsoft.ML,
// Microsoft.ML.OnnxTransformer and Microsoft.ML.OnnxRuntime. The app is fully generic: it knows nothing about
// the model except what the zip's input schema and the transformed output schema say. It reads a TSV/CSV file
// by header name into the model's input schema, runs the model and prints every row as one JSON line.
using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Transforms.Onnx;

namespace ModelConsumer;

internal sealed class UsageException(string message) : Exception(message);

internal sealed record Options(string ModelPath, string? DataPath, bool Schema, string[]? Columns, char? Separator)
{
    public static Options Parse(string[] args)
    {
        var positional = new List<string>();
        bool schema = false;
        string[]? columns = null;
        char? separator = null;
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string? inlineValue = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=') is > 2 and var eq)
                (arg, inlineValue) = (arg[..eq], arg[(eq + 1)..]);
            string Value() => inlineValue ?? (i + 1 < args.Length ? args[++i] : throw new UsageException($"{arg} needs a value"));
            switch (arg)
            {
                case "--schema":
                    schema = true;
                    break;
                case "--columns":
                    columns = Value().Split(',', StringSplitOptions.RemoveEmptyEntries);
                    if (columns.Length == 0)
                        throw new UsageException("--columns needs at least one column name");
                    break;
                case "--separator":
                    separator = ParseSeparator(Value());
                    break;
                default:
                    if (arg.StartsWith("--", StringComparison.Ordinal))
                        throw new UsageException($"unknown option {arg}");
                    positional.Add(arg);
                    break;
            }
        }
        if (positional.Count == 0)
            throw new UsageException("missing model file");
        if (schema && (positional.Count > 1 || columns is not null || separator is not null))
            throw new UsageException("--schema takes only the model file");
        if (!schema && positional.Count != 2)
            throw new UsageException(positional.Count < 2 ? "missing data file" : $"unexpected argument '{positional[2]}'");
        return new Options(positional[0], schema ? null : positional[1], schema, columns, separator);
    }

    private static char ParseSeparator(string text) => text switch
    {
        "tab" or "\\t" => '\t',
        "comma" => ',',
        "semicolon" => ';',
        "space" => ' ',
        "pipe" => '|',
        { Length: 1 } when text[0] is not ('"' or '\r' or '\n') => text[0],
        _ => throw new UsageException($"bad separator '{text}' (use tab, comma, semicolon, space, pipe or one character)"),
    };
}

internal static class Program
{
    private const string Usage =
        "usage: ModelConsumer <model.zip> <data.tsv|data.csv> [--columns A,B,...] [--separator tab|comma|<char>]"
        + " | ModelConsumer <model.zip> --schema";

    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static int Main(string[] args)
    {
        if (args is ["-h" or "--help"])
        {
            Console.WriteLine(Usage);
            return 0;
        }
        try
        {
            var options = Options.Parse(args);
            var ml = new MLContext(seed: 0);
            // ML.NET finds a model's loaders through the assembly names stored in the zip, so this is not
            // strictly needed; it states the dependency on the ONNX transformer (models exported to ONNX).
            ml.ComponentCatalog.RegisterAssembly(typeof(OnnxTransformer).Assembly);
            if (!File.Exists(options.ModelPath))
                throw new FileNotFoundException($"model file not found: {options.ModelPath}");
            ITransformer model = ml.Model.Load(options.ModelPath, out DataViewSchema inputSchema);

            using var stdout = new BufferedStream(Console.OpenStandardOutput(), 1 << 16);
            if (options.Schema)
                PrintSchema(stdout, model, inputSchema);
            else
                Score(stdout, options, model, inputSchema);
            return 0;
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"error: {e.Message}; {Usage}");
            return 2;
        }
        catch (Exception e)
        {
            Console.Error.WriteLine("error: " + OneLine(e));
            return 1;
        }
    }

    private static void PrintSchema(Stream stdout, ITransformer model, DataViewSchema inputSchema)
    {
        var outputSchema = model.GetOutputSchema(inputSchema);
        using (var json = new Utf8JsonWriter(stdout, JsonOptions))
        {
            json.WriteStartObject();
            json.WriteStartArray("input");
            foreach (var column in inputSchema.Where(c => !c.IsHidden))
            {
                json.WriteStartObject();
                json.WriteString("name", column.Name);
                json.WriteString("type", column.Type.ToString());
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteStartArray("output");
            foreach (var column in outputSchema.Where(c => !c.IsHidden))
            {
                json.WriteStartObject();
                json.WriteString("name", column.Name);
                json.WriteString("type", column.Type.ToString());
                foreach (var (property, kind) in new[] { ("slotNames", JsonValues.SlotNamesKind), ("keyValues", JsonValues.KeyValuesKind) })
                {
                    json.WritePropertyName(property);
                    if (!JsonValues.TryWriteAnnotation(json, column.Annotations, kind))
                        json.WriteNullValue();
                }
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        stdout.WriteByte((byte)'\n');
    }

    private static void Score(Stream stdout, Options options, ITransformer model, DataViewSchema inputSchema)
    {
        string path = options.DataPath!;
        if (!File.Exists(path))
            throw new FileNotFoundException($"data file not found: {path}");
        bool isCsv = Path.GetExtension(path).Equals(".csv", StringComparison.OrdinalIgnoreCase);
        char separator = options.Separator ?? (isCsv ? ',' : '\t');
        var (header, records) = DelimitedFile.Read(path, separator, allowQuoting: isCsv || separator == ',');
        var input = InMemoryDataView.Create(inputSchema, header, records, path, note => Console.Error.WriteLine("note: " + note));
        var output = model.Transform(input);

        var columns = SelectColumns(output.Schema, inputSchema, options.Columns);
        using var cursor = output.GetRowCursor(columns);
        var names = columns.Select(c => JsonEncodedText.Encode(c.Name, JsonOptions.Encoder)).ToArray();
        var cells = columns.Select(c => JsonValues.CreateCellWriter(cursor, c)).ToArray();
        // Each row is built in a buffer first, so an error half-way through a row never prints half a line.
        var line = new ArrayBufferWriter<byte>();
        using var json = new Utf8JsonWriter(line, JsonOptions);
        while (cursor.MoveNext())
        {
            json.WriteStartObject();
            for (int i = 0; i < cells.Length; i++)
            {
                json.WritePropertyName(names[i]);
                cells[i](json);
            }
            json.WriteEndObject();
            json.Flush();
            stdout.Write(line.WrittenSpan);
            stdout.WriteByte((byte)'\n');
            line.ResetWrittenCount();
            json.Reset();
        }
    }

    // Default: the visible columns the model added (names not in the input schema); else the requested ones.
    private static List<DataViewSchema.Column> SelectColumns(DataViewSchema schema, DataViewSchema inputSchema, string[]? requested)
    {
        if (requested is not null)
        {
            return requested.Distinct(StringComparer.Ordinal).Select(name => schema.GetColumnOrNull(name)
                ?? throw new ArgumentException(
                    $"output column '{name}' not found; the output has: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}"))
                .ToList();
        }
        var inputNames = inputSchema.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var columns = schema.Where(c => !c.IsHidden && !inputNames.Contains(c.Name)).ToList();
        if (columns.Count == 0)
            throw new InvalidOperationException("the model adds no output columns; pick some with --columns");
        return columns;
    }

    private static string OneLine(Exception e)
    {
        var messages = new List<string>();
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            if (!messages.Any(m => m.Contains(x.Message, StringComparison.Ordinal)))
                messages.Add(x.Message);
        }
        return string.Join(" -> ", messages).ReplaceLineEndings(" ");
    }
}
