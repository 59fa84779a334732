// A minimal W3C WebDriver client over plain `fetch`, for the browsers Playwright cannot drive with
// what Debian ships: Firefox ESR (through geckodriver) and WebKitGTK's MiniBrowser (through
// WebKitWebDriver, under Xvfb). It starts the driver on a free loopback port and speaks only the
// commands the tests need. Nothing is downloaded: the driver and browser paths are explicit.
//
// Spec: https://www.w3.org/TR/webdriver2/

import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

// The key of an element reference in WebDriver's JSON.
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
/** WebDriver's codes of the named keys the tests press (W3C WebDriver, "Keyboard actions"). */
const KEYS = { Enter: '\uE007', Tab: '\uE004', Escape: '\uE00C', ArrowLeft: '\uE012', ArrowUp: '\uE013', ArrowRight: '\uE014', ArrowDown: '\uE015' };

/** A free TCP port on the loopback interface (closed again, so the driver can bind it). */
async function freePort() {
  const server = createServer();
  await new Promise((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

const sleep = (ms) => new Promise((wake) => setTimeout(wake, ms));

// Drivers still running; ended when Node exits, should a test leave without closing its own.
const running = new Set();
process.on('exit', () => {
  for (const driver of running) driver.kill();
});

/** A WebDriver error answered by the driver (`error` is the spec's code, e.g. "no such element"). */
export class WebDriverError extends Error {
  constructor(command, { error, message }) {
    super(`${command}: ${error}: ${message}`);
    this.error = error;
  }
}

/**
 * Starts a WebDriver server.
 * @param {string[]} command the driver's command line, without the port option
 * @param {(port: number) => string[]} portArgs the options that make it listen on `port`
 * @returns {Promise<Driver>}
 */
export async function startDriver(command, portArgs) {
  const port = await freePort();
  const [file, ...args] = command;
  // Its own process group, so that closing ends the driver and everything it started (the browser,
  // Xvfb) and nothing else.
  const child = spawn(file, [...args, ...portArgs(port)], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk) => {
    log = (log + chunk).slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((ok) => child.once('exit', (code, signal) => ok({ code, signal })));
  const driver = new Driver(`http://127.0.0.1:${port}`, child, exited, () => log);
  running.add(driver);
  exited.then(() => running.delete(driver));

  // Ready when /status answers (the spec's "ready" may be false while a session exists; any answer will do).
  const deadline = Date.now() + 30_000;
  for (;;) {
    const status = await fetch(`${driver.base}/status`).catch(() => null);
    if (status?.ok) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      driver.kill();
      throw new Error(`${file} did not start on port ${port}:\n${log}`);
    }
    await sleep(100);
  }
  return driver;
}

export class Driver {
  constructor(base, child, exited, log) {
    this.base = base;
    this.child = child;
    this.exited = exited;
    this.log = log;
  }

  async request(method, path, body) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({ value: { error: `HTTP ${res.status}`, message: 'no JSON' } }));
    if (!res.ok || json.value?.error) {
      const err = new WebDriverError(`${method} ${path}`, json.value ?? {});
      // The browser's process is gone: what the driver and the browser printed last says why.
      if (err.error === 'invalid session id') err.driverLog = this.log().slice(-4_000);
      throw err;
    }
    return json.value;
  }

  /** Creates a session with `alwaysMatch` capabilities. */
  async session(capabilities) {
    const value = await this.request('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
    return new Session(this, value.sessionId, value.capabilities);
  }

  kill() {
    try {
      process.kill(-this.child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }

  /** Ends the driver's process group, waiting a few seconds for it to go. */
  async close() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.kill();
    const gone = await Promise.race([this.exited.then(() => true), sleep(5_000).then(() => false)]);
    if (!gone) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

export class Session {
  constructor(driver, id, capabilities) {
    this.driver = driver;
    this.id = id;
    this.capabilities = capabilities;
  }

  cmd(method, path, body) {
    return this.driver.request(method, `/session/${this.id}${path}`, body);
  }

  navigate(url) {
    return this.cmd('POST', '/url', { url });
  }

  back() {
    return this.cmd('POST', '/back', {});
  }

  currentUrl() {
    return this.cmd('GET', '/url');
  }

  setWindowRect(rect) {
    return this.cmd('POST', '/window/rect', rect);
  }

  /**
   * Runs `fn` (a function, or the body of one) in the page with JSON-able `args`; a returned
   * promise is awaited. Elements come back as references usable with `click` and friends.
   */
  execute(fn, ...args) {
    const script = typeof fn === 'function' ? `return (${fn}).apply(null, arguments);` : fn;
    return this.cmd('POST', '/execute/sync', { script, args });
  }

  /** The first element matching the CSS selector, or null. */
  async find(css) {
    try {
      const found = await this.cmd('POST', '/element', { using: 'css selector', value: css });
      return found[ELEMENT];
    } catch (err) {
      if (err.error === 'no such element') return null;
      throw err;
    }
  }

  /** The first element matching the CSS selector, waited for up to 3 s (as Playwright's actions
   *  wait): a large lesson builds its parts a task or two after it opens. */
  async findOrThrow(css) {
    for (const start = Date.now(); Date.now() - start < 3_000; await sleep(50)) {
      const id = await this.find(css);
      if (id) return id;
    }
    throw new Error(`no element matches ${css}`);
  }

  async click(css) {
    const id = await this.findOrThrow(css);
    await this.cmd('POST', `/element/${id}/click`, {});
  }

  async clear(css) {
    const id = await this.findOrThrow(css);
    await this.cmd('POST', `/element/${id}/clear`, {});
  }

  async type(css, text) {
    const id = await this.findOrThrow(css);
    await this.cmd('POST', `/element/${id}/value`, { text });
  }

  /** Moves the pointer to the centre of the element (mouseover / mouseenter), without clicking. */
  async hover(css) {
    const id = await this.findOrThrow(css);
    await this.cmd('POST', '/actions', {
      actions: [
        {
          type: 'pointer',
          id: 'mouse',
          parameters: { pointerType: 'mouse' },
          actions: [{ type: 'pointerMove', duration: 0, origin: { [ELEMENT]: id }, x: 0, y: 0 }],
        },
      ],
    });
    await this.cmd('DELETE', '/actions');
  }

  /** Presses a key where the focus is: WebDriver's code for the named keys, the text for others. */
  async press(key) {
    const value = KEYS[key] ?? key;
    await this.cmd('POST', '/actions', {
      actions: [{ type: 'key', id: 'keyboard', actions: [{ type: 'keyDown', value }, { type: 'keyUp', value }] }],
    });
    await this.cmd('DELETE', '/actions');
  }

  /** A PNG of the viewport (`full` asks geckodriver for the whole page, a Firefox extension). */
  async screenshot({ full = false } = {}) {
    const path = full ? '/moz/screenshot/full' : '/screenshot';
    return Buffer.from(await this.cmd('GET', path), 'base64');
  }

  async delete() {
    await this.cmd('DELETE', '');
  }
}
