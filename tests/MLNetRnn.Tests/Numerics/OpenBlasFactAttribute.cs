using MLNetRnn.Numerics;

namespace MLNetRnn.Tests.Numerics;

/// <summary>
/// A <see cref="FactAttribute"/> that skips its test, with a visible reason, when <c>libopenblas.so.0</c> cannot be loaded.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class OpenBlasFactAttribute : FactAttribute
{
    /// <summary>The skip reason shown by the test runner when OpenBLAS is missing.</summary>
    public const string MissingReason = "libopenblas.so.0 not found: install libopenblas0-pthread";

    /// <summary>Initializes the attribute, setting <see cref="FactAttribute.Skip"/> when OpenBLAS is not loadable.</summary>
    public OpenBlasFactAttribute()
    {
        if (!Gemm.IsOpenBlasAvailable)
        {
            Skip = MissingReason;
        }
    }
}
