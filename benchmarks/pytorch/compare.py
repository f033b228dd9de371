#!/usr/bin/env python3
"""PyTorch side of MLNetRnn's `compare` benchmark (benchmarks/README.md).

Builds one workload -- Embedding(V=10000, E) -> nn.LSTM/GRU/RNN -> Linear(D*H -> 2) on the top layer's final states --
times it after warm-up and prints ONE JSON line on stdout with the same fields as `compare --one NAME` in C#:

  training workloads: one repetition = zero_grad, forward, cross-entropy, backward, clip_grad_norm_(1.0), Adam step
  inference workloads: one repetition = 50 one-sentence forward passes (eval mode, inference_mode) + softmax
  infer-lstm-text: infer-lstm with text in, as C#'s infer-lstm-zip: per sentence, lower-case + regex word tokenization
                   + vocabulary dict lookup + torch.tensor + forward + softmax + .tolist()

The batch (lengths, ids, targets) comes from the same 64-bit LCG as the C# side (Workloads/WorkloadInputs.cs), so both
engines see identical lengths. The ragged workload runs through pack_padded_sequence(enforce_sorted=False); every
other workload uses a plain padded (T, B, E) tensor (all its lengths are T).

Run with Debian's interpreter (python3-torch):
  /usr/bin/python3 benchmarks/pytorch/compare.py --workload lstm-small --threads 1 --reps 10
"""

import argparse
import json
import re
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence

VOCABULARY = 10000
CLASSES = 2
SENTENCES_PER_REPETITION = 50
SEED = 20240501
MIN_RAGGED_LENGTH = 5
TIER_UP_REPETITIONS = 50  # same rule as Compare/RepetitionTimer.cs (the count matters for .NET's tiered JIT)
MAX_WARMUP_SECONDS = 3.0
MASK64 = (1 << 64) - 1

# name: (cell, E, H, layers, bidirectional, B, T, lengths, inference) -- must match Workloads/WorkloadSpec.cs
WORKLOADS = {
    "lstm-small": ("lstm", 64, 128, 1, False, 32, 50, "full", False),
    "gru-small": ("gru", 64, 128, 1, False, 32, 50, "full", False),
    "rnn-small": ("rnn", 64, 128, 1, False, 32, 50, "full", False),
    "bilstm-2layer": ("lstm", 128, 256, 2, True, 64, 50, "full", False),
    "lstm-large": ("lstm", 256, 512, 1, False, 64, 100, "full", False),
    "lstm-ragged": ("lstm", 64, 128, 1, False, 32, 50, "ragged", False),
    "lstm-padded": ("lstm", 64, 128, 1, False, 32, 50, "padded", False),
    "infer-lstm": ("lstm", 64, 128, 1, False, 1, 20, "full", True),
    "infer-gru": ("gru", 64, 128, 1, False, 1, 20, "full", True),
}
# Text-in variants: the model of the named workload, fed the sentence as text (C#'s infer-lstm-zip compares with it).
TEXT_WORKLOADS = {"infer-lstm-text": "infer-lstm"}
# Words and punctuation, lower-cased first: ASCII stand-in for MLNetRnn's word tokenizer (identical on "w123" words).
TOKEN_PATTERN = re.compile(r"\w+|[^\w\s]")


def word(token_id):
    """The word of a vocabulary id, as Workloads/LatencyModel.cs writes it: id i >= 2 is w{i-2}; id 1 (<UNK>) is w9999."""
    return "w%d" % (token_id - 2) if token_id >= 2 else "w%d" % (VOCABULARY - 1)


def text_vocabulary():
    """LatencyModel's vocabulary: <PAD> 0, <UNK> 1, then w0 .. w9997 as ids 2 .. 9999."""
    return {"w%d" % k: k + 2 for k in range(VOCABULARY - 2)}


def make_inputs(batch, steps, kind):
    """Lengths (B), time-major ids (T*B) and targets (B), drawn exactly as WorkloadInputs.Create does."""
    state = SEED

    def draw():
        nonlocal state
        state = (state * 6364136223846793005 + 1442695040888963407) & MASK64
        return state >> 33

    lengths = []
    for _ in range(batch):
        v = draw()
        lengths.append(steps if kind == "full" else MIN_RAGGED_LENGTH + v % (steps - MIN_RAGGED_LENGTH + 1))
    ids = []
    for step in range(steps):
        for row in range(batch):
            v = draw()
            ids.append(1 + v % (VOCABULARY - 1) if step < lengths[row] else 0)
    targets = [draw() % CLASSES for _ in range(batch)]
    if kind == "padded":
        lengths = [steps] * batch
    return lengths, ids, targets


