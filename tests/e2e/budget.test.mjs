// The design brief's size budget: the app (wasm + JS + CSS) under 1 MB gzipped, as a browser
// downloads it. Data (MNIST, the bundled weights) is not counted: only the pages that need it
// load it. Each file is compressed on its own, as a server compresses what it sends.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

import { dist } from './lib/harness.mjs';

const BUDGET = 1_000_000;

test('the app (wasm + JS + CSS) is under 1 MB gzipped', () => {
  const files = readdirSync(dist).filter((f) => ['.wasm', '.js', '.css'].includes(extname(f)));
  assert.ok(files.some((f) => f.endsWith('.wasm')), `no .wasm in ${dist}: run \`trunk build --release\` first`);
  const sizes = files.map((f) => [f, gzipSync(readFileSync(join(dist, f)), { level: 9 }).length]);
  const total = sizes.reduce((sum, [, size]) => sum + size, 0);
  const largest = sizes.sort((a, b) => b[1] - a[1]).slice(0, 3).map(([f, size]) => `${f} ${size}`).join(', ');
  assert.ok(total < BUDGET, `${total} bytes gzipped, over the ${BUDGET} budget (largest: ${largest})`);
});
