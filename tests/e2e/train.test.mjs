// The training lesson on both compute paths: a few steps of the MNIST ConvNet with the loss
// falling and the charts drawn; a drawn digit read by the model; weights saved, reset, loaded
// and restored after a reload with identical predictions; corrupt files and diverging learning
// rates answered with messages; the small ResNet; the bench mode's JSON; the kernel demo.
// Small batches keep WebGPU on SwiftShader (a GPU emulated on the CPU) to seconds per step.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { downloadOf, eachBrowser, expectQuery, expectText, expectValue, until } from './lib/harness.mjs';

/** Long enough for a few dozen steps on SwiftShader. */
const TRAINING_MS = 120_000;

/** The page with no weights kept by an earlier test (they live in localStorage). */
async function openFresh(page, query) {
  await page.open(query);
  await page.evaluate(() => localStorage.clear());
  await page.open(query);
}

/** What a chart drew (`data-drawn`: each series' points, first and last value), or null. */
function drawn(page, testid) {
  return page.evaluate((id) => {
    const json = document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-drawn');
    return json && json !== 'failed' ? JSON.parse(json) : null;
  }, testid);
}

/** Waits until the loss chart has drawn at least `steps` steps, and returns what it drew. */
function trainedSteps(page, steps) {
  return until(async () => {
    const chart = await drawn(page, 'loss-chart');
    return chart && chart.loss.points >= steps ? chart : null;
  }, { timeout: TRAINING_MS, what: `${steps} training steps on the loss chart`, page });
}

/** Presses Pause and waits until the run has stopped (the Start button offers to resume). */
async function pause(page) {
  await page.click('[data-testid=pause]');
  await expectText(page, 'start', /Resume/);
}

/** The class probabilities shown for the drawn digit (10 numbers), or null. */
function probabilities(page) {
  return page.evaluate(() => {
    const bars = [...document.querySelectorAll('[data-testid=probabilities] li')];
    return bars.length ? bars.map((li) => Number(li.dataset.p)) : null;
  });
}

/** The first layer's filters as drawn: `rows×cols` of each heatmap canvas. */
function filterSizes(page) {
  return page.evaluate(() => [...document.querySelectorAll('[data-testid=filters] canvas[data-testid=filter]')].map((c) => `${c.height}×${c.width}`));
}

/** A "1": one vertical stroke down the middle of the pad. */
const ONE = [[0.5, 0.15], [0.5, 0.3], [0.5, 0.5], [0.5, 0.7], [0.5, 0.85]];

/** Draws the digit and returns its probabilities once shown. */
async function drawOne(page) {
  await page.click('[data-testid=clear]');
  await page.stroke('[data-testid=draw-canvas]', ONE);
  return until(() => probabilities(page), { what: 'probabilities of the drawn digit', page });
}

/** Presses Save and returns the weights file the page offers for download. */
function saveWeights(page) {
  return downloadOf(page, '[data-testid=save-weights]');
}

/** The JSON header of a .safetensors file: an 8-byte little-endian length, then the JSON. */
function safetensorsHeader(bytes) {
  const length = Number(Buffer.from(bytes).readBigUInt64LE(0));
  return JSON.parse(Buffer.from(bytes.subarray(8, 8 + length)).toString('utf8'));
}

