using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using MLNetRnn.Classification;
using MLNetRnn.Onnx;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Text;
using MLNetRnn.Transforms;

namespace MLNetRnn.Cli;

/// <summary>
/// What the commands know about a saved model without running it: the ONNX graphs MLNetRnn wrote inside the ML.NET
/// .zip (<see cref="ModelZip"/>), hence the task, the tokenizer and its text column, and the network graph, which
/// rebuilds the trained network for the engine (beam search, tensors, export).
/// </summary>
internal sealed class ModelFile
{
    public const string Classification = "SequenceClassification";
    public const string SequenceToSequence = "SequenceToSequence";
    public const string Tagging = "SequenceTagging";
    public const string Forecasting = "SequenceForecasting";

    private ModelFile(ModelZip zip, string task, string networkEntry, OnnxModel network, byte[] networkBytes, OnnxModel? tokenizerGraph, TokenizerSettings? tokenizer)
    {
        Zip = zip;
        Task = task;
        NetworkEntry = networkEntry;
        Network = network;
        NetworkBytes = networkBytes;
        TokenizerGraph = tokenizerGraph;
        Tokenizer = tokenizer;
    }

    public string Path => Zip.Path;

    public ModelZip Zip { get; }

    /// <summary>Gets whether the zip carries MLNetRnn's seal (checked when it was read) or not.</summary>
    public ModelIntegrityStatus Integrity => Zip.Integrity;

    /// <summary>Gets <see cref="Classification"/>, <see cref="SequenceToSequence"/>, <see cref="Tagging"/> or <see cref="Forecasting"/>.</summary>
    public string Task { get; }

    public bool IsClassifier => Task == Classification;

    public bool IsTagger => Task == Tagging;

    /// <summary>Gets the zip entry that holds the network's graph.</summary>
    public string NetworkEntry { get; }

    /// <summary>Gets the classifier, encoder–decoder or tagger graph.</summary>
    public OnnxModel Network { get; }

    /// <summary>Gets the network graph's bytes exactly as stored in the zip.</summary>
    public byte[] NetworkBytes { get; }

    /// <summary>Gets the first tokenizer graph, or null when the model tokenizes with something else.</summary>
    public OnnxModel? TokenizerGraph { get; }

    /// <summary>Gets the first tokenizer's settings, or null.</summary>
    public TokenizerSettings? Tokenizer { get; }

    /// <summary>Gets the text (source) column the model reads, or null without one of our tokenizers.</summary>
    public string? TextColumn => TokenizerGraph?.MetadataValue(OnnxMetadata.InputColumn);

    /// <summary>Gets the model's text (source) column.</summary>
    /// <exception cref="InvalidDataException">The model has none of our tokenizer steps, so its text column is unknown.</exception>
    public string RequireTextColumn() => TextColumn ?? throw new InvalidDataException(
        $"'{Path}' has no MLNetRnn tokenizer step (Transforms.Text.TokenizeWords or TokenizeCharacters), so its text column is unknown; this command reads models that 'mlnet-rnn train' writes.");

    /// <summary>Gets the column of tokens the tokenizer writes.</summary>
    public string TokensColumn => TokenizerGraph?.MetadataValue(OnnxMetadata.OutputColumn) ?? "Tokens";

    /// <summary>Gets the token-key column the network reads (a forecaster: its window column).</summary>
    public string IdsColumn => Network.MetadataValue(OnnxMetadata.InputColumn) ?? (IsClassifier ? "Features" : "SourceIds");

    /// <summary>Gets the classifier's probability column, the encoder–decoder's predicted-tokens column, or the forecaster's forecast column.</summary>
    public string OutputColumn => Network.MetadataValue(OnnxMetadata.OutputColumn) ?? (IsClassifier ? "Score" : "PredictedTokens");

    /// <summary>Gets the classifier's predicted-label column.</summary>
    public string PredictedLabelColumn => Network.MetadataValue(OnnxMetadata.PredictedLabelColumn) ?? "PredictedLabel";

    /// <summary>Reads the graphs of a model .zip, after checking the zip and its seal (<see cref="ModelIntegrity"/>).</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">It is not a sound zip, does not match its seal, is not an ML.NET model, holds no MLNetRnn network graph, or a graph is damaged.</exception>
    public static ModelFile Read(string path)
    {
        ModelZip zip;
        try
        {
            zip = ModelZip.Read(path);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"'{path}' is not a valid MLNetRnn model ({(e.InnerException ?? e).Message}); give a .zip written by 'mlnet-rnn train classify', 'train seq2seq', 'train tag' or 'train forecast'.", e);
        }

        var network = zip.Graphs.FirstOrDefault(g => g.Model.MetadataValue(OnnxMetadata.Kind) is OnnxMetadata.ClassifierKind or OnnxMetadata.EncoderDecoderKind or OnnxMetadata.TaggerKind or OnnxMetadata.ForecasterKind);
        if (network.Model is null)
        {
            string found = zip.Graphs.Count == 0 ? "no ONNX graph MLNetRnn wrote" : $"only {string.Join(", ", zip.Graphs.Select(g => g.Model.MetadataValue(OnnxMetadata.Kind)))} graphs";
            throw new InvalidDataException($"'{path}' is not a valid MLNetRnn model: it holds {found}, no classifier, encoder–decoder, tagger or forecaster; give a .zip written by 'mlnet-rnn train classify', 'train seq2seq', 'train tag' or 'train forecast'.");
        }

