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
    protected override void SumCore(Span<float> values) => Sum(values, ref _floats, MPI.Unsafe.MPI_FLOAT);

    /// <inheritdoc/>
    protected override void SumCore(Span<double> values) => Sum(values, ref _doubles, MPI.Unsafe.MPI_DOUBLE);

    /// <summary><c>MPI_Allreduce</c> with <c>MPI_SUM</c> over every process, through a reused receive buffer.</summary>
    private unsafe void Sum<T>(Span<T> values, ref T[] received, int datatype)
        where T : unmanaged
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (received.Length < values.Length)
        {
            received = new T[values.Length];
        }

        fixed (T* send = values, receive = received)
        {
            Check(MPI.Unsafe.MPI_Allreduce((IntPtr)send, (IntPtr)receive, values.Length, datatype, MPI.Unsafe.MPI_SUM, MPI.Unsafe.MPI_COMM_WORLD));
        }

        received.AsSpan(0, values.Length).CopyTo(values);
    }

    private static void Check(int errorCode)
    {
        if (errorCode != MPI.Unsafe.MPI_SUCCESS)
        {
            throw MPI.Environment.TranslateErrorIntoException(errorCode);
        }
    }
}
