#!/usr/bin/env python3
"""PyTorch reference for MLNetRnn's sequence-to-sequence task: grapheme-to-phoneme on CMUdict.

Trains a character-level encoder-decoder with Luong "general" attention on the shipped split
datasets/cmudict/{train,validation,test}.tsv (Source = word, read character by character; Target = phones,
space-separated) and reports, on the test split, the phone error rate and word exact match of greedy and
beam-search decoding. Progress goes to stderr; stdout gets one JSON line. See README.md next to this file.

Run from anywhere:  /usr/bin/python3 benchmarks/pytorch/g2p_reference.py [--hidden 128] [--train-limit 5000] ...
"""

# Shapes: B = batch, S = source length (characters), T = target length (phones + <EOS>), E = embedding,
# H = encoder hidden size per direction, D = decoder hidden size (2H), V = target vocabulary, K = beam size.

import argparse
import copy
import json
import math
import os
import random
import sys
import time
from collections import Counter

import torch
import torch.nn as nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

PAD, UNK, BOS, EOS = "<PAD>", "<UNK>", "<BOS>", "<EOS>"
EVAL_BATCH = 256


# ---------------------------------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------------------------------

def load_split(path, limit=None):
    """Plain TSV, header Source<TAB>Target, no quote processing. Returns [(characters, phones)]."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or lines[0] != "Source\tTarget":
        raise SystemExit(f"{path}: expected header 'Source\\tTarget', got {lines[0]!r}" if lines else f"{path}: empty file")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != 2:
            raise SystemExit(f"{path}:{number}: expected 2 tab-separated fields, got {len(fields)}")
        source, target = list(fields[0]), fields[1].split()
        if not source or not target:
            raise SystemExit(f"{path}:{number}: empty Source or Target")
        rows.append((source, target))
        if limit is not None and len(rows) == limit:
            break
    return rows


def build_vocabularies(rows):
    """Source: <PAD>=0, <UNK>=1, then the training characters in ordinal order. Target: <PAD>=0, <BOS>=1, <EOS>=2,
    then the training phones in ordinal order."""
    chars = sorted({c for source, _ in rows for c in source})
    phones = sorted({p for _, target in rows for p in target})
    return [PAD, UNK] + chars, [PAD, BOS, EOS] + phones


def encode(rows, source_ids, target_ids):
    """Source ids (unknown characters -> <UNK>) and target ids ending with <EOS>. A test phone never seen in training
    has no id: it is kept as -1 so it can never be predicted but still counts in the metrics."""
    unk, eos = source_ids[UNK], target_ids[EOS]
    return [([source_ids.get(c, unk) for c in source], [target_ids.get(p, -1) for p in target] + [eos])
            for source, target in rows]


def make_batch(rows):
    """x (B, S) source ids, 0-padded; lengths (B); y_in (B, T) <BOS> + target; y_out (B, T) target + <EOS>, 0-padded."""
    lengths = torch.tensor([len(s) for s, _ in rows], dtype=torch.long)
    x = torch.zeros(len(rows), int(lengths.max()), dtype=torch.long)
    t_max = max(len(t) for _, t in rows)
    y_in = torch.zeros(len(rows), t_max, dtype=torch.long)
    y_out = torch.zeros(len(rows), t_max, dtype=torch.long)
    for i, (s, t) in enumerate(rows):
        x[i, : len(s)] = torch.tensor(s, dtype=torch.long)
        t = [max(v, 0) for v in t]  # an unseen phone (-1) is never in training data; map it to <PAD> (ignored)
        y_in[i, : len(t)] = torch.tensor([1] + t[:-1], dtype=torch.long)  # 1 = <BOS>
        y_out[i, : len(t)] = torch.tensor(t, dtype=torch.long)
    return x, lengths, y_in, y_out


def training_batches(rows, batch_size, rng):
    """Shuffle, group into chunks of 8 batches, sort each chunk by source length, cut into batches, shuffle batch order."""
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

class G2PModel(nn.Module):
    """Embedding -> BiLSTM encoder; bridge; LSTM decoder with Luong "general" attention (no input feeding)."""

    def __init__(self, source_vocabulary, target_vocabulary, embedding, hidden, dropout):
        super().__init__()
        d = 2 * hidden
        self.source_embedding = nn.Embedding(source_vocabulary, embedding, padding_idx=0)  # (Vs, E)
        self.encoder = nn.LSTM(embedding, hidden, batch_first=True, bidirectional=True)    # H per direction
        self.bridge_h = nn.Linear(d, d)                                                     # (D, 2H)
        self.bridge_c = nn.Linear(d, d)                                                     # (D, 2H)
        self.target_embedding = nn.Embedding(target_vocabulary, embedding, padding_idx=0)   # (V, E)
        self.decoder = nn.LSTM(embedding, d, batch_first=True)                              # D = 2H
        self.attention = nn.Linear(d, d, bias=False)                                        # W_a (D, 2H)
        self.combine = nn.Linear(d + d, d)                                                  # W_c (D, 2H + D)
        self.output = nn.Linear(d, target_vocabulary)                                       # (V, D)
        self.dropout = nn.Dropout(dropout)

    def encode(self, x, lengths):
        """Returns memory (B, S, 2H), keys W_a·memory (B, S, D), padding mask (B, S) True on real positions, and the
        decoder's initial state ((1, B, D), (1, B, D))."""
        packed = pack_padded_sequence(self.dropout(self.source_embedding(x)), lengths, batch_first=True,
                                      enforce_sorted=False)
        output, (h_n, c_n) = self.encoder(packed)
        memory, _ = pad_packed_sequence(output, batch_first=True, total_length=x.shape[1])  # (B, S, 2H)
        # h_n, c_n: (2, B, H), forward then reverse -> (B, 2H) -> Linear + tanh -> (1, B, D)
        h0 = torch.tanh(self.bridge_h(torch.cat([h_n[0], h_n[1]], dim=1))).unsqueeze(0)
        c0 = torch.tanh(self.bridge_c(torch.cat([c_n[0], c_n[1]], dim=1))).unsqueeze(0)
        mask = torch.arange(x.shape[1]).unsqueeze(0) < lengths.unsqueeze(1)
        return memory, self.attention(memory), mask, (h0, c0)

    def decode(self, y_in, state, memory, keys, mask):
        """One or more teacher-forced steps. y_in (B, T) -> logits (B, T, V), new state, attention (B, T, S)."""
        h, state = self.decoder(self.dropout(self.target_embedding(y_in)), state)  # (B, T, D)
        scores = torch.bmm(h, keys.transpose(1, 2))                              # (B, T, S): h_t · W_a m_s
        scores = scores.masked_fill(~mask.unsqueeze(1), -math.inf)
        alpha = torch.softmax(scores, dim=2)                                      # 0 on padding
        context = torch.bmm(alpha, memory)                                        # (B, T, 2H)
        attentional = torch.tanh(self.combine(torch.cat([context, h], dim=2)))    # h~ = tanh(W_c [c; h])
        return self.output(self.dropout(attentional)), state, alpha

    def forward(self, x, lengths, y_in):
        memory, keys, mask, state = self.encode(x, lengths)
        logits, _, _ = self.decode(y_in, state, memory, keys, mask)
        return logits


