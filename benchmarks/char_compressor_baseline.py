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

import moby_dick

# name → command that compresses the file {src} into {dst}
COMPRESSORS = {
    "xz -9e": "xz -9e -k -c {src} > {dst}",
    "bzip2 -9": "bzip2 -9 -k -c {src} > {dst}",
    "zstd --ultra -22": "zstd -q --ultra -22 -c {src} > {dst}",
    "7z PPMd order 6": "7z a -bd -bso0 -t7z -m0=PPMd:o=6:mem=1g {dst} {src}",
    "7z PPMd order 16": "7z a -bd -bso0 -t7z -m0=PPMd:o=16:mem=1g {dst} {src}",
    "zpaq -m5": "zpaq a {dst} {src} -m5 -t1 >/dev/null 2>&1",
}


def write(work, name, text):
    """Writes text to work/name/book.txt: both inputs have the same file name, so archive headers that store it cancel."""
    os.makedirs(os.path.join(work, name))
    path = os.path.join(work, name, "book.txt")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    return path


def compressed_bytes(command, src, dst):
    subprocess.run(command.format(src=src, dst=dst), shell=True, check=True)
    return os.path.getsize(dst)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=moby_dick.DATA)
    parser.add_argument("--paq8px", help="path of a paq8px executable (optional, slow)")
    args = parser.parse_args()
    if args.paq8px:
        COMPRESSORS["paq8px -8"] = args.paq8px + " -8 {src} {dst} >/dev/null 2>&1"
    text = moby_dick.read(args.data)
    cut = moby_dick.held_out_start(text)
    held_out = len(text) - cut
    print(f"{len(text):,} characters, held out the last {held_out:,}")
    print("| compressor | first 95 % (bytes) | whole book (bytes) | held-out 5 % given the rest (bits/char) | whole book alone (bits/char) |")
    print("|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as work:
        prefix_text, whole_text = write(work, "prefix", text[:cut]), write(work, "whole", text)
        for number, (name, command) in enumerate(COMPRESSORS.items()):
            tool = command.split()[0]
            if shutil.which(tool) is None:
                print(f"| {name} | {tool} not installed | | | |")
                continue
            # a fresh output name per compressor: 7z and zpaq add to an archive that already exists
            prefix = compressed_bytes(command, prefix_text, os.path.join(work, f"prefix{number}.out"))
            whole = compressed_bytes(command, whole_text, os.path.join(work, f"whole{number}.out"))
            print(f"| {name} | {prefix:,} | {whole:,} | {8.0 * (whole - prefix) / held_out:.3f} | {8.0 * whole / len(text):.3f} |", flush=True)


if __name__ == "__main__":
    main()
