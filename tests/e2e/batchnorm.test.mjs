// The batch-normalization lesson, loaded from URLs: nn.BatchNorm2d(3) on the page's seeded batch
// (N = 4, C = 3, 8 × 8). The batch is regenerated here from the page's definition (PCG-32,
// Box–Muller in f32), so every statistic is checked against one computed by hand: the per-channel
// mean μ_B, the variance σ²_B (÷M) and s² (÷(M − 1)), the normalized value of a hovered element,
// and the running statistics moving by momentum as the step buttons pass batches through.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';

import { eachBrowser, expectQuery, expectText, expectValue, until } from './lib/harness.mjs';
import { f, fmt, Rng, U64 } from './lib/truth.mjs';

// ---------------------------------------------------------------------------------------------
// The truth, computed here

const [N, C, H, W] = [4, 3, 8, 8];
const M = N * H * W;
const EPS = 1e-5;

/** Batch `k` of the page's stream, `(N, C, H, W)`: channel c normal with (mean, std) = (3, 1), (−2, 2.5), (0.5, 0.4). */
function batch(seed, k) {
  const DIST = [[3, 1], [-2, 2.5], [0.5, f(0.4)]];
  const rng = new Rng((BigInt(seed) * 1000003n + BigInt(k)) & U64);
  const TAU = f(2 * Math.PI);
  const normal = () => {
    const u1 = Math.max(rng.uniform(), f(1e-7));
    const u2 = rng.uniform();
    return f(f(Math.sqrt(f(-2 * f(Math.log(u1))))) * f(Math.cos(f(TAU * u2))));
  };
  const out = [];
  for (let n = 0; n < N; n++) for (const [mean, std] of DIST) for (let i = 0; i < H * W; i++) out.push(f(mean + f(std * normal())));
  return out;
}

const at = (n, c, y, x) => ((n * C + c) * H + y) * W + x;
/** The M values of channel c, every sample. */
const channel = (data, c) => Array.from({ length: N }, (_, n) => data.slice(at(n, c, 0, 0), at(n, c, 0, 0) + H * W)).flat();

/** μ_B, σ²_B (÷M) and s² (÷(M − 1)) of each channel, by hand. */
function stats(data) {
  const mean = [], varB = [], varU = [];
  for (let c = 0; c < C; c++) {
    const v = channel(data, c);
    const mu = v.reduce((a, b) => a + b, 0) / M;
    const ss = v.reduce((a, b) => a + (b - mu) ** 2, 0);
    mean.push(mu);
    varB.push(ss / M);
    varU.push(ss / (M - 1));
  }
  return { mean, varB, varU };
}

/** PyTorch's running statistics (from mean 0, var 1) after batches 0..steps: running ← (1 − m)·running + m·batch, the variance unbiased. */
function running(seed, steps, m) {
  let rm = [0, 0, 0], rv = [1, 1, 1];
  for (let k = 0; k < steps; k++) {
    const s = stats(batch(seed, k));
    rm = rm.map((r, c) => (1 - m) * r + m * s.mean[c]);
    rv = rv.map((r, c) => (1 - m) * r + m * s.varU[c]);
  }
  return { rm, rv };
}

