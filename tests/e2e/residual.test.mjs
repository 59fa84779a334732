// The residual-blocks lesson, loaded from URLs: d2l's Residual (basic block) and the notes'
// 256 → 64 → 256 bottleneck. The shape at every arrow of the block diagram is checked against the
// output-size formula; the maps are read back from their canvases (the page's diverging colour map
// inverted, to within one colour step) to check, element by element, that the sum is F(x) + x —
// with x regenerated here from the page's definition — and that the output is ReLU of the sum;
// a stride of 2 with the identity shortcut must give the core's error, a 1×1 shortcut fixes it.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { cellTexts, eachBrowser, expectCells, expectEqual as expectEval, expectQuery, expectText, expectValue, until } from './lib/harness.mjs';
import { f, fmt, Rng, syntheticRgb } from './lib/truth.mjs';

// ---------------------------------------------------------------------------------------------
// The truth, computed here

/** The block's input `(c, h, h)`: the image's channels centred, plus 0.15 · noise (seed 7), channels repeating R, G, B. */
function featureMap(c, h) {
  const rgb = syntheticRgb(h);
  const rng = new Rng(7);
  const out = [];
  for (let k = 0; k < c; k++) for (let i = 0; i < h * h; i++) out.push(f(f(rgb[(k % 3) * h * h + i] - f(0.4)) + f(f(0.15) * rng.symmetric())));
  return out;
}

const shape = (...d) => `(${d.join(', ')})`;
/** floor((n + 2p − k) / s) + 1 */
const convOut = (n, k, s, p) => Math.floor((n + 2 * p - k) / s) + 1;

/** Every text of the block diagram, top to bottom, from the output-size formula. */
function diagramTexts({ block = 'basic', shortcut = 'identity', stride = 1, c = 3, cout = c, mid = Math.max(1, Math.floor(cout / 4)), h = 12 }) {
  const conv = (cin, co, k, s, p) => `Conv2d(${cin}, ${co}, ${k}${s !== 1 ? `, stride=${s}` : ''}${p ? `, padding=${p}` : ''})`;
  const h1 = convOut(h, 3, stride, 1);
  const layers =
    block === 'basic'
      ? [
          [`conv1: ${conv(c, cout, 3, stride, 1)}`, shape(cout, h1, h1)],
          [`bn1: BatchNorm2d(${cout})`, shape(cout, h1, h1)],
          ['ReLU()', shape(cout, h1, h1)],
          [`conv2: ${conv(cout, cout, 3, 1, 1)}`, shape(cout, h1, h1)],
          [`bn2: BatchNorm2d(${cout})`, shape(cout, h1, h1)],
        ]
      : [
          [`conv1: ${conv(c, mid, 1, 1, 0)}`, shape(mid, h, h)],
          [`bn1: BatchNorm2d(${mid})`, shape(mid, h, h)],
          ['ReLU()', shape(mid, h, h)],
          [`conv2: ${conv(mid, mid, 3, stride, 1)}`, shape(mid, h1, h1)],
          [`bn2: BatchNorm2d(${mid})`, shape(mid, h1, h1)],
          ['ReLU()', shape(mid, h1, h1)],
          [`conv3: ${conv(mid, cout, 1, 1, 0)}`, shape(cout, h1, h1)],
          [`bn3: BatchNorm2d(${cout})`, shape(cout, h1, h1)],
        ];
  const f = layers.at(-1)[1];
  const hs = convOut(h, 1, stride, 0);
  const [shortBox, shortShape] = shortcut === 'identity' ? ['identity (x itself)', shape(c, h, h)] : [conv(c, cout, 1, stride, 0), shape(cout, hs, hs)];
  const sum = shortShape === f ? f : '✗';
  const texts = [`x ${shape(c, h, h)}`];
  layers.forEach(([box], i) => texts.push(i === 0 ? shape(c, h, h) : layers[i - 1][1], box));
  texts.push(`F(x) ${f}`, shortBox, shortShape, '+', sum, 'ReLU()', sum, `Output ${sum}`);
  return texts;
}

// ---------------------------------------------------------------------------------------------
// Reading the page

const diagram = (page) => page.evaluate(() => [...document.querySelectorAll('[data-testid=residual-diagram] text')].map((t) => t.textContent));

const expectDiagram = (page, config) => expectEval(page, () => diagram(page), diagramTexts(config), `the diagram's texts for ${JSON.stringify(config)}`);

/**
 * A map figure read back: its canvas's pixels and its legend (`min … max`). The heatmap paints
 * v / max|v| on a diverging map (white at 0; red (215, 48, 31) at +1, blue (33, 102, 172) at −1;
 * channels truncated to bytes), so each pixel gives its value to within one colour step.
 */
