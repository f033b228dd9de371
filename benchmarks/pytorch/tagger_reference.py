#!/usr/bin/env python3
"""PyTorch reference for MLNetRnn's sequence tagger on Brown part-of-speech tags (datasets/brown/pos, shipped split).

The same model as `mlContext.Tagging.Trainers.Lstm` with a softmax head: nn.Embedding(V, E, padding_idx=0) ->
nn.LSTM(E, H, bidirectional=True) over a packed batch -> nn.Linear(2H, K) per token -> cross-entropy averaged over the
batch's real tokens; Adam (lr 0.002), global gradient-norm clipping at 1, batches of --batch-size sentences of similar
length (sorted by length, cut into batches, batches shuffled each epoch), --epochs passes, no validation/early stopping.
Vocabulary: <PAD> 0, <UNK> 1, then training words seen at least --min-count times, most frequent first (ties: first
appearance), as MLNetRnn's MapTokensToIds; tags in ordinal order.

stdout gets one JSON line: epochs, train_tokens, train_seconds (training only: forward, backward, step),
tokens_per_second (= epochs * train_tokens / train_seconds), test_tokens, test_accuracy, threads, torch.
Used by `MLNetRnn.Benchmarks tagging`; see benchmarks/README.md.

Run:  /usr/bin/python3 benchmarks/pytorch/tagger_reference.py [--epochs 2] [--embedding 100] [--hidden 100] [--threads 1] [--limit N]
"""

import argparse
import json
import os
import random
import time
from collections import Counter

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


def load_conll(path, limit=None):
    sentences, tokens, tags = [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if tokens:
                    sentences.append((tokens, tags))
                    tokens, tags = [], []
                    if limit is not None and len(sentences) >= limit:
                        return sentences
                continue
            columns = line.split("\t")
            tokens.append(columns[0])
            tags.append(columns[-1])
    if tokens:
        sentences.append((tokens, tags))
    return sentences


def build_vocabulary(sentences, min_count):
    counts, first = Counter(), {}
    for tokens, _ in sentences:
        for t in tokens:
            counts[t] += 1
            first.setdefault(t, len(first))
    words = sorted((w for w in counts if counts[w] >= min_count), key=lambda w: (-counts[w], first[w]))
    return {w: i + 2 for i, w in enumerate(words)}


class Tagger(nn.Module):
    def __init__(self, vocabulary, embedding, hidden, tags):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, embedding, padding_idx=0)
        self.rnn = nn.LSTM(embedding, hidden, bidirectional=True)
        self.head = nn.Linear(2 * hidden, tags)

    def forward(self, ids, lengths):  # ids (T, B) padded, lengths (B) on CPU
        packed = pack_padded_sequence(self.embedding(ids), lengths, enforce_sorted=False)
        out, _ = self.rnn(packed)
        out, _ = pad_packed_sequence(out)
        return self.head(out)  # (T, B, K)


def batches(rows, size):
    rows = sorted(rows, key=lambda r: len(r[0]))
    return [rows[i:i + size] for i in range(0, len(rows), size)]


def tensors(batch):
    t = max(len(r[0]) for r in batch)
    ids = torch.zeros(t, len(batch), dtype=torch.long)
    tags = torch.full((t, len(batch)), -100, dtype=torch.long)
    for b, (w, g) in enumerate(batch):
        ids[:len(w), b] = torch.tensor(w)
        tags[:len(g), b] = torch.tensor(g)
    return ids, torch.tensor([len(r[0]) for r in batch]), tags


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=os.path.join(root, "datasets", "brown", "pos"))
    p.add_argument("--epochs", type=int, default=2)
    p.add_argument("--embedding", type=int, default=100)
    p.add_argument("--hidden", type=int, default=100)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--min-count", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--limit", type=int, help="the first N training sentences only")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()

    torch.manual_seed(a.seed)
    random.seed(a.seed)
    torch.set_num_threads(a.threads)
    train = load_conll(os.path.join(a.data, "train.conll"), a.limit)
    test = load_conll(os.path.join(a.data, "test.conll"))
    words = build_vocabulary(train, a.min_count)
    tag_names = sorted({g for _, tags in train for g in tags})
    tag_ids = {g: i for i, g in enumerate(tag_names)}

    def encode(sentences):
        return [([words.get(w, 1) for w in tokens], [tag_ids[g] for g in tags]) for tokens, tags in sentences]

    train_rows, test_rows = encode(train), encode(test)
    model = Tagger(len(words) + 2, a.embedding, a.hidden, len(tag_names))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.002)
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100)
    train_batches = [tensors(b) for b in batches(train_rows, a.batch_size)]
    train_tokens = sum(len(r[0]) for r in train_rows)

    seconds = 0.0
    for _ in range(a.epochs):
        random.shuffle(train_batches)
        model.train()
        start = time.perf_counter()
        for ids, lengths, tags in train_batches:
            optimizer.zero_grad()
            scores = model(ids, lengths)
            loss = loss_fn(scores.reshape(-1, scores.shape[-1]), tags.reshape(-1))
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
        seconds += time.perf_counter() - start

    model.eval()
    correct = total = 0
    with torch.no_grad():
        for ids, lengths, tags in (tensors(b) for b in batches(test_rows, 64)):
            predicted = model(ids, lengths).argmax(-1)
            mask = tags != -100
            correct += (predicted[mask] == tags[mask]).sum().item()
            total += mask.sum().item()
    print(json.dumps({
        "epochs": a.epochs, "train_tokens": train_tokens, "train_seconds": seconds,
        "tokens_per_second": a.epochs * train_tokens / seconds, "test_tokens": total, "test_accuracy": correct / total,
        "threads": a.threads, "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
