#!/usr/bin/env python3
"""Reference points for the Moby-Dick character model: what general-purpose compressors spend on the held-out 5 %.

An adaptive compressor is a sequence model that predicts every byte from everything before it. Compressing the first
95 % of the book alone, then the whole book, and taking the difference gives the bits it needs for the last 5 % when it
has read the first 95 % first: the same question examples/TextGeneration answers (bits per character of the held-out
end, given the rest of the book), with the compressor adapting all the way through the held-out text as well (like
dynamic evaluation). Bits are divided by the held-out text's characters (59,515), not its UTF-8 bytes, so the figure
is bits per character like the model's. Container headers cancel in the difference.

Compressors: xz -9e (LZMA), bzip2 -9 (BWT), zstd --ultra -22, 7z PPMd (order 6 and 16, 1 GB model memory: prediction
by partial matching, the classic statistical text compressor) and zpaq -m5 (context mixing, the family of the
strongest text compressors). Install: apt-get install xz-utils bzip2 zstd p7zip-full zpaq. Optionally paq8px -8 (context
mixing with hundreds of models, a word model and secondary estimation; one of the strongest compressors of English
text; not packaged: build it from github.com/hxim/paq8px with cmake and pass --paq8px PATH; about 10 minutes a pass on
one core, and two passes are needed). Nothing here pre-trains on other text (paq8px's dictionary option T is off).

Run: python3 benchmarks/char_compressor_baseline.py [--data datasets/moby-dick/moby-dick.txt] [--paq8px PATH]
(~20 seconds without paq8px)
"""

import argparse
import os
import shutil
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))

# name → command that compresses the file {src} into {dst}
COMPRESSORS = {
    "xz -9e": "xz -9e -k -c {src} > {dst}",
    "bzip2 -9": "bzip2 -9 -k -c {src} > {dst}",
    "zstd --ultra -22": "zstd -q --ultra -22 -c {src} > {dst}",
    "7z PPMd order 6": "7z a -bd -bso0 -t7z -m0=PPMd:o=6:mem=1g {dst} {src}",
    "7z PPMd order 16": "7z a -bd -bso0 -t7z -m0=PPMd:o=16:mem=1g {dst} {src}",
    "zpaq -m5": "zpaq a {dst} {src} -m5 -t1 >/dev/null 2>&1",
}


def compressed_bytes(command, text, work, name):
    src = os.path.join(work, name + ".txt")
    dst = os.path.join(work, name + ".out")
    with open(src, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    if os.path.exists(dst):
        os.remove(dst)
    subprocess.run(command.format(src=src, dst=dst), shell=True, check=True)
    return os.path.getsize(dst)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.path.join(HERE, "..", "datasets", "moby-dick", "moby-dick.txt"))
    parser.add_argument("--paq8px", help="path of a paq8px executable (optional, slow)")
    args = parser.parse_args()
    if args.paq8px:
        COMPRESSORS["paq8px -8"] = args.paq8px + " -8 {src} {dst} >/dev/null 2>&1"
    with open(args.data, encoding="utf-8", newline="") as f:
        text = f.read()
    cut = len(text) - len(text) // 20  # the example's split: the last 5 % of the characters
    held_out = len(text) - cut
    print(f"{len(text):,} characters, held out the last {held_out:,}")
    print("| compressor | first 95 % (bytes) | whole book (bytes) | held-out 5 % given the rest (bits/char) | whole book alone (bits/char) |")
    print("|---|---:|---:|---:|---:|")
    for name, command in COMPRESSORS.items():
        tool = command.split()[0]
        if shutil.which(tool) is None:
            print(f"| {name} | {tool} not installed | | | |")
            continue
        with tempfile.TemporaryDirectory() as work:
            prefix = compressed_bytes(command, text[:cut], work, "prefix")
            whole = compressed_bytes(command, text, work, "whole")
        print(f"| {name} | {prefix:,} | {whole:,} | {8.0 * (whole - prefix) / held_out:.3f} | {8.0 * whole / len(text):.3f} |", flush=True)


if __name__ == "__main__":
    main()
