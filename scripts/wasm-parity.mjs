#!/usr/bin/env node
// The browser's decoder gives the command line's document: for every dev report
// (../shared/eval/dev/*/paste.txt), every library report (reports/*/paste.txt), every regression
// case (crates/errdecode-core/tests/cases/*/paste.txt), the seed pastes and the examples, the
// module built for Node (`bash scripts/build-wasm.sh` writes target/wasm/node) decodes the file's
// bytes at a fixed time, and `errdecode decode --format json --now TIME` decodes the same file;
// the two documents must be equal, byte for byte.
//
//   node scripts/wasm-parity.mjs [--bin target/release/errdecode] [--module target/wasm/node]
//
// Exit code 0 when every document matches, 1 otherwise (the first difference of each is shown).
import { createRequire } from "node:module";
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : fallback;
};
const bin = path.resolve(root, option("--bin", "target/release/errdecode"));
const moduleDir = path.resolve(root, option("--module", "target/wasm/node"));
// 2025-11-20T11:42:08Z: a fixed time, so that live-token warnings do not depend on the day.
const NOW = 1763638928;

const require = createRequire(import.meta.url);
const wasm = require(path.join(moduleDir, "errdecode_wasm.js"));

function pastes(dir, leaf) {
  if (!existsSync(dir)) {
    return [];
  }
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(dir, entry.name, leaf))
    .filter((file) => existsSync(file))
    .sort();
}

function files(dir) {
  return existsSync(dir)
    ? readdirSync(dir).filter((name) => name.endsWith(".txt")).map((name) => path.join(dir, name)).sort()
    : [];
}

const sets = [
  ["dev reports", pastes(path.resolve(root, "../shared/eval/dev"), "paste.txt")],
  ["library reports", pastes(path.join(root, "reports"), "paste.txt")],
  ["regression cases", pastes(path.join(root, "crates/errdecode-core/tests/cases"), "paste.txt")],
  ["seeds and examples", [...files(path.join(root, "fixtures/seeds")), ...files(path.join(root, "examples"))]],
];

function cli(file) {
  try {
    return execFileSync(bin, ["decode", "--format", "json", "--now", String(NOW), file], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (error) {
    // Exit code 1: not recognised with confidence, the document is printed all the same.
    if (error.status === 1 && error.stdout) {
      return error.stdout;
    }
    throw error;
  }
}

function firstDifference(a, b) {
  const left = a.split("\n");
  const right = b.split("\n");
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    if (left[i] !== right[i]) {
      return `line ${i + 1}:\n    cli:  ${left[i]}\n    wasm: ${right[i]}`;
    }
  }
  return "(none)";
}

const started = Date.now();
let compared = 0;
let failed = 0;
for (const [name, list] of sets) {
  let same = 0;
  for (const file of list) {
    const expected = cli(file);
    const actual = wasm.decode_bytes(readFileSync(file), NOW);
    compared++;
    if (expected === actual) {
      same++;
    } else {
      failed++;
      console.log(`DIFFERENT ${path.relative(root, file)}: ${firstDifference(expected, actual)}`);
    }
  }
  console.log(`${name}: ${same}/${list.length} documents equal`);
}
if (compared === 0) {
  console.log("no paste found");
  process.exit(1);
}
console.log(`${compared - failed}/${compared} equal in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed === 0 ? 0 : 1);
