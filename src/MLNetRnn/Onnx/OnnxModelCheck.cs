using System.Globalization;
using System.Text.Json;

namespace MLNetRnn.Onnx;

/// <summary>Checks a graph's metadata before a reader trusts it.</summary>
internal static class OnnxModelCheck
{
    /// <summary>Requires our metadata of the given kind and a format version this library reads.</summary>
    /// <exception cref="InvalidDataException">It is another kind, not ours, or newer than this library.</exception>
    public static void Kind(OnnxModel model, string kind)
    {
        string? actual = model.MetadataValue(OnnxMetadata.Kind);
        if (actual != kind)
        {
            throw new InvalidDataException($"The ONNX graph is {(actual is null ? "not one MLNetRnn wrote" : $"a '{actual}' graph")}; expected a '{kind}' graph.");
        }

        string? version = model.MetadataValue(OnnxMetadata.FormatVersion);
        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < 1)
        {
            throw new InvalidDataException($"The '{kind}' graph has no valid {OnnxMetadata.FormatVersion} (got '{version}'); the model is damaged.");
        }

        if (v > OnnxMetadata.CurrentFormatVersion)
        {
            throw new InvalidDataException($"The '{kind}' graph has format version {v}, newer than this MLNetRnn reads (≤ {OnnxMetadata.CurrentFormatVersion}); update MLNetRnn.");
        }
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
        catch (JsonException e)
        {
            throw new InvalidDataException($"Metadata '{key}' is not valid ({e.Message}); the model is damaged.", e);
        }
    }
}
