// The Gradients lesson: the backward pass of a convolution. Every gradient on the page is
// compared with the test's own loops over the grids (the definitions: ∂L/∂X[i] sums ∂L/∂Y[o]·K[t]
// over every window that put X[i] under tap t, ∂L/∂K[t] sums X·∂L/∂Y over the windows, ∂L/∂b sums
// ∂L/∂Y), a finite-difference check shown on the page must agree with the engine's value, and
// the transposed convolution of Y is recomputed here too.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { eachBrowser, expectCells, expectText, until } from './lib/harness.mjs';

/** Whole numbers in −3..3, different for each `seed` and index. */
function values(n, seed) {
  return Array.from({ length: n }, (_, i) => ((i * 5 + seed * 3) % 7) - 3);
}

/** The convolution's geometry and the gradients by their definitions. */
function gradients({ h, w, kh, kw, s, p, d }, x, k, g) {
  const oh = Math.floor((h + 2 * p - d * (kh - 1) - 1) / s) + 1;
  const ow = Math.floor((w + 2 * p - d * (kw - 1) - 1) / s) + 1;
  const y = new Array(oh * ow).fill(0);
  const dx = new Array(h * w).fill(0);
  const dk = new Array(kh * kw).fill(0);
  // Every (output, tap) pair whose input position lies inside the input.
  for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) {
      const [iy, ix] = [oy * s - p + a * d, ox * s - p + b * d];
      if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
      y[oy * ow + ox] += x[iy * w + ix] * k[a * kw + b];
      dx[iy * w + ix] += g[oy * ow + ox] * k[a * kw + b];
      dk[a * kw + b] += x[iy * w + ix] * g[oy * ow + ox];
    }
  }
  // The transposed convolution of Y: Y's values scattered the way ∂L/∂Y's are.
  const t = new Array(h * w).fill(0);
  for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
    for (let a = 0; a < kh; a++) for (let b = 0; b < kw; b++) {
      const [iy, ix] = [oy * s - p + a * d, ox * s - p + b * d];
      if (iy >= 0 && iy < h && ix >= 0 && ix < w) t[iy * w + ix] += y[oy * ow + ox] * k[a * kw + b];
    }
  }
  return { oh, ow, y, dx, dk, db: g.reduce((a, v) => a + v, 0), t };
}

const CASES = [
  { h: 5, w: 4, kh: 3, kw: 3, s: 2, p: 1, d: 1 },
  { h: 6, w: 7, kh: 2, kw: 3, s: 1, p: 0, d: 2 },
  // Padding beyond the kernel's span: the expanded gradient is cut, not padded.
  { h: 5, w: 5, kh: 2, kw: 2, s: 3, p: 2, d: 1 },
];

/** The address of a case with its values. */
function address(c, x, k, g) {
  return `?page=backward&h=${c.h}&w=${c.w}&kh=${c.kh}&kw=${c.kw}&s=${c.s}&p=${c.p}&d=${c.d}&x=${x}&wt=${k}&g=${g}`;
}

