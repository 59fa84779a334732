// The browser tests' shared harness: a static server for the release build in dist/, the browsers
// (Chromium through playwright-core, with and without WebGPU; Firefox ESR and WebKitGTK through
// WebDriver), one page API over all of them, problem collectors (console errors, page errors,
// HTTP >= 400, Rust panics), polling assertions and screenshots.
//
// A test file calls `eachBrowser(name, (b) => { test(...) })`: the same tests, in every browser,
// each browser launched once per file. `E2E_BROWSERS=firefox,webkit` runs a subset (names below).

import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve, sep } from 'node:path';
import { after, afterEach, before, describe } from 'node:test';
import { fileURLToPath } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { chromium } from 'playwright-core';

import { startDriver } from './webdriver.mjs';

export const root = fileURLToPath(new URL('../../..', import.meta.url));
// E2E_DIST tests another build of the app (e.g. `trunk build --release --dist /tmp/d` while others rebuild dist/).
export const dist = resolve(process.env.E2E_DIST || join(root, 'dist'));
export const artifacts = join(root, 'target', 'e2e-artifacts');

/** Every browser configuration; each test file runs its tests in each. */
export const BROWSERS = [
  // Chromium twice: the GPU path, and the CPU fallback that browsers without WebGPU take.
  { name: 'chromium-webgpu', engine: 'chromium', webgpu: true },
  { name: 'chromium-no-webgpu', engine: 'chromium', webgpu: false },
  // Real users' Firefox and Safari, where WebGPU is usually missing: the CPU path.
  { name: 'firefox', engine: 'firefox', webgpu: false },
  { name: 'webkit', engine: 'webkit', webgpu: false },
];

/** How long a polled assertion waits for the page to get there: results computed on WebGPU
 *  (SwiftShader, a GPU emulated on the CPU) take seconds while the page compiles its shaders. */
const POLL_MS = 15_000;
/** How long an element may be missing: pages render their elements at once (values come later). */
const MISSING_MS = 3_000;
/** How long the first load may take (wasm compile, WebGPU probe). */
const LOAD_MS = 30_000;

const sleep = (ms) => new Promise((wake) => setTimeout(wake, ms));

// ---------------------------------------------------------------------------------------------
// The static server

// Browsers only compile wasm streamingly when it is served as application/wasm.
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.bin': 'application/octet-stream',
  '.webmanifest': 'application/manifest+json',
};

// Put first in index.html's <head>, so it runs before the app in every browser: records long tasks
// (see below) and collects what Playwright's console / pageerror events see in Chromium, for the
// browsers driven over WebDriver (where the W3C protocol has no console log). A Rust panic reaches
// console.error through console_error_panic_hook, so it lands here too.
const ERROR_COLLECTOR = `<script>(() => {
  const errors = (window.__convlabErrors = []);
  const show = (v) => {
    if (v instanceof Error) return v.stack && !v.stack.includes(v.message) ? v.message + '\\n' + v.stack : String(v.stack || v);
    if (typeof v === 'string') return v;
    try { return JSON.stringify(v); } catch { return String(v); }
  };
  const consoleError = console.error;
  console.error = function (...args) {
    errors.push('console error: ' + args.map(show).join(' '));
    return consoleError.apply(this, args);
  };
  addEventListener('error', (e) => {
    const el = e.target;
    errors.push(el && el !== window
      ? 'failed to load: <' + el.localName + '> ' + (el.src || el.href || '')
      : 'page error: ' + e.message + ' (' + e.filename + ':' + e.lineno + ')');
  }, true);
  addEventListener('unhandledrejection', (e) => errors.push('unhandled rejection: ' + show(e.reason)));
  // Main-thread tasks over 50 ms, as the Long Tasks API reports them (Chromium has it; Firefox and
  // WebKit do not, and leave window.__convlabLongTasks undefined): [start, duration] in ms.
  if (PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
    const long = (window.__convlabLongTasks = []);
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) long.push([Math.round(e.startTime), Math.round(e.duration)]);
    }).observe({ type: 'longtask', buffered: true });
  }
})();</script>`;

