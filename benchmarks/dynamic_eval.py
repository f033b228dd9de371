#!/usr/bin/env python3
"""Static vs dynamic evaluation of an exported MLNetRnn character LSTM on Moby-Dick's held-out 5 % (issue 11).

Dynamic evaluation (Krause et al., "Dynamic Evaluation of Neural Sequence Models", ICML 2018) predicts each segment of
the held-out text, then takes one gradient step on that segment before predicting the next: every character is still
predicted before the model sees it. It is the usual test-time adaptation for character models, measured here to see
how much of the gap to issue 11's 1.9 bits/character it closes. Not a training method, and not what the example reports.

Input: the directory `mlnet-rnn export` writes for a language-model file (weights.npz with PyTorch-style names,
vocab.txt, config.json). One-layer one-hot LSTM models only (the TextGeneration example's architecture).

Run (after `dotnet run --project examples/TextGeneration -c Release`, which writes artifacts/moby-dick-lm.zip):
    dotnet src/MLNetRnn.Cli/bin/Release/net10.0/mlnet-rnn.dll export --model artifacts/moby-dick-lm.zip --out /tmp/lm
    /usr/bin/python3 benchmarks/dynamic_eval.py --export /tmp/lm [--segment 50] [--sgd 0.03] [--rms 3e-4]
Prints one line per configuration: bits per character over the held-out characters (the first is static).
"""
import argparse
import json
import math
import os

import numpy as np
import torch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--export", required=True, help="directory written by mlnet-rnn export")
    parser.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "datasets", "moby-dick", "moby-dick.txt"))
    parser.add_argument("--segment", type=int, default=50, help="characters per adaptation step")
    parser.add_argument("--sgd", type=float, nargs="*", default=[0.01, 0.03], help="plain SGD step sizes to try")
    parser.add_argument("--rms", type=float, nargs="*", default=[1e-4, 3e-4], help="RMS-normalised step sizes to try (Krause et al.)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)

    config = json.load(open(os.path.join(args.export, "config.json"), encoding="utf-8"))["architecture"]
    if config["cellType"] != "Lstm" or config["numberOfLayers"] != 1 or not config["oneHotInput"]:
        raise SystemExit(f"only one-layer one-hot LSTM exports are handled here, got {config}")
    vocab = [line.rstrip("\n") for line in open(os.path.join(args.export, "vocab.txt"), encoding="utf-8")]
    vocab = ["\n" if v == "\\n" else v for v in vocab]  # the list escapes a newline as the two characters \n
    index = {c: i for i, c in enumerate(vocab)}
    text = open(args.data, encoding="utf-8").read()
    held_out = text[len(text) - len(text) // 20:]  # the example's split: the last 5 %
    ids = torch.tensor([index.get(c, 1) for c in held_out])  # 1 = <UNK>

    weights = np.load(os.path.join(args.export, "weights.npz"))
    vocabulary, hidden = config["vocabularySize"], config["hiddenSize"]
    lstm = torch.nn.LSTM(vocabulary, hidden, batch_first=True)
    head = torch.nn.Linear(hidden, vocabulary)
    with torch.no_grad():
        for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
            getattr(lstm, name).copy_(torch.from_numpy(weights["rnn." + name]))
        head.weight.copy_(torch.from_numpy(weights["head.weight"]))
        head.bias.copy_(torch.from_numpy(weights["head.bias"]))
    parameters = list(lstm.parameters()) + list(head.parameters())
    original = [p.detach().clone() for p in parameters]
    x = torch.nn.functional.one_hot(ids, vocabulary).float()

    def run(mode, rate):
        for p, o in zip(parameters, original):
            p.data.copy_(o)
        squares = [torch.zeros_like(p) for p in parameters]
        state, total, count, step = None, 0.0, 0, 0
        for start in range(0, len(ids) - 1, args.segment):
            end = min(start + args.segment, len(ids) - 1)
            out, (h, c) = lstm(x[start:end].unsqueeze(0), state)
            loss = torch.nn.functional.cross_entropy(head(out[0]), ids[start + 1:end + 1], reduction="sum")
            total += loss.item()  # scored before the update below
            count += end - start
            state = (h.detach(), c.detach())
            if mode == "static":
                continue
            for p in parameters:
                p.grad = None
            (loss / (end - start)).backward()
            step += 1
            with torch.no_grad():
                for p, s in zip(parameters, squares):
                    if mode == "sgd":
                        p.add_(p.grad, alpha=-rate)
                    else:
                        s.mul_(0.99).addcmul_(p.grad, p.grad, value=0.01)
                        p.add_(p.grad / (s.sqrt() / math.sqrt(1 - 0.99 ** step) + 1e-5), alpha=-rate)
        return total / count / math.log(2), count

    configurations = [("static", 0.0)] + [("sgd", r) for r in args.sgd] + [("rms", r) for r in args.rms]
    for mode, rate in configurations:
        bits, count = run(mode, rate)
        print(json.dumps({"mode": mode, "rate": rate, "segment": args.segment, "bitsPerCharacter": round(bits, 4), "count": count}), flush=True)


if __name__ == "__main__":
    main()