eachBrowser('gradients', (b) => {
  test('∂L/∂X, ∂L/∂W and ∂L/∂b equal the definitions\' sums; the transposed convolution of Y too', async () => {
    const { page } = b;
    for (const [n, c] of CASES.entries()) {
      const x = values(c.h * c.w, n + 1);
      const k = values(c.kh * c.kw, n + 2);
      const { oh, ow } = gradients(c, x, k, []);
      const g = values(oh * ow, n + 3);
      const want = gradients(c, x, k, g);
      await page.open(address(c, x, k, g));
      await expectCells(page, 'output', want.y, `Y of case ${n}`);
      await expectCells(page, 'grad-input', want.dx, `∂L/∂X of case ${n}`);
      await expectCells(page, 'grad-weight', want.dk, `∂L/∂W of case ${n}`);
      await expectText(page, 'grad-bias', String(want.db), `∂L/∂b of case ${n}`);
      await expectCells(page, 'transposed-output', want.t, `convᵀ(Y) of case ${n}`);
    }
    await page.shot('backward');
  });

  test('a cell\'s sum is written out, and a finite-difference check on the page agrees', async () => {
    const { page } = b;
    const c = CASES[0];
    const [x, k] = [values(c.h * c.w, 1), values(c.kh * c.kw, 2)];
    const g = values(6, 3);
    const want = gradients(c, x, k, g);
    await page.open(address(c, x, k, g));
    await expectCells(page, 'grad-input', want.dx);
    // ∂L/∂X[2, 1]: its sum written out ends in the value the test computed.
    const cell = (id, y, xx) => `[data-testid=${id}] [data-row="${y}"][data-col="${xx}"]`;
    await page.hover(cell('grad-input', 2, 1));
    await expectText(page, 'grad-input-sum', new RegExp(`^∂L/∂X\\[2, 1\\] = .* = ${want.dx[2 * c.w + 1]}$`));
    await page.click(cell('grad-input', 2, 1));
    const read = () => page.evaluate(() => ['fd-value', 'fd-engine'].map((id) => document.querySelector(`[data-testid=${id}]`)?.dataset.value));
    let [fd, engine] = await until(async () => {
      const r = await read();
      return r[0] !== undefined ? r : null;
    }, { what: 'the finite-difference check', page });
    assert.equal(Number(engine), want.dx[2 * c.w + 1]);
    assert.ok(Math.abs(Number(fd) - Number(engine)) < 1e-6, `finite difference ${fd} vs engine ${engine}`);
    assert.equal((await page.query()).check, 'x,2,1');
    // A tap of ∂L/∂W.
    await page.hover(cell('grad-weight', 1, 2));
    await expectText(page, 'grad-weight-sum', new RegExp(`^∂L/∂K\\[1, 2\\] = .* = ${want.dk[1 * c.kw + 2]}$`));
    await page.click(cell('grad-weight', 1, 2));
    [fd, engine] = await until(async () => {
      const r = await read();
      return (await page.query()).check === 'w,1,2' && r[0] !== undefined ? r : null;
    }, { what: 'the check of ∂L/∂W[1, 2]', page });
    assert.equal(Number(engine), want.dk[1 * c.kw + 2]);
    assert.ok(Math.abs(Number(fd) - Number(engine)) < 1e-6, `finite difference ${fd} vs engine ${engine}`);
    await page.shot('backward-check');
  });

  test('an edited ∂L/∂Y changes the gradients; the page loads with no problem', async () => {
    const { page } = b;
    await page.open('?page=backward');
    const c = { h: 5, w: 5, kh: 3, kw: 3, s: 2, p: 0, d: 1 };
    await until(async () => (await page.cells('grad-output'))?.length === 4, { what: '∂L/∂Y', page });
    await page.fill('[data-testid=grad-output] input[data-row="1"][data-col="0"]', '-2');
    await page.evaluate(() => document.querySelector('[data-testid=grad-output] input[data-row="1"][data-col="0"]').dispatchEvent(new Event('change', { bubbles: true })));
    await until(async () => (await page.query()).g === '1,1,-2,1', { what: 'g in the address', page });
    const x = (await page.cells('input')).map(Number);
    const k = (await page.cells('kernel')).map(Number);
    const want = gradients(c, x, k, [1, 1, -2, 1]);
    await expectCells(page, 'grad-input', want.dx);
    await expectText(page, 'grad-bias', '1');
    await page.assertNoProblems();
  });
  test('pooling backward: max routes each gradient to its window\'s winner, average spreads it', async () => {
    const { page } = b;
    // 6×5, windows 3×2 with stride 2×1 (overlapping rows): gradients add up where windows overlap.
    const [h, w, kh, kw, sh, sw] = [6, 5, 3, 2, 2, 1];
    const x = values(h * w, 4);
    await page.open(`?page=backward&h=${h}&w=${w}&kh=${kh}&kw=${kw}&sh=${sh}&sw=${sw}&x=${x}`);
    const [oh, ow] = [Math.floor((h - kh) / sh) + 1, Math.floor((w - kw) / sw) + 1];
    const max = new Array(h * w).fill(0);
    const avg = new Array(h * w).fill(0);
    for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
      const g = oy * ow + ox + 1;
      // PyTorch's winner: the first largest value in the window, row by row.
      let best = null;
      for (let a = 0; a < kh; a++) for (let c = 0; c < kw; c++) {
        const i = (oy * sh + a) * w + ox * sw + c;
        if (best === null || x[i] > x[best]) best = i;
        avg[i] += g / (kh * kw);
      }
      max[best] += g;
    }
    await expectCells(page, 'pool-grad-max', max);
    const shown = await until(async () => {
      const cells = await page.cells('pool-grad-avg');
      return cells?.length === h * w && cells.every((v) => v !== '') ? cells.map(Number) : null;
    }, { what: 'average pooling\'s ∂L/∂X', page });
    shown.forEach((v, i) => assert.ok(Math.abs(v - avg[i]) < 1e-3, `avg ∂L/∂X[${i}]: ${v} vs ${avg[i]}`));
    await page.shot('backward-pooling');
  });
});
