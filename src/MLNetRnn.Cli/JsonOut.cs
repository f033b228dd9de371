using System.Text.Json;
using System.Text.Json.Serialization;

namespace MLNetRnn.Cli;

/// <summary>One JSON object per line on stdout, camelCase, finite numbers rounded for reading.</summary>
internal static class JsonOut
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static void Line(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Options));

    public static double Round(double value, int digits = 6) => double.IsFinite(value) ? Math.Round(value, digits) : value;
}
