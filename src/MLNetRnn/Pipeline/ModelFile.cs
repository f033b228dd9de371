using System.IO.Compression;
using System.Reflection;
using System.Text.Json;
using MLNetRnn.Data;

namespace MLNetRnn.Pipeline;

/// <summary>
/// Writes and reads a fitted pipeline as one <c>.zip</c>. Layout:
/// <code>
/// manifest.json                                   format name, format version, library version, task, components, input schema
/// components/NN-Kind/config.json                  the component's settings (column names, sizes…)
/// components/NN-Kind/&lt;tensor&gt;.npy             float32 tensors under PyTorch state_dict names (numpy.load(model.zip) opens them)
/// components/NN-Kind/vocab.txt, labels.txt        one token / label per line, in id / class order
/// </code>
/// The archive is written to a temporary file beside the target and renamed over it, so a crash never leaves half a model.
/// </summary>
internal static class ModelFile
{
    public const string FormatName = "mlnetrnn-model";
    public const int FormatVersion = 1;

    public static string LibraryVersion { get; } =
        typeof(ModelFile).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    // Every component kind this version can read. A new kind gets a line here and a Load method beside its Save.
    private static readonly Dictionary<string, Func<ModelLoadContext, ITransformer>> Readers = new(StringComparer.Ordinal)
    {
        [Transforms.TokenizingTransformer.WordsKind] = Transforms.TokenizingTransformer.Load,
        [Transforms.TokenizingTransformer.CharactersKind] = Transforms.TokenizingTransformer.Load,
        [Transforms.TokenToIdTransformer.ComponentKind] = Transforms.TokenToIdTransformer.Load,
        [Models.SequenceClassificationModel.ComponentKind] = Models.SequenceClassificationModel.Load,
        [Models.SequenceToSequenceModel.ComponentKind] = Models.SequenceToSequenceModel.Load,
    };

    public static void Save(ITransformer model, DataViewSchema? inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var steps = Flatten(model).ToList();
        var components = new List<ModelComponentEntry>();
        string full = System.IO.Path.GetFullPath(path);
        string temp = full + $".tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var archive = new ZipArchive(file, ZipArchiveMode.Create))
            {
                for (int i = 0; i < steps.Count; i++)
                {
                    var step = steps[i] as ISavableTransformer
                        ?? throw new NotSupportedException($"Step {i} ({steps[i].GetType().Name}) cannot be saved; only MLNetRnn transformers can be written to a model file.");
                    string name = $"{i:D2}-{step.Kind}";
                    var entry = new ModelComponentEntry(name, step.Kind, $"components/{name}/");
                    step.Save(new ModelSaveContext(archive, entry.Entry));
                    components.Add(entry);
                }

                var manifest = new ModelManifest(FormatName, FormatVersion, LibraryVersion,
                    steps.OfType<ISavableTransformer>().LastOrDefault(s => s.Task is not null)?.Task, components,
                    inputSchema?.Select(c => new ModelColumnEntry(c.Name, DataViewSchema.TypeName(c.Type))).ToList());
                new ModelSaveContext(archive, string.Empty).WriteJson("manifest.json", manifest);
            }

            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    public static ITransformer Load(string path, out ModelManifest manifest)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Model file '{full}' does not exist; check the path.", full);
        }

        using var archive = OpenArchive(full);
        manifest = ReadManifest(archive, full);
        var steps = new List<ITransformer>();
        foreach (var component in manifest.Components)
        {
            if (!Readers.TryGetValue(component.Kind, out var reader))
            {
                throw new InvalidDataException($"The model file '{full}' has a component of kind '{component.Kind}', which this version of MLNetRnn ({LibraryVersion}) does not know. It was saved by MLNetRnn {manifest.LibraryVersion}; use that version or newer.");
            }

            steps.Add(reader(new ModelLoadContext(archive, component.Entry, full)));
        }

        return steps.Count == 1 ? steps[0] : new TransformerChain<ITransformer>(steps);
    }

    public static ModelManifest ReadManifest(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Model file '{full}' does not exist; check the path.", full);
        }

        using var archive = OpenArchive(full);
        return ReadManifest(archive, full);
    }

    private static ZipArchive OpenArchive(string full)
    {
        var bytes = new MemoryStream(File.ReadAllBytes(full));
        try
        {
            return new ZipArchive(bytes, ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The file '{full}' is not a valid MLNetRnn model: it is not a readable .zip archive ({e.Message}). The file may be truncated or not a model; save the model again.", e);
        }
    }

    private static ModelManifest ReadManifest(ZipArchive archive, string full)
    {
        var context = new ModelLoadContext(archive, string.Empty, full);
        if (archive.GetEntry("manifest.json") is null)
        {
            throw new InvalidDataException($"The file '{full}' is not an MLNetRnn model: it has no manifest.json. Models are written by ctx.Model.Save or 'mlnet-rnn train'.");
        }

        ModelManifest manifest;
        try
        {
            manifest = context.ReadJson<ModelManifest>("manifest.json");
        }
        catch (JsonException e)
        {
            throw context.Corrupt($"manifest.json is not valid ({e.Message})");
        }

        if (manifest.Format != FormatName)
        {
            throw new InvalidDataException($"The file '{full}' has format '{manifest.Format}', expected '{FormatName}'; it is not an MLNetRnn model.");
        }

        if (manifest.FormatVersion > FormatVersion)
        {
            throw new InvalidDataException($"The model '{full}' is too new: it has format version {manifest.FormatVersion}, and this MLNetRnn ({LibraryVersion}) reads versions up to {FormatVersion}. It was saved by MLNetRnn {manifest.LibraryVersion}; upgrade MLNetRnn to that version or newer, or save the model with this version.");
        }

        if (manifest.FormatVersion < 1 || manifest.Components is null || manifest.Components.Count == 0)
        {
            throw context.Corrupt("manifest.json has no components or an invalid format version");
        }

        return manifest;
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer model) =>
        model is ITransformerChain chain ? chain.Transformers.SelectMany(Flatten) : [model];
}
