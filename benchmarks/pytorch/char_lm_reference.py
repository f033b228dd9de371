#!/usr/bin/env python3
"""PyTorch reference for MLNetRnn's language model: a character LSTM on Moby-Dick trained with truncated BPTT.

The same data, split, vocabulary, batching and budget as examples/TextGeneration and the benchmarks' `charlm` command:
datasets/moby-dick/moby-dick.txt, last 5 % of the characters held out; ids <PAD>=0, <UNK>=1, <BOS>=2, <EOS>=3 (unused in a
continuous text, kept so the vocabulary equals MLNetRnn's), then the training
characters by frequency (ties by first appearance); one-hot input; the training text cut into B parallel streams,
read in chunks of `bptt` steps with the state carried across chunks and detached at each chunk boundary; Adam,
gradient clipping by global norm. Held-out bits per character: the held-out text read as one stream from a zero state,
the state carried through the whole text, mean of -log2 p(next character) over its n-1 predictions.
Progress goes to stderr; stdout gets one JSON line.

Run:  /usr/bin/python3 benchmarks/pytorch/char_lm_reference.py [--epochs 6] [--hidden 512] [--threads 2] ...
"""

# Shapes: B = batch (streams), T = bptt chunk, V = vocabulary, H = hidden.

import argparse
import json
import math
import os
import sys
import time
from collections import Counter

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_DATA = os.path.join(HERE, "..", "..", "datasets", "moby-dick", "moby-dick.txt")


def vocabulary(text):
    counts = Counter(text)
    first = {}
    for i, ch in enumerate(text):
        first.setdefault(ch, i)
    chars = sorted(counts, key=lambda c: (-counts[c], first[c]))
    return ["<PAD>", "<UNK>", "<BOS>", "<EOS>"] + chars


class CharLm(nn.Module):
    def __init__(self, v, hidden, layers, cell):
        super().__init__()
        self.v = v
        rnn = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[cell]
        self.rnn = rnn(v, hidden, layers)
        self.head = nn.Linear(hidden, v)

    def forward(self, x, state):  # x (T, B) ids
        y, state = self.rnn(F.one_hot(x, self.v).float(), state)
        return self.head(y), state


def detach(state):
    return tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()


def held_out_bits(model, ids, chunk=1000):
    model.eval()
    total, count, state = 0.0, 0, None
    with torch.no_grad():
        for t0 in range(0, len(ids) - 1, chunk):
            x = ids[t0:t0 + chunk].view(-1, 1)
            y = ids[t0 + 1:t0 + chunk + 1].view(-1)
            x = x[:len(y)]
            logits, state = model(x, state)
            total += F.cross_entropy(logits.view(-1, model.v), y, reduction="sum").item()
            count += len(y)
    model.train()
    return total / count / math.log(2), count


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=DEFAULT_DATA)
    p.add_argument("--cell", default="lstm", choices=["lstm", "gru", "rnn"])
    p.add_argument("--hidden", type=int, default=512)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--bptt", type=int, default=100)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--epochs", type=int, default=6)
    p.add_argument("--lr", type=float, default=0.002)
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2, the machine's cores)")
    p.add_argument("--max-chunks", type=int, default=0, help="stop each epoch after N chunks (speed runs); 0 = all")
    p.add_argument("--no-eval", action="store_true", help="skip the held-out scoring (speed runs)")
    a = p.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)

    with open(a.data, encoding="utf-8", newline="") as f:
        text = f.read()
    cut = len(text) - len(text) // 20
    train_text, held_text = text[:cut], text[cut:]
    vocab = vocabulary(train_text)
    index = {c: i for i, c in enumerate(vocab)}
    train = torch.tensor([index[c] for c in train_text], dtype=torch.long)
    held = torch.tensor([index.get(c, 1) for c in held_text], dtype=torch.long)

    b = a.batch
    stream = (len(train) - 1) // b
    x_all = torch.stack([train[i * stream:(i + 1) * stream] for i in range(b)], dim=1)          # (L, B)
    y_all = torch.stack([train[i * stream + 1:(i + 1) * stream + 1] for i in range(b)], dim=1)  # (L, B)

    model = CharLm(len(vocab), a.hidden, a.layers, a.cell)
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    history, train_seconds, train_tokens = [], 0.0, 0
    for epoch in range(1, a.epochs + 1):
        state, loss_sum, n = None, 0.0, 0
        start = time.perf_counter()
        for k, t0 in enumerate(range(0, stream, a.bptt)):
            if a.max_chunks and k >= a.max_chunks:
                break
            x, y = x_all[t0:t0 + a.bptt], y_all[t0:t0 + a.bptt]
            if state is not None:
                state = detach(state)
            logits, state = model(x, state)
            loss = F.cross_entropy(logits.view(-1, len(vocab)), y.reshape(-1))
            opt.zero_grad()
            loss.backward()
            if a.clip > 0:
                nn.utils.clip_grad_norm_(model.parameters(), a.clip)
            opt.step()
            loss_sum += loss.item() * y.numel()
            n += y.numel()
        seconds = time.perf_counter() - start
        train_seconds += seconds
        train_tokens += n
        bits, count = (None, 0) if a.no_eval else held_out_bits(model, held)
        row = {"epoch": epoch, "trainBits": loss_sum / n / math.log(2), "heldOutBits": bits, "tokensPerSecond": n / seconds, "seconds": seconds}
        history.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)

    print(json.dumps({
        "framework": f"pytorch {torch.__version__}", "threads": torch.get_num_threads(), "cell": a.cell, "hidden": a.hidden,
        "layers": a.layers, "bptt": a.bptt, "batch": a.batch, "epochs": a.epochs, "vocabulary": len(vocab),
        "trainTokens": train_tokens, "heldOutCount": count, "heldOutBitsPerCharacter": history[-1]["heldOutBits"],
        "bestHeldOutBitsPerCharacter": None if a.no_eval else min(h["heldOutBits"] for h in history),
        "trainingSeconds": train_seconds, "tokensPerSecond": train_tokens / train_seconds, "history": history,
    }))


if __name__ == "__main__":
    main()
