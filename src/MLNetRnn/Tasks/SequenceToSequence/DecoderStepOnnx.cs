using MLNetRnn.Onnx;

namespace MLNetRnn.SequenceToSequence;

// R = decoding rows, E = embedding, Hd = decoder hidden, Ld = decoder layers, V = target vocabulary.

/// <summary>
/// One decoder step in ONNX for R rows, as <see cref="Seq2SeqNetwork.DecodeStep"/> computes it: embed the rows' last
/// tokens, one step of the decoder stack from the rows' states, attention and combine, head, log-softmax with
/// <c>&lt;PAD&gt;</c> and <c>&lt;BOS&gt;</c> at −∞. Written into a Loop body; weights stay in the main graph.
/// </summary>
internal sealed class DecoderStepOnnx
{
    private readonly OnnxGraphBuilder _outer;
    private readonly Seq2SeqNetwork _network;
    private readonly AttentionOnnx _attention;
    private string? _never;

    public DecoderStepOnnx(OnnxGraphBuilder outer, Seq2SeqNetwork network, AttentionOnnx attention)
    {
        _outer = outer;
        _network = network;
        _attention = attention;
    }

    public OnnxGraphBuilder Outer => _outer;

    public Seq2SeqArchitecture Architecture => _network.Architecture;

    public bool HasCellState => _network.Architecture.DecoderCell == Layers.RecurrentCellType.Lstm;

    /// <summary>tokens [R] int64, h and c [Ld, R, Hd] → log-probabilities [R, V] and the new states.</summary>
    public (string LogP, string H, string? C) Write(OnnxGraphBuilder body, string tokens, string h, string? c)
    {
        var store = _network.Parameters;
        int hd = Architecture.DecoderHiddenSize;
        string e = body.Unsqueeze(body.Gather(Seq2SeqOnnx.Weight(_outer, store, "decoder.embedding.weight"), tokens), 0); // [1, R, E]
        var (y, hn, cn) = Onnx.RecurrentStackOnnx.Write(body, _network.Decoder, store, "decoder.rnn.", e, null, h, c, _outer);
        string q = body.Reshape(y, -1, hd); // [R, Hd]
        string combined = q;
        if (_attention.Score is not null)
        {
            string weights = body.Node("Softmax", [_attention.Scores(body, q)], OnnxAttribute.Of("axis", 1L)); // [R, Ts]
            string context = body.MatMul(weights, _attention.Memory); // [R, M]
            combined = body.Tanh(body.Linear(body.Concat(1, context, q), Seq2SeqOnnx.Weight(_outer, store, "combine.weight"), Seq2SeqOnnx.Weight(_outer, store, "combine.bias")));
        }
        else if (_network.CombineLayer is not null)
        {
            combined = body.Tanh(body.Linear(q, Seq2SeqOnnx.Weight(_outer, store, "combine.weight"), Seq2SeqOnnx.Weight(_outer, store, "combine.bias")));
        }

        string logits = body.Linear(combined, Seq2SeqOnnx.Weight(_outer, store, _network.Head.Weight.Name), Seq2SeqOnnx.Weight(_outer, store, "head.bias"));
        string logP = body.Add(body.Node("LogSoftmax", [logits], OnnxAttribute.Of("axis", 1L)), Never());
        return (logP, hn, cn);
    }

    /// <summary>The [1, V] mask: −∞ at <c>&lt;PAD&gt;</c> (0) and <c>&lt;BOS&gt;</c> (2), which are never outputs; 0 elsewhere.</summary>
    private string Never()
    {
        if (_never is null)
        {
            var mask = new float[Architecture.TargetVocabularySize];
            mask[0] = mask[2] = float.NegativeInfinity;
            _never = _outer.Floats("never", mask, 1, mask.Length);
        }

        return _never;
    }
}
