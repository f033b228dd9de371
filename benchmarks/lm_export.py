"""Shared by benchmarks/dynamic_eval.py and benchmarks/ngram_mixture.py: an exported MLNetRnn character LSTM in PyTorch.

`ExportedLstm` reads the directory `mlnet-rnn export` writes for a language-model file (weights.npz with PyTorch-style names,
vocab.txt, config.json; one-layer one-hot LSTM models only, the TextGeneration example's architecture) and the held-out
5 % of the text the way examples/TextGeneration cuts it. `probabilities` scores the held-out stream from a zero state,
statically or with dynamic evaluation (Krause et al., ICML 2018: each segment is scored, then one gradient step is taken
on it, so every character is still predicted before the model has seen it).
"""
import json
import math
import os

import numpy as np
import torch

import moby_dick

DEFAULT_DATA = moby_dick.DATA


class ExportedLstm:
    def __init__(self, export, data=DEFAULT_DATA):
        config = json.load(open(os.path.join(export, "config.json"), encoding="utf-8"))["architecture"]
        if config["cellType"] != "Lstm" or config["numberOfLayers"] != 1 or not config["oneHotInput"]:
            raise SystemExit(f"only one-layer one-hot LSTM exports are handled here, got {config}")
        vocab = [line.rstrip("\n") for line in open(os.path.join(export, "vocab.txt"), encoding="utf-8")]
        vocab = ["\n" if v == "\\n" else v for v in vocab]  # the list escapes a newline as the two characters \n
        index = {c: i for i, c in enumerate(vocab)}
        self.text = moby_dick.read(data)
        self.cut = moby_dick.held_out_start(self.text)
        self.ids = torch.tensor([index.get(c, 1) for c in self.text[self.cut:]])  # 1 = <UNK>

        weights = np.load(os.path.join(export, "weights.npz"))
        self.vocabulary, hidden = config["vocabularySize"], config["hiddenSize"]
        self.lstm = torch.nn.LSTM(self.vocabulary, hidden, batch_first=True)
        self.head = torch.nn.Linear(hidden, self.vocabulary)
        with torch.no_grad():
            for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
                getattr(self.lstm, name).copy_(torch.from_numpy(weights["rnn." + name]))
            self.head.weight.copy_(torch.from_numpy(weights["head.weight"]))
            self.head.bias.copy_(torch.from_numpy(weights["head.bias"]))
        self.parameters = list(self.lstm.parameters()) + list(self.head.parameters())
        self.original = [p.detach().clone() for p in self.parameters]

    def probabilities(self, mode="static", rate=0.0, segment=50):
        """The probability the model gave each held-out character after the first, in order (numpy float64).

        mode: "static", "sgd" (plain gradient steps of `rate`) or "rms" (RMS-normalised steps, Krause et al.'s form).
        """
        for p, o in zip(self.parameters, self.original):
            p.data.copy_(o)
        ids = self.ids
        x = torch.nn.functional.one_hot(ids, self.vocabulary).float()
        squares = [torch.zeros_like(p) for p in self.parameters]
        state, step, out = None, 0, []
        for start in range(0, len(ids) - 1, segment):
            end = min(start + segment, len(ids) - 1)
            hidden, (h, c) = self.lstm(x[start:end].unsqueeze(0), state)
            log_probs = torch.log_softmax(self.head(hidden[0]), -1)
            chosen = log_probs.gather(1, ids[start + 1:end + 1].unsqueeze(1)).squeeze(1)
            out.append(chosen.detach().double().exp().numpy())  # scored before the update below
            state = (h.detach(), c.detach())
            if mode == "static":
                continue
            for p in self.parameters:
                p.grad = None
            (-chosen.mean()).backward()
            step += 1
            with torch.no_grad():
                for p, s in zip(self.parameters, squares):
                    if mode == "sgd":
                        p.add_(p.grad, alpha=-rate)
                    else:
                        s.mul_(0.99).addcmul_(p.grad, p.grad, value=0.01)
                        p.add_(p.grad / (s.sqrt() / math.sqrt(1 - 0.99 ** step) + 1e-5), alpha=-rate)
        return np.concatenate(out)


def bits(probabilities):
    """Mean bits per character of a sequence of probabilities of the true characters."""
    return float(-np.log2(probabilities).mean())