def loss_over_rows(model, rows):
    """Mean cross-entropy per real target token (phones and <EOS>)."""
    model.eval()
    loss_sum, tokens = 0.0, 0
    with torch.no_grad():
        for start in range(0, len(rows), EVAL_BATCH):
            x, lengths, y_in, y_out = make_batch(rows[start : start + EVAL_BATCH])
            logits = model(x, lengths, y_in)
            loss_sum += nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y_out.reshape(-1),
                                                    ignore_index=0, reduction="sum").item()
            tokens += int((y_out != 0).sum())
    return loss_sum / tokens


# ---------------------------------------------------------------------------------------------------------------
# Decoding
# ---------------------------------------------------------------------------------------------------------------

def greedy(model, rows, max_length, eos):
    """Batched greedy decoding: at most max_length steps, <EOS> included; returns id lists without <EOS>."""
    model.eval()
    results = []
    with torch.no_grad():
        for start in range(0, len(rows), EVAL_BATCH):
            x, lengths, _, _ = make_batch(rows[start : start + EVAL_BATCH])
            memory, keys, mask, state = model.encode(x, lengths)
            b = x.shape[0]
            token = torch.full((b, 1), 1, dtype=torch.long)  # <BOS>
            steps = []
            done = torch.zeros(b, dtype=torch.bool)
            for _ in range(max_length):
                logits, state, _ = model.decode(token, state, memory, keys, mask)
                token = logits[:, -1].argmax(dim=1, keepdim=True)  # first maximum on ties
                steps.append(token)
                done |= token[:, 0] == eos
                if bool(done.all()):
                    break
            # Each row's tokens up to its first <EOS>, read once after the loop (no per-row Python work inside it).
            for ids in torch.cat(steps, dim=1).tolist():
                results.append(ids[: ids.index(eos)] if eos in ids else ids)
    return results


