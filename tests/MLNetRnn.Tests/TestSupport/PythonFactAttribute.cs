using System.Diagnostics;

namespace MLNetRnn.Tests.TestSupport;

/// <summary>
/// A <see cref="FactAttribute"/> that skips its test, with a visible reason, when Debian's <c>/usr/bin/python3</c> cannot
/// import the given modules (python3-onnx for onnx, python3-torch for torch). CI installs both.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PythonFactAttribute : FactAttribute
{
    private static readonly Dictionary<string, bool> Cache = [];

    /// <summary>Initializes the attribute, setting <see cref="FactAttribute.Skip"/> when a module is missing.</summary>
    /// <param name="modules">Python modules the test needs, for example "onnx" or "torch".</param>
    public PythonFactAttribute(params string[] modules)
    {
        foreach (string module in modules)
        {
            if (!Importable(module))
            {
                Skip = $"/usr/bin/python3 cannot import {module}: apt-get install python3-{module}";
                return;
            }
        }
    }

    /// <summary>Gets Debian's interpreter, which has the python3-* packages (the first python3 on PATH may not).</summary>
    public static string Python => "/usr/bin/python3";

    private static bool Importable(string module)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(module, out bool ok))
            {
                ok = File.Exists(Python) && Run(Python, "-c", $"import {module}").Code == 0;
                Cache[module] = ok;
            }

            return ok;
        }
    }

    /// <summary>Runs a program and returns its exit code and everything it printed.</summary>
    public static (int Code, string Output) Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
