#!/usr/bin/env bash
# Rebuilds train.tsv, validation.tsv and test.tsv (and the same split per source under imdb/, amazon/, yelp/)
# from the npm package sentiment@5.0.2.
#   ./make_sentiment.sh            write the files next to this script
#   ./make_sentiment.sh --check    rebuild into a temp dir and compare byte-for-byte
# Needs: npm, node (>= 18), tar.
set -euo pipefail

PKG="sentiment@5.0.2"
# dist.integrity of sentiment@5.0.2 as published on registry.npmjs.org
INTEGRITY="sha512-ZeC3y0JsOYTdwujt5uOd7ILJNilbgFzUtg/LEG4wUv43LayFNLZ28ec8+Su+h3saHlJmIwYxBzfDHHZuiMA15g=="

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
check=0
[[ "${1:-}" == "--check" ]] && check=1

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack "$PKG" --silent >/dev/null)
tgz="$tmp/sentiment-5.0.2.tgz"
got="sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
if [[ "$got" != "$INTEGRITY" ]]; then
  echo "integrity mismatch for $PKG: $got" >&2
  exit 1
fi
tar xzf "$tgz" -C "$tmp"

if (( check )); then
  node "$here/make_sentiment.mjs" "$tmp/package" "$tmp/out"
  status=0
  for f in train.tsv validation.tsv test.tsv {imdb,amazon,yelp}/{train,validation,test}.tsv; do
    if cmp -s "$tmp/out/$f" "$here/$f"; then echo "OK   $f"; else echo "DIFF $f"; status=1; fi
  done
  exit $status
else
  node "$here/make_sentiment.mjs" "$tmp/package" "$here"
fi
