using MLNetRnn.Training;

namespace MLNetRnn.Mpi;

/// <summary>
/// The processes of an MPI job (<c>MPI_COMM_WORLD</c>) as a <see cref="DataParallelGroup"/>: set it on a trainer's
/// options in every process, started with <c>mpirun.mpich -np N</c>, and the trainers split each batch among them.
/// Built on MPI.NET 1.4.0, which is compiled for MS-MPI; on Linux and macOS it runs on MPICH, which shares MS-MPI's ABI
/// (see <see cref="MpichLibrary"/>). Open MPI is refused: its ABI differs and MPI.NET would crash on it.
/// </summary>
/// <remarks>
/// <para>One group per process: <see cref="Start"/> initialises MPI and <see cref="Dispose"/> finalises it, which every
/// process must reach. A process that fails should exit without disposing: <c>mpirun</c> then ends the other processes
/// (a process blocked in an all-reduce would otherwise wait for it for ever).</para>
/// <para>Started outside <c>mpirun</c>, MPICH runs the process as a job of one (<see cref="DataParallelGroup.Size"/> 1),
/// and training is exactly that of a single process.</para>
/// </remarks>
public sealed class MpiDataParallelGroup : DataParallelGroup, IDisposable
{
    private static int s_started;
    private readonly MPI.Environment _environment;
    private float[] _floats = [];
    private double[] _doubles = [];
    private bool _disposed;

    private MpiDataParallelGroup(MPI.Environment environment)
    {
        _environment = environment;
        Rank = MPI.Communicator.world.Rank;
        Size = MPI.Communicator.world.Size;
    }

    /// <inheritdoc/>
    public override int Rank { get; }

    /// <inheritdoc/>
    public override int Size { get; }

    /// <summary>Gets the name of this process's machine, as MPI reports it.</summary>
    public string ProcessorName => MPI.Environment.ProcessorName;

    /// <summary>Loads MPICH and initialises MPI for this process (once per process).</summary>
    /// <returns>The group of all processes of the job.</returns>
    /// <exception cref="InvalidOperationException">MPI was already started in this process, or the process was launched
    /// by Open MPI's <c>mpirun</c>.</exception>
    /// <exception cref="DllNotFoundException">MPICH's library is not installed (the message says how to install it).</exception>
    public static MpiDataParallelGroup Start()
    {
        MpichLibrary.RequireNotOpenMpi();
        MpichLibrary.Register();
        if (Interlocked.Exchange(ref s_started, 1) != 0)
        {
            throw new InvalidOperationException("MPI was already started in this process; create one MpiDataParallelGroup per process and share it between trainers.");
        }

        string[] args = [];
        return new MpiDataParallelGroup(new MPI.Environment(ref args));
    }

    /// <summary>Finalises MPI (<c>MPI_Finalize</c>). Every process must call it, after its last all-reduce.</summary>
    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _environment.Dispose();
        }
    }

    /// <inheritdoc/>
    protected override unsafe void SumCore(Span<float> values)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_floats.Length < values.Length)
        {
            _floats = new float[values.Length];
        }

        fixed (float* send = values, receive = _floats)
        {
            Check(MPI.Unsafe.MPI_Allreduce((IntPtr)send, (IntPtr)receive, values.Length, MPI.Unsafe.MPI_FLOAT, MPI.Unsafe.MPI_SUM, MPI.Unsafe.MPI_COMM_WORLD));
        }

        _floats.AsSpan(0, values.Length).CopyTo(values);
    }

    /// <inheritdoc/>
    protected override unsafe void SumCore(Span<double> values)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_doubles.Length < values.Length)
        {
            _doubles = new double[values.Length];
        }

        fixed (double* send = values, receive = _doubles)
        {
            Check(MPI.Unsafe.MPI_Allreduce((IntPtr)send, (IntPtr)receive, values.Length, MPI.Unsafe.MPI_DOUBLE, MPI.Unsafe.MPI_SUM, MPI.Unsafe.MPI_COMM_WORLD));
        }

        _doubles.AsSpan(0, values.Length).CopyTo(values);
    }

    private static void Check(int errorCode)
    {
        if (errorCode != MPI.Unsafe.MPI_SUCCESS)
        {
            throw MPI.Environment.TranslateErrorIntoException(errorCode);
        }
    }
}
