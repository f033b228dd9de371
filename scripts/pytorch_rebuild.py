#!/usr/bin/env python3
"""Rebuild an exported MLNetRnn sequence classifier in PyTorch and score token-id sequences with it.

Usage: /usr/bin/python3 scripts/pytorch_rebuild.py EXPORT_DIR IDS.json OUT.json

EXPORT_DIR is what `mlnet-rnn export --model M.zip --out EXPORT_DIR` writes: config.json (task and architecture) and
weights.npz (the state_dict under PyTorch names). The network is built from torch.nn modules only —
nn.Embedding(V, E, padding_idx=0), nn.RNN(tanh)/nn.LSTM/nn.GRU(E, H, L, bidirectional), nn.Linear(D*H, C) — and the
weights are loaded with load_state_dict(strict=True), so every name and shape must match PyTorch's own.
IDS.json is a list of id sequences (ids = vocabulary line numbers of vocab.txt); each is scored alone (batch 1), the
summary being the top layer's final states [forward; backward] (h_n), or the mean or max of the outputs over the
steps, as config.json's pooling says. OUT.json receives the softmax probabilities, one list per sequence.
"""
import json
import sys

import numpy as np
import torch
from torch import nn


class Classifier(nn.Module):
    def __init__(self, a):
        super().__init__()
        cell = {"SimpleRnn": nn.RNN, "Lstm": nn.LSTM, "Gru": nn.GRU}[a["cellType"]]
        self.pooling = a["pooling"]
        self.embedding = nn.Embedding(a["vocabularySize"], a["embeddingSize"], padding_idx=0)
        kwargs = {"nonlinearity": "tanh"} if cell is nn.RNN else {}
        self.rnn = cell(a["embeddingSize"], a["hiddenSize"], a["numberOfLayers"], bidirectional=a["bidirectional"], **kwargs)
        self.directions = 2 if a["bidirectional"] else 1
        self.head = nn.Linear(self.directions * a["hiddenSize"], a["classCount"])

    def forward(self, ids):  # ids: (T,) one sequence
        x = self.embedding(ids.unsqueeze(1))  # (T, 1, E)
        y, h = self.rnn(x)
        if isinstance(h, tuple):
            h = h[0]  # LSTM: (h_n, c_n)
        if self.pooling == "FinalState":
            summary = torch.cat([h[-self.directions + d] for d in range(self.directions)], dim=1)  # (1, D*H)
        elif self.pooling == "Mean":
            summary = y.mean(dim=0)
        else:
            summary = y.max(dim=0).values
        return torch.softmax(self.head(summary), dim=1)[0]


def main(export_dir, ids_path, out_path):
    torch.set_num_threads(1)
    with open(f"{export_dir}/config.json", encoding="utf-8") as f:
        config = json.load(f)
    if config["task"] != "SequenceClassification":
        raise SystemExit(f"{export_dir} holds a '{config['task']}' model; this script rebuilds sequence classifiers")
    model = Classifier(config["architecture"])
    weights = np.load(f"{export_dir}/weights.npz")
    model.load_state_dict({k: torch.from_numpy(weights[k]) for k in weights.files}, strict=True)
    model.eval()
    with open(ids_path, encoding="utf-8") as f:
        sequences = json.load(f)
    with torch.no_grad():
        probabilities = [model(torch.tensor(s, dtype=torch.long)).tolist() for s in sequences]
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(probabilities, f)
    print(f"scored {len(probabilities)} sequences with torch {torch.__version__}")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:])
