// The channels lesson, loaded from URLs: one filter over the three channels of the synthetic RGB
// image taken apart (partial maps, their sum, the bias), several filters (the weight tensor's
// shape), the 1×1 convolution computed as a convolution and as a matrix multiply (d2l's
// corr2d_multi_in_out_1x1), and the parameters of the notes' 256 → 64 → 256 bottleneck.
// Every number is checked against values computed here, from the image's definition.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isDeepStrictEqual } from 'node:util';

import { eachBrowser, expectEqual as expectEval, expectQuery, expectText, expectValue, until } from './lib/harness.mjs';
import { f, fmt, syntheticRgb } from './lib/truth.mjs';

// ---------------------------------------------------------------------------------------------
// The truth, computed here

const IMG = 12;

const IMAGE = syntheticRgb(IMG, IMG);
const px = (c, y, x) => (y < 0 || x < 0 || y >= IMG || x >= IMG ? 0 : IMAGE[(c * IMG + y) * IMG + x]);

/** The page's default filters, weight `i` of the `(4, 3, 3, 3)` tensor. */
function defaultWeight(i) {
  const SOBEL_X = [-1, 0, 1, -2, 0, 2, -1, 0, 1];
  const SOBEL_Y = [-1, -2, -1, 0, 0, 0, 1, 2, 1];
  const PLUS = [0, 1, 0, 1, 1, 1, 0, 1, 0];
  const CENTRE = [0, 0, 0, 0, 1, 0, 0, 0, 0];
  const [o, c, k] = [Math.floor(i / 27) % 4, Math.floor(i / 9) % 3, i % 9];
  if (o === 0) return c === 0 ? SOBEL_X[k] : c === 1 ? SOBEL_Y[k] : -PLUS[k];
  if (o === 1) return CENTRE[k];
  if (o === 2) return c === 0 ? 0 : c === 1 ? PLUS[k] : -PLUS[k];
  return SOBEL_Y[k];
}
const DEFAULT_BIAS = [0.5, -1, 0, 0];
const defaultWeights = (cout) => Array.from({ length: cout * 27 }, (_, i) => defaultWeight(i));

/** (x[c] ⋆ w[o, c])[y, x] with zero padding 1: one partial map's value. */
function partial(weights, o, c, y, x) {
  let s = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += px(c, y + i - 1, x + j - 1) * weights[(o * 3 + c) * 9 + i * 3 + j];
  return s;
}

/** A map's legend, `min … max`, over all 12 × 12 positions of `value(y, x)`. */
function rangeOver(value) {
  let [lo, hi] = [Infinity, -Infinity];
  for (let y = 0; y < IMG; y++) for (let x = 0; x < IMG; x++) [lo, hi] = [Math.min(lo, value(y, x)), Math.max(hi, value(y, x))];
  return `${fmt(lo)} … ${fmt(hi)}`;
}

/** The 1×1 convolution at a pixel: Σ_c K[o, c] · x[c], accumulated in f32. */
function mix(k, o, y, x) {
  let acc = 0;
  for (let c = 0; c < 3; c++) acc = f(acc + f(f(k[o * 3 + c]) * px(c, y, x)));
  return acc;
}
const DEFAULT_K1 = [0.299, 0.587, 0.114, 1, -1, 0, 0, 0, 1, 0.5, 0.5, 0.5];

/** The bottleneck table of `bc` channels, `bm` middle channels, on `bh` × `bh`: [code, shape, params, macs] rows. */
function bottleneck(bc, bm, bh) {
  const conv = (cin, cout, k) => {
    const weights = cout * cin * k * k;
    const pad = k === 3 ? ', padding=1' : '';
    return { code: `nn.Conv2d(${cin}, ${cout}, kernel_size=${k}${pad})`, shape: `(${cout}, ${bh}, ${bh})`, params: weights + cout, macs: weights * bh * bh };
  };
  return { plain: [conv(bc, bc, 3)], neck: [conv(bc, bm, 1), conv(bm, bm, 3), conv(bm, bc, 1)] };
}
/** MobileNet's depthwise separable rows for `c` channels on `h` × `h`: 3×3 per channel, then 1×1. */
function separable(c, h) {
  return [
    { code: `nn.Conv2d(${c}, ${c}, kernel_size=3, padding=1, groups=${c})`, shape: `(${c}, ${h}, ${h})`, params: c * 9 + c, macs: c * 9 * h * h },
    { code: `nn.Conv2d(${c}, ${c}, kernel_size=1)`, shape: `(${c}, ${h}, ${h})`, params: c * c + c, macs: c * c * h * h },
  ];
}
const thousands = (n) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
const total = (rows, key) => rows.reduce((s, r) => s + r[key], 0);
/** The table body's rows as the page should write them, totals last. */
const tableRows = (rows) => [
  ...rows.map((r) => [r.code, r.shape, thousands(r.params), thousands(r.macs)]),
  ['total', thousands(total(rows, 'params')), thousands(total(rows, 'macs'))],
];