def beam_search(model, row, beam, max_length, alpha, eos):
    """Beam search for one word. Each step extends every live hypothesis by every token and walks the 2K best
    extensions by summed log-probability, best first: one ending in <EOS> is finished, with score
    log p / length^alpha (length counting <EOS>); the others become the next live hypotheses until K are live.
    Stops once K hypotheses have finished, or after max_length steps (the live ones then finish unterminated, length
    max_length). Returns the ids (without <EOS>) of the finished hypothesis with the best score, the earliest
    finished on ties. With K = 1 this is greedy decoding."""
    x, lengths, _, _ = make_batch([row])
    memory, keys, mask, state = model.encode(x, lengths)
    hyps = [[]]                        # live hypotheses (token ids)
    scores = torch.zeros(1, dtype=torch.float64)  # (k) their summed log-probabilities, in double precision
    finished = []                      # (normalised score, ids)
    for step in range(1, max_length + 1):
        k = len(hyps)
        token = torch.tensor([[h[-1] if h else 1 for h in hyps]], dtype=torch.long).T  # (k, 1), 1 = <BOS>
        logits, state, _ = model.decode(token, state, memory.expand(k, -1, -1), keys.expand(k, -1, -1),
                                        mask.expand(k, -1))
        logp = torch.log_softmax(logits[:, -1].double(), dim=1)              # (k, V)
        vocabulary = logp.shape[1]
        total = (scores.unsqueeze(1) + logp).reshape(-1)                      # (k*V)
        top_scores, top_index = total.topk(min(2 * beam, total.numel()))      # best first
        origins, new_hyps, new_scores = [], [], []
        for s, index in zip(top_scores.tolist(), top_index.tolist()):
            origin, t = divmod(index, vocabulary)
            if t == eos:
                finished.append((s / step ** alpha, hyps[origin]))
            else:
                origins.append(origin)
                new_hyps.append(hyps[origin] + [t])
                new_scores.append(s)
                if len(new_hyps) == beam:
                    break
        if len(finished) >= beam or not new_hyps:
            break
        origin = torch.tensor(origins, dtype=torch.long)
        state = (state[0][:, origin], state[1][:, origin])
        hyps, scores = new_hyps, torch.tensor(new_scores, dtype=torch.float64)
    else:
        finished.extend((s / max_length ** alpha, h) for s, h in zip(scores.tolist(), hyps))
    best = max(finished, key=lambda f: f[0])  # max() keeps the first maximum: the earliest finished wins ties
    return best[1]


def beam_all(model, rows, beam, max_length, alpha, eos):
    model.eval()
    with torch.no_grad():
        return [beam_search(model, row, beam, max_length, alpha, eos) for row in rows]


# ---------------------------------------------------------------------------------------------------------------
# Metrics (same definitions as MLNetRnn.Evaluation.SequenceToSequenceMetrics)
# ---------------------------------------------------------------------------------------------------------------

