using System.Runtime.InteropServices;

namespace MLNetRnn.Tests.TestSupport;

/// <summary>
/// A <see cref="FactAttribute"/> that skips its test, with a visible reason, when MPICH cannot run here: its launcher
/// <c>mpirun.mpich</c> is not on PATH or its library <c>libmpich.so.12</c> does not load (Debian package mpich, which CI
/// installs).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class MpiFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(FindMissing);

    /// <summary>Initializes the attribute, setting <see cref="FactAttribute.Skip"/> when MPICH is missing.</summary>
    public MpiFactAttribute()
    {
        if (Missing.Value is { } reason)
        {
            Skip = reason;
        }
    }

    /// <summary>Gets the full path of <c>mpirun.mpich</c> (only when the test runs).</summary>
    public static string MpiRun => Launcher() ?? throw new InvalidOperationException("mpirun.mpich is not on PATH.");

    private static string? FindMissing()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "MPICH's mpirun.mpich and libmpich.so.12 are looked for on Linux only";
        }

        if (Launcher() is null)
        {
            return "mpirun.mpich is not on PATH: apt-get install mpich";
        }

        if (!NativeLibrary.TryLoad("libmpich.so.12", out IntPtr handle))
        {
            return "libmpich.so.12 does not load: apt-get install mpich";
        }

        NativeLibrary.Free(handle);
        return null;
    }

    private static string? Launcher() => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(folder => Path.Combine(folder, "mpirun.mpich"))
        .FirstOrDefault(File.Exists);
}