/** Input channel `c` of the grouped convolution at (y, x): the image's channel `c mod 3`, negated (1 − v) from the fourth on; 0 in the padding. */
function groupedPx(c, y, x) {
  if (y < 0 || x < 0 || y >= IMG || x >= IMG) return 0;
  const v = px(c % 3, y, x);
  return c >= 3 ? 1 - v : v;
}
const GROUP_KERNELS = [
  [-1, 0, 1, -2, 0, 2, -1, 0, 1], // Sobel x
  [-1, -2, -1, 0, 0, 0, 1, 2, 1], // Sobel y
  [0, 1, 0, 1, 1, 1, 0, 1, 0], // plus
  [0, 0, 0, 0, 1, 0, 0, 0, 0], // centre
];
/**
 * Output `o` of nn.Conv2d(cin, cout, 3, padding=1, groups=g, bias=False) at (y, x): filter `o` is in group
 * ⌊o / (cout/g)⌋ and reads only that group's cin/g channels; its slice over the j-th is kernel (o + j) mod 4.
 */
function grouped(cin, cout, g, o, y, x) {
  const k = cin / g;
  const first = Math.floor(o / (cout / g)) * k;
  let s = 0;
  for (let j = 0; j < k; j++) {
    const w = GROUP_KERNELS[(o + j) % 4];
    for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) s += groupedPx(first + j, y + a - 1, x + b - 1) * w[a * 3 + b];
  }
  return s;
}
/** Which input channel feeds which filter: `[c, o]` pairs, filter after filter. */
function links(cin, cout, g) {
  const k = cin / g;
  return Array.from({ length: cout }, (_, o) => Array.from({ length: k }, (_, j) => [Math.floor(o / (cout / g)) * k + j, o])).flat();
}

// ---------------------------------------------------------------------------------------------
// Reading the page

/** The legend (`min … max`) of a map figure. */
const mapRange = (page, testid) =>
  page.evaluate((id) => document.querySelector(`[data-testid="${id}"] .map-range`)?.textContent ?? null, testid);

const expectRange = (page, testid, expected, message) =>
  expectEval(page, () => mapRange(page, testid), expected, `${testid}'s range${message ? ` (${message})` : ''}`);

/** The cells of a bottleneck table body (`counts-plain`, `counts-bottleneck`) without its title row. */
const bodyRows = (page, testid) =>
  page.evaluate(
    (id) =>
      [...(document.querySelector(`[data-testid="${id}"]`)?.querySelectorAll('tr:not(.group)') ?? [])].map((tr) =>
        [...tr.querySelectorAll('td')].map((td) => td.textContent.trim()),
      ),
    testid,
  );

/** The wiring diagram's lines as `[input channel, filter]` pairs. */
const wiring = (page) =>
  page.evaluate(() => [...document.querySelectorAll('[data-testid=groups-wiring] line')].map((l) => [Number(l.dataset.from), Number(l.dataset.to)]));

/** The grouped section for `cin` → `cout` in `g` groups: PyTorch's line, the weight's shape, the wiring, the counts, every output map. */
async function expectGrouped(page, cin, cout, g) {
  const what = `${cin} → ${cout}, groups=${g}`;
  await expectText(page, 'groups-pytorch', `nn.Conv2d(${cin}, ${cout}, kernel_size=3, padding=1, groups=${g}, bias=False)`);
  await expectText(page, 'groups-weight-shape', `(${cout}, ${cin / g}, 3, 3)`, what);
  await expectEval(page, () => wiring(page), links(cin, cout, g), `the wiring of ${what}`);
  const weights = cout * (cin / g) * 9;
  const counts = () => page.evaluate(() => ({ ...document.querySelector('[data-testid=groups-counts]')?.dataset }));
  const want = { testid: 'groups-counts', params: String(weights), macs: String(weights * IMG * IMG), fullParams: String(cout * cin * 9), fullMacs: String(cout * cin * 9 * IMG * IMG) };
  await expectEval(page, counts, want, `the counts of ${what}`);
  for (let o = 0; o < cout; o++) await expectRange(page, `grouped-output-${o + 1}`, rangeOver((y, x) => grouped(cin, cout, g, o, y, x)), what);
  assert.equal(await page.exists(`[data-testid=grouped-output-${cout + 1}]`), false, `${cout} output maps`);
}

