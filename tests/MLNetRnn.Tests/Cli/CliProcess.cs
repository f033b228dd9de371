using System.Diagnostics;

namespace MLNetRnn.Tests.Cli;

/// <summary>Runs the built <c>mlnet-rnn.dll</c> (copied next to the tests) as a real process and captures what it prints.</summary>
internal static class CliProcess
{
    public static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mlnet-rnn.dll"));
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "mlnet-rnn did not finish within 2 minutes");
        return (process.ExitCode, stdout, stderr.Result);
    }

    /// <summary>Runs and checks a usage error: exit code 2, nothing on stdout, an "error:" message on stderr.</summary>
    public static void AssertUsageError(params string[] args)
    {
        var (code, stdout, stderr) = Run(args);
        Assert.Equal(2, code);
        Assert.Equal(string.Empty, stdout);
        Assert.StartsWith("error:", stderr);
    }

    /// <summary>Runs and checks a failure: exit code 1, nothing on stdout, exactly one line on stderr, which it returns.</summary>
    public static string RunFailing(params string[] args)
    {
        var (code, stdout, stderr) = Run(args);
        Assert.True(code == 1, $"exit code {code}, stderr: {stderr}");
        Assert.Equal(string.Empty, stdout);
        return Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
