using System.Globalization;
using System.Text.Json;

namespace MLNetRnn.Onnx;

/// <summary>Checks a graph's metadata and components before a reader trusts it.</summary>
internal static class OnnxModelCheck
{
    /// <summary>The operator domains our graphs use: ONNX (<c>""</c> or <c>ai.onnx</c>), ONNX-ML and ONNX Runtime's contrib ops.</summary>
    private static readonly string[] KnownDomains = ["", "ai.onnx", "ai.onnx.ml", "com.microsoft"];

    /// <summary>The graph kinds this version writes: the values of <see cref="OnnxMetadata"/>'s <c>…Kind</c> constants.</summary>
    private static readonly string[] KnownKinds = Constants(f => f.Name.EndsWith("Kind", StringComparison.Ordinal) && f.Name != nameof(OnnxMetadata.Kind));

    /// <summary>The <c>mlnetrnn.*</c> metadata keys this version writes: every <see cref="OnnxMetadata"/> constant with that prefix.</summary>
    private static readonly string[] KnownKeys = Constants(f => ((string)f.GetRawConstantValue()!).StartsWith("mlnetrnn.", StringComparison.Ordinal));

    /// <summary>Requires our metadata of the given kind, a format version this library reads, and only known components.</summary>
    /// <exception cref="InvalidDataException">It is another kind, not ours, newer than this library, or uses an unknown component.</exception>
    public static void Kind(OnnxModel model, string kind)
    {
        string? actual = model.MetadataValue(OnnxMetadata.Kind);
        if (actual != kind)
        {
            throw new InvalidDataException($"The ONNX graph is {(actual is null ? "not one MLNetRnn wrote" : $"a '{OnnxTensor.Shown(actual)}' graph")}; expected a '{kind}' graph.");
        }

        string? version = model.MetadataValue(OnnxMetadata.FormatVersion);
        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < 1)
        {
            throw new InvalidDataException($"The '{kind}' graph has no valid {OnnxMetadata.FormatVersion} (got '{OnnxTensor.Shown(version ?? "")}'); the model is damaged.");
        }

        if (v > OnnxMetadata.CurrentFormatVersion)
        {
            throw new InvalidDataException($"The '{kind}' graph has format version {v}, newer than this MLNetRnn reads (≤ {OnnxMetadata.CurrentFormatVersion}); update MLNetRnn.");
        }

        Components(model);
    }

    /// <summary>
    /// Refuses, by name, what a graph of ours never holds: an unknown graph kind, an unknown <c>mlnetrnn.*</c> metadata key
    /// (or one given twice), an operator-set import or a node (in any subgraph) of an operator domain we do not write.
    /// </summary>
    /// <exception cref="InvalidDataException">Such a component is present; the message names it.</exception>
    public static void Components(OnnxModel model)
    {
        string? kind = model.MetadataValue(OnnxMetadata.Kind);
        if (kind is not null && !KnownKinds.Contains(kind, StringComparer.Ordinal))
        {
            throw new InvalidDataException($"The ONNX graph is an MLNetRnn graph of kind '{OnnxTensor.Shown(kind)}', which this version does not know (it knows {string.Join(", ", KnownKinds)}); the model is damaged or needs a newer MLNetRnn.");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, _) in model.Metadata)
        {
            if (key.StartsWith("mlnetrnn.", StringComparison.Ordinal) && !KnownKeys.Contains(key, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"The ONNX graph has metadata '{OnnxTensor.Shown(key)}', which this version of MLNetRnn does not write; the model is damaged or needs a newer MLNetRnn.");
            }

            if (!seen.Add(key))
            {
                throw new InvalidDataException($"The ONNX graph has metadata '{OnnxTensor.Shown(key)}' twice; the model is damaged.");
            }
        }

        foreach (string domain in model.Opsets.Keys)
        {
            if (!KnownDomains.Contains(domain, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"The ONNX graph imports operator domain '{OnnxTensor.Shown(domain)}', which MLNetRnn does not use; the model was changed or made by another tool.");
            }
        }

        Nodes(model.Graph, 0);
    }

    /// <summary>Parses a JSON metadata value.</summary>
    /// <exception cref="InvalidDataException">It is missing or not valid JSON of that shape.</exception>
    public static T Json<T>(OnnxModel model, string key)
    {
        string json = model.MetadataValue(key) ?? throw new InvalidDataException($"The ONNX graph lacks metadata '{key}'; the model is damaged.");
        try
        {
            return JsonSerializer.Deserialize<T>(json) ?? throw new InvalidDataException($"Metadata '{key}' is null; the model is damaged.");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"Metadata '{key}' is not valid ({e.Message}); the model is damaged.", e);
        }
    }

    private static string[] Constants(Func<System.Reflection.FieldInfo, bool> which) =>
    [
        .. typeof(OnnxMetadata).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType == typeof(string) && which(f)).Select(f => (string)f.GetRawConstantValue()!),
    ];

    private static void Nodes(OnnxGraph graph, int depth)
    {
        foreach (var node in graph.Nodes)
        {
            if (!KnownDomains.Contains(node.Domain, StringComparer.Ordinal))
            {
                throw new InvalidDataException($"The ONNX graph's node '{OnnxTensor.Shown(node.Name)}' ({OnnxTensor.Shown(node.OpType)}) is in operator domain '{OnnxTensor.Shown(node.Domain)}', which MLNetRnn does not use; the model was changed or made by another tool.");
            }

            foreach (var attribute in node.Attributes)
            {
                if (attribute.Graph is { } body && depth < Files.FileLimits.MaxOnnxGraphDepth)
                {
                    Nodes(body, depth + 1);
                }
            }
        }
    }
}
