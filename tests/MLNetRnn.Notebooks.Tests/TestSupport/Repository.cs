namespace MLNetRnn.Notebooks.Tests.TestSupport;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class Repository
{
    /// <summary>Gets the folder that holds MLNetRnn.sln, found upwards from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Gets examples/notebooks.</summary>
    public static string Notebooks => Path.Combine(Root, "examples", "notebooks");

    /// <summary>Gets the folder a notebook references: the Release build of MLNetRnn.Interactive with every dependency.</summary>
    public static string InteractiveBin => Path.Combine(Root, "src", "MLNetRnn.Interactive", "bin", "Release", "net10.0");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MLNetRnn.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new DirectoryNotFoundException($"MLNetRnn.sln not found above {AppContext.BaseDirectory}.");
    }
}