class Classifier(nn.Module):
    def __init__(self, cell, embedding, hidden, layers, bidirectional):
        super().__init__()
        rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
        self.directions = 2 if bidirectional else 1
        self.embedding = nn.Embedding(VOCABULARY, embedding, padding_idx=0)
        self.rnn = rnn(embedding, hidden, num_layers=layers, bidirectional=bidirectional)  # time-major, tanh for RNN
        self.head = nn.Linear(self.directions * hidden, CLASSES)

    def forward(self, ids, lengths):
        x = self.embedding(ids)  # (T, B, E)
        if lengths is not None:
            x = pack_padded_sequence(x, lengths, enforce_sorted=False)
        _, state = self.rnn(x)
        h_n = state[0] if isinstance(state, tuple) else state  # (L*D, B, H)
        summary = torch.cat([h_n[d - self.directions] for d in range(self.directions)], dim=1)  # top layer, (B, D*H)
        return self.head(summary)


def peak_rss_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def measure(run, max_reps, budget, warmup_seconds):
    warmup = 0
    start = time.perf_counter()
    while True:
        elapsed = time.perf_counter() - start
        if warmup >= 1 and elapsed >= warmup_seconds and (
                warmup >= TIER_UP_REPETITIONS or elapsed >= MAX_WARMUP_SECONDS):
            break
        run()
        warmup += 1
    seconds = []
    spent = 0.0
    while len(seconds) < max(max_reps, 1) and (not seconds or spent < budget):
        t0 = time.perf_counter()
        run()
        elapsed = time.perf_counter() - t0
        seconds.append(elapsed)
        spent += elapsed
    return warmup, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workload", required=True, choices=sorted(list(WORKLOADS) + list(TEXT_WORKLOADS)))
    parser.add_argument("--threads", type=int, default=1, help="torch.set_num_threads (default 1)")
    parser.add_argument("--reps", type=int, default=10, help="at most this many timed repetitions (default 10)")
    parser.add_argument("--budget", type=float, default=2.0,
                        help="stop timing once this many seconds are spent (default 2)")
    parser.add_argument("--warmup", type=float, default=0.5, help="minimum warm-up seconds (default 0.5)")
    args = parser.parse_args()

    baseline = peak_rss_kb()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    text = args.workload in TEXT_WORKLOADS
    cell, e, h, layers, bidirectional, b, t, kind, inference = WORKLOADS[TEXT_WORKLOADS.get(args.workload, args.workload)]
    lengths, ids, targets = make_inputs(b, t, kind)
    ids_tensor = torch.tensor(ids, dtype=torch.long).view(t, b)
    targets_tensor = torch.tensor(targets, dtype=torch.long)
    lengths_tensor = torch.tensor(lengths, dtype=torch.long) if kind == "ragged" else None
    model = Classifier(cell, e, h, layers, bidirectional)
    check = [0.0]

    if text:
        model.eval()
        vocabulary = text_vocabulary()
        sentence = " ".join(word(i) for i in ids)  # B = 1: the ids in order

        def run():
            with torch.inference_mode():
                for _ in range(SENTENCES_PER_REPETITION):
                    tokens = TOKEN_PATTERN.findall(sentence.lower())
                    sentence_ids = torch.tensor([vocabulary.get(token, 1) for token in tokens], dtype=torch.long).view(-1, 1)
                    scores = torch.softmax(model(sentence_ids, None), dim=1)[0].tolist()
            check[0] = scores[1]
    elif inference:
        model.eval()

        def run():
            with torch.inference_mode():
                for _ in range(SENTENCES_PER_REPETITION):
                    probabilities = torch.softmax(model(ids_tensor, None), dim=1)
            check[0] = float(probabilities[0, 1])
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)

        def run():
            optimizer.zero_grad()
            loss = F.cross_entropy(model(ids_tensor, lengths_tensor), targets_tensor)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            check[0] = float(loss)

    warmup, seconds = measure(run, args.reps, args.budget, args.warmup)
    result = {
        "framework": "pytorch",
        "version": torch.__version__,
        "workload": args.workload,
        "threads": torch.get_num_threads(),
        "warmupRepetitions": warmup,
        "repetitions": len(seconds),
        "bestSeconds": min(seconds),
        "medianSeconds": statistics.median(seconds),
        "realTokens": sum(lengths),
        "sentencesPerRepetition": SENTENCES_PER_REPETITION if inference else 0,
        "peakRssKb": peak_rss_kb(),
        "baselineRssKb": baseline,
        "check": check[0],
    }
    print(json.dumps(result))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
