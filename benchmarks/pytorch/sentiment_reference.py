#!/usr/bin/env python3
"""PyTorch reference for MLNetRnn's sentiment task.

Trains Embedding (optionally GloVe-initialised) -> (bi)LSTM/GRU/RNN -> pooling (final state, mean or max) -> dropout
-> Linear -> cross-entropy on the shipped split
datasets/sentiment/{train,validation,test}.tsv with the same tokenizer, vocabulary rule, batching and
early stopping as the C# example, and prints one JSON line with the results on stdout (progress goes
to stderr). See README.md next to this file.

Run from anywhere:  /usr/bin/python3 benchmarks/pytorch/sentiment_reference.py [--seed 1] [--cell gru] ...
"""

import argparse
import copy
import json
import math
import os
import random
import re
import sys
import time
import unicodedata
from collections import Counter

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

PAD, UNK = "<PAD>", "<UNK>"
LABELS = ("negative", "positive")
MAX_VOCABULARY = 20000  # including <PAD> and <UNK>
EVAL_BATCH = 256


# ---------------------------------------------------------------------------------------------------------------
# Tokenizer: lower-case, ’ -> ', then a token is a run of Unicode letters/marks/numbers (categories L*, M*, N*),
# possibly joined by single inner apostrophes ("don't"); every other non-whitespace character is its own token.
# Python's \w also matches "_" and misses combining marks, so the word class is built from the categories.
# ---------------------------------------------------------------------------------------------------------------

def _word_class():
    ranges, start, previous = [], None, None
    for cp in range(sys.maxunicode + 1):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        if unicodedata.category(chr(cp))[0] in "LMN":
            if start is None:
                start = cp
            elif cp != previous + 1:
                ranges.append((start, previous))
                start = cp
            previous = cp
    ranges.append((start, previous))
    return "".join(f"\\U{a:08x}" if a == b else f"\\U{a:08x}-\\U{b:08x}" for a, b in ranges)


_W = _word_class()
TOKEN = re.compile(rf"[{_W}]+(?:'[{_W}]+)*|\S")


def tokenize(text):
    return TOKEN.findall(text.lower().replace("\u2019", "'"))


# ---------------------------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------------------------