/**
 * Serves dist/ on a free loopback port, so the tests need no `trunk serve`; index.html gets the
 * error collector. Every response with a status >= 400 is recorded in `httpErrors`.
 */
export async function serveDist() {
  await stat(join(dist, 'index.html')).catch(() => {
    throw new Error(`${dist}/index.html is missing: run \`trunk build --release\` first`);
  });
  const httpErrors = [];
  const server = createServer(async (req, res) => {
    const fail = (status) => {
      httpErrors.push(`HTTP ${status}: ${req.method} ${req.url}`);
      res.writeHead(status).end();
    };
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      return fail(400);
    }
    const file = resolve(dist, `.${path.endsWith('/') ? `${path}index.html` : path}`);
    const info = file.startsWith(dist + sep) ? await stat(file).catch(() => null) : null;
    if (!info?.isFile()) return fail(404);
    const headers = { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' };
    if (file === join(dist, 'index.html')) {
      const html = await readFile(file, 'utf8');
      res.writeHead(200, headers).end(html.replace(/<head>/i, (head) => head + ERROR_COLLECTOR));
      return;
    }
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    httpErrors,
    close: () => new Promise((ok) => server.close(ok)),
  };
}

// ---------------------------------------------------------------------------------------------
// One page API over Playwright and WebDriver

/**
 * A browser with the app open in one tab. Subclasses supply the primitives (navigation, script,
 * input, screenshots); everything a test reads goes through `evaluate`, so it is the same DOM
 * query in every browser.
 */
class AppPage {
  constructor(spec, server) {
    this.spec = spec;
    this.name = spec.name;
    this.server = server;
    this.found = [];
    this.adapterChecked = false;
  }

  /**
   * Loads the app at `query` (e.g. `?page=pooling&c=2`) as a fresh document and waits until it
   * has chosen what computes (the badge no longer says it is probing). Unless `backend=cpu` is in
   * the query, the badge must match the browser: WebGPU with an adapter name, or CPU with a reason.
   */
  async open(query) {
    await this.collect(); // What the previous document reported, before it goes.
    await this.goto(new URL(query, this.server.url).href);
    const badge = await until(
      async () => {
        // A page that failed to start (a wasm that does not load, a panic) fails at once.
        const early = await this.peekProblems();
        if (early.length) throw new Fatal(`${this.name}: ${query} reported problems while loading:\n  ${early.join('\n  ')}`);
        return this.evaluate(() => {
          const el = document.querySelector('[data-testid=gpu-status]');
          if (!el) return null;
          const why = el.querySelector('[data-testid=gpu-why]');
          if (why) return { kind: 'cpu', text: el.textContent.trim(), why: why.textContent.trim() };
          return /^WebGPU · \S/.test(el.textContent.trim()) ? { kind: 'gpu', text: el.textContent.trim() } : null;
        });
      },
      { timeout: LOAD_MS, what: `the app to load ${query} and its gpu-status badge to stop probing`, page: this },
    );
    if (!this.adapterChecked) {
      // The harness itself: each configuration must really have (or lack) a WebGPU adapter, or the
      // runs with and without WebGPU would test the same thing.
      const hasAdapter = await this.evaluate(async () => !!(await navigator.gpu?.requestAdapter()));
      assert.equal(hasAdapter, this.spec.webgpu, `${this.name}: navigator.gpu.requestAdapter() gave an adapter: ${hasAdapter}`);
      this.adapterChecked = true;
    }
    const forcedCpu = new URLSearchParams(new URL(query, this.server.url).search).get('backend') === 'cpu';
    if (this.spec.webgpu && !forcedCpu) {
      assert.equal(badge.kind, 'gpu', `${this.name}: the badge should name the WebGPU adapter, says "${badge.text}"`);
    } else {
      assert.equal(badge.kind, 'cpu', `${this.name}: the badge should say CPU, says "${badge.text}"`);
      assert.match(badge.text, /^CPU\b/, 'the CPU badge starts with "CPU"');
      assert.match(badge.why, /\S/, 'the CPU badge gives a reason');
    }
    return badge;
  }

  /** Moves the keyboard focus to the element matching `css` (as Tab would arrive there). */
  async focus(css) {
    await this.present(css);
    await this.evaluate((sel) => document.querySelector(sel).focus(), css);
  }

  /** Where the keyboard focus is: the focused element's `data-row`, `data-col` and `data-testid`s up its tree. */
  focused() {
    return this.evaluate(() => {
      const el = document.activeElement;
      return { row: el?.dataset.row, col: el?.dataset.col, within: el?.closest('[data-testid]')?.dataset.testid };
    });
  }

  /**
   * Waits until an element matches `css`: a large lesson builds its parts a task or two after it
   * opens (Playwright's own actions wait for their element; these, run in the page, do not).
   */
  async present(css) {
    const start = Date.now();
    while (!(await this.evaluate((sel) => document.querySelector(sel) !== null, css))) {
      if (Date.now() - start > MISSING_MS) throw new Error(`no element ${css}`);
      await sleep(50);
    }
  }

  /**
   * Gives the file input `css` these files, as a user picking them would, and fires its `change`
   * event: `files` is a list of `{ name, bytes, type }` (bytes a Uint8Array or Buffer; type, the
   * MIME type a browser would give, optional). Same in every browser: the files are built in the
   * page (WebDriver's file upload differs between drivers).
   */
  async upload(css, files) {
    const encoded = files.map(({ name, bytes, type = '' }) => ({ name, type, base64: Buffer.from(bytes).toString('base64') }));
    await this.present(css);
    return this.evaluate((sel, list) => {
      const input = document.querySelector(sel);
      if (!input) throw new Error(`no element ${sel}`);
      const transfer = new DataTransfer();
      for (const { name, type, base64 } of list) {
        transfer.items.add(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name, { type }));
      }
      input.files = transfer.files;
      input.dispatchEvent(new Event('change', { bubbles: true }));
      return true;
    }, css, encoded);
  }

  /**
   * Draws one stroke with a pen on the element `css`: pointer down at the first point, moves
   * through the others, up at the last. Points are fractions of the element's box ([0.5, 0.2] is
   * the middle, a fifth down). Pointer events are dispatched in the page, the same in every browser.
   */
  async stroke(css, points) {
    await this.present(css);
    return this.evaluate((sel, pts) => {
      const el = document.querySelector(sel);
      if (!el) throw new Error(`no element ${sel}`);
      el.scrollIntoView({ block: 'center' });
      const box = el.getBoundingClientRect();
      const fire = (type, [fx, fy]) =>
        el.dispatchEvent(
          new PointerEvent(type, {
            bubbles: true,
            cancelable: true,
            pointerId: 1,
            pointerType: 'pen',
            isPrimary: true,
            buttons: type === 'pointerup' ? 0 : 1,
            clientX: box.left + fx * box.width,
            clientY: box.top + fy * box.height,
          }),
        );
      fire('pointerdown', pts[0]);
      for (const p of pts.slice(1)) fire('pointermove', p);
      fire('pointerup', pts[pts.length - 1]);
      return true;
    }, css, points);
  }

  /** textContent of `[data-testid=testid]`, or null when there is none. */
  text(testid) {
    return this.evaluate((id) => document.querySelector(`[data-testid="${id}"]`)?.textContent ?? null, testid);
  }

  /** The `value` of the form control `[data-testid=testid]`, or null. */
  value(testid) {
    return this.evaluate((id) => document.querySelector(`[data-testid="${id}"]`)?.value ?? null, testid);
  }

  /** The texts (an <input>'s value) of the elements with class `cell` inside the grid, in order; null when there is no grid. */
  cells(testid) {
    return this.evaluate((id) => {
      const grid = document.querySelector(`[data-testid="${id}"]`);
      if (!grid) return null;
      return [...grid.querySelectorAll('.cell')].map((c) => (c.localName === 'input' ? c.value : c.textContent).trim());
    }, testid);
  }

  /** The address bar's query string as an object. */
  async query() {
    return Object.fromEntries(new URLSearchParams(await this.evaluate(() => location.search)));
  }

  /** Whether an element matches the CSS selector. */
  exists(css) {
    return this.evaluate((sel) => !!document.querySelector(sel), css);
  }

  /** Problems since the last call (console errors, page errors, HTTP >= 400, panics), cleared. */
  async problems() {
    await this.collect();
    return this.found.splice(0);
  }

  /** The problems so far, left in place for `assertNoProblems` (for failure messages). */
  async peekProblems() {
    await this.collect();
    return [...this.found];
  }

  /** Fails the test with every problem the page reported since the last check. */
  async assertNoProblems(context = '') {
    assert.deepEqual(await this.problems(), [], `${this.name}${context ? ` (${context})` : ''}: the page reported problems`);
  }

  /** Moves what the page and server reported into `found`. */
  async collect() {
    const fromPage = await this.evaluate(() => {
      const errors = (window.__convlabErrors ?? []).splice(0);
      // A panic that reached the page's text (an error boundary) rather than the console; once per document.
      if (!window.__convlabPanicText && document.body && /panicked at/.test(document.body.innerText)) {
        window.__convlabPanicText = true;
        errors.push('panic text on the page');
      }
      return errors;
    }).catch(() => []); // No document yet (about:blank before the first load).
    this.found.push(...this.pageProblems(fromPage));
  }

  /** Saves a PNG of the page to target/e2e-artifacts/<browser>/<name>.png (after two frames, so it is painted). */
  async shot(name) {
    await this.evaluate(() => new Promise((ok) => requestAnimationFrame(() => requestAnimationFrame(() => ok(true)))));
    const dir = join(artifacts, this.name);
    await mkdir(dir, { recursive: true });
    const path = join(dir, `${name}.png`);
    await writeFile(path, await this.screenshot());
    return path;
  }
}

