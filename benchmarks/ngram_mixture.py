#!/usr/bin/env python3
"""How much an adaptive character n-gram model adds to an exported MLNetRnn character LSTM on Moby-Dick's held-out 5 %.

Interpolating a neural language model with a count-based one is the classic cheap gain (Mikolov et al., "Strategies for
training large scale neural network language models", ASRU 2011; the compressors cmix and nncp mix LSTMs with count
models the same way). Measured here to see how far it moves the example's held-out bits per character toward issue
11's 1.9, not adopted by the engine.

- The LSTM: the example's exported weights in PyTorch (benchmarks/lm_export.py), the held-out text read as one stream
  from a zero state; optionally with dynamic evaluation (--rms RATE).
- The n-gram models: interpolated absolute discounting (discount 0.75) of orders 0..N over characters, counted on the
  first 95 % and then *adaptive*: each held-out character is scored first and counted after, like a compressor.
- The mixture: a linear interpolation whose weights are chosen *online*: before each character, the weights on a 0.05
  simplex grid with the lowest loss on the held-out characters already scored (follow the leader; the first character
  uses equal weights). No weight is fitted on text that is scored afterwards. The best fixed weights in hindsight are
  printed as well, marked as an upper bound that looked at the answers.

Run: /usr/bin/python3 benchmarks/ngram_mixture.py --export /tmp/lm [--orders 5 12] [--rms 3e-4]   (~3 minutes)
Prints one JSON line per model and mixture: bits per character over the held-out characters after the first.
"""
import argparse
import collections
import itertools
import json

import numpy as np
import torch

from lm_export import DEFAULT_DATA, ExportedLstm, bits


def adaptive_ngram(text, cut, order, discount):
    """Probabilities of text[cut + 1:], each from counts of everything before it (orders 0..order, interpolated)."""
    alphabet = len(set(text))
    follows = [collections.Counter() for _ in range(order + 1)]   # context + next character
    total = [collections.Counter() for _ in range(order + 1)]     # context
    distinct = [collections.Counter() for _ in range(order + 1)]  # different characters seen after the context

    def count(i):
        for k in range(min(order, i) + 1):
            context, key = text[i - k:i], text[i - k:i + 1]
            if follows[k][key] == 0:
                distinct[k][context] += 1
            follows[k][key] += 1
            total[k][context] += 1

    for i in range(cut + 1):
        count(i)
    out = np.empty(len(text) - cut - 1)
    for i in range(cut + 1, len(text)):
        p = 1.0 / alphabet
        for k in range(min(order, i) + 1):
            context = text[i - k:i]
            seen = total[k][context]
            if seen == 0:
                break
            p = (max(follows[k][context + text[i]] - discount, 0.0) + discount * distinct[k][context] * p) / seen
        out[i - cut - 1] = p
        count(i)
    return out


def simplex_grid(models, step=0.05):
    steps = round(1 / step)
    return np.array([[c * step for c in combo] + [1 - sum(combo) * step]
                     for combo in itertools.product(range(steps + 1), repeat=models - 1) if sum(combo) <= steps])


def online_mixture(columns):
    """Follow-the-leader linear mixture: each position uses the grid weights with the lowest loss on earlier positions.

    Returns the mixture's probabilities, the weights it would use next, and the bits per character of the best fixed
    grid weights over all positions (in hindsight: the loss sums the loop keeps anyway)."""
    grid = simplex_grid(columns.shape[1])
    loss = np.zeros(len(grid))
    chosen = np.empty(len(columns))
    weights = np.full(columns.shape[1], 1.0 / columns.shape[1])
    for t, row in enumerate(columns):
        chosen[t] = row @ weights
        loss -= np.log2(grid @ row)
        weights = grid[np.argmin(loss)]
    return chosen, weights, float(loss.min() / len(columns))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--export", required=True, help="directory written by mlnet-rnn export")
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--orders", type=int, nargs="+", default=[5, 12])
    parser.add_argument("--discount", type=float, default=0.75)
    parser.add_argument("--rms", type=float, default=0.0, help="dynamic evaluation of the LSTM with this RMS step (0: static)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)

    model = ExportedLstm(args.export, args.data)
    lstm = model.probabilities("rms", args.rms) if args.rms > 0 else model.probabilities()
    name = f"lstm dynamic rms {args.rms}" if args.rms > 0 else "lstm static"
    print(json.dumps({"model": name, "bitsPerCharacter": round(bits(lstm), 4), "count": len(lstm)}), flush=True)
    columns = [lstm]
    for order in args.orders:
        ngram = adaptive_ngram(model.text, model.cut, order, args.discount)
        columns.append(ngram)
        print(json.dumps({"model": f"adaptive {order}-gram", "bitsPerCharacter": round(bits(ngram), 4)}), flush=True)
    columns = np.stack(columns, axis=1)
    for used in range(2, columns.shape[1] + 1):
        mixed, weights, hindsight = online_mixture(columns[:, :used])
        print(json.dumps({"model": f"online mixture of the first {used}", "bitsPerCharacter": round(bits(mixed), 4),
                          "finalWeights": [round(w, 2) for w in weights],
                          "bestFixedInHindsight": round(hindsight, 4)}), flush=True)


if __name__ == "__main__":
    main()
