namespace MLNetRnn;

/// <summary>What <see cref="ModelIntegrity.Verify(string)"/> found in a model .zip that passed its checks.</summary>
public enum ModelIntegrityStatus
{
    /// <summary>
    /// The zip has no MLNetRnn seal (it was saved by ML.NET's own <c>Model.Save</c> or another tool). Its structure and every
    /// entry's CRC-32 were checked, but changes that keep the zip valid cannot be detected.
    /// </summary>
    Unsealed,

    /// <summary>The zip was saved by <c>SaveAtomically</c> and every entry matches the SHA-256 and size its seal records.</summary>
    Verified,
}
