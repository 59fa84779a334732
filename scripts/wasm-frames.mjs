// Names the `wasm-function[N]` frames of a stack trace from the release build, such as a Rust
// panic's stack in a browser test's failure:
//
//   node scripts/wasm-frames.mjs 3657 11341 506
//
// The release wasm in dist/ has no names (wasm-opt drops them, and they would double its size),
// so a trace shows only function indices. wasm-bindgen's output before wasm-opt still has them
// (target/wasm-bindgen/<profile>/convlab-app_bg.wasm). Optimizing that again at the level
// index.html gives Trunk, but keeping the names (-g), gives the same functions at the same
// indices; this script checks that every function body matches dist/'s before it names any.
//
// The trace must come from the same build: its glue is `convlab-app-<hash>.js`, the hash this
// script prints. Rebuild that commit with `trunk build --release` first if it is not.

import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const indices = process.argv.slice(2).map((a) => Number(a.match(/\d+/)?.[0]));
if (!indices.length || indices.some((i) => !Number.isInteger(i))) {
  console.error('usage: node scripts/wasm-frames.mjs N... (the numbers of wasm-function[N] in a trace)');
  process.exit(2);
}

/** The one file in `dir` whose name ends with `suffix`. */
function only(dir, suffix) {
  const found = readdirSync(dir).filter((f) => f.endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one *${suffix} in ${dir}, found ${found.length}: run trunk build --release`);
  return join(dir, found[0]);
}

/** A module's imported function count, function bodies (bytes) and function names by index. */
function parse(file) {
  const bytes = readFileSync(file);
  let at = 8; // after the magic number and the version
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const b = bytes[at++];
      value += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return value;
    }
  };
  const name = () => {
    const length = leb();
    at += length;
    return bytes.toString('utf8', at - length, at);
  };
  const module = { imported: 0, bodies: [], names: new Map() };
  while (at < bytes.length) {
    const id = bytes[at++];
    const end = leb() + at;
    if (id === 2) {
      // Imports: only functions take indices before the module's own functions.
      for (let n = leb(); n > 0; n--) {
        name();
        name();
        const kind = bytes[at++];
        if (kind === 0) {
          leb();
          module.imported++;
        } else if (kind === 1 || kind === 2) {
          if (kind === 1) at++; // a table's element type
          const flags = leb();
          leb();
          if (flags & 1) leb();
        } else if (kind === 3) {
          at += 2; // a global's value type and mutability
        } else {
          throw new Error(`${file}: import kind ${kind} is not handled`);
        }
      }
    } else if (id === 10) {
      for (let n = leb(); n > 0; n--) {
        const size = leb();
        module.bodies.push(bytes.subarray(at, at + size));
        at += size;
      }
    } else if (id === 0 && name() === 'name') {
      while (at < end) {
        const sub = bytes[at++];
        const subEnd = leb() + at;
        if (sub === 1) for (let n = leb(); n > 0; n--) module.names.set(leb(), name());
        at = subEnd;
      }
    }
    at = end;
  }
  return module;
}

const released = only(join(root, 'dist'), '_bg.wasm');
const shipped = parse(released);
const level = readFileSync(join(root, 'index.html'), 'utf8').match(/data-wasm-opt="(\w+)"/)?.[1];
if (!level) throw new Error('index.html gives Trunk no data-wasm-opt level');

/** wasm-bindgen's output of `profile` optimized with names kept, if it is dist/'s wasm. */
function renamed(profile) {
  const named = join(root, 'target', 'wasm-frames.wasm');
  const unoptimized = join(root, 'target', 'wasm-bindgen', profile, 'convlab-app_bg.wasm');
  execFileSync(join(root, 'node_modules', '.bin', 'wasm-opt'), [`-O${level}`, '-g', unoptimized, '-o', named]);
  const module = parse(named);
  const same =
    shipped.imported === module.imported &&
    shipped.bodies.length === module.bodies.length &&
    shipped.bodies.every((body, i) => body.equals(module.bodies[i]));
  return same ? module : null;
}

const withNames = readdirSync(join(root, 'target', 'wasm-bindgen')).map(renamed).find(Boolean);
if (!withNames) {
  console.error(`${released} was not optimized from target/wasm-bindgen/*/: run trunk build --release, then this again`);
  process.exit(1);
}
console.log(`build: ${readdirSync(join(root, 'dist')).find((f) => /^convlab-app-\w+\.js$/.test(f))}`);
for (const i of indices) console.log(`wasm-function[${i}]  ${withNames.names.get(i) ?? '(an import or no such function)'}`);