async function readMap(page, testid) {
  const raw = await until(
    () =>
      page.evaluate((id) => {
        const fig = document.querySelector(`[data-testid="${id}"]`);
        const canvas = fig?.querySelector('canvas');
        const range = fig?.querySelector('.map-range')?.textContent;
        if (!canvas || !range || !canvas.width) return null;
        const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        return { rows: canvas.height, cols: canvas.width, range, rgb: [...data].filter((_, i) => i % 4 !== 3) };
      }, testid),
    { what: `the map ${testid} drawn with its legend`, page },
  );
  const [lo, hi] = raw.range.split(' … ').map(Number);
  const scale = Math.max(Math.abs(lo), Math.abs(hi));
  const values = [], errors = [];
  for (let i = 0; i < raw.rows * raw.cols; i++) {
    const [r, , bl] = raw.rgb.slice(3 * i, 3 * i + 3);
    // Positive: blue byte = ⌊255 − 224 t⌋; negative: red byte = ⌊255 − 222 |t|⌋; equal bytes: |t| < 1/139.
    const [t, dt] = r > bl ? [(254.5 - bl) / 224, 0.5 / 224] : bl > r ? [-(254.5 - r) / 222, 0.5 / 222] : [0, 1 / 139];
    values.push(t * scale);
    errors.push(dt * scale + 0.0005 + 1e-4); // one colour step, and the legend's rounding to 3 decimals
  }
  return { ...raw, lo, hi, values, errors };
}

/** Asserts |got_i − want_i| ≤ tol_i for every element. */
function assertClose(got, want, tol, what) {
  assert.equal(got.length, want.length, `${what}: ${got.length} values, want ${want.length}`);
  const bad = got.map((g, i) => [i, g, want[i], tol[i]]).filter(([, g, w, t]) => !(Math.abs(g - w) <= t));
  assert.deepEqual(bad.slice(0, 5), [], `${what}: ${bad.length} of ${got.length} elements differ ([index, got, want, tolerance])`);
}

/**
 * The maps of channel `ch`, read back: x equals the input regenerated here (when `x` is given),
 * the shortcut equals x for the identity, F(x) has mean 0 and variance 1 (it ends in a batch norm
 * in training mode, γ = 1, β = 0), F(x) + shortcut(x) is their element-wise sum, and the output ReLU of it.
 */
async function checkMaps(page, { x, identity }) {
  const maps = {};
  for (const id of ['map-x', 'map-fx', 'map-shortcut', 'map-sum', 'map-out']) maps[id] = await readMap(page, id);
  const n = maps['map-fx'].values.length;
  if (x) {
    assert.equal(maps['map-x'].range, `${fmt(Math.min(...x))} … ${fmt(Math.max(...x))}`, `${page.name}: map-x's legend`);
    assertClose(maps['map-x'].values, x, maps['map-x'].errors, `${page.name}: map-x read back against x`);
  }
  if (identity) {
    assert.equal(maps['map-shortcut'].range, maps['map-x'].range, `${page.name}: the identity shortcut's legend is x's`);
    assertClose(maps['map-shortcut'].values, x ?? maps['map-x'].values, maps['map-shortcut'].errors, `${page.name}: shortcut(x) = x`);
  }
  const F = maps['map-fx'].values;
  const mean = F.reduce((a, b) => a + b, 0) / n;
  const variance = F.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
  const slack = Math.max(...maps['map-fx'].errors);
  assert.ok(
    Math.abs(mean) <= slack && Math.abs(variance - 1) <= 4 * slack,
    `${page.name}: F(x) after bn in training mode has mean ${mean}, variance ${variance}: want 0 and 1`,
  );
  const S = identity && x ? x : maps['map-shortcut'].values;
  const sTol = identity && x ? S.map(() => 1e-6) : maps['map-shortcut'].errors;
  assertClose(
    maps['map-sum'].values,
    F.map((v, i) => v + S[i]),
    maps['map-sum'].errors.map((e, i) => e + maps['map-fx'].errors[i] + sTol[i]),
    `${page.name}: F(x) + shortcut(x), element by element`,
  );
  assertClose(
    maps['map-out'].values,
    maps['map-sum'].values.map((v) => Math.max(v, 0)),
    maps['map-out'].errors.map((e, i) => e + maps['map-sum'].errors[i]),
    `${page.name}: ReLU(F(x) + shortcut(x))`,
  );
  assert.equal(maps['map-out'].lo, Math.max(0, maps['map-sum'].lo), `${page.name}: the output's smallest value is max(0, the sum's)`);
  assert.equal(maps['map-out'].hi, maps['map-sum'].hi, `${page.name}: the output's largest value is the sum's`);
  return maps;
}

