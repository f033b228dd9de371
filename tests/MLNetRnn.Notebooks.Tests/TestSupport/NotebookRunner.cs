using System.Diagnostics;
using Microsoft.DotNet.Interactive.Documents;
using Microsoft.DotNet.Interactive.Documents.Jupyter;

namespace MLNetRnn.Notebooks.Tests.TestSupport;

/// <summary>Runs every code cell of a .ipynb in order, in a fresh kernel working in the notebook's folder.</summary>
internal static class NotebookRunner
{
    /// <summary>The run of a notebook: one entry per code cell that ran, and the total time.</summary>
    public sealed record Run(string Name, IReadOnlyList<CellRun> Cells, TimeSpan Elapsed);

    /// <summary>Parses the notebook with .NET Interactive's document reader and submits its C# cells; stops at the first failure.</summary>
    /// <exception cref="InvalidOperationException">A code cell is for another kernel than C#.</exception>
    public static async Task<Run> RunAsync(string path)
    {
        var document = Notebook.Parse(await File.ReadAllTextAsync(path));
        string name = Path.GetFileName(path);
        var cells = new List<CellRun>();
        var clock = Stopwatch.StartNew();
        using var kernel = new NotebookKernel(Path.GetDirectoryName(Path.GetFullPath(path))!);
        for (int i = 0; i < document.Elements.Count; i++)
        {
            InteractiveDocumentElement element = document.Elements[i];
            if (element.KernelName == "markdown")
            {
                continue;
            }

            if (element.KernelName != "csharp")
            {
                throw new InvalidOperationException($"{name}, cell {i}: kernel '{element.KernelName}'; the notebooks are C# only.");
            }

            var run = await kernel.SubmitAsync(i, element.Contents);
            cells.Add(run);
            if (run.Failure is not null)
            {
                break;
            }
        }

        return new Run(name, cells, clock.Elapsed);
    }
}