        string kind = network.Model.MetadataValue(OnnxMetadata.Kind)!;
        OnnxModelCheck.Kind(network.Model, kind);
        var tokenizerGraph = zip.Find(OnnxMetadata.TokenizerKind);
        TokenizerSettings? tokenizer = null;
        if (tokenizerGraph is not null)
        {
            OnnxModelCheck.Kind(tokenizerGraph, OnnxMetadata.TokenizerKind);
            tokenizer = OnnxModelCheck.Json<TokenizerSettings>(tokenizerGraph, OnnxMetadata.Settings);
            if (tokenizer.Tokenizer is not (TokenizerSettings.Words or TokenizerSettings.Characters))
            {
                throw new InvalidDataException($"'{path}' has a tokenizer of kind '{OnnxTensor.Shown(tokenizer.Tokenizer ?? "")}', which this version of MLNetRnn does not know ({TokenizerSettings.Words} or {TokenizerSettings.Characters}); the model is damaged or needs a newer MLNetRnn.");
            }

            if (tokenizer.MaxTokens is <= 0)
            {
                throw new InvalidDataException($"'{path}' has a tokenizer that keeps at most {tokenizer.MaxTokens} tokens; a limit must be at least 1, so the model is damaged.");
            }
        }

        string task = kind switch { OnnxMetadata.ClassifierKind => Classification, OnnxMetadata.TaggerKind => Tagging, OnnxMetadata.ForecasterKind => Forecasting, _ => SequenceToSequence };
        return new ModelFile(zip, task, network.Entry, network.Model, network.Bytes, tokenizerGraph, tokenizer);
    }

    /// <summary>Loads the model with ML.NET (what any ML.NET app would run), checking the zip and its seal again on the file it loads.</summary>
    /// <exception cref="InvalidDataException">The file changed since it was read, or ML.NET cannot load it.</exception>
    public ITransformer Load(MLContext ml, out DataViewSchema input) => ml.Model.LoadVerified(Path, out input);

    /// <summary>
    /// Loads the model with ML.NET (<see cref="Load"/>) and runs it on <paramref name="rows"/>. An input column
    /// the model was saved with that the rows lack (a pipeline that maps its Label column to a key first) gets its
    /// empty value, as an app's prediction class would leave it.
    /// </summary>
    public IDataView Transform(MLContext ml, IDataView rows)
    {
        var model = Load(ml, out var input);
        return model.Transform(CliData.AddMissingInputs(ml, rows, input));
    }

    /// <summary>Rebuilds the classifier's network, labels and vocabulary from its graph.</summary>
    public (SequenceClassifierNetwork Network, string[] Labels, string[] Vocabulary) ReadClassifier() => ClassifierOnnx.Read(Network);

    /// <summary>Rebuilds the tagger's network, tags, vocabulary and character vocabulary (null without character features) from its graph.</summary>
    public (MLNetRnn.Tagging.SequenceTaggerNetwork Network, string[] Tags, string[] Vocabulary, string[]? Characters) ReadTagger() => MLNetRnn.Tagging.TaggerOnnx.Read(Network);

    /// <summary>Rebuilds the encoder–decoder from its graph.</summary>
    public Seq2SeqParts ReadSequenceToSequence()
    {
        var (network, source, target, decoding, level) = Seq2SeqOnnx.Read(Network);
        return new Seq2SeqParts(network, source, target, decoding, level, new Seq2SeqDecoder(network, Vocabulary.FromTokens(target), level, decoding));
    }

    /// <summary>The class labels a classifier's score column holds, in slot order (its slot names).</summary>
    public static string[] ScoreLabels(DataViewSchema.Column score)
    {
        if (!score.HasSlotNames())
        {
            throw new InvalidDataException($"The model's '{score.Name}' column has no slot names, so its classes are unknown; the model is damaged.");
        }

        VBuffer<ReadOnlyMemory<char>> names = default;
        score.GetSlotNames(ref names);
        return [.. names.DenseValues().Select(n => n.ToString())];
    }

    /// <summary>Throws when an option meant for another task's models was typed.</summary>
    /// <exception cref="ArgumentException">One of <paramref name="options"/> was given and this model's task is not <paramref name="task"/>.</exception>
    public void RejectUnless(string task, ParseResult parse, params Option[] options)
    {
        foreach (var option in options)
        {
            if (Task != task && CliOptions.Given(parse, option))
            {
                throw new ArgumentException($"{option.Name} is for {Describe(task)} models, but '{Path}' is a {Describe(Task)} model.");
            }
        }
    }

    private static string Describe(string task) => task switch
    {
        Classification => "text classification ('train classify')",
        Tagging => "token tagging ('train tag')",
        Forecasting => "forecasting ('train forecast')",
        _ => "sequence-to-sequence ('train seq2seq')",
    };

    /// <summary>An encoder–decoder rebuilt from its graph, with an engine decoder (beam search, n-best, attention) on it.</summary>
    public sealed record Seq2SeqParts(Seq2SeqNetwork Network, string[] SourceVocabulary, string[] TargetVocabulary, DecodingSettings Decoding, TokenLevel Level, Seq2SeqDecoder Decoder);
}