def edit_distance(a, b):
    """Levenshtein distance with unit costs."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, y in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y))
        previous = current
    return previous[-1]


def corpus_bleu(hypotheses, references, max_order=4):
    """Corpus BLEU on a 0-100 scale as sacrebleu computes it for pre-tokenised text (tokenize='none',
    smooth_method='exp', one reference per hypothesis)."""
    correct, total = [0] * max_order, [0] * max_order
    sys_len = ref_len = 0
    for hyp, ref in zip(hypotheses, references):
        sys_len, ref_len = sys_len + len(hyp), ref_len + len(ref)
        for n in range(1, max_order + 1):
            h = Counter(tuple(hyp[i : i + n]) for i in range(len(hyp) - n + 1))
            r = Counter(tuple(ref[i : i + n]) for i in range(len(ref) - n + 1))
            total[n - 1] += sum(h.values())
            correct[n - 1] += sum(min(c, r[g]) for g, c in h.items())
    if not any(correct):
        return 0.0
    bp = 1.0 if sys_len >= ref_len else (math.exp(1 - ref_len / sys_len) if sys_len > 0 else 0.0)
    log_sum, smooth = 0.0, 1.0
    for n in range(max_order):
        if total[n] == 0:
            return 0.0
        if correct[n] == 0:
            smooth *= 2
            log_sum += math.log(100.0 / (smooth * total[n]))
        else:
            log_sum += math.log(100.0 * correct[n] / total[n])
    return bp * math.exp(log_sum / max_order)


def metrics(hypotheses, references):
    edits = sum(edit_distance(r, h) for r, h in zip(references, hypotheses))
    return {
        "exactMatch": round(sum(h == r for h, r in zip(hypotheses, references)) / len(references), 6),
        "tokenErrorRate": round(edits / sum(len(r) for r in references), 6),
        "bleu": round(corpus_bleu(hypotheses, references), 4),
        "count": len(references),
    }


# ---------------------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------------------

def parse_args():
    default_data = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "datasets", "cmudict"))
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", default=default_data, help="folder with train/validation/test.tsv (default: %(default)s)")
    p.add_argument("--embedding", type=int, default=64, help="character and phone embedding size E")
    p.add_argument("--hidden", type=int, default=128, help="encoder hidden size H per direction; the decoder has 2H")
    p.add_argument("--dropout", type=float, default=0.2, help="on the embeddings and the attentional vector")
    p.add_argument("--epochs", type=int, default=20, help="maximum number of epochs")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--learning-rate", type=float, default=0.002)
    p.add_argument("--clip", type=float, default=1.0, help="global gradient-norm clip; 0 disables")
    p.add_argument("--patience", type=int, default=4, help="stop after this many epochs without a lower validation loss")
    p.add_argument("--lr-decay", type=float, default=0.5,
                   help="multiply the learning rate by this after each epoch without a lower validation loss; 1 = off")
    p.add_argument("--beam", type=int, default=5, help="beam size for the beam-search evaluation")
    p.add_argument("--length-penalty", type=float, default=1.0, help="alpha in score = log p / length^alpha")
    p.add_argument("--max-length", type=int, default=30, help="maximum decoding steps, <EOS> included")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--train-limit", type=int, metavar="N", help="train on the first N rows of train.tsv only")
    p.add_argument("--test-limit", type=int, metavar="N", help="evaluate on the first N rows of test.tsv only")
    a = p.parse_args()
    for name in ("embedding", "hidden", "epochs", "batch_size", "patience", "beam", "max_length", "threads"):
        if getattr(a, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(a, name)}")
    for name in ("train_limit", "test_limit"):
        if getattr(a, name) is not None and getattr(a, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be at least 1, got {getattr(a, name)}")
    if not 0.0 <= a.dropout < 1.0:
        p.error(f"--dropout must be in [0, 1), got {a.dropout}")
    if a.learning_rate <= 0 or not math.isfinite(a.learning_rate):
        p.error(f"--learning-rate must be a positive number, got {a.learning_rate}")
    if a.clip < 0:
        p.error(f"--clip must be >= 0 (0 disables clipping), got {a.clip}")
    if not 0.0 < a.lr_decay <= 1.0:
        p.error(f"--lr-decay must be in (0, 1] (1 disables decay), got {a.lr_decay}")
    return a


def main():
    a = parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(a.threads)
    rng = random.Random(a.seed)

    def split(name, limit=None):
        path = os.path.join(a.data, f"{name}.tsv")
        if not os.path.isfile(path):
            raise SystemExit(f"Dataset file '{path}' not found; pass the folder holding train/validation/test.tsv with --data.")
        return load_split(path, limit)

    train_raw, validation_raw = split("train", a.train_limit), split("validation")
    test_raw = split("test", a.test_limit)
    source_vocabulary, target_vocabulary = build_vocabularies(train_raw)
    source_ids = {t: i for i, t in enumerate(source_vocabulary)}
    target_ids = {t: i for i, t in enumerate(target_vocabulary)}
    eos = target_ids[EOS]
    train = encode(train_raw, source_ids, target_ids)
    validation = encode(validation_raw, source_ids, target_ids)
    test = encode(test_raw, source_ids, target_ids)

    model = G2PModel(len(source_vocabulary), len(target_vocabulary), a.embedding, a.hidden, a.dropout)
    parameters = sum(p.numel() for p in model.parameters())
    optimizer = torch.optim.Adam(model.parameters(), lr=a.learning_rate)
    print(f"torch {torch.__version__}, source vocabulary {len(source_vocabulary)}, target vocabulary "
          f"{len(target_vocabulary)}, parameters {parameters:,}, train {len(train)}, validation {len(validation)}, "
          f"test {len(test)}", file=sys.stderr)

    best_loss, best_epoch, best_state = math.inf, 0, None
    train_seconds, epochs_run, epoch_seconds = 0.0, 0, []
    fit_start = time.perf_counter()
    for epoch in range(1, a.epochs + 1):
        model.train()
        epoch_start = time.perf_counter()
        loss_sum, tokens = 0.0, 0
        for batch in training_batches(train, a.batch_size, rng):
            x, lengths, y_in, y_out = make_batch([train[i] for i in batch])
            optimizer.zero_grad()
            logits = model(x, lengths, y_in)
            loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y_out.reshape(-1), ignore_index=0)
            loss.backward()
            if a.clip > 0:
                nn.utils.clip_grad_norm_(model.parameters(), a.clip)
            optimizer.step()
            n = int((y_out != 0).sum())
            loss_sum += loss.item() * n
            tokens += n
        elapsed = time.perf_counter() - epoch_start
        train_seconds += elapsed
        epoch_seconds.append(round(elapsed, 1))
        epochs_run = epoch

        validation_loss = loss_over_rows(model, validation)
        improved = validation_loss < best_loss
        if improved:
            best_loss, best_epoch = validation_loss, epoch
            best_state = copy.deepcopy(model.state_dict())
        learning_rate = optimizer.param_groups[0]["lr"]
        print(f"epoch {epoch}: train loss {loss_sum / tokens:.4f}, validation loss {validation_loss:.4f}"
              f"{' (best)' if improved else ''}, learning rate {learning_rate:g}, {elapsed:.1f} s", file=sys.stderr)
        if not improved and a.lr_decay < 1.0:
            for group in optimizer.param_groups:
                group["lr"] = learning_rate * a.lr_decay
        if epoch - best_epoch >= a.patience:
            print(f"stopping: validation loss has not improved for {a.patience} epochs", file=sys.stderr)
            break
    seconds = time.perf_counter() - fit_start

    model.load_state_dict(best_state)
    references = [[i for i in t[:-1]] for _, t in test]  # without <EOS>; unseen phones stay -1

    start = time.perf_counter()
    greedy_out = greedy(model, test, a.max_length, eos)
    greedy_seconds = time.perf_counter() - start
    start = time.perf_counter()
    beam_out = beam_all(model, test, a.beam, a.max_length, a.length_penalty, eos)
    beam_seconds = time.perf_counter() - start

    greedy_metrics = metrics(greedy_out, references)
    beam_metrics = metrics(beam_out, references)
    print(f"test greedy: {greedy_metrics} ({greedy_seconds:.1f} s); beam {a.beam}: {beam_metrics} ({beam_seconds:.1f} s)",
          file=sys.stderr)
    print(json.dumps({
        "framework": "pytorch",
        "task": "g2p",
        "greedy": greedy_metrics,
        "beam": beam_metrics,
        "bestValidationLoss": round(best_loss, 6),
        "bestEpoch": best_epoch,
        "epochs": epochs_run,
        "seconds": round(seconds, 3),
        "secondsPerEpoch": round(train_seconds / epochs_run, 3),
        "epochSeconds": epoch_seconds,
        "greedySeconds": round(greedy_seconds, 3),
        "beamSeconds": round(beam_seconds, 3),
        "parameters": parameters,
        "sourceVocabulary": len(source_vocabulary),
        "targetVocabulary": len(target_vocabulary),
        "train": len(train),
        "test": len(test),
        "settings": {
            "embedding": a.embedding, "hidden": a.hidden, "decoderHidden": 2 * a.hidden, "dropout": a.dropout,
            "epochsMax": a.epochs, "batchSize": a.batch_size, "learningRate": a.learning_rate, "clip": a.clip,
            "patience": a.patience, "lrDecay": a.lr_decay, "beam": a.beam, "lengthPenalty": a.length_penalty, "maxLength": a.max_length,
            "seed": a.seed, "threads": a.threads, "trainLimit": a.train_limit, "testLimit": a.test_limit,
        },
    }))


if __name__ == "__main__":
    main()
