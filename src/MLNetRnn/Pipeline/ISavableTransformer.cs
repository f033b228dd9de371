namespace MLNetRnn.Pipeline;

/// <summary>A transformer that can be written into a model file as one component and read back by its <see cref="Kind"/>.</summary>
internal interface ISavableTransformer : ITransformer
{
    /// <summary>Gets the component kind written to the manifest, for example <c>"SequenceClassifier"</c>.</summary>
    string Kind { get; }

    /// <summary>Gets the task name for the manifest when this is a model (for example <c>"SequenceClassification"</c>), else null.</summary>
    string? Task { get; }

    /// <summary>Writes the component's entries (config, tensors, vocabularies) under the context's directory.</summary>
    void Save(ModelSaveContext context);
}
