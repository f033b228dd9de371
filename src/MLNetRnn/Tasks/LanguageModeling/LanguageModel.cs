using System.Runtime.CompilerServices;
using MLNetRnn.Numerics;
using MLNetRnn.SequenceToSequence;
using MLNetRnn.Text;
using MLNetRnn.Training;
using TokenVocabulary = MLNetRnn.Text.Vocabulary;

namespace MLNetRnn.LanguageModeling;

/// <summary>
/// A trained recurrent language model: generates text from a prompt (temperature, top-k, top-p, stop strings, seed;
/// streamed token by token), scores text (perplexity, bits per token), saves to and loads from its own file, and exports
/// its network as an ONNX step graph.
/// </summary>
/// <remarks>
/// Safe to use from many threads: every call works on its own copy of the network's buffers. The model file format and the
/// reason it is not an ML.NET model zip are in <see cref="Save"/>.
/// </remarks>
public sealed class LanguageModel
{
    private readonly LanguageModelNetwork _network;
    private readonly TokenVocabulary _vocabulary;
    private readonly LanguageModelText _text;

    internal LanguageModel(LanguageModelNetwork network, TokenVocabulary vocabulary, LanguageModelText text, IReadOnlyList<TrainingProgress> history)
    {
        _network = network;
        _vocabulary = vocabulary;
        _text = text;
        TrainingHistory = history;
    }

    /// <summary>Gets the network's shape.</summary>
    public LanguageModelArchitecture Architecture => _network.Architecture;

    /// <summary>Gets the tokens in id order: <c>&lt;PAD&gt;</c>, <c>&lt;UNK&gt;</c>, <c>&lt;BOS&gt;</c>, <c>&lt;EOS&gt;</c>, then by training frequency.</summary>
    public IReadOnlyList<string> Vocabulary => _vocabulary.Tokens;

    /// <summary>Gets the token level.</summary>
    public TokenLevel Level => _text.Level;

    /// <summary>Gets whether the model was trained one sentence a line (<see cref="LanguageModelOptions.LineMode"/>).</summary>
    public bool LineMode => _text.LineMode;

    /// <summary>Gets whether text is lower-cased before it is split.</summary>
    public bool LowerCase => _text.LowerCase;

    /// <summary>Gets the number of trainable scalars.</summary>
    public int ParameterCount => _network.Parameters.Count;

    /// <summary>Gets every tensor's PyTorch name and shape, in order.</summary>
    public IReadOnlyList<(string Name, int[] Shape)> Tensors => [.. _network.Parameters.Parameters.Select(p => (p.Name, p.Shape.ToArray()))];

    /// <summary>Gets one report per epoch trained (losses in nats per token); empty for a loaded model.</summary>
    public IReadOnlyList<TrainingProgress> TrainingHistory { get; }

    internal LanguageModelNetwork Network => _network;

    internal LanguageModelText TextSettings => _text;

    /// <summary>Streams the continuation of <paramref name="prompt"/>, one piece of text per generated token.</summary>
    /// <param name="prompt">The text to continue. May be empty only for a line-mode model (generation then starts a new line).</param>
    /// <param name="options">Sampling settings (validated and copied now), or null for the defaults.</param>
    /// <returns>The generated text in pieces: a token's text (for words, with one space before it), or more at once when
    /// text was held back because it could have been the start of a stop string.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A generation option is out of range (<see cref="GenerationOptions.Validate"/>).</exception>
    /// <exception cref="ArgumentException">The prompt is empty for a stream-mode model, or a stop string is empty.</exception>
    public IEnumerable<string> Generate(string prompt = "", GenerationOptions? options = null) =>
        Run(PromptIds(prompt), prompt.Length == 0, Options(options), new GenerationStats());

