using System.Collections.Concurrent;

namespace MLNetRnn.Notebooks.Tests.TestSupport;

/// <summary>Runs each notebook once per test run, however many tests look at the result.</summary>
public sealed class NotebookRuns
{
    private readonly ConcurrentDictionary<string, Lazy<Task<NotebookRunner.Run>>> _runs = new();

    /// <summary>Gets the notebook files in examples/notebooks, by file name.</summary>
    public static IReadOnlyList<string> Files =>
        [.. Directory.GetFiles(Repository.Notebooks, "*.ipynb").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    internal Task<NotebookRunner.Run> Get(string file) =>
        _runs.GetOrAdd(file, f => new Lazy<Task<NotebookRunner.Run>>(() => NotebookRunner.RunAsync(Path.Combine(Repository.Notebooks, f)))).Value;
}
