// Inside the network: the bundled MNIST ConvNet on test digits. Every check compares what the page
// shows with a truth computed here: the digit's pixels read from the bundled file, the receptive
// fields PyTorch's autograd measured (tests/golden/receptive_fields.json), and the unit's value
// recomputed from the terms the page writes out (window × kernel sums plus bias, batch norm's
// formula, a window's maximum, a Linear's products).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { eachBrowser, expectQuery, expectText, expectValue, root, until } from './lib/harness.mjs';

const RF = JSON.parse(readFileSync(join(root, 'tests/golden/receptive_fields.json'), 'utf8'));
const MNIST = readFileSync(join(root, 'public/data/mnist-10k.bin'));

/** Test digit `i` of the bundled file (see scripts/make-mnist.mjs): pixels in 0..1 and label. */
function testDigit(i) {
  const count = MNIST.readUInt32LE(8);
  const train = MNIST.readUInt32LE(20);
  const at = 24 + (train + i) * 784;
  const pixels = [...MNIST.subarray(at, at + 784)].map((v) => v / 255);
  return { pixels, label: MNIST[24 + count * 784 + train + i] };
}

/**
 * A 24-bit BMP of `width × height` grey levels `grey(x, y)` in 0..1 (rows stored bottom-up, each
 * padded to 4 bytes): an image every browser decodes, written without a library.
 */
function bmp(width, height, grey) {
  const row = Math.ceil((width * 3) / 4) * 4;
  const out = Buffer.alloc(54 + row * height);
  out.write('BM', 0, 'latin1');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(width, 18);
  out.writeInt32LE(height, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(row * height, 34);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.round(255 * Math.min(1, Math.max(0, grey(x, y))));
      out.fill(v, 54 + (height - 1 - y) * row + x * 3, 54 + (height - 1 - y) * row + x * 3 + 3);
    }
  }
  return out;
}

/**
 * A photo of test digit `i` as it would come from a phone: dark ink on unevenly lit grey paper,
 * four times larger and off centre in a 200 × 150 picture.
 */
function photoOf(i) {
  const { pixels } = testDigit(i);
  return bmp(200, 150, (x, y) => {
    const paper = 0.7 + 0.2 * (x / 200);
    const [dx, dy] = [Math.floor((x - 70) / 4), Math.floor((y - 20) / 4)];
    const ink = dx >= 0 && dx < 28 && dy >= 0 && dy < 28 ? pixels[dy * 28 + dx] : 0;
    return paper * (1 - 0.8 * ink);
  });
}

/** PyTorch's box of `unit` of mnist_convnet's layer `layer` (summary name, e.g. "1.0"). */
function goldenBox(layer, unit) {
  const model = RF.models.find((m) => m.name === 'mnist_convnet');
  const found = model.layers.find((l) => l.layer === layer).units.find((u) => u.unit.join() === unit.join());
  return found.box;
}

/** What the unit panel shows, as numbers. */
function readUnit(page) {
  return page.evaluate(() => {
    const nums = (id) => [...document.querySelectorAll(`[data-testid=unit-panel] [data-testid=${id}]`)].map((e) => Number(e.dataset.value));
    const terms = [...document.querySelectorAll('[data-testid=channel-term]')].map((d) => ({
      window: d.dataset.window.split(',').map(Number),
      kernel: d.dataset.kernel.split(',').map(Number),
    }));
    const products = [...document.querySelectorAll('[data-testid=linear-term]')].map((e) => Number(e.dataset.product));
    const pool = [...document.querySelectorAll('[data-testid=pool-window] td')].map((td) => (td.dataset.value === undefined ? null : Number(td.dataset.value)));
    const value = document.querySelector('[data-testid=unit-value]')?.dataset.value;
    return {
      value: value === undefined ? null : Number(value),
      sums: nums('channel-sum'),
      bias: nums('unit-bias')[0],
      terms,
      products,
      rest: nums('linear-rest')[0],
      bn: ['x', 'mean', 'var', 'gamma', 'beta'].map((k) => nums(`bn-${k}`)[0]),
      pool,
      box: document.querySelector('[data-testid=rf-box]')?.dataset.box ?? null,
    };
  });
}