// Chromium flags from TOOLCHAIN.md: nothing may reach the network or depend on a desktop session.
const CHROMIUM_ARGS = [
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
  // A camera for the Image kernels lesson: Chromium's test pattern, allowed without asking.
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
];

class ChromiumPage extends AppPage {
  static async launch(spec, server) {
    const self = new ChromiumPage(spec, server);
    self.userDataDir = await mkdtemp(join(tmpdir(), 'convlab-e2e-chromium-'));
    self.context = await chromium.launchPersistentContext(self.userDataDir, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      chromiumSandbox: false,
      viewport: { width: 1280, height: 900 },
      args: spec.webgpu ? [...CHROMIUM_ARGS, '--enable-unsafe-webgpu'] : CHROMIUM_ARGS,
    });
    const page = self.context.pages()[0] ?? (await self.context.newPage());
    page.setDefaultTimeout(10_000);
    page.on('console', (msg) => {
      if (msg.type() === 'error') self.events.push(`console error: ${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (err) => self.events.push(`page error: ${err.message}`));
    page.on('response', (res) => {
      if (res.status() >= 400) self.events.push(`HTTP ${res.status()}: ${res.url()}`);
    });
    page.on('crash', () => self.events.push('the page crashed'));
    self.page = page;
    return self;
  }

  constructor(spec, server) {
    super(spec, server);
    this.events = [];
  }

  // Playwright's events see more than the in-page collector (they include what the browser
  // itself logs), so they are the record here; the server's list would repeat its HTTP errors.
  pageProblems(fromPage) {
    this.server.httpErrors.splice(0);
    const panics = fromPage.filter((p) => p === 'panic text on the page');
    return [...this.events.splice(0), ...panics];
  }

  goto(url) {
    return this.page.goto(url);
  }

  /** Switches the browser's network off (`true`) or on: what a classroom without Wi-Fi sees. */
  setOffline(offline) {
    return this.context.setOffline(offline);
  }

  evaluate(fn, ...args) {
    return this.page.evaluate(`(${fn})(...${JSON.stringify(args)})`);
  }

  /**
   * Clicks `css`. Playwright waits for an element that is not `aria-disabled`; `{ anyway: true }`
   * clicks one that is (a locked control: a user's click still reaches it). WebDriver always does.
   */
  click(css, { anyway = false } = {}) {
    return this.page.click(css, { force: anyway });
  }

  hover(css) {
    return this.page.hover(css);
  }

  fill(css, value) {
    return this.page.fill(css, String(value));
  }

  select(css, value) {
    return this.page.selectOption(css, value);
  }

  /** Presses a key (`ArrowRight`, `Enter`, ` `...) where the focus is. */
  press(key) {
    return this.page.keyboard.press(key);
  }

  back() {
    return this.page.goBack();
  }

  screenshot() {
    return this.page.screenshot({ fullPage: true });
  }

  async close() {
    await this.context?.close();
    await rm(this.userDataDir, { recursive: true, force: true });
  }
}

const MINIBROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

class WebDriverPage extends AppPage {
  static async launch(spec, server) {
    const self = new WebDriverPage(spec, server);
    await self.startBrowser();
    return self;
  }

  /**
   * Opens `query`; should the browser's process end under it (the driver then answers "invalid
   * session id": WebKitGTK's MiniBrowser did so once in CI, on a page that loads in every run
   * here), the crash and the driver's log are printed, the browser is started again, and the
   * page is opened once more. A page that ends the browser twice fails.
   */
  async open(query) {
    try {
      return await super.open(query);
    } catch (err) {
      const lost = err.error === 'invalid session id' || /invalid session id/.test(err.message);
      if (!lost) throw err;
      console.error(`# ${this.name}: the browser's process ended while opening ${query}; started again.\n# driver log:\n${(err.driverLog ?? this.driver.log()).replace(/^/gm, '#   ')}`);
      await this.driver.close();
      this.adapterChecked = false;
      await this.startBrowser();
      return super.open(query);
    }
  }

  async startBrowser() {
    const { spec } = this;
    const self = this;
    if (spec.engine === 'firefox') {
      self.driver = await startDriver(['geckodriver', '--host', '127.0.0.1'], (port) => ['--port', String(port)]);
      self.session = await self.driver.session({
        browserName: 'firefox',
        'moz:firefoxOptions': {
          binary: '/usr/bin/firefox-esr',
          args: ['-headless', '-width', '1280', '-height', '900'],
          // A camera for the Image kernels lesson: Firefox's test pattern, allowed without asking.
          prefs: { 'media.navigator.streams.fake': true, 'media.navigator.permission.disabled': true },
        },
      });
    } else {
      // WebKitGTK has no headless mode: a virtual X server per run (-a: the first free display).
      self.driver = await startDriver(
        ['xvfb-run', '-a', '-s', '-screen 0 1280x1600x24', 'WebKitWebDriver', '--host=127.0.0.1'],
        (port) => [`--port=${port}`],
      );
      self.session = await self.driver.session({
        browserName: 'MiniBrowser',
        // `--automation` must be among the args whenever args are given.
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
      });
      // WebDriver screenshots only show the viewport here: make it tall enough for a lesson.
      await self.session.setWindowRect({ width: 1280, height: 1600 });
    }
  }

  // The server's record of HTTP errors, and what the in-page collector saw.
  pageProblems(fromPage) {
    return [...this.server.httpErrors.splice(0), ...fromPage];
  }

  goto(url) {
    return this.session.navigate(url);
  }

  evaluate(fn, ...args) {
    return this.session.execute(fn, ...args);
  }

  click(css) {
    return this.session.click(css);
  }

  // A pointer move must land inside the viewport (WebDriver does not scroll for it, as a click does).
  async hover(css) {
    await this.evaluate((sel) => document.querySelector(sel)?.scrollIntoView({ block: 'center' }), css);
    await this.session.hover(css);
  }

  press(key) {
    return this.session.press(key);
  }

  async fill(css, value) {
    await this.session.clear(css);
    await this.session.type(css, String(value));
  }

  // Choosing the <option> as a user would: WebDriver's click on an option selects it and fires
  // input and change on the <select>.
  select(css, value) {
    return this.session.click(`${css} option[value="${value}"]`);
  }

  back() {
    return this.session.back();
  }

  screenshot() {
    return this.session.screenshot({ full: this.spec.engine === 'firefox' });
  }

  async close() {
    await this.session?.delete().catch(() => {});
    await this.driver?.close();
  }
}

/** Starts the browser of `spec` with its own server for dist/ (so HTTP errors are its own). */
export async function launch(spec) {
  const server = await serveDist();
  try {
    const page = await (spec.engine === 'chromium' ? ChromiumPage : WebDriverPage).launch(spec, server);
    const close = page.close.bind(page);
    page.close = async () => {
      await close();
      await server.close();
    };
    return page;
  } catch (err) {
    await server.close();
    throw err;
  }
}

/** The configurations to run: all, or those named in E2E_BROWSERS (comma-separated). */
export function selectedBrowsers() {
  const wanted = process.env.E2E_BROWSERS?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!wanted?.length) return BROWSERS;
  const unknown = wanted.filter((w) => !BROWSERS.some((b) => b.name === w));
  if (unknown.length) throw new Error(`E2E_BROWSERS: unknown ${unknown.join(', ')}; known: ${BROWSERS.map((b) => b.name).join(', ')}`);
  return BROWSERS.filter((b) => wanted.includes(b.name));
}