eachBrowser('training', (b) => {
  test('the ConvNet trains: the loss falls, the charts and the first layer\'s filters are drawn', async () => {
    const { page } = b;
    await openFresh(page, '?page=train&batch=8&lr=0.003');
    await page.click('[data-testid=start]');
    const chart = await trainedSteps(page, 25);
    await pause(page);
    // The smoothed loss starts at the first step's (about ln 10 = 2.3 for random scores).
    assert.ok(chart.smoothed.first > 1.8 && chart.smoothed.first < 3, `first loss ${chart.smoothed.first}`);
    assert.ok(chart.smoothed.last < 0.85 * chart.smoothed.first, `the smoothed loss fell: ${JSON.stringify(chart.smoothed)}`);
    const speed = await drawn(page, 'speed-chart');
    assert.ok(speed['images/s'].points >= 25 && speed['images/s'].last > 0, JSON.stringify(speed));
    await expectText(page, 'train-status', new RegExp(`^${b.spec.webgpu ? 'WebGPU' : 'CPU'}.* · epoch 1 · step \\d+/1000 · loss \\d\\.\\d{4}$`));
    // conv1's 16 filters of 5 × 5 weights, drawn after the pause.
    assert.deepEqual(await filterSizes(page), Array(16).fill('5×5'));
    if (b.spec.webgpu) await expectText(page, 'gpu-memory', /^GPU buffers: \d+\.\d MiB/);
    // What those filters make of a test image: one 28 × 28 map each (padding 2 keeps the size).
    await expectText(page, 'feature-caption', /^test image #0 · label \d$/);
    const featureSizes = () => page.evaluate(() => [...document.querySelectorAll('[data-testid=feature-map]')].map((c) => `${c.height}×${c.width}`));
    await until(async () => (await featureSizes()).length === 16, { what: '16 feature maps', page });
    assert.deepEqual(await featureSizes(), Array(16).fill('28×28'));
    const firstMap = () => page.evaluate(() => document.querySelector('[data-testid=feature-map]').toDataURL());
    const before = await firstMap();
    await page.fill('[data-testid=param-img]', 5);
    await expectText(page, 'feature-caption', /^test image #5 · label \d$/);
    await expectQuery(page, { img: 5 });
    await until(async () => (await firstMap()) !== before, { what: 'the feature maps of test image #5', page });
    await page.shot('train');

    // From mistakes to internals: measured now, a confusion cell off the diagonal lists its test digits, each a
    // link into "Inside the network" with this session's weights, where the model gives the same
    // wrong answer.
    await page.click('[data-testid=evaluate]');
    const cell = await until(() => page.evaluate(() => {
      const button = document.querySelector('[data-testid=confusion-cell]');
      return button && { label: button.dataset.true, predicted: button.dataset.predicted };
    }), { timeout: TRAINING_MS, what: 'the test set measured: a confusion cell with mistakes', page });
    await page.click('[data-testid=confusion-cell]');
    const href = await until(() => page.evaluate(() => document.querySelector('[data-testid=inside-link]')?.getAttribute('href')), { what: 'the mistaken digits', page });
    const img = new URLSearchParams(href).get('img');
    await page.click('[data-testid=inside-link]');
    await expectQuery(page, { page: 'inside', model: 'mnist_convnet', weights: 'session', img });
    await expectText(page, 'prediction', new RegExp(`^Label ${cell.label} · The model says ${cell.predicted} \\(`));
  });

  test('a drawn digit gets probabilities; saved weights loaded back and restored after a reload give the same ones', async () => {
    const { page } = b;
    await openFresh(page, '?page=train&batch=8&lr=0.003');
    await page.stroke('[data-testid=draw-canvas]', ONE);
    await expectText(page, 'draw-hint', /^No model yet/);

    await page.click('[data-testid=start]');
    await trainedSteps(page, 5);
    await pause(page);
    const trained = await drawOne(page);
    assert.equal(trained.length, 10);
    assert.ok(Math.abs(trained.reduce((a, p) => a + p, 0) - 1) < 1e-4, `probabilities sum to 1: ${trained}`);

    const file = await saveWeights(page);
    assert.equal(file.name, 'mnist_convnet.safetensors');
    // PyTorch's state_dict names and shapes (the notes' ConvNet), float32.
    const header = safetensorsHeader(file.bytes);
    assert.deepEqual(header['layer1.0.weight'].shape, [16, 1, 5, 5]);
    assert.equal(header['layer1.0.weight'].dtype, 'F32');
    assert.deepEqual(header['layer2.1.running_var'].shape, [32]);
    assert.deepEqual(header['fc.weight'].shape, [10, 1568]);

    // Reset forgets the model (not the weights kept in the browser) ...
    await page.click('[data-testid=reset]');
    await expectText(page, 'draw-hint', /^No model yet/);
    // ... and loading the file brings back the very same predictions.
    await page.upload('[data-testid=load-weights]', [file]);
    await expectText(page, 'weights-note', /^Loaded weights from mnist_convnet\.safetensors \(\d+ training steps\)/);
    assert.deepEqual(await until(() => probabilities(page), { what: 'probabilities after loading', page }), trained);

    // The weights survive a reload of the page.
    await page.open('?page=train&batch=8&lr=0.003');
    await expectText(page, 'weights-note', /^Restored weights from your last session/);
    assert.deepEqual(await drawOne(page), trained);
    await page.shot('train-draw');
  });

  // Only where there is a GPU to lose: the page destroys its WebGPU device mid-run, as a driver
  // reset or an unplugged GPU would, through the device the page asked for (caught on the way).
  if (b.spec.webgpu) {
    test('a lost GPU: training goes on on the CPU from the last weights', async () => {
      const { page } = b;
      await page.page.addInitScript(() => {
        const requestDevice = GPUAdapter.prototype.requestDevice;
        GPUAdapter.prototype.requestDevice = async function (...args) {
          const device = await requestDevice.apply(this, args);
          (window.__gpuDevices ||= []).push(device);
          return device;
        };
      });
      await openFresh(page, '?page=train&batch=8&lr=0.003');
      await page.click('[data-testid=start]');
      // Past the first snapshot of the weights (every 20 steps): what a lost GPU falls back to.
      const before = await trainedSteps(page, 24);
      await page.evaluate(() => window.__gpuDevices.forEach((d) => d.destroy()));
      await expectText(page, 'gpu-status', /^CPU \(the GPU failed/);
      const after = await trainedSteps(page, before.loss.points + 12);
      await pause(page);
      await expectText(page, 'train-status', /^CPU · epoch 1 · step \d+\/1000/);
      // The same run went on from the snapshot: the loss stays down, it does not restart at 2.3.
      assert.ok(after.smoothed.last < 0.85 * after.smoothed.first, JSON.stringify(after.smoothed));
      assert.equal(await page.text('train-error'), null);
      await page.shot('train-gpu-lost');
    });
  }

  test('corrupt files are refused with a message, and the page keeps working', async () => {
    const { page } = b;
    await openFresh(page, '?page=train');
    // The four IDX files, the training images cut short: their header announces 60,000 images
    // of 28 × 28, the file holds 100 bytes of them.
    const idx = (magic, dims, bodyBytes) => {
      const bytes = new Uint8Array(4 + 4 * dims.length + bodyBytes);
      const view = new DataView(bytes.buffer);
      view.setUint32(0, magic);
      dims.forEach((d, i) => view.setUint32(4 + 4 * i, d));
      return bytes;
    };
    await page.upload('[data-testid=data-files]', [
      { name: 'train-images-idx3-ubyte', bytes: idx(0x803, [60000, 28, 28], 100) },
      { name: 'train-labels-idx1-ubyte', bytes: idx(0x801, [2], 2) },
      { name: 't10k-images-idx3-ubyte', bytes: idx(0x803, [2, 28, 28], 2 * 784) },
      { name: 't10k-labels-idx1-ubyte', bytes: idx(0x801, [2], 2) },
    ]);
    await expectText(page, 'data-error', /^train-images-idx3-ubyte with train-labels-idx1-ubyte: this IDX image file is truncated: it has 116 bytes of the 47,040,016 its header announces .*download it again/);
    await expectText(page, 'data-source', /bundled/i, 'still the bundled digits');

    await page.upload('[data-testid=load-weights]', [{ name: 'notes.safetensors', bytes: new TextEncoder().encode('not a safetensors file') }]);
    await expectText(page, 'weights-error', /^notes\.safetensors: /);
    // A well-formed file whose conv1 has the wrong shape names the tensor.
    const json = JSON.stringify({ 'layer1.0.weight': { dtype: 'F32', shape: [16, 1, 3, 3], data_offsets: [0, 576] } });
    const wrong = new Uint8Array(8 + json.length + 576);
    new DataView(wrong.buffer).setBigUint64(0, BigInt(json.length), true);
    wrong.set(new TextEncoder().encode(json), 8);
    await page.upload('[data-testid=load-weights]', [{ name: 'wrong.safetensors', bytes: wrong }]);
    await expectText(page, 'weights-error', /^wrong\.safetensors: .*layer1\.0\.weight/);
    await page.stroke('[data-testid=draw-canvas]', ONE);
    await expectText(page, 'draw-hint', /^No model yet/, 'nothing was loaded');
    await page.shot('train-errors');
  });

  test('a learning rate that is not a number is refused; one that diverges stops with a way back', async () => {
    const { page } = b;
    // In the address: the page uses its default and says so.
    await openFresh(page, '?page=train&lr=NaN');
    await expectText(page, 'address-note', /lr=NaN is not a number here, so 0\.001 is used\./);
    await expectValue(page, 'param-lr', '0.001');
    // Typed: refused, and Start waits for a learning rate it can use.
    const typeLr = async (text) => {
      await page.fill('[data-testid=param-lr]', text);
      await page.evaluate(() => document.activeElement?.blur()); // `change` fires when the field is left.
    };
    await typeLr('NaN');
    await expectText(page, 'train-error', 'The learning rate must be a positive number, e.g. 0.001 (it is NaN).');
    await page.open('?page=train&lr=NaN&lang=ko');
    await expectText(page, 'address-note', /lr=NaN은\(는\) 여기서 쓸 수 있는 수가 아니라서 0\.001을\(를\) 씁니다\./);
    await typeLr('NaN');
    await expectText(page, 'train-error', '학습률은 0.001처럼 양수여야 합니다(지금은 NaN).');

    await page.open('?page=train&batch=8&lr=1000');
    await page.click('[data-testid=start]');
    // A few steps first (and on WebGPU the shaders' compilation).
    await until(() => page.text('train-error'), { timeout: TRAINING_MS, what: 'training to stop', page });
    await expectText(page, 'train-error', /^The loss became .* training diverged, so it was stopped .*The learning rate 1000 is probably too high/);
    await expectText(page, 'start', /Start/, 'nothing to resume');
    await page.shot('train-diverged');
    await page.click('[data-testid=recover]');
    // 0.001 is the lesson's default: the address leaves it out.
    await expectQuery(page, { page: 'train', lr: undefined });
    await expectValue(page, 'param-lr', '0.001');
    await until(async () => (await page.text('train-error')) === null, { what: 'the error to go', page });
  });

  test('the learning rate and SGD\'s momentum change while the network trains, each change marked on the loss curve', async () => {
    const { page } = b;
    await openFresh(page, '?page=train&opt=sgd&lr=0.01&batch=8');
    await expectValue(page, 'param-momentum', '0.9');
    const type = async (testid, text) => {
      await page.fill(`[data-testid=${testid}]`, text);
      await page.evaluate(() => document.activeElement?.blur()); // `change` fires when the field is left.
    };
    const marks = () => page.evaluate(() => document.querySelector('[data-testid=loss-chart]').dataset.marks.split(' ').filter(Boolean).map(Number));
    await page.click('[data-testid=start]');
    await trainedSteps(page, 2);
    await type('param-lr', '0.05');
    const [first] = await until(async () => ((await marks()).length === 1 ? marks() : null), { timeout: TRAINING_MS, what: 'the new learning rate taken', page });
    assert.ok(first >= 3, `the change acts from step ${first}, after the steps already trained`);
    await type('param-momentum', '0.5');
    const both = await until(async () => ((await marks()).length === 2 ? marks() : null), { timeout: TRAINING_MS, what: 'the new momentum taken', page });
    assert.ok(both[1] > first, `the momentum changed later: ${both}`);
    await expectQuery(page, { page: 'train', opt: 'sgd', lr: 0.05, momentum: 0.5, batch: 8 });
    await trainedSteps(page, both[1] + 1);
    await pause(page);
    await page.shot('train-settings-changed');
  });

  test('the small ResNet trains too', async () => {
    const { page } = b;
    await openFresh(page, '?page=train&model=small_resnet&batch=4');
    await until(async () => (await page.value('param-model')) === 'small_resnet', { what: 'the model chosen', page });
    await page.click('[data-testid=start]');
    await trainedSteps(page, 2);
    await pause(page);
    // The stem's 16 filters of 3 × 3.
    assert.deepEqual(await filterSizes(page), Array(16).fill('3×3'));
  });

  test('the GPU profile lists one step\'s kernels with their times and shows the WGSL of the one picked; the CPU path says it has none', async () => {
    const { page } = b;
    await openFresh(page, '?page=train&batch=8');
    if (!b.spec.webgpu) {
      await expectText(page, 'gpu-profile-cpu', /No GPU profile on the CPU path/);
      assert.equal(await page.exists('[data-testid=gpu-profile-run]'), false);
      return;
    }
    await until(() => page.exists('[data-testid=gpu-profile-run]:not([disabled])'), { what: 'the profile button', page });
    await page.click('[data-testid=gpu-profile-run]');
    await until(() => page.exists('[data-testid=gpu-profile-source]'), { timeout: TRAINING_MS, what: 'the profile', page });
    const rows = await page.evaluate(() => [...document.querySelectorAll('[data-testid=gpu-profile-kernel]')].map((r) => ({
      entry: r.querySelector('.kernel-entry').textContent,
      file: r.querySelector('.kernel-file').textContent,
      ms: Number(r.querySelector('[data-testid=gpu-profile-ms]').textContent),
      pressed: r.querySelector('button').getAttribute('aria-pressed') === 'true',
    })));
    // The MNIST ConvNet's step: at most 20 dispatches (the bench test's ceiling), from its first
    // convolution to Adam's single update.
    assert.ok(rows.length >= 10 && rows.length <= 20, JSON.stringify(rows));
    assert.deepEqual([rows[0].file, rows[0].entry.startsWith('forward')], ['conv2d.wgsl', true]);
    assert.deepEqual([rows.at(-1).file, rows.at(-1).entry], ['optim.wgsl', 'adam']);
    for (const r of rows) assert.ok(Number.isFinite(r.ms) && r.ms >= 0, JSON.stringify(r));
    // The total is the rows' sum (each shown to 0.001 ms).
    const total = Number(await page.text('gpu-profile-total'));
    const sum = rows.reduce((acc, r) => acc + r.ms, 0);
    assert.ok(Math.abs(total - sum) <= 0.0005 * (rows.length + 1), `${total} vs ${sum}`);
    // The slowest kernel is picked first, and its entry point is marked in its file.
    const slowest = rows.reduce((best, r, i) => (r.ms > rows[best].ms ? i : best), 0);
    assert.deepEqual(rows.map((r) => r.pressed), rows.map((_, i) => i === slowest));
    const marked = () => page.evaluate(() => [...document.querySelectorAll('[data-testid=gpu-profile-source] .wgsl-entry')].map((l) => l.textContent).join(''));
    assert.match(await marked(), new RegExp(`fn ${rows[slowest].entry}\\(`));
    // Another kernel's source replaces it.
    await page.click(`[data-testid=gpu-profile-kernel]:nth-child(${rows.length}) button`);
    await until(async () => /fn adam\(/.test(await marked()), { what: 'Adam\'s source', page });
    assert.match(await page.text('gpu-profile'), /optim\.wgsl · entry point adam/);
  });

  test('bench mode reports images/s, the backend, the adapter and the GPU\'s work per step as JSON', async () => {
    const { page } = b;
    await page.open('?page=train&bench=1&batches=2&batch=8');
    const text = await until(async () => {
      const t = await page.text('bench-result');
      return t && t.startsWith('{') ? t : null;
    }, { timeout: TRAINING_MS, what: 'the bench result', page });
    const result = JSON.parse(text);
    assert.equal(result.backend, b.spec.webgpu ? 'webgpu' : 'cpu');
    assert.equal(result.batches, 2);
    assert.equal(result.batch, 8);
    assert.ok(result.images_per_s > 0, text);
    assert.match(result.adapter, b.spec.webgpu ? /\S/ : /^CPU \(wasm\)$/);
    if (b.spec.webgpu) {
      // One round trip per step: the loss and the logits come back together, the labels ride along.
      const work = result.work_per_step;
      assert.deepEqual([work.submissions, work.read_backs], [1, 1], text);
      assert.ok(Number.isInteger(work.dispatches) && work.dispatches > 0 && work.dispatches <= 20, text);
    } else {
      assert.equal(result.work_per_step, null, 'no GPU work on the CPU path');
    }
  });

  test('learning a kernel (d2l 7.2) recovers K = [1, −1]', async () => {
    const { page } = b;
    await page.open('?page=train&demo=kernel');
    const kernel = await until(async () => {
      const text = await page.text('learned-kernel');
      const k = text?.replaceAll('−', '-').match(/-?\d+\.\d+/g)?.map(Number);
      return k?.length === 2 && Math.abs(k[0] - 1) < 0.05 && Math.abs(k[1] + 1) < 0.05 ? k : null;
    }, { timeout: TRAINING_MS, what: 'the learned kernel to approach [1, −1]', page });
    assert.equal(kernel.length, 2);
    await page.shot('train-kernel');
    // The last step's ∂loss/∂K, and the same step worked out on the Gradients lesson: its ∂L/∂W
    // equals the test's own sums over that page's X and ∂L/∂Y (shown to 3 decimals).
    // The run goes on after the kernel is close: read the gradient and the link of one step,
    // its last, once the run has ended.
    await expectText(page, 'kernel-run', 'Run again');
    await expectText(page, 'kernel-update', /^K ← K − lr·∂loss\/∂K = /);
    const [grad, href] = await page.evaluate(() => [
      [...document.querySelectorAll('[data-testid=kernel-grad] .cell')].map((c) => Number(c.textContent)),
      document.querySelector('[data-testid=kernel-grad-link]').getAttribute('href'),
    ]);
    assert.equal(grad.length, 2);
    await page.open(href);
    await until(async () => (await page.cells('grad-weight'))?.every((v) => v !== ''), { what: 'the lesson\'s ∂L/∂W', page });
    const x = (await page.cells('input')).map(Number);
    const g = (await page.cells('grad-output')).map(Number);
    const shown = (await page.cells('grad-weight')).map(Number);
    for (const t of [0, 1]) {
      let sum = 0;
      for (let r = 0; r < 6; r++) for (let c = 0; c < 7; c++) sum += x[r * 8 + c + t] * g[r * 7 + c];
      assert.ok(Math.abs(shown[t] - sum) < 0.01, `∂L/∂W[0, ${t}]: ${shown[t]} vs ${sum}`);
      assert.ok(Math.abs(shown[t] - grad[t]) < 0.01, `the demo's ∂loss/∂K[${t}] ${grad[t]} vs the lesson's ${shown[t]}`);
    }
  });
});