/** Waits for the unit panel to show a value, and returns what it shows. */
function unitShown(page, what) {
  return until(async () => {
    const u = await readUnit(page);
    return u.value === null ? null : u;
  }, { what, page });
}

/** `a` equals `b` up to float32 rounding of sums of `terms` terms of size about `scale`. */
function close(a, b, scale, what) {
  assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(1, scale), `${what}: ${a} vs ${b}`);
}

eachBrowser('inside the network', (b) => {
  test('a shared link opens on the first convolution\'s centre unit, explained term by term', async () => {
    const { page } = b;
    await page.open('?page=inside');
    const digit = testDigit(0);
    await expectText(page, 'prediction', new RegExp(`^Label ${digit.label} · The model says ${digit.label} \\(`), 'the pretrained ConvNet reads test digit 0');
    const u = await unitShown(page, 'the unit panel of layer 0');
    // One input channel: its window is the digit's pixels of rows and columns 12..16 (5×5,
    // padding 2, centre 14), and the sum of window × kernel plus the bias is the engine's value.
    assert.equal(u.terms.length, 1);
    const window = [];
    for (let y = 12; y <= 16; y++) for (let x = 12; x <= 16; x++) window.push(digit.pixels[y * 28 + x]);
    u.terms[0].window.forEach((v, i) => close(v, window[i], 1, `window tap ${i}`));
    const sum = u.terms[0].window.reduce((s, v, i) => s + v * u.terms[0].kernel[i], 0);
    close(u.sums[0], sum, 25, 'the channel sum');
    close(u.sums[0] + u.bias, u.value, 25, 'sum + bias = the value shown');
    assert.equal(u.box, goldenBox('0.0', [14, 14]).join(), 'the receptive field is PyTorch\'s');
    await expectValue(page, 'param-weights', 'pretrained');
    const probabilities = await page.evaluate(() => [...document.querySelectorAll('[data-testid=probabilities] li')].map((li) => Number(li.dataset.p)));
    assert.equal(probabilities.length, 10);
    close(probabilities.reduce((s, p) => s + p, 0), 1, 10, 'the probabilities add up to 1');
    assert.equal(probabilities.indexOf(Math.max(...probabilities)), digit.label);
    await page.shot('inside');
  });

  test('a click selects a unit; the second convolution\'s 16 channels add up; the arrow keys move it', async () => {
    const { page } = b;
    await page.open('?page=inside&img=7');
    await unitShown(page, 'the first unit');
    // A click at the centre of channel 3's 7 × 7 map after the second pooling selects unit
    // (3, 3) (an odd size: the centre is a cell's middle, not a border between two).
    const map = '[data-testid=map][data-layer="7"][data-channel="3"] canvas';
    await until(() => page.exists(map), { what: 'the maps of layer 7 (built a few per task)', page });
    await page.evaluate((css) => document.querySelector(css).scrollIntoView({ block: 'center' }), map);
    await page.click(map);
    await expectQuery(page, { layer: 7, ch: 3, y: 3, x: 3 });
    await until(async () => (await readUnit(page)).box === goldenBox('1.3', [3, 3]).join(), { what: 'the field of the pooled unit', page });

    await page.open('?page=inside&img=7&layer=4&ch=3&y=7&x=7');
    const u = await until(async () => {
      const shown = await readUnit(page);
      return shown.sums.length === 16 ? shown : null;
    }, { what: 'the 16 channel sums of layer 4', page });
    u.terms.forEach((t, c) => close(u.sums[c], t.window.reduce((s, v, i) => s + v * t.kernel[i], 0), 25, `channel ${c}'s sum`));
    close(u.sums.reduce((s, v) => s + v, 0) + u.bias, u.value, 400, 'Σ channel sums + bias = the value shown');
    assert.equal(u.box, goldenBox('1.0', [7, 7]).join());
    // The arrow keys move the unit on the selected map: one unit right is two pixels right
    // (the jump after one pooling).
    await page.evaluate(() => document.querySelector('[data-testid=map][data-layer="4"][data-channel="3"]')
      .dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true })));
    await expectQuery(page, { layer: 4, ch: 3, y: 7, x: 8 });
    const [top, left, bottom, right] = goldenBox('1.0', [7, 7]);
    await until(async () => (await readUnit(page)).box === [top, left + 2, bottom, right + 2].join(), {
      what: 'the field two pixels right', page,
    });
  });

  test('every layer\'s maps are all drawn, and its brightest unit has the value its legend states', async () => {
    const { page } = b;
    await page.open('?page=inside&img=2');
    await unitShown(page, 'the first unit');
    // The MNIST ConvNet's layers: 0.0-0.3, 1.0-1.3, the Flatten and the Linear.
    for (let layer = 0; layer < 10; layer++) {
      const css = `[data-testid=layer][data-layer="${layer}"]`;
      await until(() => page.exists(css), { what: `layer ${layer} (built one per task)`, page });
      // Every map of the layer drawn: one per channel of its shape `(1, C, H, W)`, one strip for
      // `(1, C)`. Then a click on the cell of strongest colour, read back from its green: the
      // diverging map fades 255 to 48 (full red, positive) or to 102 (full blue, negative).
      const brightest = await until(() => page.evaluate((css) => {
        const section = document.querySelector(css);
        const shape = section.querySelector('[data-testid=layer-shape]').textContent.match(/\d+/g).map(Number);
        const canvases = [...section.querySelectorAll('[data-testid=map] canvas')];
        const drawn = canvases.filter((c) => c.hasAttribute('data-drawn'));
        if (drawn.length !== (shape.length === 4 ? shape[1] : 1) || drawn.length !== canvases.length) return null;
        let best = { size: -1 };
        for (const canvas of drawn) {
          const px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          for (let i = 0; i < px.length; i += 4) {
            const sign = px[i] >= px[i + 2] ? 1 : -1;
            const fade = sign > 0 ? 255 - 48 : 255 - 102;
            const size = (255 - px[i + 1]) / fade;
            if (size > best.size) best = { canvas, cell: i / 4, size, sign, fade };
          }
        }
        const { canvas, cell } = best;
        canvas.scrollIntoView({ block: 'center' });
        const rect = canvas.getBoundingClientRect();
        const [row, col] = [Math.floor(cell / canvas.width), cell % canvas.width];
        canvas.dispatchEvent(new MouseEvent('click', {
          bubbles: true,
          clientX: rect.left + ((col + 0.5) * rect.width) / canvas.width,
          clientY: rect.top + ((row + 0.5) * rect.height) / canvas.height,
        }));
        const legend = section.querySelector('[data-testid=legend]').textContent;
        return { size: best.size, sign: best.sign, fade: best.fade, legend: Number(legend.slice(legend.lastIndexOf('+') + 1)) };
      }, css), { what: `every map of layer ${layer} drawn`, page });
      // The layer's colours span its largest size: some unit is at full colour.
      assert.equal(brightest.size, 1, `layer ${layer}: the strongest colour is ${brightest.size} of full`);
      // A colour is truncated to a whole level, so full colour means a size within one level
      // (1/fade) of the largest: the clicked unit's value, as the unit panel computes it, is
      // within that of the size the legend writes (to three decimals), with the colour's sign.
      await expectQuery(page, { layer }, `layer ${layer}'s brightest unit selected`);
      const [lo, hi] = [brightest.legend * (1 - 1 / brightest.fade) - 5e-4, brightest.legend + 5e-4];
      const value = await until(async () => {
        const u = await readUnit(page);
        return u.value !== null && Math.abs(u.value) >= lo && Math.abs(u.value) <= hi ? u.value : null;
      }, { what: `layer ${layer}'s brightest unit valued ±${brightest.legend}, as its legend says`, page });
      assert.equal(Math.sign(value), brightest.sign, `layer ${layer}: the colour's sign is the value's`);
    }
  });

  test('batch norm, max pooling and the Linear layer explained with their own arithmetic', async () => {
    const { page } = b;
    await page.open('?page=inside&layer=1&ch=2&y=10&x=9');
    let u = await unitShown(page, 'a batch-norm unit');
    const [x, mean, variance, gamma, beta] = u.bn;
    close((x - mean) / Math.sqrt(variance + 1e-5) * gamma + beta, u.value, Math.abs(x) + Math.abs(mean) + 1, 'batch norm with the running statistics');

    await page.open('?page=inside&layer=3&ch=5&y=7&x=7');
    u = await unitShown(page, 'a max-pooling unit');
    assert.equal(u.pool.length, 4);
    assert.equal(Math.max(...u.pool), u.value, 'the window\'s winner');
    assert.equal(u.box, goldenBox('0.3', [7, 7]).join());

    await page.open('?page=inside&layer=9&ch=3');
    u = await until(async () => {
      const shown = await readUnit(page);
      return shown.products.length ? shown : null;
    }, { what: 'a Linear unit\'s products', page });
    assert.equal(u.products.length, 5);
    close(u.products.reduce((s, p) => s + p, 0) + u.rest + u.bias, u.value, 1568, 'the largest products + the others + bias');
    assert.equal(u.box, null, 'after the Flatten the field is every pixel');
    await expectText(page, 'rf-text', /every pixel/);
  });

  test('other weights: the small ResNet\'s bundled ones, an untrained model, a file, and none kept', async () => {
    const { page } = b;
    await page.open('?page=inside&model=small_resnet&img=3');
    const digit = testDigit(3);
    await expectText(page, 'prediction', new RegExp(`^Label ${digit.label} · The model says ${digit.label} \\(`));
    await page.open('?page=inside&model=three_layer_cnn');
    await expectValue(page, 'param-weights', 'untrained');
    await unitShown(page, 'the untrained three-layer CNN');
    // Nothing kept in this fresh browser profile: the page says so and how to get some.
    await page.open('?page=inside&weights=browser');
    await expectText(page, 'inside-error', /No weights of mnist_convnet are kept in this browser: train it on the Training page/);
    // The bundled file, loaded as a student's own: the same answer, and a note of its name.
    await page.upload('[data-testid=load-weights]', [{ name: 'mine.safetensors', bytes: readFileSync(join(root, 'public/weights/mnist_convnet.safetensors')) }]);
    await expectText(page, 'weights-note', /mine\.safetensors/);
    await expectText(page, 'prediction', new RegExp(`^Label ${testDigit(0).label} · The model says ${testDigit(0).label} \\(`));
  });

  test('why this answer: the saliency and Grad-CAM of the answer or of a class picked', async () => {
    const { page } = b;
    await page.open('?page=inside&img=4');
    const digit = testDigit(4);
    await expectText(page, 'explained-class', `class ${digit.label}`, 'the answer is explained by default');
    // Grad-CAM after the two blocks (14 × 14 and 7 × 7 activations).
    await until(async () => (await page.evaluate(() => [...document.querySelectorAll('[data-testid=grad-cam] canvas[data-testid=cam]')].map((c) => `${c.height}×${c.width}`))).join() === '14×14,7×7',
      { what: 'two Grad-CAM maps', page });
    const saliency = () => page.evaluate(() => document.querySelector('[data-testid=saliency-figure]')?.dataset.values ?? null);
    const answer = await until(saliency, { what: 'the saliency of the answer', page });
    assert.equal(answer.split(',').length, 784);
    const other = (digit.label + 1) % 10;
    await page.select('[data-testid=param-class]', String(other));
    await expectQuery(page, { class: other });
    await expectText(page, 'explained-class', `class ${other}`);
    await until(async () => {
      const now = await saliency();
      return now && now !== answer;
    }, { what: `the saliency of class ${other}`, page });

    // A Grad-CAM map that is zero everywhere is blank: the page says so, under that map only.
    for (const img of [0, 4]) {
      await page.open(`?page=inside&img=${img}`);
      const maps = await until(() => page.evaluate(() => {
        const figures = [...document.querySelectorAll('[data-testid=grad-cam]')];
        const canvases = figures.map((f) => f.querySelector('canvas[data-testid=cam][data-drawn]'));
        if (figures.length !== 2 || canvases.some((c) => !c)) return null;
        return figures.map((f, i) => {
          const px = canvases[i].getContext('2d').getImageData(0, 0, canvases[i].width, canvases[i].height).data;
          return { blank: px.every((v) => v === 255), said: Boolean(f.querySelector('[data-testid=cam-zero]')) };
        });
      }), { what: `digit ${img}'s two Grad-CAM maps drawn`, page });
      maps.forEach(({ blank, said }, i) => assert.equal(said, blank, `digit ${img}, map ${i}: the note "zero everywhere" is shown exactly when the map is blank`));
    }
  });

  if (b.spec.webgpu) {
    test('the saliency on WebGPU equals the CPU\'s', async () => {
      const { page } = b;
      const read = async (query) => {
        await page.open(query);
        const text = await until(() => page.evaluate(() => document.querySelector('[data-testid=saliency-figure]')?.dataset.values ?? null), { what: `the saliency of ${query}`, page });
        return text.split(',').map(Number);
      };
      const gpu = await read('?page=inside&img=9');
      const cpu = await read('?page=inside&img=9&backend=cpu');
      const worst = Math.max(...gpu.map((g, i) => Math.abs(g - cpu[i]) - 1e-3 * Math.abs(cpu[i])));
      assert.ok(worst <= 1e-4, `|gpu − cpu| ≤ 1e-4 + 1e-3·|cpu| (the golden cases' tolerance): worst excess ${worst}`);
      assert.ok(cpu.some((v) => v !== 0), 'the saliency is not all zero');
    });
  }

  test('bench=1 times a new input to every map and the saliency drawn, as JSON', async () => {
    const { page } = b;
    await page.open('?page=inside&bench=1');
    const text = await until(async () => {
      const t = await page.text('bench-result');
      return t && t !== 'running…' ? t : null;
    }, { timeout: 120_000, what: 'the bench result', page });
    const result = JSON.parse(text);
    assert.equal(result.backend, b.spec.webgpu ? 'webgpu' : 'cpu');
    assert.equal(result.inputs, 10);
    assert.equal(result.ms.length, 10);
    assert.ok(result.ms.every((ms) => ms > 0) && result.median_ms > 0, text);
  });

  test('a digit drawn on the pad is the input: every layer and the answer follow, Clear goes back', async () => {
    const { page } = b;
    await page.open('?page=inside&img=3');
    const label = testDigit(3).label;
    await expectText(page, 'prediction', new RegExp(`^Label ${label} · The model says ${label} \\(`));
    const before = (await unitShown(page, 'the unit of test digit 3')).value;
    // A "1": one vertical stroke down the middle of the pad.
    await page.stroke('[data-testid=draw-canvas]', [[0.5, 0.15], [0.5, 0.3], [0.5, 0.5], [0.5, 0.7], [0.5, 0.85]]);
    await expectText(page, 'prediction', /^Your drawing · The model says 1 \(/);
    const u = await until(async () => {
      const shown = await readUnit(page);
      return shown.value !== null && shown.value !== before ? shown : null;
    }, { what: 'the unit of the drawn digit', page });
    close(u.sums[0] + u.bias, u.value, 25, 'sum + bias = the value shown, on the drawn digit');
    await page.click('[data-testid=clear]');
    await expectText(page, 'prediction', new RegExp(`^Label ${label} · The model says ${label} \\(`));
  });

  test('a photo of a digit is read as MNIST\'s were; a picture without one, or no image, is refused', async () => {
    const { page } = b;
    await page.open('?page=inside&img=0');
    await unitShown(page, 'the unit of test digit 0');
    // Three photos of test digits (dark ink on grey paper): each one's label is the model's answer.
    for (const i of [1, 2, 4]) {
      const { label } = testDigit(i);
      await page.upload('[data-testid=digit-photo]', [{ name: `digit-${i}.bmp`, bytes: photoOf(i), type: 'image/bmp' }]);
      await expectText(page, 'prediction', new RegExp(`^Your photo “digit-${i}\\.bmp” · The model says ${label} \\(`));
    }
    const u = await unitShown(page, 'the unit of the photo');
    close(u.sums[0] + u.bias, u.value, 25, 'sum + bias = the value shown, on the photo');
    await page.shot('inside-photo');
    // Blank paper: no digit, said so, and the last photo stays the input.
    await page.upload('[data-testid=digit-photo]', [{ name: 'blank.bmp', bytes: bmp(60, 40, () => 0.8), type: 'image/bmp' }]);
    await expectText(page, 'picture-error', /^“blank\.bmp”: No digit found in the picture/);
    await expectText(page, 'prediction', /^Your photo “digit-4\.bmp”/);
    await page.upload('[data-testid=digit-photo]', [{ name: 'notes.txt', bytes: new TextEncoder().encode('seven'), type: 'text/plain' }]);
    await expectText(page, 'picture-error', /“notes\.txt” is not an image \(text\/plain\)/);
    // Another test digit is the input again.
    await page.open('?page=inside&img=5');
    await expectText(page, 'prediction', new RegExp(`^Label ${testDigit(5).label} · `));
  });

  // Chromium and Firefox have a fake camera (a moving test pattern, see the harness): its frames
  // become the input. WebKitGTK has none: the page says so and keeps its input.
  test('the camera as the input, or a clear message without one', async () => {
    const { page } = b;
    await page.open('?page=inside&img=0');
    await unitShown(page, 'the unit of test digit 0');
    await page.click('[data-testid=digit-camera]');
    if (b.spec.engine === 'webkit') {
      await expectText(page, 'picture-error', /camera/i);
      await expectText(page, 'prediction', new RegExp(`^Label ${testDigit(0).label} · `));
      return;
    }
    await expectText(page, 'prediction', /^The camera · The model says \d \(/);
    await page.click('[data-testid=digit-camera]');
    await until(async () => (await page.evaluate(() => document.querySelector('[data-testid=digit-camera]').getAttribute('aria-pressed'))) === 'false',
      { what: 'the camera off', page });
  });

  test('a residual block explained by its two paths, global pooling by its mean', async () => {
    const { page } = b;
    await page.open('?page=inside&model=small_resnet&layer=4&ch=5&y=7&x=7');
    const parts = () => page.evaluate(() => ['res-main', 'res-shortcut', 'unit-value', 'mean-sum'].map((id) => {
      const el = document.querySelector(`[data-testid=unit-panel] [data-testid=${id}]`);
      return el ? Number(el.dataset.value) : null;
    }));
    const [main, shortcut, value] = await until(async () => {
      const p = await parts();
      return p[0] !== null && p[2] !== null ? p : null;
    }, { what: 'the residual unit\'s two paths', page });
    close(Math.max(0, main + shortcut), value, Math.abs(main) + Math.abs(shortcut), 'relu(F(x) + shortcut) = the value shown');
    // The block's paths, on request: F(x) and the shortcut, 32 channels each.
    await until(() => page.exists('[data-testid=residual-paths][data-layer="4"] summary'), { what: 'the paths of block 4', page });
    await page.evaluate(() => document.querySelector('[data-testid=residual-paths][data-layer="4"] summary').scrollIntoView({ block: 'center' }));
    await page.click('[data-testid=residual-paths][data-layer="4"] summary');
    await until(async () => (await page.evaluate(() => [...document.querySelectorAll('[data-testid=residual-paths][data-layer="4"] canvas')].length)) === 64,
      { what: '32 maps of F(x) and 32 of the shortcut', page });

    await page.open('?page=inside&model=small_resnet&layer=6&ch=7');
    const [, , mean, sum] = await until(async () => {
      const p = await parts();
      return p[2] !== null && p[3] !== null ? p : null;
    }, { what: 'the global pooling unit', page });
    close(sum / 49, mean, Math.abs(sum), 'the mean of the 7 × 7 map');
  });
});
