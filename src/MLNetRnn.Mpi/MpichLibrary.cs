using System.Reflection;
using System.Runtime.InteropServices;

namespace MLNetRnn.Mpi;

/// <summary>
/// Points MPI.NET's P/Invokes of MS-MPI (<c>msmpi.dll</c>) at MPICH on Linux and macOS. MS-MPI is derived from MPICH and
/// keeps its ABI (handles as 32-bit integers, the same constants such as <c>MPI_COMM_WORLD</c>, <c>MPI_FLOAT</c>,
/// <c>MPI_SUM</c>), so MPI.NET's calls work unchanged on <c>libmpich.so.12</c>. Open MPI's ABI differs (handles are
/// pointers), so it is never loaded in MS-MPI's place.
/// </summary>
internal static class MpichLibrary
{
    /// <summary>MPICH's library names, newest ABI first: Debian/Ubuntu's (package libmpich12, pulled in by mpich), Homebrew's.</summary>
    private static readonly string[] Candidates = ["libmpich.so.12", "libmpich.12.dylib"];

    private static readonly Lazy<IntPtr> Handle = new(Load);
    private static int s_registered;

    /// <summary>Installs the resolver on MPI.NET's assembly (once); on Windows MS-MPI is loaded as MPI.NET expects.</summary>
    /// <exception cref="DllNotFoundException">MPICH is not installed (not on Windows).</exception>
    public static void Register()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        _ = Handle.Value; // fails here, with the install hint, rather than inside MPI.NET's first call
        if (Interlocked.Exchange(ref s_registered, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(MPI.Communicator).Assembly, Resolve);
        }
    }

    /// <summary>Refuses a process launched by Open MPI's <c>mpirun</c>, which sets <c>OMPI_COMM_WORLD_SIZE</c>.</summary>
    /// <exception cref="InvalidOperationException">The variable is set.</exception>
    public static void RequireNotOpenMpi()
    {
        if (Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is { } size)
        {
            throw new InvalidOperationException($"This process was started by Open MPI's mpirun (OMPI_COMM_WORLD_SIZE={size}), but distributed training runs on MPICH (MPI.NET is built for MS-MPI, whose ABI MPICH shares and Open MPI does not). Launch it with MPICH's launcher: mpirun.mpich -np N … (Debian/Ubuntu: apt-get install mpich).");
        }
    }

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath) =>
        name is "msmpi" or "msmpi.dll" ? Handle.Value : IntPtr.Zero;

    private static IntPtr Load()
    {
        foreach (string candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out IntPtr handle))
            {
                return handle;
            }
        }

        throw new DllNotFoundException($"Distributed training needs MPICH's shared library ({string.Join(" or ", Candidates)}), which was not found. Install MPICH (Debian/Ubuntu: apt-get install mpich; macOS: brew install mpich) and launch with mpirun.mpich -np N …; Open MPI cannot be used instead (its ABI differs from the MS-MPI one MPI.NET is built for).");
    }
}
