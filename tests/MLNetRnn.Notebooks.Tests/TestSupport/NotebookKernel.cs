using System.Diagnostics;
using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;

namespace MLNetRnn.Notebooks.Tests.TestSupport;

/// <summary>
/// .NET Interactive's C# kernel in this process, set up as Polyglot Notebooks and Jupyter set it up (a composite kernel
/// whose default is C#, with the kernel helpers), working in a notebook's folder: relative paths in <c>#r</c> and in
/// code resolve from there, as they do for a notebook opened in VS Code or Jupyter.
/// </summary>
/// <remarks>Changes the process's current directory until disposed; tests that use it must not run in parallel.</remarks>
internal sealed class NotebookKernel : IDisposable
{
    private readonly CompositeKernel _kernel;
    private readonly string _previousDirectory;

    public NotebookKernel(string workingDirectory)
    {
        _previousDirectory = Directory.GetCurrentDirectory();
        Directory.SetCurrentDirectory(workingDirectory);
        _kernel = new CompositeKernel { new CSharpKernel().UseKernelHelpers() };
        _kernel.DefaultKernelName = "csharp";
    }

    /// <summary>Submits one cell's code and waits for it to finish.</summary>
    public async Task<CellRun> SubmitAsync(int index, string code)
    {
        var clock = Stopwatch.StartNew();
        var result = await _kernel.SendAsync(new SubmitCode(code));
        return new CellRun(index, code, result.Events, clock.Elapsed);
    }

    public void Dispose()
    {
        _kernel.Dispose();
        Directory.SetCurrentDirectory(_previousDirectory);
    }
}
