using System.Diagnostics;
using System.Text.Json;

namespace MLNetRnn.Tests.Consumer;

/// <summary>Runs examples/ModelConsumer (built with the solution; it references only ML.NET's packages) as a process.</summary>
internal static class ModelConsumerProcess
{
    /// <summary>Scores <paramref name="dataFile"/> with <paramref name="model"/> and returns one JSON object per row.</summary>
    public static JsonElement[] Score(string model, string dataFile, params string[] columns)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { Dll(), model, dataFile, "--columns", string.Join(',', columns) })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(300_000), "ModelConsumer did not finish within 5 minutes");
        Assert.True(process.ExitCode == 0, $"ModelConsumer exit code {process.ExitCode}: {stderr.Result}");
        return [.. stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }

    private static string Dll()
    {
        // .../tests/MLNetRnn.Tests/bin/<Configuration>/net10.0/ → .../examples/ModelConsumer/bin/<Configuration>/net10.0/
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = testBin.Name, configuration = testBin.Parent!.Name;
        string dll = Path.Combine(TestSupport.Sentiment.Repository(), "examples", "ModelConsumer", "bin", configuration, framework, "ModelConsumer.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing; build the solution first.");
        return dll;
    }
}
