namespace MLNetRnn.Pipeline;

/// <summary>The <c>manifest.json</c> at the root of a model file.</summary>
/// <param name="Format">Always <c>"mlnetrnn-model"</c>.</param>
/// <param name="FormatVersion">The layout version; a reader refuses versions newer than it knows.</param>
/// <param name="LibraryVersion">The MLNetRnn version that wrote the file.</param>
/// <param name="Task">The task of the last component (for example <c>SequenceClassification</c>), or null.</param>
/// <param name="Components">The pipeline's steps in order.</param>
/// <param name="InputSchema">The columns the pipeline was fitted on, or null when not given.</param>
public sealed record ModelManifest(
    string Format,
    int FormatVersion,
    string LibraryVersion,
    string? Task,
    IReadOnlyList<ModelComponentEntry> Components,
    IReadOnlyList<ModelColumnEntry>? InputSchema);

/// <summary>One step of a saved pipeline.</summary>
/// <param name="Name">A unique name, for example <c>02-SequenceClassifier</c>.</param>
/// <param name="Kind">The component kind that knows how to read it.</param>
/// <param name="Entry">The archive directory of its entries, for example <c>components/02-SequenceClassifier/</c>.</param>
public sealed record ModelComponentEntry(string Name, string Kind, string Entry);

/// <summary>One input column of a saved pipeline.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">The type's display name: <c>String</c>, <c>Single</c>, <c>Vector&lt;Int32&gt;</c>…</param>
public sealed record ModelColumnEntry(string Name, string Type);