/**
 * Declares the same tests for every browser: `body(b)` calls `test(...)` and reads `b.page`, the
 * browser launched once (before the first test) for the whole group. Every configuration gets the
 * same tests, so the counts with and without WebGPU are equal by construction. After each test,
 * any problem the page reported fails it.
 */
export function eachBrowser(title, body) {
  for (const spec of selectedBrowsers()) {
    describe(`${title} [${spec.name}]`, { timeout: 180_000 }, () => {
      const b = { spec, page: null };
      before(async () => {
        b.page = await launch(spec);
      });
      after(async () => {
        await b.page?.close();
      });
      // Every test ends by failing on what the page reported: console errors, page errors, HTTP >= 400, panics.
      afterEach(async () => {
        if (b.page) await b.page.assertNoProblems('at the end of the test');
      });
      body(b);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Polling assertions: Leptos applies state changes asynchronously, and results computed on the
// GPU arrive later still, so what a test expects is polled until it holds or time runs out.

/** An error that ends polling at once. */
class Fatal extends Error {}

/** Polls `probe` until it returns something other than null/undefined/false, and returns it. */
export async function until(probe, { timeout = POLL_MS, what = 'a condition', page } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last !== null && last !== undefined && last !== false) return last;
    } catch (err) {
      // A browser that is gone does not come back by waiting.
      if (err instanceof Fatal || err.error === 'invalid session id') throw err;
      last = err;
    }
    if (Date.now() > deadline) {
      const problems = page ? await page.peekProblems().catch(() => []) : [];
      throw new Error(
        `timed out after ${timeout} ms waiting for ${what}` +
          (last instanceof Error ? `; last error: ${last.message}` : '') +
          (problems.length ? `\npage problems:\n  ${problems.join('\n  ')}` : ''),
      );
    }
    await sleep(50);
  }
}

/**
 * Polls a value read from the page until `check(value)` passes (an assertion), then returns it.
 * `read` gives null while the element is missing, which fails sooner than a wrong value.
 */
async function pollAssert(read, check, page) {
  const start = Date.now();
  for (;;) {
    const value = await read();
    try {
      check(value);
      return value;
    } catch (err) {
      const waited = Date.now() - start;
      if (waited > POLL_MS || (value === null && waited > MISSING_MS)) {
        const problems = await page.peekProblems().catch(() => []);
        if (problems.length) err.message += `\n${page.name}: page problems:\n  ${problems.join('\n  ')}`;
        throw err;
      }
    }
    await sleep(50);
  }
}

const label = (page, what, message) => `${page.name}: ${what}${message ? ` (${message})` : ''}`;

/** Asserts the text of `[data-testid=testid]` becomes `expected` (a string, or a RegExp to match). */
export function expectText(page, testid, expected, message) {
  return pollAssert(
    () => page.text(testid),
    (text) => {
      assert.notEqual(text, null, label(page, `no element [data-testid=${testid}]`, message));
      if (expected instanceof RegExp) assert.match(text, expected, label(page, testid, message));
      else assert.equal(text.trim(), expected, label(page, testid, message));
    },
    page,
  );
}

/** Asserts the value of the control `[data-testid=testid]` becomes `expected`. */
export function expectValue(page, testid, expected, message) {
  return pollAssert(
    () => page.value(testid),
    (value) => assert.equal(value, String(expected), label(page, testid, message)),
    page,
  );
}

/** The texts of a grid's cells (see `AppPage.cells`). */
export function cellTexts(page, testid) {
  return page.cells(testid);
}

/**
 * Clicks `css` and returns the file the page then offers for download, `{ name, bytes }`: the
 * page's link click is intercepted and its Blob read back, the same in every browser.
 */
export async function downloadOf(page, css) {
  await page.evaluate(() => {
    window.__downloads = [];
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function () {
      if (!this.download) return click.call(this);
      const name = this.download;
      window.__downloads.push(
        fetch(this.href)
          .then((r) => r.arrayBuffer())
          .then((b) => ({ name, bytes: [...new Uint8Array(b)] })),
      );
    };
  });
  await page.click(css);
  const file = await until(
    () => page.evaluate(async () => (window.__downloads.length ? await window.__downloads[0] : null)),
    { what: `the file offered by ${css}`, page },
  );
  return { name: file.name, bytes: Uint8Array.from(file.bytes) };
}

/** Asserts a grid's cells become `expected` (numbers or strings, row-major). */
export function expectCells(page, testid, expected, message) {
  return pollAssert(
    () => page.cells(testid),
    (cells) => {
      assert.notEqual(cells, null, label(page, `no grid [data-testid=${testid}]`, message));
      assert.deepEqual(cells, expected.map(String), label(page, `${testid} cells`, message));
    },
    page,
  );
}

/**
 * Asserts that `read()` (anything read from the page; null is a value like any other) becomes
 * deep-equal to `expected`; if it never does, fails with the difference from the last value read.
 */
export async function expectEqual(page, read, expected, what) {
  let last;
  try {
    await until(async () => isDeepStrictEqual((last = await read()), expected), { what, page });
  } catch (err) {
    assert.deepEqual(last, expected, label(page, what));
    throw err;
  }
}

/** Asserts the address bar's query string has these parameters (others may be present too). */
export function expectQuery(page, expected, message) {
  return pollAssert(
    () => page.query(),
    (query) => {
      for (const [key, value] of Object.entries(expected)) {
        assert.equal(query[key], value === undefined ? undefined : String(value), label(page, `URL parameter ${key} in ?${new URLSearchParams(query)}`, message));
      }
    },
    page,
  );
}