    /// <summary>Streams the continuation of <paramref name="prompt"/> asynchronously, one piece per generated token, as <see cref="Generate"/>.</summary>
    /// <param name="prompt">The text to continue (empty only for a line-mode model).</param>
    /// <param name="options">Sampling settings (validated and copied now), or null for the defaults.</param>
    /// <param name="cancellationToken">Stops the stream between two tokens.</param>
    /// <returns>The generated text in pieces.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A generation option is out of range.</exception>
    /// <exception cref="ArgumentException">The prompt is empty for a stream-mode model, or a stop string is empty.</exception>
    public IAsyncEnumerable<string> GenerateAsync(string prompt = "", GenerationOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(Run(PromptIds(prompt), prompt.Length == 0, Options(options), new GenerationStats()), cancellationToken);

    /// <summary>Generates the whole continuation at once, with the token count and why it ended.</summary>
    /// <param name="prompt">The text to continue (empty only for a line-mode model).</param>
    /// <param name="options">Sampling settings, or null for the defaults.</param>
    /// <returns>The text after the prompt, the tokens drawn and the finish reason.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A generation option is out of range.</exception>
    /// <exception cref="ArgumentException">The prompt is empty for a stream-mode model, or a stop string is empty.</exception>
    public GeneratedText GenerateText(string prompt = "", GenerationOptions? options = null)
    {
        var stats = new GenerationStats();
        string text = string.Concat(Run(PromptIds(prompt), prompt.Length == 0, Options(options), stats));
        return new GeneratedText(text, stats.Tokens, stats.Finish);
    }

    /// <summary>Scores <paramref name="text"/>: each token predicted from all tokens before it, the state carried through the whole text.</summary>
    /// <param name="text">Held-out text, tokenized as in training (line mode: one sentence a line).</param>
    /// <returns>Cross-entropy, perplexity, bits per token and the number of predicted tokens.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The text has fewer than 2 tokens.</exception>
    public LanguageModelMetrics Evaluate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return LanguageModelMetrics.Score(_network.Clone(), _text.Encode(text, _vocabulary));
    }

    /// <summary>
    /// Scores <paramref name="text"/> adaptively, as a compressor would: a copy of the network reads it as one stream with
    /// dynamic evaluation (a gradient step after every few tokens it has scored), mixed with n-gram models that count every
    /// token after scoring it, the mixture weights chosen online from the tokens already scored. No token's probability
    /// depends on it or on anything after it, so the figure is a fair held-out score of the adaptive model; it is not the
    /// static score of <see cref="Evaluate"/>, and both are worth reporting. The model itself is not changed.
    /// </summary>
    /// <param name="text">Held-out text, tokenized as in training.</param>
    /// <param name="options">Settings (validated and copied), or null for the defaults: dynamic evaluation at 3e-4, 5- and
    /// 12-gram models, no preceding text.</param>
    /// <returns>The mixture's metrics and, on the same tokens, the network's and each n-gram model's alone.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="ArgumentException">The text has fewer than 2 tokens.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range (<see cref="AdaptiveEvaluationOptions.Validate"/>).</exception>
    public AdaptiveEvaluationResult EvaluateAdaptive(string text, AdaptiveEvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        options ??= new AdaptiveEvaluationOptions();
        options.Validate();
        options = options.Clone();
        int[] preceding = options.PrecedingText is { } before && options.NGramOrders.Count > 0 ? _text.Encode(before, _vocabulary) : [];
        return AdaptiveEvaluation.Run(_network.Clone(), preceding, _text.Encode(text, _vocabulary), options);
    }

    /// <summary>
    /// Saves the model: a zip with <c>model.onnx</c> (the ONNX step graph of <see cref="GetOnnxModel"/>, whose metadata holds
    /// the architecture, vocabulary and text settings) and MLNetRnn's seal, written through a temporary file and a rename.
    /// </summary>
    /// <remarks>
    /// Not an ML.NET model zip: sampling is a loop that carries the recurrent state and a random source from one step to
    /// the next, which no row-to-row ML.NET transform expresses. The ONNX graph inside runs in ONNX Runtime as it is.
    /// </remarks>
    /// <param name="path">The file to write (conventionally <c>.zip</c>); replaced if it exists.</param>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public void Save(string path) => LanguageModelFile.Write(path, LanguageModelOnnx.Write(_network, _vocabulary.Tokens, _text));

