// Character-level text generation on Moby-Dick: a one-layer LSTM (one-hot characters in, 512 hidden, dropout 0.25
// before the output layer) trained with truncated backpropagation through time (32 parallel streams, chunks of 100
// characters, the state carried across chunks) and a cosine learning-rate schedule; then the held-out bits per
// character, static (the network as trained) and adaptive (dynamic evaluation mixed with n-gram counts, every character
// scored before anything learns from it), and samples at three temperatures.
//
// Run from the repository root:  dotnet run --project examples/TextGeneration -c Release [-- --epochs 10 --hidden 512 --batch 32 --lr 0.004 --dropout 0.25 --weight-drop 0 --quick]
// Data: datasets/moby-dick/moby-dick.txt; the last 5 % of its characters are held out (never trained on or used to
// choose weights). Budget: 10 epochs over the first 95 % (11.3 million training characters, under 20 minutes on two
// cores; the time it took here is in benchmarks/results/char-lm.md). --quick trains on 200,000 characters for one epoch.
using System.Diagnostics;
using System.Globalization;
using MLNetRnn.LanguageModeling;

string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
int Arg(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
bool quick = args.Contains("--quick");
string text = File.ReadAllText(Path.Combine("datasets", "moby-dick", "moby-dick.txt"));
int cut = text.Length - (text.Length / 20);
string train = quick ? text[..200_000] : text[..cut], heldOut = text[cut..];
Directory.CreateDirectory("artifacts");

var options = new LanguageModelOptions
{
    Level = MLNetRnn.SequenceToSequence.TokenLevel.Character,
    OneHotInput = true,                  // 83 characters: no embedding table needed
    HiddenSize = Arg("--hidden", 512),
    NumberOfLayers = 1,
    Bptt = 100,
    BatchSize = Arg("--batch", 32),
    Epochs = quick ? 1 : Arg("--epochs", 10),
    LearningRate = Value("--lr") is { } lr ? float.Parse(lr, CultureInfo.InvariantCulture) : 0.004f,
    CosineSchedule = true,               // anneal to 0 over the run: the last epochs settle instead of bouncing
    Dropout = Value("--dropout") is { } d ? float.Parse(d, CultureInfo.InvariantCulture) : 0.25f,
    WeightDrop = Value("--weight-drop") is { } w ? float.Parse(w, CultureInfo.InvariantCulture) : 0f,
    ClipNorm = 1f,
    Seed = 1,
    Progress = new Progress(),
};

var clock = Stopwatch.StartNew();
var model = new LanguageModelTrainer(options).Fit(train);
double minutes = clock.Elapsed.TotalMinutes;
var metrics = model.Evaluate(heldOut);
Console.WriteLine($"trained in {minutes:F1} min ({model.ParameterCount:N0} parameters, {model.TrainingHistory[^1].TokensPerSecond:N0} characters/s)");
Console.WriteLine($"held-out: {metrics.BitsPerToken:F3} bits per character, perplexity {metrics.Perplexity:F2}, {metrics.Count:N0} characters");

// The adaptive score: the same held-out text read by a copy of the network that takes a gradient step after every 50
// characters it has scored (dynamic evaluation), mixed with 5- and 12-gram counts of the training text that keep counting
// the held-out characters once scored. Every character is still predicted before anything learns from it.
clock.Restart();
var adaptive = model.EvaluateAdaptive(heldOut, new AdaptiveEvaluationOptions { PrecedingText = train });
Console.WriteLine($"held-out, adaptive: {adaptive.Mixture.BitsPerToken:F3} bits per character (network with dynamic evaluation {adaptive.Network.BitsPerToken:F3}, "
    + $"5-gram {adaptive.NGrams[0].BitsPerToken:F3}, 12-gram {adaptive.NGrams[1].BitsPerToken:F3}; weights {string.Join(" / ", adaptive.Weights.Select(w => w.ToString("F2", CultureInfo.InvariantCulture)))}), {clock.Elapsed.TotalMinutes:F1} min");
model.Save(Path.Combine("artifacts", "moby-dick-lm.zip"));

foreach (float temperature in new[] { 0.2f, 0.8f, 1.2f })
{
    const string prompt = "The whale";
    var sample = model.GenerateText(prompt, new GenerationOptions { Temperature = temperature, MaxTokens = 300, Seed = 7 });
    Console.WriteLine();
    Console.WriteLine($"--- temperature {temperature.ToString(CultureInfo.InvariantCulture)} ---");
    Console.WriteLine(prompt + sample.Text);
}

sealed class Progress : IProgress<MLNetRnn.Training.TrainingProgress>
{
    public void Report(MLNetRnn.Training.TrainingProgress p) =>
        Console.WriteLine($"epoch {p.Epoch}/{p.Epochs}: training {p.TrainingLoss / Math.Log(2):F3} bits/char, {p.TokensPerSecond:N0} chars/s, {p.Elapsed.TotalMinutes:F1} min");
}