/** Everything the stats table should show for the batch on display (batch `steps`). */
function expected({ seed = 1, steps = 0, m = 0.1, g = [1, 1, 1], bt = [0, 0, 0] } = {}) {
  const x = batch(seed, steps);
  const s = stats(x);
  const { rm, rv } = running(seed, steps, m);
  const rows = {
    'bn-mean': s.mean,
    'bn-var': s.varB,
    'bn-var-unbiased': s.varU,
    'bn-running-mean': rm,
    'bn-running-var': rv,
    // Train mode normalizes with the batch's own statistics: mean β, variance γ²·σ²/(σ² + ε).
    'bn-out-mean': bt,
    'bn-out-var': s.varB.map((v, c) => (g[c] ** 2 * v) / (v + EPS)),
    // Eval mode with the running ones.
    'bn-eval-mean': s.mean.map((mu, c) => (g[c] * (mu - rm[c])) / Math.sqrt(rv[c] + EPS) + bt[c]),
    'bn-eval-var': s.varB.map((v, c) => (g[c] ** 2 * v) / (rv[c] + EPS)),
  };
  /** The three lines of the arithmetic for element (n, c, y, x). */
  const arithmetic = (n, c, y, xx) => {
    const v = x[at(n, c, y, xx)];
    const train = (g[c] * (v - s.mean[c])) / Math.sqrt(s.varB[c] + EPS) + bt[c];
    const evalY = (g[c] * (v - rm[c])) / Math.sqrt(rv[c] + EPS) + bt[c];
    return [
      `x[${n}, ${c}, ${y}, ${xx}]`,
      `train: (${fmt(v)} − μ ${fmt(s.mean[c])}) / √(σ² ${fmt(s.varB[c])} + ε) · γ ${fmt(g[c])} + β ${fmt(bt[c])} = ${fmt(train)}`,
      `eval: (${fmt(v)} − running_mean ${fmt(rm[c])}) / √(running_var ${fmt(rv[c])} + ε) · γ ${fmt(g[c])} + β ${fmt(bt[c])} = ${fmt(evalY)}`,
    ];
  };
  /** The legend of sample n's map of channel c: min … max of its 64 values. */
  const xRange = (n, c) => {
    const v = x.slice(at(n, c, 0, 0), at(n, c, 0, 0) + H * W);
    return `${fmt(Math.min(...v))} … ${fmt(Math.max(...v))}`;
  };
  return { rows, arithmetic, xRange, rm, rv };
}

// ---------------------------------------------------------------------------------------------
// Reading the page

/** Polls `read()` until `ok(value)` holds; then fails with `check(value)`, an assertion with the difference. */
async function expectEval(page, read, ok, check, what) {
  let last;
  try {
    await until(async () => ok((last = await read())), { what, page });
  } catch (err) {
    check(last);
    throw err;
  }
}

const close = (got, want) => Math.abs(got - want) <= 1e-5 + 1e-5 * Math.abs(want);

/** A stats row: its exact values (data-values, f32) and the three cells as written. */
const statRow = (page, testid) =>
  page.evaluate((id) => {
    const tr = document.querySelector(`[data-testid="${id}"]`);
    if (!tr) return null;
    return { values: tr.dataset.values.split(',').filter(Boolean).map(Number), cells: [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()) };
  }, testid);

/** Every stats row becomes what `rows` says: values within 1e-5, cells written as the page writes numbers. */
async function expectStats(page, rows) {
  for (const [testid, want] of Object.entries(rows)) {
    const shown = want.map(fmt);
    await expectEval(
      page,
      () => statRow(page, testid),
      (row) => row && row.values.length === C && row.values.every((v, c) => close(v, want[c])) && isDeepStrictEqual(row.cells, shown),
      (row) => {
        assert.ok(row, `${page.name}: no row ${testid}`);
        assert.deepEqual(row.cells, shown, `${page.name}: ${testid} cells`);
        assert.deepEqual(row.values.map((v, c) => close(v, want[c]) || `${v} ≠ ${want[c]}`), [true, true, true], `${page.name}: ${testid} values`);
      },
      `${testid} to show ${shown.join(', ')}`,
    );
  }
}

/** The arithmetic's three lines (the element, train mode, eval mode). */
const arithmeticLines = (page) =>
  page.evaluate(() => [...(document.querySelector('[data-testid=bn-arithmetic]')?.querySelectorAll('span') ?? [])].map((s) => s.textContent.trim()));

const expectArithmetic = (page, lines, what) =>
  expectEval(
    page,
    () => arithmeticLines(page),
    (got) => isDeepStrictEqual(got, lines),
    (got) => assert.deepEqual(got, lines, `${page.name}: bn-arithmetic (${what})`),
    `bn-arithmetic (${what})`,
  );

const mapRange = (page, testid) =>
  page.evaluate((id) => document.querySelector(`[data-testid="${id}"] .map-range`)?.textContent ?? null, testid);

const expectRange = (page, testid, want) =>
  expectEval(page, () => mapRange(page, testid), (got) => got === want, (got) => assert.equal(got, want, `${page.name}: ${testid}'s range`), `${testid}'s range`);

/** Whether a canvas has been drawn on (more than one colour in it). */
const drawn = (page, testid) =>
  page.evaluate((id) => {
    const canvas = document.querySelector(`[data-testid="${id}"]`);
    if (!(canvas instanceof HTMLCanvasElement) || !canvas.width) return false;
    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
    const seen = new Set();
    for (let i = 0; i < data.length && seen.size < 2; i += 4) seen.add(data.slice(i, i + 4).join());
    return seen.size > 1;
  }, testid);

