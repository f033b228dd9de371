// Sentiment classification written directly on the engine: Embedding -> bidirectional LSTM -> Dense -> softmax
// cross-entropy, trained with Adam and gradient clipping on the shipped UCI sentences, then saved as a PyTorch-style
// state_dict (.npz) plus its vocabulary. This is what the pipeline API does for you; here every step is visible.
//
// Run from the repository root:  dotnet run --project examples/SentimentFromScratch -c Release
using System.Diagnostics;
using System.Text.RegularExpressions;
using MLNetRnn.Layers;
using MLNetRnn.Numerics;
using MLNetRnn.Tensors;
using MLNetRnn.Training;

const int EmbeddingSize = 64, HiddenSize = 64, BatchSize = 32, Epochs = 8, Seed = 20240501;
const float LearningRate = 0.003f, ClipNorm = 1f;
string dataDir = args.Length > 0 ? args[0] : Path.Combine("datasets", "sentiment");
string outDir = args.Length > 1 ? args[1] : Path.Combine("artifacts", "sentiment-from-scratch");

var train = Load(Path.Combine(dataDir, "train.tsv"));
var validation = Load(Path.Combine(dataDir, "validation.tsv"));
var test = Load(Path.Combine(dataDir, "test.tsv"));
string[] labels = ["negative", "positive"];

// Vocabulary from the training split: <PAD> = 0, <UNK> = 1, then words seen at least twice, most frequent first.
var counts = new Dictionary<string, int>();
var firstSeen = new Dictionary<string, int>();
foreach (var (tokens, _) in train)
{
    foreach (string w in tokens)
    {
        counts[w] = counts.GetValueOrDefault(w) + 1;
        firstSeen.TryAdd(w, firstSeen.Count);
    }
}

var vocabulary = new List<string> { "<PAD>", "<UNK>" };
vocabulary.AddRange(counts.Where(kv => kv.Value >= 2).OrderByDescending(kv => kv.Value).ThenBy(kv => firstSeen[kv.Key]).Select(kv => kv.Key));
var ids = vocabulary.Select((w, i) => (w, i)).ToDictionary(p => p.w, p => p.i);
int[] Encode(string[] tokens) => tokens.Length == 0 ? [1] : tokens.Select(t => ids.GetValueOrDefault(t, 1)).ToArray();

var random = new SeededRandom(Seed);
var store = new ParameterStore();
var embedding = new Embedding(store, vocabulary.Count, EmbeddingSize, random, paddingId: 0, prefix: "embedding.");
var rnn = new RecurrentStack(store, RecurrentCellType.Lstm, EmbeddingSize, HiddenSize, random, bidirectional: true, prefix: "rnn.");
var head = new Dense(store, 2 * HiddenSize, labels.Length, random, prefix: "head.");
var optimizer = new Adam(store, LearningRate);
Console.WriteLine($"vocabulary {vocabulary.Count}, parameters {store.Count:N0}, train {train.Count}, validation {validation.Count}, test {test.Count}");

var trainSet = train.Select(r => (Ids: Encode(r.Tokens), r.Label)).ToList();
float bestValidation = -1;
float[] best = store.Values.ToArray();
var clock = Stopwatch.StartNew();
for (int epoch = 1; epoch <= Epochs; epoch++)
{
    // Buckets of similar lengths keep padding low; their order is shuffled each epoch.
    var order = Enumerable.Range(0, trainSet.Count).ToArray();
    random.Shuffle(order.AsSpan());
    var batches = order.Chunk(BatchSize * 8).SelectMany(chunk => chunk.OrderBy(i => trainSet[i].Ids.Length).Chunk(BatchSize)).ToArray();
    random.Shuffle(batches.AsSpan());
    double lossSum = 0;
    long tokens = 0;
    foreach (var batch in batches)
    {
        var rows = batch.Select(i => trainSet[i]).ToList();
        store.ZeroGrad();
        lossSum += Step(rows.Select(r => r.Ids).ToList(), rows.Select(r => r.Label).ToArray(), training: true, probabilities: null) * rows.Count;
        GradientClipping.ClipByGlobalNorm(store, ClipNorm);
        optimizer.Step();
        tokens += rows.Sum(r => r.Ids.Length);
    }

    float accuracy = Accuracy(validation);
    if (accuracy > bestValidation)
    {
        bestValidation = accuracy;
        best = store.Values.ToArray();
    }

    Console.WriteLine($"epoch {epoch}: loss {lossSum / trainSet.Count:F4}, validation accuracy {accuracy:P1}, {tokens / clock.Elapsed.TotalSeconds * epoch:N0} tokens/s");
}