/** The input's channel `ch`, as the map should show it. */
const channelOf = (all, ch, h) => all.slice(ch * h * h, (ch + 1) * h * h);

/** Clicks the example button with this text (the buttons have no test id; `n` is its place among them, checked). */
async function clickExample(page, n, text) {
  const css = `.examples button:nth-of-type(${n})`;
  assert.equal(await page.evaluate((sel) => document.querySelector(sel)?.textContent.trim() ?? null, css), text, `${page.name}: example button ${n}`);
  await page.click(css);
}

const dataEqual = (page, testid) => page.evaluate((id) => document.querySelector(`[data-testid="${id}"]`)?.dataset.equal ?? null, testid);

// ---------------------------------------------------------------------------------------------

eachBrowser('residual blocks', (b) => {
  test('defaults: d2l Residual(3) on (1, 3, 12, 12) — every shape (3, 12, 12); the sum is F(x) + x element by element; channel 2', async () => {
    const { page } = b;
    await page.open('?page=residual');
    const config = { block: 'basic', shortcut: 'identity', stride: 1, c: 3, cout: 3, h: 12 };
    for (const key of ['c', 'cout', 'h', 'ch']) await expectValue(page, `param-${key}`, key === 'ch' ? 0 : config[key]);
    await expectText(page, 'pytorch', 'blk = Residual(3)   # d2l 8.6, X: (1, 3, 12, 12)');
    await expectDiagram(page, config);
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid=rb-add]').getAttribute('class')), 'rb-add');
    assert.ok(!(await page.exists('[data-testid=residual-error]')), 'no error when the shapes match');
    // The block computed in parts (F, shortcut, +, ReLU) agrees with the core's Residual layer run as one.
    await expectEval(page, () => dataEqual(page, 'residual-whole'), 'true', 'residual-whole data-equal');
    await expectText(page, 'shape-add', '(3, 12, 12)');
    await expectText(page, 'shape-cat', '(6, 12, 12)', 'concatenating along the channels adds them up');

    const x = featureMap(3, 12);
    await checkMaps(page, { x: channelOf(x, 0, 12), identity: true });
    await expectText(page, 'map-x', /^x · Channel 0/);
    await page.shot('residual');

    // Channel 2 (the blue bar): the URL keeps it, and the maps follow.
    await page.fill('[data-testid=param-ch]', 2);
    await expectQuery(page, { page: 'residual', ch: 2 });
    await expectText(page, 'map-x', /^x · Channel 2/);
    const blue = channelOf(x, 2, 12);
    const legend = () => page.evaluate(() => document.querySelector('[data-testid=map-x] .map-range')?.textContent);
    await expectEval(page, legend, `${fmt(Math.min(...blue))} … ${fmt(Math.max(...blue))}`, 'map-x\'s legend for channel 2');
    await checkMaps(page, { x: blue, identity: true });
  });

  test('stride 2 with the identity shortcut: the core refuses the add, with its message; a 1×1 convolution shortcut fixes it', async () => {
    const { page } = b;
    await page.open('?page=residual');
    await page.click('[data-testid=stride-2]');
    await expectQuery(page, { page: 'residual', stride: 2 });
    await expectText(page, 'pytorch', 'blk = Residual(3, strides=2)   # d2l 8.6, X: (1, 3, 12, 12)');
    // The main path halves H and W: floor((12 + 2 − 3) / 2) + 1 = 6; the shortcut still carries (3, 12, 12).
    await expectDiagram(page, { stride: 2 });
    await expectText(
      page,
      'residual-error',
      "the block's output [3, 6, 6] and its shortcut [3, 12, 12] differ, so they cannot be added: " +
        'use a 1×1 convolution on the shortcut (use_1x1conv) when the channels or the stride change',
    );
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid=rb-add]').getAttribute('class')), 'rb-add bad');
    await expectText(
      page,
      'shape-add',
      'cannot add tensors of shapes [3, 6, 6] and [3, 12, 12]: an element-wise add needs equal shapes ' +
        '(in a residual block, a 1×1 convolution on the shortcut fixes the channels and stride)',
    );
    await expectText(page, 'shape-cat', 'torch.cat needs the same H and W');
    for (const id of ['map-sum', 'map-out']) {
      await expectEval(page, () => page.evaluate((id) => {
        const fig = document.querySelector(`[data-testid="${id}"]`);
        return fig && { missing: fig.classList.contains('missing'), mark: fig.querySelector('.map-missing')?.textContent, canvas: !!fig.querySelector('canvas') };
      }, id), { missing: true, mark: '✗', canvas: false }, `${id} shown as missing`);
    }
    await expectText(page, 'map-fx', /\(3, 6, 6\)/);
    await page.shot('residual-stride2-error');

    // use_1x1conv=True: Conv2d(3, 3, 1, stride=2) on the shortcut, (3, 6, 6) on both sides.
    await page.click('[data-testid=shortcut-conv1x1]');
    await expectQuery(page, { stride: 2, shortcut: 'conv1x1' });
    await expectText(page, 'pytorch', 'blk = Residual(3, use_1x1conv=True, strides=2)   # d2l 8.6, X: (1, 3, 12, 12)');
    await expectDiagram(page, { stride: 2, shortcut: 'conv1x1' });
    assert.ok(!(await page.exists('[data-testid=residual-error]')), 'the error is gone');
    await expectEval(page, () => dataEqual(page, 'residual-whole'), 'true', 'residual-whole data-equal');
    await expectText(page, 'shape-add', '(3, 6, 6)');
    const maps = await checkMaps(page, { identity: false });
    assert.deepEqual([maps['map-sum'].rows, maps['map-sum'].cols], [6, 6]);
  });

  test('the notes\' d2l examples: Residual(3) on 6 × 6 → (3, 6, 6); Residual(6, use_1x1conv=True, strides=2) (example button, h=6) → (6, 3, 3)', async () => {
    const { page } = b;
    await page.open('?page=residual&h=6');
    await expectDiagram(page, { h: 6 });
    await expectText(page, 'shape-add', '(3, 6, 6)', 'the notes: blk(X).shape = torch.Size([4, 3, 6, 6])');
    await checkMaps(page, { x: channelOf(featureMap(3, 6), 0, 6), identity: true });

    await clickExample(page, 2, 'd2l: Residual(6, use_1x1conv=True, strides=2)');
    await expectQuery(page, { page: 'residual', block: 'basic', shortcut: 'conv1x1', stride: 2, c: 3, cout: 6, h: 12 });
    await expectDiagram(page, { shortcut: 'conv1x1', stride: 2, c: 3, cout: 6, h: 12 });
    await page.fill('[data-testid=param-h]', 6);
    await expectQuery(page, { h: 6, cout: 6 });
    await expectDiagram(page, { shortcut: 'conv1x1', stride: 2, c: 3, cout: 6, h: 6 });
    await expectText(page, 'pytorch', 'blk = Residual(6, use_1x1conv=True, strides=2)   # d2l 8.6, X: (1, 3, 6, 6)');
    await expectText(page, 'shape-add', '(6, 3, 3)', 'the notes: torch.Size([4, 6, 3, 3])');
    await expectText(page, 'shape-cat', '(12, 3, 3)');
    await expectEval(page, () => dataEqual(page, 'residual-whole'), 'true', 'residual-whole data-equal');
    await checkMaps(page, { identity: false });
    await page.shot('residual-d2l-1x1');
  });

  test('the notes\' bottleneck 256 → 64 → 256 on (1, 256, 28, 28), F_out + x_in; A + B = 10 everywhere, torch.cat((A, B), 0)', async () => {
    const { page } = b;
    await page.open('?page=residual');
    // The notes' element-wise add and concatenation, A = arange(1, 10).view(3, 3), B = arange(9, 0, -1).view(3, 3).
    const A = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const B = [...A].reverse();
    await expectCells(page, 'avc-a', A);
    await expectCells(page, 'avc-b', B);
    await expectCells(page, 'avc-sum', A.map((a, i) => a + B[i]));
    assert.deepEqual(await cellTexts(page, 'avc-cat'), [...A, ...B].map(String));

    await clickExample(page, 4, 'The notes\' bottleneck: 256 → 64 → 256');
    const config = { block: 'bottleneck', shortcut: 'identity', stride: 1, c: 256, mid: 64, cout: 256, h: 28 };
    await expectQuery(page, { page: 'residual', ...config });
    await expectValue(page, 'param-mid', 64);
    await expectText(page, 'pytorch', 'F = nn.Sequential(conv1, bn1, relu, conv2, bn2, relu, conv3, bn3)   # X: (1, 256, 28, 28)');
    // conv1 (1×1) → (64, 28, 28), conv2 (3×3, padding 1) → (64, 28, 28), conv3 (1×1) → (256, 28, 28): F_out.shape = x_in.shape.
    await expectDiagram(page, config);
    await expectText(page, 'shape-add', '(256, 28, 28)');
    await expectText(page, 'shape-cat', '(512, 28, 28)');
    await checkMaps(page, { x: channelOf(featureMap(256, 28), 0, 28), identity: true });
    await page.shot('residual-bottleneck');
  });
});