def load_split(path):
    """Plain TSV, header Text<TAB>Label, no quote processing."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or lines[0] != "Text\tLabel":
        raise SystemExit(f"{path}: expected header 'Text\\tLabel', got {lines[0]!r}" if lines else f"{path}: empty file")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != 2:
            raise SystemExit(f"{path}:{number}: expected 2 tab-separated fields, got {len(fields)}")
        text, label = fields
        if label not in LABELS:
            raise SystemExit(f"{path}:{number}: unknown label {label!r}; expected one of {LABELS}")
        rows.append((tokenize(text), LABELS.index(label)))
    return rows


def load_glove(path, vocabulary):
    """Reads a GloVe text file ('word v1 ... vE' per line, no header) like MLNetRnn's PretrainedEmbeddings: words kept
    exactly as written, the first vector of a repeated word wins, every line must have the same number of values.
    Returns (dimension, {word: [E floats]}) for the words of `vocabulary` only."""
    wanted, vectors, dimension = set(vocabulary), {}, 0
    with open(path, encoding="utf-8-sig") as f:
        for number, line in enumerate(f, start=1):
            fields = line.strip(" \t\r\n").split()
            if not fields:
                continue
            if len(fields) < 2:
                raise SystemExit(f"{path}:{number}: the word {fields[0]!r} has no values; expected 'word v1 ... vE'")
            if dimension == 0:
                dimension = len(fields) - 1
            elif len(fields) - 1 != dimension:
                raise SystemExit(f"{path}:{number}: {len(fields) - 1} values, but the first line has {dimension}")
            word = fields[0]
            if word in wanted and word not in vectors:
                values = [float(v) for v in fields[1:]]
                if not all(math.isfinite(v) for v in values):
                    raise SystemExit(f"{path}:{number}: a value of {word!r} is not a finite number")
                vectors[word] = values
    if dimension == 0:
        raise SystemExit(f"{path}: no vectors")
    return dimension, vectors


def build_vocabulary(rows, min_count):
    counts, first_seen = Counter(), {}
    for tokens, _ in rows:
        for t in tokens:
            counts[t] += 1
            first_seen.setdefault(t, len(first_seen))
    kept = [t for t, n in counts.items() if n >= min_count]
    kept.sort(key=lambda t: (-counts[t], first_seen[t]))
    return [PAD, UNK] + kept[: MAX_VOCABULARY - 2]


def encode(rows, ids):
    unk = ids[UNK]
    # An empty text becomes a single <UNK> so every row has length >= 1 (packing needs it).
    return [([ids.get(t, unk) for t in tokens] or [unk], label) for tokens, label in rows]


def make_batch(rows):
    lengths = torch.tensor([len(ids) for ids, _ in rows], dtype=torch.long)
    x = torch.zeros(len(rows), int(lengths.max()), dtype=torch.long)  # (B, T), 0 = <PAD>
    for i, (ids, _) in enumerate(rows):
        x[i, : len(ids)] = torch.tensor(ids, dtype=torch.long)
    y = torch.tensor([label for _, label in rows], dtype=torch.long)
    return x, lengths, y


def training_batches(rows, batch_size, rng):
    """Shuffle, group into chunks of 8 batches, sort each chunk by length, cut into batches, shuffle batch order."""
    order = list(range(len(rows)))
    rng.shuffle(order)
    batches = []
    chunk = 8 * batch_size
    for start in range(0, len(order), chunk):
        part = sorted(order[start : start + chunk], key=lambda i: len(rows[i][0]))
        batches.extend(part[b : b + batch_size] for b in range(0, len(part), batch_size))
    rng.shuffle(batches)
    return batches


# ---------------------------------------------------------------------------------------------------------------
# Model
# ---------------------------------------------------------------------------------------------------------------

class SentimentModel(nn.Module):
    CELLS = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}

    def __init__(self, vocabulary, embedding, hidden, layers, bidirectional, dropout, cell, classes, pooling="final",
                 head_dropout=0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocabulary, embedding, padding_idx=0)
        self.rnn = self.CELLS[cell](embedding, hidden, num_layers=layers, bidirectional=bidirectional,
                                    dropout=dropout if layers > 1 else 0.0, batch_first=True)
        self.directions = 2 if bidirectional else 1
        self.pooling = pooling
        self.head_dropout = nn.Dropout(head_dropout)  # on the pooled vector; identity in eval mode
        self.head = nn.Linear(self.directions * hidden, classes)

    def forward(self, x, lengths):
        packed = pack_padded_sequence(self.embedding(x), lengths, batch_first=True, enforce_sorted=False)
        output, h_n = self.rnn(packed)
        if self.pooling == "final":
            if isinstance(h_n, tuple):  # LSTM: (h_n, c_n)
                h_n = h_n[0]
            # h_n: (L*D, B, H); the top layer's states are the last D slots, forward then reverse.
            summary = torch.cat([h_n[-self.directions + d] for d in range(self.directions)], dim=1)
        else:
            # The top layer's outputs (B, T, D*H) in the original row order; padding steps are zero.
            output, _ = pad_packed_sequence(output, batch_first=True)
            if self.pooling == "mean":
                summary = output.sum(dim=1) / lengths.unsqueeze(1).to(output.dtype)
            else:  # max over real tokens only: padding steps become -inf (every row has at least one token)
                real = (torch.arange(output.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)).unsqueeze(2)  # (B, T, 1)
                summary = output.masked_fill(~real, -math.inf).max(dim=1).values
        return self.head(self.head_dropout(summary))


def evaluate(model, rows):
    model.eval()
    loss_sum, correct = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(rows), EVAL_BATCH):
            x, lengths, y = make_batch(rows[start : start + EVAL_BATCH])
            logits = model(x, lengths)
            loss_sum += nn.functional.cross_entropy(logits, y, reduction="sum").item()
            correct += int((logits.argmax(dim=1) == y).sum())
    return loss_sum / len(rows), correct / len(rows)


# ---------------------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------------------

def parse_args():
    default_data = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "datasets", "sentiment"))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=default_data, help="folder with train/validation/test.tsv (default: %(default)s)")
    p.add_argument("--cell", choices=("rnn", "lstm", "gru"), default="lstm")
    p.add_argument("--embedding", type=int, default=64)
    p.add_argument("--hidden", type=int, default=64)
    p.add_argument("--layers", type=int, default=1)
    p.add_argument("--bidirectional", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--dropout", type=float, default=0.0, help="between stacked layers; used only when --layers > 1")
    p.add_argument("--pooling", choices=("final", "mean", "max"), default="final",
                   help="sequence summary: top layer's final state of each direction (final), or the mean / element-wise "
                        "max of its outputs over real tokens (default: %(default)s)")
    p.add_argument("--head-dropout", type=float, default=0.0, help="dropout on the pooled vector before the linear head")
    p.add_argument("--glove", metavar="PATH", help="GloVe text file to initialise the embedding from; --embedding must "
                                                   "equal its dimension. Words not in it keep their N(0,1) start.")
    p.add_argument("--freeze-embeddings", action="store_true", help="keep the embedding table fixed during training")
    p.add_argument("--epochs", type=int, default=10, help="maximum number of epochs")
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--learning-rate", type=float, default=0.002)
    p.add_argument("--clip", type=float, default=1.0, help="global gradient-norm clip; 0 disables")
    p.add_argument("--patience", type=int, default=3, help="stop after this many epochs without a lower validation loss")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--min-count", type=int, default=1, help="keep training tokens seen at least this often")
    a = p.parse_args()
    for name in ("embedding", "hidden", "layers", "epochs", "batch_size", "patience", "threads", "min_count"):
        if getattr(a, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(a, name)}")
    if not 0.0 <= a.dropout < 1.0:
        p.error(f"--dropout must be in [0, 1), got {a.dropout}")
    if not 0.0 <= a.head_dropout < 1.0:
        p.error(f"--head-dropout must be in [0, 1), got {a.head_dropout}")
    if a.glove is not None and not os.path.isfile(a.glove):
        p.error(f"--glove: no file at '{a.glove}'")
    if a.learning_rate <= 0 or not math.isfinite(a.learning_rate):
        p.error(f"--learning-rate must be a positive number, got {a.learning_rate}")
    if a.clip < 0:
        p.error(f"--clip must be >= 0 (0 disables clipping), got {a.clip}")
    return a


def main():
    a = parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    rng = random.Random(a.seed)

    def split(name):
        path = os.path.join(a.data, f"{name}.tsv")
        if not os.path.isfile(path):
            raise SystemExit(f"Dataset file '{path}' not found; pass the folder holding train/validation/test.tsv with --data.")
        return load_split(path)

    train_raw, validation_raw, test_raw = split("train"), split("validation"), split("test")
    vocabulary = build_vocabulary(train_raw, a.min_count)
    ids = {t: i for i, t in enumerate(vocabulary)}
    train, validation, test = encode(train_raw, ids), encode(validation_raw, ids), encode(test_raw, ids)

    glove_found = glove_missing = None
    if a.glove is not None:
        dimension, vectors = load_glove(a.glove, vocabulary)
        if dimension != a.embedding:
            raise SystemExit(f"--glove '{a.glove}' has dimension {dimension}, but --embedding is {a.embedding}; "
                             f"pass --embedding {dimension}.")

    model = SentimentModel(len(vocabulary), a.embedding, a.hidden, a.layers, a.bidirectional, a.dropout, a.cell,
                           len(LABELS), a.pooling, a.head_dropout)
    if a.glove is not None:
        # Like MLNetRnn: rows 1..V-1 (<UNK> included, <PAD> never) take the file's vector when it has the exact word;
        # the others keep nn.Embedding's N(0, 1) start.
        with torch.no_grad():
            weight = model.embedding.weight
            found = [i for i in range(1, len(vocabulary)) if vocabulary[i] in vectors]
            for i in found:
                weight[i] = torch.tensor(vectors[vocabulary[i]], dtype=weight.dtype)
        glove_found, glove_missing = len(found), len(vocabulary) - 1 - len(found)
        print(f"GloVe: found {glove_found} of {len(vocabulary) - 1} tokens, missing {glove_missing}", file=sys.stderr)
    if a.freeze_embeddings:
        model.embedding.weight.requires_grad_(False)
    trainable = [p for p in model.parameters() if p.requires_grad]
    parameters = sum(p.numel() for p in trainable)
    optimizer = torch.optim.Adam(trainable, lr=a.learning_rate)
    print(f"torch {torch.__version__}, vocabulary {len(vocabulary)}, parameters {parameters:,}, "
          f"train {len(train)}, validation {len(validation)}, test {len(test)}", file=sys.stderr)

    best_loss, best_accuracy, best_epoch, best_state = math.inf, 0.0, 0, None
    train_seconds, train_tokens, epochs_run = 0.0, 0, 0
    fit_start = time.perf_counter()
    for epoch in range(1, a.epochs + 1):
        model.train()
        epoch_start = time.perf_counter()
        loss_sum = 0.0
        for batch in training_batches(train, a.batch_size, rng):
            x, lengths, y = make_batch([train[i] for i in batch])
            optimizer.zero_grad()
            loss = nn.functional.cross_entropy(model(x, lengths), y)
            loss.backward()
            if a.clip > 0:
                nn.utils.clip_grad_norm_(trainable, a.clip)
            optimizer.step()
            loss_sum += loss.item() * len(batch)
            train_tokens += int(lengths.sum())
        train_seconds += time.perf_counter() - epoch_start
        epochs_run = epoch

        validation_loss, validation_accuracy = evaluate(model, validation)
        improved = validation_loss < best_loss
        if improved:
            best_loss, best_accuracy, best_epoch = validation_loss, validation_accuracy, epoch
            best_state = copy.deepcopy(model.state_dict())
        print(f"epoch {epoch}: train loss {loss_sum / len(train):.4f}, validation loss {validation_loss:.4f}, "
              f"validation accuracy {validation_accuracy:.4f}{' (best)' if improved else ''}", file=sys.stderr)
        if epoch - best_epoch >= a.patience:
            print(f"stopping: validation loss has not improved for {a.patience} epochs", file=sys.stderr)
            break
    seconds = time.perf_counter() - fit_start

    model.load_state_dict(best_state)
    _, test_accuracy = evaluate(model, test)
    print(json.dumps({
        "framework": "pytorch",
        "testAccuracy": round(test_accuracy, 6),
        "bestValidationAccuracy": round(best_accuracy, 6),
        "bestValidationLoss": round(best_loss, 6),
        "bestEpoch": best_epoch,
        "epochs": epochs_run,
        "seconds": round(seconds, 3),
        "tokensPerSecond": round(train_tokens / train_seconds),
        "parameters": parameters,
        "vocabulary": len(vocabulary),
        "gloveFound": glove_found,
        "gloveMissing": glove_missing,
        "settings": {
            "cell": a.cell, "embedding": a.embedding, "hidden": a.hidden, "layers": a.layers,
            "bidirectional": a.bidirectional, "dropout": a.dropout, "pooling": a.pooling, "headDropout": a.head_dropout,
            "glove": os.path.basename(a.glove) if a.glove is not None else None, "freezeEmbeddings": a.freeze_embeddings,
            "epochsMax": a.epochs, "batchSize": a.batch_size, "learningRate": a.learning_rate, "clip": a.clip,
            "patience": a.patience, "seed": a.seed, "threads": a.threads, "minCount": a.min_count,
        },
    }))


if __name__ == "__main__":
    main()
