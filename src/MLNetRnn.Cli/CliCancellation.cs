using System.Runtime.InteropServices;

namespace MLNetRnn.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM stop a running command gracefully: the first signal cancels <see cref="Token"/>, which a
/// training run honours at the next batch boundary by writing a final checkpoint; a second signal ends the process at
/// once, as usual.
/// </summary>
internal static class CliCancellation
{
    private static readonly CancellationTokenSource Source = new();
    private static readonly List<PosixSignalRegistration> Registrations = [];

    /// <summary>Gets or sets the checkpoint a cancelled training run continues from, for the message.</summary>
    public static string? Checkpoint { get; set; }

    /// <summary>Gets the token that the first Ctrl+C or SIGTERM cancels.</summary>
    public static CancellationToken Token => Source.Token;

    /// <summary>Starts listening for the signals.</summary>
    public static void Listen()
    {
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            Registrations.Add(PosixSignalRegistration.Create(signal, context =>
            {
                if (!Source.IsCancellationRequested)
                {
                    context.Cancel = true; // keep running until the current batch ends and the checkpoint is written
                    Source.Cancel();
                }
            }));
        }
    }
}