best.CopyTo(store.Values);
float testAccuracy = Accuracy(test);
Console.WriteLine($"best validation accuracy {bestValidation:P1}; test accuracy {testAccuracy:P1} ({clock.Elapsed.TotalSeconds:F1} s)");

Directory.CreateDirectory(outDir);
string weights = Path.Combine(outDir, "model.npz");
NpzFile.Write(weights, store.ToStateDict());
File.WriteAllLines(Path.Combine(outDir, "vocab.txt"), vocabulary);
File.WriteAllLines(Path.Combine(outDir, "labels.txt"), labels);
Console.WriteLine($"saved {weights} (PyTorch state_dict names; numpy.load opens it), vocab.txt and labels.txt");

float Accuracy(List<(string[] Tokens, int Label)> rows)
{
    int correct = 0;
    foreach (var chunk in rows.Chunk(64))
    {
        var probabilities = new float[chunk.Length * labels.Length];
        Step(chunk.Select(r => Encode(r.Tokens)).ToList(), chunk.Select(r => r.Label).ToArray(), training: false, probabilities);
        for (int b = 0; b < chunk.Length; b++)
        {
            int predicted = probabilities[(b * 2) + 1] > probabilities[b * 2] ? 1 : 0;
            correct += predicted == chunk[b].Label ? 1 : 0;
        }
    }

    return (float)correct / rows.Count;
}

// One batch forward (and backward when training). Returns the mean loss.
float Step(List<int[]> sequences, int[] targets, bool training, float[]? probabilities)
{
    int b = sequences.Count, t = sequences.Max(s => s.Length), h = HiddenSize;
    var padded = new int[t * b]; // (T, B) time-major, 0 = <PAD>
    var lengths = sequences.Select(s => s.Length).ToArray();
    for (int row = 0; row < b; row++)
    {
        for (int step = 0; step < sequences[row].Length; step++)
        {
            padded[(step * b) + row] = sequences[row][step];
        }
    }

    var x = new float[t * b * EmbeddingSize];
    embedding.Forward(padded, x);
    var output = new float[t * b * 2 * h];
    var hN = new float[2 * b * h]; // slots: forward, reverse
    rnn.Forward(x, t, b, lengths, output, hN: hN, training: training);

    // Summary of each row: [forward state at its last real token, reverse state after reading back to its first].
    var summary = new float[b * 2 * h];
    for (int row = 0; row < b; row++)
    {
        hN.AsSpan(row * h, h).CopyTo(summary.AsSpan(row * 2 * h));
        hN.AsSpan((b + row) * h, h).CopyTo(summary.AsSpan((row * 2 * h) + h));
    }

    var logits = new float[b * labels.Length];
    head.Forward(summary, b, logits);
    var dLogits = new float[logits.Length];
    float loss = SoftmaxCrossEntropy.Compute(logits, targets, labels.Length, dLogits);
    if (probabilities is not null)
    {
        for (int row = 0; row < b; row++)
        {
            System.Numerics.Tensors.TensorPrimitives.SoftMax(logits.AsSpan(row * 2, 2), probabilities.AsSpan(row * 2, 2));
        }
    }

    if (training)
    {
        var dSummary = new float[summary.Length];
        head.Backward(summary, dLogits, b, dSummary);
        var dHN = new float[hN.Length];
        for (int row = 0; row < b; row++)
        {
            dSummary.AsSpan(row * 2 * h, h).CopyTo(dHN.AsSpan(row * h));
            dSummary.AsSpan((row * 2 * h) + h, h).CopyTo(dHN.AsSpan((b + row) * h));
        }

        var dx = new float[x.Length];
        rnn.Backward(default, dHN, default, dx);
        embedding.Backward(padded, dx);
    }

    return loss;
}

static List<(string[] Tokens, int Label)> Load(string path)
{
    if (!File.Exists(path))
    {
        throw new FileNotFoundException($"Dataset file '{Path.GetFullPath(path)}' not found; run from the repository root or pass the dataset folder as the first argument.");
    }

    return File.ReadLines(path).Skip(1).Select(line => line.Split('\t')).Select(f =>
        (Regex.Matches(f[0].ToLowerInvariant(), @"[\p{L}\p{N}']+|[^\s\p{L}\p{N}]").Select(m => m.Value).ToArray(),
         f[1] switch { "negative" => 0, "positive" => 1, _ => throw new InvalidDataException($"Unknown label '{f[1]}' in {path}; expected negative or positive.") })).ToList();
}
