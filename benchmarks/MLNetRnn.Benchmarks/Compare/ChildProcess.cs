using System.Diagnostics;

namespace MLNetRnn.Benchmarks.Compare;

/// <summary>Runs a child process to completion and captures its output.</summary>
public static class ChildProcess
{
    /// <summary>The longest a child may run before it is killed.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>Runs <paramref name="fileName"/> with <paramref name="arguments"/>.</summary>
    /// <param name="fileName">The executable.</param>
    /// <param name="arguments">Its arguments, passed without shell quoting.</param>
    /// <param name="environment">Variables to set (null value: remove) on top of this process's environment.</param>
    /// <param name="timeout">The longest it may run, default <see cref="Timeout"/>.</param>
    /// <returns>The exit code (-1 after a timeout or when the program cannot start), standard output and standard error.</returns>
    public static (int ExitCode, string Output, string Error) Run(string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, string.Empty, $"Could not start {fileName}: {e.Message}");
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout ?? Timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                return (-1, output.Result, error.Result + $"\n(killed after {(timeout ?? Timeout).TotalMinutes} minutes)");
            }

            return (process.ExitCode, output.Result, error.Result);
        }
    }

    /// <summary>Gets the program and leading arguments that start this benchmark program again.</summary>
    /// <returns>The apphost alone, or <c>dotnet</c> and the entry assembly's path.</returns>
    public static (string FileName, string[] Prefix) Self()
    {
        string process = Environment.ProcessPath ?? "dotnet";
        string name = Path.GetFileNameWithoutExtension(process);
        return name.Equals("dotnet", StringComparison.OrdinalIgnoreCase)
            ? (process, [typeof(ChildProcess).Assembly.Location])
            : (process, []);
    }

    /// <summary>Runs a reference script and parses the JSON object on its last stdout line, or reports why it failed and returns null.</summary>
    /// <param name="python">The interpreter.</param>
    /// <param name="arguments">The script and its arguments.</param>
    /// <returns>The parsed last line (dispose it), or null when the script failed.</returns>
    public static System.Text.Json.JsonDocument? LastJsonLine(string python, IEnumerable<string> arguments)
    {
        var (code, output, error) = Run(python, arguments);
        if (code != 0)
        {
            Console.Error.WriteLine($"PyTorch run failed ({code}): {error.Trim()}\n{CompareCommand.PyTorchMissing}");
            return null;
        }

        return System.Text.Json.JsonDocument.Parse(output.Trim().Split('\n')[^1]);
    }
}
