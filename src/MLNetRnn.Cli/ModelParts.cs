using System.CommandLine;
using MLNetRnn.Data;
using MLNetRnn.Models;
using MLNetRnn.Pipeline;
using MLNetRnn.Transforms;

namespace MLNetRnn.Cli;

/// <summary>
/// The steps of a loaded text model that the commands need to read columns and explain predictions: its tokenizer,
/// its vocabulary and its head (a classifier or an encoder–decoder), found by the task in the manifest.
/// </summary>
internal sealed record ModelParts(string Path, string Task, TokenizingTransformer Tokenizer, TokenToIdTransformer Ids, ITransformer Head, IReadOnlyList<ITransformer> Steps)
{
    public const string Classification = "SequenceClassification";
    public const string SequenceToSequence = "SequenceToSequence";

    /// <summary>Gets the classifier, or null for another task.</summary>
    public SequenceClassificationModel? Classifier => Head as SequenceClassificationModel;

    /// <summary>Gets the encoder–decoder, or null for another task.</summary>
    public SequenceToSequenceModel? EncoderDecoder => Head as SequenceToSequenceModel;

    /// <summary>Gets the head's architecture record.</summary>
    public object Architecture => (object?)Classifier?.Architecture ?? EncoderDecoder!.Architecture;

    /// <summary>Reads the manifest, then loads the model.</summary>
    public static ModelParts Load(string path) => Load(path, new RnnContext(seed: 0).Model.ReadManifest(path));

    /// <summary>Loads the model whose manifest has been read already.</summary>
    public static ModelParts Load(string path, ModelManifest manifest)
    {
        var model = new RnnContext(seed: 0).Model.Load(path);
        IReadOnlyList<ITransformer> steps = model is TransformerChain<ITransformer> chain ? chain.Transformers : [model];
        var tokenizer = steps.OfType<TokenizingTransformer>().FirstOrDefault();
        var ids = steps.OfType<TokenToIdTransformer>().FirstOrDefault();
        ITransformer? head = manifest.Task switch
        {
            Classification => steps.OfType<SequenceClassificationModel>().FirstOrDefault(),
            SequenceToSequence => steps.OfType<SequenceToSequenceModel>().FirstOrDefault(),
            _ => null,
        };
        if (tokenizer is null || ids is null || head is null)
        {
            throw new InvalidDataException($"'{path}' is not a text model these commands read (task {manifest.Task ?? "none"}, steps {string.Join(" -> ", manifest.Components.Select(c => c.Kind))}); "
                + "they need a tokenizer, a vocabulary and a classifier or encoder–decoder, as 'mlnet-rnn train classify' and 'mlnet-rnn train seq2seq' write.");
        }

        return new ModelParts(path, manifest.Task!, tokenizer, ids, head, steps);
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

    /// <summary>Runs the steps before the head: adds the tokens and ids columns.</summary>
    public DataView Prepare(DataView rows)
    {
        foreach (var step in Steps.TakeWhile(s => !ReferenceEquals(s, Head)))
        {
            rows = step.Transform(rows);
        }

        return rows;
    }

    /// <summary>Runs the whole model with <paramref name="head"/> in place of the loaded head (for example the same weights decoding with another beam).</summary>
    public DataView Transform(DataView rows, ITransformer head)
    {
        foreach (var step in Steps)
        {
            rows = (ReferenceEquals(step, Head) ? head : step).Transform(rows);
        }

        return rows;
    }

    private static string Describe(string task) => task switch
    {
        Classification => "text classification ('train classify')",
        SequenceToSequence => "sequence-to-sequence ('train seq2seq')",
        _ => task,
    };
}
