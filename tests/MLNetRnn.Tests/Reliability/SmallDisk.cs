using System.Diagnostics;

namespace MLNetRnn.Tests.Reliability;

/// <summary>
/// A tiny tmpfs mounted for one test, to run out of space or to remount read-only for real (root ignores file
/// permissions, so a read-only mount is the honest way to refuse writes). Needs root and <c>mount</c>.
/// </summary>
internal sealed class SmallDisk : IDisposable
{
    private static readonly Lazy<string?> Unavailable = new(Probe);

    private SmallDisk(string folder) => Folder = folder;

    /// <summary>Gets why tmpfs cannot be mounted here, or null when it can.</summary>
    public static string? MissingReason => Unavailable.Value;

    /// <summary>Gets the mount point.</summary>
    public string Folder { get; }

    /// <summary>Mounts a tmpfs of <paramref name="kilobytes"/> KiB at a new temporary folder.</summary>
    public static SmallDisk Mount(int kilobytes)
    {
        string folder = Directory.CreateTempSubdirectory("mlnetrnn-disk-").FullName;
        Run("mount", "-t", "tmpfs", "-o", $"size={kilobytes}k", "tmpfs", folder);
        return new SmallDisk(folder);
    }

    /// <summary>Remounts the disk read-only: every write fails with EROFS, for root too.</summary>
    public void MakeReadOnly() => Run("mount", "-o", "remount,ro", Folder);

    public void Dispose()
    {
        Run("umount", Folder);
        Directory.Delete(Folder);
    }

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "tmpfs mounts are Linux only";
        }

        try
        {
            using var disk = Mount(16);
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return $"cannot mount a tmpfs here (needs root and mount): {e.Message}";
        }
    }

    private static void Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {error.Trim()}");
        }
    }
}

/// <summary>A <see cref="FactAttribute"/> that skips its test, with the reason, where a tmpfs cannot be mounted.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class SmallDiskFactAttribute : FactAttribute
{
    /// <summary>Initializes the attribute, setting <see cref="FactAttribute.Skip"/> when tmpfs cannot be mounted.</summary>
    public SmallDiskFactAttribute()
    {
        if (SmallDisk.MissingReason is { } reason)
        {
            Skip = reason;
        }
    }
}
