using System.Diagnostics;

namespace MLNetRnn.Training;

/// <summary>
/// The processes of one data-parallel training run and the one collective operation it needs: an all-reduce sum. Set
/// it on a trainer's options (<c>DataParallelGroup</c>) in every process of the run, each with its own <see cref="Rank"/>;
/// the trainers then split every mini-batch among the processes and keep their weights equal. The MPI implementation is
/// <c>MLNetRnn.Mpi.MpiDataParallelGroup</c> (package MLNetRnn.Mpi); this library itself has no MPI dependency.
/// </summary>
/// <remarks>
/// <para>How a training step runs with a group of <see cref="Size"/> N: every process reads the same rows and builds the
/// same batch plan from the same seed; process r takes rows r, r + N, r + 2N, … of each batch (for the language model, the
/// same streams of every chunk, whose carried state it keeps), runs forward and backward on them, and the processes sum
/// their loss sums and unit counts (rows or tokens, <see cref="AllreduceSum(Span{double})"/>).
/// Each process scales its gradient by its share of the units, <c>u_r / Σu</c>, and the gradients are summed
/// (<see cref="AllreduceSum(Span{float})"/>), which gives every process the gradient of the whole batch's mean loss:
/// <c>Σ_r (u_r / U) ∇(L_r / u_r) = ∇(Σ_r L_r) / U</c>. Clipping and the optimizer step then run on identical gradients
/// in every process, so the weights stay equal without being sent; a fingerprint of the weights is compared at the start
/// and after every epoch, and a difference stops training with an error.</para>
/// <para>Process 0 alone writes checkpoints (each process reads one to resume, so it must be reachable by all).
/// Validation is scored by every process on its own copy (identically). Dropout masks are drawn per process from
/// streams offset by the rank, so with dropout a run is statistically, not bitwise, the same as a single process;
/// with dropout 0 the trained weights equal a single process's with the same batch size within float rounding.</para>
/// <para>An implementation must give every process the same sum, bit for bit (MPI's predefined sum does for a
/// commutative reduction of the same inputs), and must be called by all processes in the same order.</para>
/// </remarks>
public abstract class DataParallelGroup
{
    private readonly Stopwatch _communication = new();
    private long _steps;
    private TimeSpan _stepTime;
    private TimeSpan _stepCommunicationTime;

    /// <summary>Gets this process's index in the group, in [0, <see cref="Size"/>); process 0 writes the files.</summary>
    public abstract int Rank { get; }

    /// <summary>Gets the number of processes in the group, at least 1.</summary>
    public abstract int Size { get; }

    /// <summary>
    /// Gets the wall time spent in <see cref="AllreduceSum(Span{float})"/> and <see cref="AllreduceSum(Span{double})"/> so far,
    /// the weight checks at the start and after each epoch included (where a process waits for the others to finish reading
    /// the data or scoring validation); <see cref="StepCommunicationTime"/> counts the training steps' alone.
    /// </summary>
    public TimeSpan CommunicationTime => _communication.Elapsed;

    /// <summary>Gets the part of <see cref="StepTime"/> spent in the all-reduce sums (waiting for the slowest process included).</summary>
    public TimeSpan StepCommunicationTime => _stepCommunicationTime;

    /// <summary>Gets the wall time of the training steps run with this group so far (forward, backward, all-reduce, clipping, optimizer step).</summary>
    public TimeSpan StepTime => _stepTime;

    /// <summary>Gets the number of training steps run with this group so far.</summary>
    public long Steps => _steps;

    /// <summary>Replaces <paramref name="values"/> in every process with their element-wise sum over all processes.</summary>
    /// <param name="values">This process's values; the same length in every process.</param>
    public void AllreduceSum(Span<float> values)
    {
        _communication.Start();
        try
        {
            SumCore(values);
        }
        finally
        {
            _communication.Stop();
        }
    }

    /// <summary>Replaces <paramref name="values"/> in every process with their element-wise sum over all processes.</summary>
    /// <param name="values">This process's values; the same length in every process.</param>
    public void AllreduceSum(Span<double> values)
    {
        _communication.Start();
        try
        {
            SumCore(values);
        }
        finally
        {
            _communication.Stop();
        }
    }

    /// <summary>The all-reduce sum of <paramref name="values"/> in place, called by all processes in the same order.</summary>
    /// <param name="values">This process's values on entry, the sum over all processes on return.</param>
    protected abstract void SumCore(Span<float> values);

    /// <summary>The all-reduce sum of <paramref name="values"/> in place, called by all processes in the same order.</summary>
    /// <param name="values">This process's values on entry, the sum over all processes on return.</param>
    protected abstract void SumCore(Span<double> values);

    /// <summary>Counts one training step of the given wall time, of which <paramref name="communication"/> in all-reduce sums (the training loop calls it).</summary>
    internal void RecordStep(TimeSpan elapsed, TimeSpan communication)
    {
        _steps++;
        _stepTime += elapsed;
        _stepCommunicationTime += communication;
    }
}
