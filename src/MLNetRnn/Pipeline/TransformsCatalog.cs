namespace MLNetRnn.Pipeline;

/// <summary>Transforms, grouped as in ML.NET (<c>ctx.Transforms.Text…</c>).</summary>
public sealed class TransformsCatalog
{
    internal TransformsCatalog()
    {
    }

    /// <summary>Gets the text transforms.</summary>
    public TextTransforms Text { get; } = new();
}
