using MLNetRnn.Layers;
using MLNetRnn.Numerics;

namespace MLNetRnn.Training;

/// <summary>
/// Updates the trainable tensors of a <see cref="ParameterStore"/> from their gradients. State (momentum, moments) is
/// kept in buffers aligned with the store, so a step is one pass over each trainable slice.
/// </summary>
public abstract class Optimizer
{
    private float _learningRate;
    private UpdateSweep? _sweep;

    /// <summary>Creates an optimizer over <paramref name="store"/>.</summary>
    /// <param name="store">The tensors to update; frozen ones (<see cref="Parameter.RequiresGradient"/> false) are skipped.</param>
    /// <param name="learningRate">The step size; positive and finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="learningRate"/> is not positive and finite.</exception>
    protected Optimizer(ParameterStore store, float learningRate)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        LearningRate = learningRate;
    }

    /// <summary>Gets the tensors this optimizer updates.</summary>
    protected ParameterStore Store { get; }

    /// <summary>Gets or sets the step size (a schedule may change it between steps).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and finite.</exception>
    public float LearningRate
    {
        get => _learningRate;
        set
        {
            if (!(value > 0f && float.IsFinite(value)))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Invalid learning rate: {value}. Use a positive finite value such as 0.001.");
            }

            _learningRate = value;
        }
    }

    /// <summary>Gets the number of steps taken.</summary>
    public long StepCount { get; internal set; }

    /// <summary>Applies one update to every trainable tensor from its current gradient (gradients are not cleared).</summary>
    /// <remarks>
    /// The built-in optimizers update element by element, so on two engine threads the slices are cut into two halves of
    /// about equal elements that run at the same time (<see cref="SliceSweep"/>); the result is the same bits as on one
    /// thread. A derived optimizer outside this library updates each slice whole, in order.
    /// </remarks>
    public void Step()
    {
        StepCount++;
        var sweep = _sweep ??= new UpdateSweep(this);
        sweep.Clear();
        var parameters = Store.Parameters;
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            if (!p.RequiresGradient)
            {
                continue;
            }

            if (p.RowSparse is { } sparse)
            {
                int length = sparse.RowLength;
                foreach (int row in sparse.Rows) // lazy: rows outside the batch keep their values and state
                {
                    sweep.Add(p.Offset + (row * length), length);
                }
            }
            else
            {
                sweep.Add(p.Offset, p.Length);
            }
        }

        if (UpdatesElementWise)
        {
            sweep.Run();
        }
        else
        {
            for (int i = 0; i < sweep.Count; i++)
            {
                var (offset, length) = sweep[i];
                Update(Store.Values.Slice(offset, length), Store.Gradients.Slice(offset, length), offset);
            }
        }
    }

    /// <summary>
    /// Gets whether <see cref="Update"/> treats every element on its own, with no state shared between calls but the
    /// buffers at the given offsets, so any part of a slice may be updated separately and at the same time as another.
    /// </summary>
    internal virtual bool UpdatesElementWise => false;

    /// <summary>Updates one slice.</summary>
    /// <param name="values">The slice's values, updated in place.</param>
    /// <param name="gradients">The slice's gradients.</param>
    /// <param name="offset">The slice's offset in the store, for state buffers aligned with it.</param>
    protected abstract void Update(Span<float> values, ReadOnlySpan<float> gradients, int offset);

    /// <summary>Throws when <paramref name="value"/> is outside [<paramref name="low"/>, <paramref name="high"/>).</summary>
    /// <param name="value">The hyperparameter.</param>
    /// <param name="low">Inclusive lower bound.</param>
    /// <param name="high">Exclusive upper bound.</param>
    /// <param name="name">Its name, for the message.</param>
    /// <exception cref="ArgumentOutOfRangeException">The value is outside the range or NaN.</exception>
    protected static void CheckRange(float value, float low, float high, string name)
    {
        if (!(value >= low && value < high))
        {
            throw new ArgumentOutOfRangeException(name, value, $"Invalid {name}: {value}. It must be in [{low}, {high}).");
        }
    }

    /// <summary>The update over the step's slices, element-wise.</summary>
    private sealed class UpdateSweep(Optimizer owner) : SliceSweep
    {
        protected override void Apply(int offset, int length) =>
            owner.Update(owner.Store.Values.Slice(offset, length), owner.Store.Gradients.Slice(offset, length), offset);
    }
}
