using System.Collections.Concurrent;

namespace MLNetRnn.Training;

/// <summary>
/// Copies of a trained network for concurrent callers: each call borrows a copy that no other thread touches (networks
/// keep their activations), and returns it for the next call. The prototype itself is never run.
/// </summary>
/// <typeparam name="TNetwork">The network type.</typeparam>
internal sealed class NetworkPool<TNetwork>(Func<TNetwork> copy)
    where TNetwork : class
{
    private readonly ConcurrentBag<TNetwork> _idle = [];

    public TResult Use<TResult>(Func<TNetwork, TResult> work)
    {
        var network = _idle.TryTake(out var idle) ? idle : copy();
        try
        {
            return work(network);
        }
        finally
        {
            _idle.Add(network);
        }
    }
}