/** A running-statistics chart's summary (data-drawn, JSON): per channel its points and its first and last values; null without one. */
const chartSummary = (page, testid) =>
  page.evaluate((id) => {
    const drawn = document.querySelector(`[data-testid="${id}"]`)?.dataset.drawn;
    return drawn && drawn !== 'failed' ? JSON.parse(drawn) : drawn ?? null;
  }, testid);

/**
 * The running-mean and running-var charts end where `rm` / `rv` are, after `steps` steps from
 * PyTorch's (0, 1). Builds whose LineChart does not yet write `data-drawn` (added to chart.rs
 * alongside these tests) are checked for a drawn canvas only.
 */
async function expectCharts(page, steps, rm, rv) {
  await expectText(page, 'bn-steps', `steps: ${steps} / 100`);
  await expectEval(
    page,
    () => page.evaluate(() => document.querySelector('[data-testid=bn-charts]')?.dataset.steps ?? null),
    (v) => v === String(steps),
    (v) => assert.equal(v, String(steps), `${page.name}: bn-charts data-steps`),
    'bn-charts data-steps',
  );
  for (const [testid, start, end] of [['bn-running-mean-chart', 0, rm], ['bn-running-var-chart', 1, rv]]) {
    await until(() => drawn(page, testid), { what: `the chart ${testid} drawn`, page });
    if (!(await page.exists(`[data-testid=${testid}][data-drawn]`))) continue;
    const ok = (s) => s && typeof s === 'object' && [0, 1, 2].every((c) => {
      const line = s[`channel ${c}`];
      return line && line.points === steps + 1 && line.first === start && close(line.last, end[c]);
    });
    const why = (s) => `${page.name}: ${testid} drew ${JSON.stringify(s)}; want ${steps + 1} points per channel from ${start} to ${end}`;
    await expectEval(page, () => chartSummary(page, testid), ok, (s) => assert.ok(ok(s), why(s)), testid);
  }
}

// ---------------------------------------------------------------------------------------------