    /// <summary>Loads a model written by <see cref="Save"/>, checking the file as untrusted input first.</summary>
    /// <param name="path">The model file.</param>
    /// <returns>The model (with an empty <see cref="TrainingHistory"/>).</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is damaged, changed after saving, newer than this library, or not a language model.</exception>
    public static LanguageModel Load(string path)
    {
        var (network, vocabulary, text) = LanguageModelOnnx.Read(LanguageModelFile.Read(path));
        return new LanguageModel(network, TokenVocabulary.FromTokens(vocabulary), text, []);
    }

    /// <summary>
    /// The network as an ONNX step graph: <c>input_ids</c> int64 [B, T] and the state <c>h0</c> (and <c>c0</c> for an LSTM)
    /// float [L, B, H] in; <c>logits</c> [B, T, V] and the state after the last step <c>hN</c> (<c>cN</c>) out.
    /// </summary>
    /// <returns>The serialized ONNX model (opset 17).</returns>
    public byte[] GetOnnxModel() => LanguageModelOnnx.Write(_network, _vocabulary.Tokens, _text).ToBytes();

    private static GenerationOptions Options(GenerationOptions? options)
    {
        options ??= new GenerationOptions();
        options.Validate();
        return options.Clone();
    }

    /// <summary>The ids generation starts from: in line mode <c>&lt;BOS&gt;</c> and the prompt's tokens, else the prompt's tokens.</summary>
    private int[] PromptIds(string prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        int[] ids = [.. _text.Tokenizer().Tokenize(prompt).Select(_vocabulary.GetId)];
        if (_text.LineMode)
        {
            return [_vocabulary.BeginId, .. ids];
        }

        return ids.Length > 0 ? ids : throw new ArgumentException(
            "The prompt is empty, but this model was trained on one continuous text (not one sentence a line), so it has no start-of-text state; give a prompt, for example the first words of a paragraph.", nameof(prompt));
    }

    /// <summary>The sampling loop: feed the prompt, then draw, emit and feed back one token at a time.</summary>
    private IEnumerable<string> Run(int[] promptIds, bool startsText, GenerationOptions o, GenerationStats stats)
    {
        var network = _network.Clone();
        int v = Architecture.VocabularySize;
        var state = network.NewState(1);
        var random = new SeededRandom(o.Seed);
        int[] never = _text.LineMode
            ? [TokenVocabulary.PadId, TokenVocabulary.UnknownId, _vocabulary.BeginId]
            : [TokenVocabulary.PadId, TokenVocabulary.UnknownId, _vocabulary.BeginId, _vocabulary.EndId];
        var sampler = new TokenSampler(o, v, never);
        var stops = new StopStrings(o.StopStrings);
        network.Forward(promptIds, promptIds.Length, state, default, training: false);
        float[] logits = network.Logits[^v..].ToArray();
        int[] next = new int[1];
        bool first = startsText;
        stats.Finish = GenerationFinish.Length;
        for (int i = 0; i < o.MaxTokens; i++)
        {
            sampler.Distribution(logits);
            int id = sampler.Draw(random);
            stats.Tokens++;
            if (_text.LineMode && id == _vocabulary.EndId)
            {
                stats.Finish = GenerationFinish.EndOfSequence;
                break;
            }

            string release = stops.Push(_text.Piece(_vocabulary[id], first));
            first = false;
            if (release.Length > 0)
            {
                yield return release;
            }

            if (stops.Stopped)
            {
                stats.Finish = GenerationFinish.StopString;
                yield break;
            }

            next[0] = id;
            network.Forward(next, 1, state, default, training: false);
            network.Logits.CopyTo(logits);
        }

        string rest = stops.Flush();
        if (rest.Length > 0)
        {
            yield return rest;
        }
    }

    private static async IAsyncEnumerable<string> RunAsync(IEnumerable<string> pieces, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        foreach (string piece in pieces)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return piece;
            await Task.Yield(); // let the consumer's continuation run between tokens
        }
    }

    private sealed class GenerationStats
    {
        public int Tokens { get; set; }

        public GenerationFinish Finish { get; set; }
    }
}
