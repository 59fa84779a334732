// Browser test of the Trunk release build in dist/: loads the page in headless Chromium, once with
// WebGPU available and once without (the CPU fallback real Firefox and Safari users get), and fails
// on any console error, page error or Rust panic.
//
// Run through `./x test`, which builds dist/ first; by hand: `node --test tests/e2e/*.test.mjs`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'dist');
const artifacts = join(root, 'target', 'e2e-artifacts');

// Browsers only compile wasm streamingly when it is served as application/wasm.
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

// Chromium flags from TOOLCHAIN.md: nothing may reach the network or depend on a desktop session.
const CHROMIUM_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/** Serves dist/ on a free loopback port, so the test needs no `trunk serve`. */
async function serveDist() {
  await stat(join(dist, 'index.html')).catch(() => {
    throw new Error(`${dist}/index.html is missing: run \`trunk build --release\` first`);
  });
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    const file = resolve(dist, `.${path.endsWith('/') ? `${path}index.html` : path}`);
    const info = file.startsWith(dist + sep) ? await stat(file).catch(() => null) : null;
    if (!info?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, url: `http://127.0.0.1:${server.address().port}/` };
}

/** Asserts the locator's text becomes `expected` (a string, or a RegExp to match): Leptos applies
 *  an input's effects asynchronously, so the text is polled for a few seconds first. */
async function expectText(locator, expected, message) {
  const matches = (text) => (expected instanceof RegExp ? expected.test(text) : text === expected);
  const deadline = Date.now() + 5_000;
  let text = await locator.textContent();
  while (!matches(text) && Date.now() < deadline) {
    await new Promise((wake) => setTimeout(wake, 50));
    text = await locator.textContent();
  }
  if (expected instanceof RegExp) assert.match(text, expected, message);
  else assert.equal(text, expected, message);
}

for (const webgpu of [true, false]) {
  const mode = webgpu ? 'webgpu' : 'no-webgpu';

  test(`app loads and computes with the core (${mode})`, { timeout: 120_000 }, async (t) => {
    const { server, url } = await serveDist();
    t.after(() => server.close());
    const userDataDir = await mkdtemp(join(tmpdir(), 'convlab-e2e-'));
    t.after(() => rm(userDataDir, { recursive: true, force: true }));

    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      chromiumSandbox: false,
      args: webgpu ? [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] : CHROMIUM_ARGS,
    });
    t.after(() => context.close());

    const page = context.pages()[0] ?? (await context.newPage());
    // A Rust panic reaches the console through console_error_panic_hook, so it is caught here too.
    const problems = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') problems.push(`console error: ${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
    page.on('response', (res) => {
      if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
    });

    await page.goto(url);
    const output = page.getByTestId('output-size');
    await output.waitFor();

    assert.equal(await page.title(), 'ConvLab');
    await expectText(output, '55 × 55', 'AlexNet conv1 defaults: 227, k11, s4, p0, d1');
    assert.notEqual((await page.getByTestId('gpu-status').textContent()).trim(), '');

    // The harness itself: each mode must really give (or withhold) a WebGPU adapter, or the two
    // runs would test the same thing.
    const hasAdapter = await page.evaluate(async () => !!(await navigator.gpu?.requestAdapter()));
    assert.equal(hasAdapter, webgpu, `WebGPU adapter available: ${hasAdapter}`);

    // The result follows the inputs: stride 4 → 1 gives (227 − 11) / 1 + 1.
    await page.getByLabel('Stride').fill('1');
    await expectText(output, '217 × 217');
    // An impossible configuration shows the core's explanation instead of a size.
    await page.getByLabel('Kernel').fill('300');
    await expectText(output, /kernel is larger than the padded input/);
    await page.getByLabel('Kernel').fill('11');
    await page.getByLabel('Stride').fill('4');
    await expectText(output, '55 × 55');

    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, `app-${mode}.png`), fullPage: true });

    assert.deepEqual(problems, [], 'the page reported problems');
  });
}
