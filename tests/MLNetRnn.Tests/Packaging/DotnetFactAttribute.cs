namespace MLNetRnn.Tests.Packaging;

/// <summary>
/// A <see cref="FactAttribute"/> for the tests that run the .NET SDK as a process (pack, tool install, restore, run):
/// it skips, with a visible reason, when no <c>dotnet</c> executable is found.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class DotnetFactAttribute : FactAttribute
{
    /// <summary>Initializes the attribute, setting <see cref="FactAttribute.Skip"/> when <c>dotnet</c> is not found.</summary>
    public DotnetFactAttribute()
    {
        if (DotnetCli.PathOrNull is null)
        {
            Skip = "dotnet (the .NET SDK) was not found on PATH, in DOTNET_HOST_PATH or as the test host";
        }
    }
}
