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

import torch

from lm_export import DEFAULT_DATA, ExportedLstm, bits


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--export", required=True, help="directory written by mlnet-rnn export")
    parser.add_argument("--data", default=DEFAULT_DATA)
    parser.add_argument("--segment", type=int, default=50, help="characters per adaptation step")
    parser.add_argument("--sgd", type=float, nargs="*", default=[0.01, 0.03], help="plain SGD step sizes to try")
    parser.add_argument("--rms", type=float, nargs="*", default=[1e-4, 3e-4], help="RMS-normalised step sizes to try (Krause et al.)")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(args.threads)
    model = ExportedLstm(args.export, args.data)
    configurations = [("static", 0.0)] + [("sgd", r) for r in args.sgd] + [("rms", r) for r in args.rms]
    for mode, rate in configurations:
        probabilities = model.probabilities(mode, rate, args.segment)
        print(json.dumps({"mode": mode, "rate": rate, "segment": args.segment, "bitsPerCharacter": round(bits(probabilities), 4),
                          "count": len(probabilities)}), flush=True)


if __name__ == "__main__":
    main()
