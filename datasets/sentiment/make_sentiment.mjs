#!/usr/bin/env node
// Converts the UCI "Sentiment Labelled Sentences" fixtures shipped in the npm
// package sentiment@5.0.2 into train/validation/test TSV files.
//
// Usage: node make_sentiment.mjs <extracted-package-dir> <output-dir>
//   <extracted-package-dir> is the "package/" directory of the npm tarball.
//
// Output is deterministic: same input => byte-identical files.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";

const [pkgDir, outDir] = process.argv.slice(2);
if (!pkgDir || !outDir) {
  console.error("usage: node make_sentiment.mjs <extracted-package-dir> <output-dir>");
  process.exit(2);
}

const SEED = 20150810; // fixed; changing it changes every split
const SOURCES = ["imdb", "amazon", "yelp"]; // processing order (dedup keeps first)
const LABELS = { 0: "negative", 1: "positive" };
const VAL_FRACTION = 0.1;
const TEST_FRACTION = 0.1;

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

// Only tabs and line terminators become a space (incl. U+0085 NEL, U+2028,
// U+2029, VT, FF); then surrounding whitespace is trimmed. Case, punctuation
// and inner spacing are kept.
const clean = (s) => s.replace(/[\t\n\r\v\f\u0085\u2028\u2029]/g, " ").trim();

const stats = { read: 0, trailingEmpty: 0, empty: 0, duplicates: 0, nelReplaced: 0 };
const dupLog = [];
const seen = new Map(); // text -> {source, index, label}
const groups = new Map(); // "source:label" -> rows, in file order

for (const source of SOURCES) {
  const path = join(pkgDir, "test", "fixtures", `${source}.json`);
  const arr = JSON.parse(readFileSync(path, "utf8"));
  if (!Array.isArray(arr)) throw new Error(`${path}: not an array`);
  const last = arr[arr.length - 1];
  if (last && last.text === "" && last.class == null) {
    arr.pop();
    stats.trailingEmpty++;
  }
  arr.forEach((r, index) => {
    stats.read++;
    if (!(r.class in LABELS)) throw new Error(`${source}[${index}]: bad class ${r.class}`);
    if (typeof r.text !== "string") throw new Error(`${source}[${index}]: text not a string`);
    if (/\u0085/.test(r.text)) stats.nelReplaced++;
    const text = clean(r.text);
    if (text === "") { stats.empty++; return; }
    const label = LABELS[r.class];
    const prev = seen.get(text);
    if (prev) {
      stats.duplicates++;
      if (prev.label !== label) throw new Error(`conflicting labels for duplicate: ${text}`);
      dupLog.push(`${prev.source}[${prev.index}] == ${source}[${index}] (${label}): ${text}`);
      return;
    }
    seen.set(text, { source, index, label });
    const key = `${source}:${label}`;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push({ text, label, source });
  });
}

// Stratified split: each (source, label) group, in fixed order, is shuffled
// and cut into test / validation / train (round(n*0.1) each for test and
// validation, the rest train). Each split is then shuffled once more so that
// sources and labels are interleaved.
const split = { train: [], validation: [], test: [] };
for (const source of SOURCES) {
  for (const label of Object.values(LABELS)) {
    const rows = shuffle([...(groups.get(`${source}:${label}`) ?? [])]);
    const nTest = Math.round(rows.length * TEST_FRACTION);
    const nVal = Math.round(rows.length * VAL_FRACTION);
    split.test.push(...rows.slice(0, nTest));
    split.validation.push(...rows.slice(nTest, nTest + nVal));
    split.train.push(...rows.slice(nTest + nVal));
  }
}
for (const name of ["train", "validation", "test"]) shuffle(split[name]);

// Checks.
const owner = new Map();
for (const [name, rows] of Object.entries(split)) {
  for (const r of rows) {
    if (/[\t\r\n]/.test(r.text)) throw new Error(`tab/newline left in: ${r.text}`);
    if (owner.has(r.text)) throw new Error(`text in ${owner.get(r.text)} and ${name}: ${r.text}`);
    owner.set(r.text, name);
  }
}

mkdirSync(outDir, { recursive: true });
console.log(`seed ${SEED}; read ${stats.read} rows (+${stats.trailingEmpty} trailing empty entries dropped); ` +
  `empty after trim: ${stats.empty}; exact duplicates dropped: ${stats.duplicates}; rows with U+0085 replaced: ${stats.nelReplaced}`);
for (const d of dupLog) console.log(`  dup ${d}`);
for (const name of ["train", "validation", "test"]) {
  const rows = split[name];
  const body = "Text\tLabel\n" + rows.map((r) => `${r.text}\t${r.label}\n`).join("");
  const file = join(outDir, `${name}.tsv`);
  writeFileSync(file, body, "utf8");
  const count = (pred) => rows.filter(pred).length;
  const per = SOURCES.map((s) => `${s} ${count((r) => r.source === s && r.label === "negative")}/${count((r) => r.source === s && r.label === "positive")}`).join(", ");
  console.log(`${name}.tsv: ${rows.length} rows, negative ${count((r) => r.label === "negative")}, ` +
    `positive ${count((r) => r.label === "positive")} (neg/pos by source: ${per}); ` +
    `sha256 ${createHash("sha256").update(body, "utf8").digest("hex")}`);
}

// Per-source tasks: the same split, each source's rows on their own (in the order above), so a model can be trained and
// tested on Amazon, IMDb or Yelp alone without any sentence changing split. No further random draws: the combined
// files above stay byte-identical.
for (const source of SOURCES) {
  mkdirSync(join(outDir, source), { recursive: true });
  for (const name of ["train", "validation", "test"]) {
    const rows = split[name].filter((r) => r.source === source);
    const body = "Text\tLabel\n" + rows.map((r) => `${r.text}\t${r.label}\n`).join("");
    writeFileSync(join(outDir, source, `${name}.tsv`), body, "utf8");
    const count = (label) => rows.filter((r) => r.label === label).length;
    console.log(`${source}/${name}.tsv: ${rows.length} rows, negative ${count("negative")}, positive ${count("positive")}; ` +
      `sha256 ${createHash("sha256").update(body, "utf8").digest("hex")}`);
  }
}
