using System.Diagnostics;
using System.Text;

namespace MLNetRnn.Tests.Packaging;

/// <summary>
/// Finds the <c>dotnet</c> executable and runs it (or a program it installed) as a process, for the tests that pack,
/// install and run the packages the way a user would.
/// </summary>
internal static class DotnetCli
{
    private static readonly Lazy<string?> Found = new(Find);

    /// <summary>Gets the full path of <c>dotnet</c> (symbolic links resolved), or null when there is none.</summary>
    public static string? PathOrNull => Found.Value;

    /// <summary>Gets the full path of <c>dotnet</c>; fails the test when there is none.</summary>
    public static string Path => Found.Value ?? throw new InvalidOperationException("dotnet was not found on PATH.");

    /// <summary>
    /// Runs <paramref name="fileName"/> in <paramref name="workingDirectory"/> and returns its exit code and output.
    /// <paramref name="environment"/> entries are set (a null value removes the variable). A process still running after
    /// <paramref name="timeout"/> is killed with its children and fails the test.
    /// </summary>
    public static (int Code, string Stdout, string Stderr) Run(string fileName, string workingDirectory, TimeSpan timeout,
        IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        // A build started from a test must not pick up the MSBuild of the `dotnet test` that runs the tests, leave MSBuild
        // nodes behind, or print first-run banners into the output the tests read.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        start.Environment["DOTNET_ROOT"] = System.IO.Path.GetDirectoryName(Path); // tool shims find the runtime here
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var stdoutClosed = new TaskCompletionSource();
        var stderrClosed = new TaskCompletionSource();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data, stdoutClosed);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data, stderrClosed);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{System.IO.Path.GetFileName(fileName)} {string.Join(' ', args)} did not finish within {timeout.TotalSeconds:F0} s.\n{stdout}\n{stderr}");
        }

        // A compiler server the build started may hold the pipes open for minutes: wait for the end of the output only
        // briefly, since the process itself has exited.
        Task.WaitAll([stdoutClosed.Task, stderrClosed.Task], TimeSpan.FromSeconds(10));
        lock (stdout)
        {
            lock (stderr)
            {
                return (process.ExitCode, stdout.ToString(), stderr.ToString());
            }
        }
    }

    /// <summary>Runs <c>dotnet</c> with <paramref name="args"/> and fails the test, showing its output, unless it exits with 0.</summary>
    public static string RunOrFail(string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var (code, stdout, stderr) = Run(Path, workingDirectory, timeout, environment, args);
        Assert.True(code == 0, $"dotnet {string.Join(' ', args)} exited with {code}:\n{stdout}\n{stderr}");
        return stdout;
    }

    private static void Append(StringBuilder output, string? line, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string? Find()
    {
        string name = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        var candidates = new List<string?> { Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") };
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, name)));
        candidates.Add(Environment.ProcessPath); // the test host itself runs as `dotnet testhost.dll`
        foreach (string? candidate in candidates)
        {
            if (candidate is not null && System.IO.Path.GetFileName(candidate) == name && File.Exists(candidate))
            {
                return File.ResolveLinkTarget(candidate, returnFinalTarget: true)?.FullName ?? System.IO.Path.GetFullPath(candidate);
            }
        }

        return null;
    }
}
