namespace MLNetRnn.Onnx;

/// <summary>
/// The <c>metadata_props</c> keys our graphs carry, so a saved model can be recognised and described (by
/// <c>mlnet-rnn inspect</c> and <c>export</c>, or by any ONNX tool) without MLNetRnn having to remember anything.
/// </summary>
internal static class OnnxMetadata
{
    /// <summary>What the graph is: <see cref="TokenizerKind"/>, <see cref="ClassifierKind"/>, <see cref="TaggerKind"/>, <see cref="EncoderDecoderKind"/> or <see cref="ForecasterKind"/>.</summary>
    public const string Kind = "mlnetrnn.kind";

    /// <summary>The layout version of our graphs of that kind; readers refuse newer ones.</summary>
    public const string FormatVersion = "mlnetrnn.format_version";

    /// <summary>JSON of the network's architecture record.</summary>
    public const string Architecture = "mlnetrnn.architecture";

    /// <summary>JSON array of class labels in score order (a tagger: its tags in id order).</summary>
    public const string Labels = "mlnetrnn.labels";

    /// <summary>JSON array of the source tokens in id order (id 0 <c>&lt;PAD&gt;</c>, id 1 <c>&lt;UNK&gt;</c>, …).</summary>
    public const string Vocabulary = "mlnetrnn.vocabulary";

    /// <summary>JSON array of the target tokens in id order (encoder–decoder).</summary>
    public const string TargetVocabulary = "mlnetrnn.target_vocabulary";

    /// <summary>JSON of the tokenizer settings (tokenizer graphs), the decoding settings (encoder–decoder) or the forecast layout (forecaster).</summary>
    public const string Settings = "mlnetrnn.settings";

    /// <summary>The column a graph reads (for a tokenizer: the user's text column, before lower-casing).</summary>
    public const string InputColumn = "mlnetrnn.input_column";

    /// <summary>The column a graph writes first (tokens, scores, predicted tokens).</summary>
    public const string OutputColumn = "mlnetrnn.output_column";

    /// <summary>Classifier: the column ML.NET steps after the graph fill with the predicted label key.</summary>
    public const string PredictedLabelColumn = "mlnetrnn.predicted_label_column";

    /// <summary>Tagger with character features: the character-key column the graph also reads.</summary>
    public const string CharacterColumn = "mlnetrnn.character_column";

    /// <summary>Tagger with character features: the character vocabulary (JSON array of strings, in id order).</summary>
    public const string CharacterVocabulary = "mlnetrnn.character_vocabulary";

    public const string TokenizerKind = "tokenizer";
    public const string ClassifierKind = "sequence-classifier";
    public const string TaggerKind = "sequence-tagger";
    public const string EncoderDecoderKind = "encoder-decoder";
    public const string ForecasterKind = "recurrent-forecaster";

    /// <summary>A language model's step graph (<c>LanguageModelOnnx</c>).</summary>
    public const string LanguageModelKind = "language-model";

    /// <summary>The current <see cref="FormatVersion"/>.</summary>
    public const int CurrentFormatVersion = 1;
}
