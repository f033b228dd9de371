#!/usr/bin/env bash
# Rebuilds seattle-weather.csv (verbatim from the npm package vega-datasets@3.2.1) and its split by year:
# train.csv (2012-01-01 … 2014-12-31, 1,096 rows) and test.csv (2015-01-01 … 2015-12-31, 365 rows), header kept in each.
#   ./make_weather.sh           write the shipped files next to this script
#   ./make_weather.sh --check   rebuild into a temp dir and compare byte-for-byte with the shipped files
# Needs: npm, node (>= 18), tar, awk.
set -euo pipefail

PKG="vega-datasets@3.2.1"
# dist.integrity of vega-datasets@3.2.1 as published on the npm registry
INTEGRITY="sha512-lTSwZA6yq6qSU2YZm+6bqILiIvTPPxn4itir7jPGFmHIdPvUfQ9pCzzcrklYywMJgLUbaIeSkZQdiJd6wBxPug=="
# sha256 of package/data/seattle-weather.csv inside it
CSV_SHA256="0845078a290b48e3149ab8639966824110a251db4e06fc144c06ebb534af23be"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode="${1:-}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack "$PKG" --silent >/dev/null)
tgz="$tmp/vega-datasets-3.2.1.tgz"
got="sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
if [[ "$got" != "$INTEGRITY" ]]; then
  echo "integrity mismatch for $PKG: $got" >&2
  exit 1
fi
tar xzf "$tgz" -C "$tmp" package/data/seattle-weather.csv
csv="$tmp/package/data/seattle-weather.csv"
if [[ "$(sha256sum "$csv" | cut -d' ' -f1)" != "$CSV_SHA256" ]]; then
  echo "seattle-weather.csv in $PKG is not the expected file" >&2
  exit 1
fi

build() { # $1 = output folder
  mkdir -p "$1"
  cp "$csv" "$1/seattle-weather.csv.tmp" && mv "$1/seattle-weather.csv.tmp" "$1/seattle-weather.csv"
  awk -F, 'NR == 1 || $1 < "2015-01-01"' "$csv" > "$1/train.csv.tmp" && mv "$1/train.csv.tmp" "$1/train.csv"
  awk -F, 'NR == 1 || $1 >= "2015-01-01"' "$csv" > "$1/test.csv.tmp" && mv "$1/test.csv.tmp" "$1/test.csv"
}

case "$mode" in
  --check)
    build "$tmp/out"
    status=0
    for f in seattle-weather.csv train.csv test.csv; do
      if cmp -s "$tmp/out/$f" "$here/$f"; then echo "OK   $f"; else echo "DIFF $f"; status=1; fi
    done
    exit $status
    ;;
  "")
    build "$here"
    ;;
  *)
    echo "usage: $0 [--check]" >&2
    exit 2
    ;;
esac