/** Leaves the focused field, so its `change` fires (as a user tabbing away). */
const blur = (page) => page.evaluate(() => document.activeElement?.blur());

/** Hovers a map's canvas and waits until the page's arithmetic names a pixel other than `from`; returns that pixel. */
async function hoverPixel(page, css, testid, pattern, from) {
  await page.hover(css);
  return until(
    async () => {
      const m = (await page.text(testid))?.match(pattern);
      const cell = m && [Number(m[1]), Number(m[2])];
      return cell && !isDeepStrictEqual(cell, from) && cell;
    },
    { what: `${testid} to show the hovered pixel of ${css}`, page },
  );
}

// ---------------------------------------------------------------------------------------------

/** The arithmetic line of filter `o` at pixel (y, x): the three partial sums, the bias, the output. */
function channelArithmetic(weights, bias, o, [y, x]) {
  const parts = [0, 1, 2].map((c) => partial(weights, o, c, y, x));
  const out = parts.reduce((a, b) => a + b) + bias[o];
  return `y[${o}][${y}, ${x}] = ${parts.map(fmt).join(' + ')} + b (${fmt(bias[o])}) = ${fmt(out)}`;
}

eachBrowser('channels', (b) => {
  test('defaults: filter 1 over R, G, B — partial maps, their sum, + bias, at (7, 5) and at a hovered pixel; filter 2', async () => {
    const { page } = b;
    await page.open('?page=channels');
    const w = defaultWeights(2);
    const bias = DEFAULT_BIAS.slice(0, 2);
    // The pixel shown before any hover: (7, 5), where all three partial maps of filter 1 are non-zero.
    await expectText(page, 'channel-arithmetic', channelArithmetic(w, bias, 0, [7, 5]));
    assert.equal(channelArithmetic(w, bias, 0, [7, 5]), 'y[0][7, 5] = -1 + -3 + -1 + b (0.5) = -4.5', 'the test\'s own model of the image');
    // Whole maps, through their legends: each channel's partial map, their sum, the sum plus the bias.
    for (const [c, name] of ['red', 'green', 'blue'].entries()) {
      await expectRange(page, `partial-${name}`, rangeOver((y, x) => partial(w, 0, c, y, x)));
      await expectRange(page, `input-${name}`, '0 … 1');
    }
    const sum = (o) => (y, x) => [0, 1, 2].reduce((s, c) => s + partial(w, o, c, y, x), 0);
    await expectRange(page, 'partial-sum', rangeOver(sum(0)));
    await expectRange(page, 'filter-output', rangeOver((y, x) => sum(0)(y, x) + bias[0]));
    // Every output channel of the weight tensor's rows: filter 2 is the centre pixel of each channel, R + G + B − 1.
    await expectRange(page, 'output-1', rangeOver((y, x) => sum(0)(y, x) + bias[0]));
    await expectRange(page, 'output-2', rangeOver((y, x) => sum(1)(y, x) + bias[1]));
    await expectText(page, 'pytorch', 'nn.Conv2d(3, 2, kernel_size=3, padding=1)');
    await expectText(page, 'weight-shape', '(2, 3, 3, 3)');
    await expectText(page, 'output-shape', '(1, 2, 12, 12)');

    // Hovering the output map shows that pixel's sum.
    const cell = await hoverPixel(page, '[data-testid=filter-output] canvas', 'channel-arithmetic', /^y\[0\]\[(\d+), (\d+)\]/, [7, 5]);
    assert.ok(cell.every((v) => v >= 4 && v <= 7), `the hovered pixel ${cell} is near the map's centre`);
    await expectText(page, 'channel-arithmetic', channelArithmetic(w, bias, 0, cell), 'the hovered pixel');
    await page.shot('channels');

    // Filter 2 (its tab): the same pixel through the centre filter, bias −1; the URL remembers it.
    await page.click('[data-testid=filter-2]');
    await expectQuery(page, { page: 'channels', o: 2 });
    await expectText(page, 'channel-arithmetic', channelArithmetic(w, bias, 1, cell), 'filter 2 at the hovered pixel');
    await expectText(page, 'filter-output', /^Output channel 2 · y\[1\]/);
    await expectRange(page, 'filter-output', rangeOver((y, x) => sum(1)(y, x) + bias[1]));
  });

  test('cout=3 from the URL; editing a kernel weight and the bias recomputes and writes wt and b', async () => {
    const { page } = b;
    await page.open('?page=channels&cout=3');
    await expectValue(page, 'param-cout', 3);
    await expectText(page, 'pytorch', 'nn.Conv2d(3, 3, kernel_size=3, padding=1)');
    await expectText(page, 'weight-shape', '(3, 3, 3, 3)', '(C_out, C_in, kH, kW)');
    await expectText(page, 'output-shape', '(1, 3, 12, 12)');
    assert.ok(await page.exists('[data-testid=filter-3]'), 'a tab per filter');
    const w = defaultWeights(3);
    const bias = DEFAULT_BIAS.slice(0, 3);
    const out = (o) => (y, x) => [0, 1, 2].reduce((s, c) => s + partial(w, o, c, y, x), bias[o]);
    // Filter 3 is green minus blue (a plus-shaped sum of each).
    await expectRange(page, 'output-3', rangeOver(out(2)));
    await expectText(page, 'channel-arithmetic', channelArithmetic(w, bias, 0, [7, 5]));

    // The centre of filter 1's green slice, 0 → 2: (7, 5) lies in the green disc, so its green partial grows by 2.
    await page.fill('[data-testid=kernel-1-green] input.cell[data-row="1"][data-col="1"]', 2);
    await blur(page);
    w[(0 * 3 + 1) * 9 + 4] = 2;
    await expectQuery(page, { page: 'channels', cout: 3, wt: w.map(fmt).join(',') });
    await expectText(page, 'channel-arithmetic', channelArithmetic(w, bias, 0, [7, 5]), 'after setting w[0, 1] centre to 2');
    assert.equal(channelArithmetic(w, bias, 0, [7, 5]), 'y[0][7, 5] = -1 + -1 + -1 + b (0.5) = -2.5');
    await expectRange(page, 'partial-green', rangeOver((y, x) => partial(w, 0, 1, y, x)));
    await expectRange(page, 'filter-output', rangeOver(out(0)));
    // The same weight is one cell of the weight tensor's first row, whose output map follows.
    await expectEval(page, () => page.cells('weight-1-2'), w.slice(9, 18).map(fmt), 'weight-1-2 (filter 1, green) cells');
    await expectRange(page, 'output-1', rangeOver(out(0)));

    // A second edit, the bias of filter 1: 0.5 → 2. Both sections must follow it, not only the first.
    await page.fill('[data-testid=param-bias]', 2);
    await blur(page);
    bias[0] = 2;
    await expectQuery(page, { b: '2,-1,0', wt: w.map(fmt).join(',') });
    await expectRange(page, 'output-1', rangeOver(out(0)), 'the filters section, after b[0] = 2');
    await expectText(page, 'channel-arithmetic', channelArithmetic(w, bias, 0, [7, 5]), 'after setting b[0] to 2');
    await expectRange(page, 'filter-output', rangeOver(out(0)), 'after b[0] = 2');
    await page.shot('channels-edited');
  });

  test('1×1 convolution = K·X: mixing each pixel\'s channels, conv2d and nn.Linear agree; c1 and K edited', async () => {
    const { page } = b;
    await page.open('?page=channels');
    const k = DEFAULT_K1.slice(0, 6);
    const mixing = (k, c1, [y, x]) => {
      const lines = Array.from({ length: c1 }, (_, o) => {
        const terms = [0, 1, 2].map((c) => `${fmt(f(k[o * 3 + c]))}·${fmt(px(c, y, x))}`);
        return `y[${o}] = ${terms.join(' + ')} = ${fmt(mix(k, o, y, x))}`;
      });
      return `[${y}, ${x}]  x = (${px(0, y, x)}, ${px(1, y, x)}, ${px(2, y, x)})  →  ${lines.join(';  ')}`;
    };
    // The default pixel (4, 4) is red and green: grey = 0.299 + 0.587 = 0.886, red − green = 0.
    await expectText(page, 'mixing-arithmetic', mixing(k, 2, [4, 4]));
    assert.match(mixing(k, 2, [4, 4]), /y\[0\] = 0\.299·1 \+ 0\.587·1 \+ 0\.114·0 = 0\.886;  y\[1\] = 1·1 \+ -1·1 \+ 0·0 = 0$/);
    for (const o of [0, 1]) {
      const want = rangeOver((y, x) => mix(k, o, y, x));
      await expectRange(page, `conv1x1-${o + 1}`, want, 'nn.Conv2d(3, 2, kernel_size=1)');
      await expectRange(page, `matmul-${o + 1}`, want, 'the matrix multiply');
    }
    // The engine's two results, compared value by value: 2 channels × 144 pixels.
    await expectText(page, 'matmul-equal', /^✓ .* max \|conv − matmul\| = 0 \(288 values compared\)$/);
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid=matmul-equal]').dataset.equal), 'true');

    // Hovering a map shows that pixel's mixing.
    const cell = await hoverPixel(page, '[data-testid=conv1x1-1] canvas', 'mixing-arithmetic', /^\[(\d+), (\d+)\]/, [4, 4]);
    await expectText(page, 'mixing-arithmetic', mixing(k, 2, cell), 'the hovered pixel');

    // Three output channels (the third row of K: blue alone), then K[2, 0] set to 0.5: y[2] = 0.5·R + B.
    await page.fill('[data-testid=param-c1]', 3);
    await expectQuery(page, { page: 'channels', c1: 3 });
    const k3 = DEFAULT_K1.slice(0, 9);
    await expectRange(page, 'conv1x1-3', rangeOver((y, x) => mix(k3, 2, y, x)));
    await expectText(page, 'matmul-equal', /\(432 values compared\)$/);
    await page.fill('[data-testid=k1-grid] input.cell[data-row="2"][data-col="0"]', 0.5);
    await blur(page);
    k3[6] = 0.5;
    await expectQuery(page, { c1: 3, k1: k3.map(fmt).join(',') });
    await expectText(page, 'mixing-arithmetic', mixing(k3, 3, cell), 'K[2, 0] = 0.5');
    for (const o of [0, 1, 2]) {
      const want = rangeOver((y, x) => mix(k3, o, y, x));
      await expectRange(page, `conv1x1-${o + 1}`, want);
      await expectRange(page, `matmul-${o + 1}`, want);
    }
    await expectText(page, 'matmul-equal', /^✓ .* = 0 \(432 values compared\)$/);
    await page.shot('channels-1x1');
  });

  test('bottleneck 256 → 64 → 256 on 28 × 28: 70,016 parameters against 590,080; the notes\' Conv2d(10, 3, 1) on 4 × 4', async () => {
    const { page } = b;
    await page.open('?page=channels');
    const { plain, neck } = bottleneck(256, 64, 28);
    // By hand: 256·256·9 + 256 = 590,080; 256·64 + 64 + 64·64·9 + 64 + 64·256 + 256 = 70,016.
    assert.equal(total(plain, 'params'), 590_080);
    assert.equal(total(neck, 'params'), 70_016);
    await expectEval(page, () => bodyRows(page, 'counts-plain'), tableRows(plain), 'the plain 3×3 row');
    await expectEval(page, () => bodyRows(page, 'counts-bottleneck'), tableRows(neck), 'the bottleneck rows');
    const data = (id) => page.evaluate((id) => ({ ...document.querySelector(`[data-testid="${id}"]`)?.dataset }), id);
    const macs = (rows) => String(total(rows, 'macs'));
    await expectEval(page, () => data('counts-plain'), { testid: 'counts-plain', params: '590080', macs: macs(plain) }, 'counts-plain data');
    await expectEval(page, () => data('counts-bottleneck'), { testid: 'counts-bottleneck', params: '70016', macs: macs(neck) }, 'counts-bottleneck data');
    const ratio = (key) => `${(total(plain, key) / total(neck, key)).toFixed(1)}×`;
    assert.deepEqual([ratio('params'), ratio('macs')], ['8.4×', '8.5×']);
    await expectText(page, 'bottleneck-saving', `The bottleneck needs ${ratio('params')} fewer parameters and ${ratio('macs')} fewer multiply-adds.`);
    await page.shot('channels-bottleneck');

    // The notes' 1×1 example: nn.Conv2d(10, 3, kernel_size=1) on (1, 10, 4, 4) gives (1, 3, 4, 4).
    await page.fill('[data-testid=param-bc]', 10);
    await page.fill('[data-testid=param-bm]', 3);
    await page.fill('[data-testid=param-bh]', 4);
    await expectQuery(page, { page: 'channels', bc: 10, bm: 3, bh: 4 });
    const small = bottleneck(10, 3, 4);
    assert.deepEqual(tableRows(small.neck)[0], ['nn.Conv2d(10, 3, kernel_size=1)', '(3, 4, 4)', '33', '480']);
    await expectEval(page, () => bodyRows(page, 'counts-bottleneck'), tableRows(small.neck), 'the bottleneck rows of 10 → 3 → 10 on 4 × 4');
    await expectEval(page, () => bodyRows(page, 'counts-plain'), tableRows(small.plain), 'the plain row of 10 channels on 4 × 4');
  });
  test('a depthwise separable convolution (groups = C, then 1×1) against the plain 3×3: its counts and saving', async () => {
    const { page } = b;
    await page.open('?page=channels&bc=32&bh=14');
    const rows = separable(32, 14);
    const { plain } = bottleneck(32, 64, 14);
    await expectEval(page, () => bodyRows(page, 'counts-separable'), tableRows(rows), 'the separable rows');
    const ratio = (key) => `${(total(plain, key) / total(rows, key)).toFixed(1)}×`;
    await expectText(page, 'separable-saving', new RegExp(`^The depthwise separable convolution needs ${ratio('params')} fewer parameters and ${ratio('macs')} fewer multiply-adds`));
  });

  test('groups: 4 → 4 in 2 groups, depthwise, PyTorch\'s refusal with the groups that fit, in English and Korean', async () => {
    const { page } = b;
    await page.open('?page=channels');
    // By hand: 2 groups of 2 channels, filters 0–1 read x0–x1 and filters 2–3 read x2–x3: 8 links, 4·2·9 = 72 weights.
    assert.deepEqual(links(4, 4, 2), [[0, 0], [1, 0], [0, 1], [1, 1], [2, 2], [3, 2], [2, 3], [3, 3]]);
    await expectGrouped(page, 4, 4, 2);
    await expectText(page, 'groups-counts', 'Parameters: 72 (groups = 1: 144). Multiply-adds: 10,368 (groups = 1: 20,736).');

    // groups = C_in: depthwise, one channel per filter.
    await page.fill('[data-testid=param-groups]', 4);
    await expectQuery(page, { page: 'channels', g: 4 });
    await expectGrouped(page, 4, 4, 4);
    await expectText(page, 'groups-kind', /^groups = C_in = 4: a depthwise convolution\./);

    // Six input channels: 4 groups no longer divide them; PyTorch's refusal, with the groups that do.
    await page.fill('[data-testid=param-gi]', 6);
    await expectQuery(page, { page: 'channels', gi: 6, g: 4 });
    await expectText(page, 'groups-error', 'groups=4 must be at least 1 and divide both the input channels (6) and the output channels (4). Groups that fit these channels: 1, 2');
    await expectEval(page, () => wiring(page), [], 'no wiring while refused');
    assert.equal(await page.exists('[data-testid=grouped-output-1]'), false, 'no output while refused');
    assert.equal(await page.exists('[data-testid=groups-counts]'), false, 'no counts while refused');
    await page.fill('[data-testid=param-groups]', 2);
    await expectGrouped(page, 6, 4, 2);
    await page.shot('channels-groups');

    // The refusal in Korean, from a shared link.
    await page.open('?page=channels&gi=6&g=4&lang=ko');
    await expectText(page, 'groups-error', 'groups=4는 1 이상이고 입력 채널 수(6)와 출력 채널 수(4)를 모두 나누어야 합니다. 이 채널 수에 맞는 그룹 수: 1, 2');
    await page.open('?page=channels&gi=6&go=6&g=3&lang=ko');
    await expectGrouped(page, 6, 6, 3);
  });
});