eachBrowser('batch normalization', (b) => {
  test('defaults: μ_B, σ²_B and s² of each channel of the seeded batch, as computed here; a hovered element normalized', async () => {
    const { page } = b;
    await page.open('?page=batchnorm');
    const want = expected();
    await expectText(page, 'pytorch', 'bn = nn.BatchNorm2d(3, eps=1e-05, momentum=0.1)');
    await expectText(page, 'bn-steps', 'steps: 0 / 100');
    // Before any step: running_mean 0, running_var 1 (PyTorch's start); eval mode barely changes x.
    await expectStats(page, want.rows);
    for (let c = 0; c < C; c++) await expectRange(page, `bn-x-${c}`, want.xRange(0, c));
    // The element shown before any hover: x[0, 0, 2, 3].
    await expectArithmetic(page, want.arithmetic(0, 0, 2, 3), 'the default element');
    assert.match(want.arithmetic(0, 0, 2, 3)[1], /^train: \(1\.573 − μ 3\.025\) \/ √\(σ² 0\.9 \+ ε\) · γ 1 \+ β 0 = -1\.531$/, 'the test\'s own batch');

    // Hovering channel 1's input map: that element, normalized with channel 1's statistics.
    await page.hover('[data-testid=bn-x-1] canvas');
    const cell = await until(
      async () => {
        const m = (await arithmeticLines(page))[0]?.match(/^x\[0, 1, (\d), (\d)\]$/);
        return m && [Number(m[1]), Number(m[2])];
      },
      { what: 'the arithmetic to show the hovered element of channel 1', page },
    );
    await expectArithmetic(page, want.arithmetic(0, 1, ...cell), 'the hovered element');
    for (const id of ['hist-before', 'hist-train', 'hist-eval']) {
      await until(() => drawn(page, id), { what: `the histogram ${id} drawn`, page });
    }
    await page.shot('batchnorm');
  });

  test('bn-step, bn-step10, bn-reset: running_mean and running_var move by momentum 0.1, batch after batch', async () => {
    const { page } = b;
    // The update rule, checked first on the notes' own example: BatchNorm2d(3) on one (1, 3, 2, 2)
    // input prints running_mean 0.0487 (= 0.1 · mean) and running_var 0.9830 (= 0.9 + 0.1 · unbiased variance).
    const notes = [-0.509, 1.5601, 0.8618, 0.0343];
    const mu = notes.reduce((a, b) => a + b) / 4;
    const s2 = notes.reduce((a, b) => a + (b - mu) ** 2, 0) / 3;
    assert.deepEqual([(0.1 * mu).toFixed(4), (0.9 + 0.1 * s2).toFixed(4)], ['0.0487', '0.9830']);

    await page.open('?page=batchnorm');
    await expectCharts(page, 0, [0, 0, 0], [1, 1, 1]);
    await page.click('[data-testid=bn-step]');
    await expectQuery(page, { page: 'batchnorm', steps: 1 });
    // One pass of batch 0: running = 0.9 · (0, 1) + 0.1 · (μ, s²) of batch 0; the page now shows batch 1.
    const one = expected({ steps: 1 });
    const s0 = stats(batch(1, 0));
    assert.deepEqual(one.rm, s0.mean.map((m) => 0.1 * m));
    await expectStats(page, one.rows);
    await expectArithmetic(page, one.arithmetic(0, 0, 2, 3), 'after one step');
    await expectCharts(page, 1, one.rm, one.rv);

    await page.click('[data-testid=bn-step10]');
    await expectQuery(page, { steps: 11 });
    const eleven = expected({ steps: 11 });
    await expectStats(page, eleven.rows);
    await expectCharts(page, 11, eleven.rm, eleven.rv);
    await page.shot('batchnorm-11-steps');

    await page.click('[data-testid=bn-reset]');
    await expectQuery(page, { page: 'batchnorm', steps: undefined });
    await expectStats(page, expected().rows);
    await expectCharts(page, 0, [0, 0, 0], [1, 1, 1]);
  });

  test('seed, sample, momentum, γ and β from the URL (train output mean β, variance γ²); typing momentum and γ', async () => {
    const { page } = b;
    const state = { seed: 5, steps: 2, m: 0.5, g: [2, 1, 0.5], bt: [1, 0, -1] };
    await page.open('?page=batchnorm&seed=5&steps=2&m=0.5&g=2,1,0.5&bt=1,0,-1&n=3');
    await expectValue(page, 'param-m', '0.5');
    await expectValue(page, 'param-n', '3');
    for (let c = 0; c < C; c++) {
      await expectValue(page, `param-g${c}`, state.g[c]);
      await expectValue(page, `param-bt${c}`, state.bt[c]);
    }
    await expectText(page, 'pytorch', 'bn = nn.BatchNorm2d(3, eps=1e-05, momentum=0.5)');
    let want = expected(state);
    assert.deepEqual(want.rows['bn-out-mean'].map(fmt), ['1', '0', '-1'], 'mean β');
    assert.deepEqual(want.rows['bn-out-var'].map(fmt), ['4', '1', '0.25'], 'variance γ²');
    await expectStats(page, want.rows);
    // Sample 3 (n = 3, index 2) of batch 2 on the maps, and in the arithmetic.
    for (let c = 0; c < C; c++) await expectRange(page, `bn-x-${c}`, want.xRange(2, c));
    await expectArithmetic(page, want.arithmetic(2, 0, 2, 3), 'sample 3, γ 2, β 1');
    await expectCharts(page, 2, want.rm, want.rv);

    // Typing a momentum (the field commits when left): the running statistics are replayed with it.
    await page.fill('[data-testid=param-m]', 0.25);
    await page.evaluate(() => document.activeElement?.blur());
    await expectQuery(page, { m: 0.25, steps: 2, seed: 5 });
    await expectText(page, 'pytorch', 'bn = nn.BatchNorm2d(3, eps=1e-05, momentum=0.25)');
    state.m = 0.25;
    want = expected(state);
    await expectStats(page, want.rows);
    await expectCharts(page, 2, want.rm, want.rv);

    // γ of channel 1: 1 → 3, so its train-mode variance becomes 9.
    await page.fill('[data-testid=param-g1]', 3);
    await page.evaluate(() => document.activeElement?.blur());
    await expectQuery(page, { g: '2,3,0.5', bt: '1,0,-1' });
    state.g = [2, 3, 0.5];
    want = expected(state);
    assert.equal(fmt(want.rows['bn-out-var'][1]), '9');
    await expectStats(page, want.rows);
    await page.shot('batchnorm-affine');
  });
});
