// The classroom: an instructor's link that hides the settings and locks the examples, and a
// three-step sequence built with "Add this state" on two lessons, shared as one link and played
// by keyboard in presentation mode (→, Space, ←, Esc), the audience seeing the lesson and the
// caption only. A sequence that cannot be read is said so, and the lesson works without it.
// Charts and maps download as PNGs for slides, at a projector's resolution (a layer's maps on one
// sheet), and a drawing made as SVG as an SVG file too.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { downloadOf, eachBrowser, expectQuery, expectText, until } from './lib/harness.mjs';

/** The computed `display` of the first element matching `css` ('missing' if there is none). */
const display = (page, css) => page.evaluate((sel) => {
  const el = document.querySelector(sel);
  return el ? getComputedStyle(el).display : 'missing';
}, css);

/**
 * A downloaded PNG, read back: its size from its header, and (decoded by the browser) how many
 * of its pixels are not near-white, so that a blank picture fails.
 */
async function picture(page, file) {
  const signature = [137, 80, 78, 71, 13, 10, 26, 10];
  assert.deepEqual([...file.bytes.subarray(0, 8)], signature, `${file.name} is a PNG`);
  const view = new DataView(file.bytes.buffer, file.bytes.byteOffset);
  const inked = await page.evaluate(async (bytes) => {
    const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
    const canvas = document.createElement('canvas');
    [canvas.width, canvas.height] = [bitmap.width, bitmap.height];
    const context = canvas.getContext('2d');
    context.drawImage(bitmap, 0, 0);
    const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
    // All inked pixels, and those of the bottom band's middle, where a chart's x-axis label is.
    const counts = { all: 0, axisLabel: 0 };
    for (let i = 0; i < data.length; i += 4) {
      if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) {
        counts.all++;
        const [x, y] = [(i / 4) % canvas.width, Math.floor(i / 4 / canvas.width)];
        if (y > 0.9 * canvas.height && x > 0.3 * canvas.width && x < 0.7 * canvas.width) counts.axisLabel++;
      }
    }
    return counts;
  }, [...file.bytes]);
  return { name: file.name, width: view.getUint32(16), height: view.getUint32(20), inked };
}

eachBrowser('classroom', (b) => {
  test('a chart and a map download as PNGs for slides, at a projector\'s resolution', async () => {
    const { page } = b;
    await page.open('?page=experiments&steps=5');
    await page.click('[data-testid=run-experiment]');
    await until(async () => (await page.evaluate(() => document.querySelector('[data-testid=experiment-status]')?.dataset.state)) === 'done', { what: 'five steps', page, timeout: 60_000 });
    const chart = await picture(page, await downloadOf(page, '[data-testid=loss-chart-png]'));
    assert.deepEqual([chart.name, chart.width, chart.height], ['convlab-loss-per-step-smoothed-one-colour-per-run.png', 1920, 960]);
    // Drawn whole at four times the page's size: its x-axis label sits at the bottom, centred.
    assert.ok(chart.inked.all > 20_000 && chart.inked.axisLabel > 100, `the chart is drawn whole: ${JSON.stringify(chart.inked)}`);
    // The residual lesson's input map X (one canvas pixel per value), enlarged with sharp squares.
    await page.open('?page=residual');
    await page.present('[data-testid=map-x] canvas[data-drawn]');
    const size = await page.evaluate(() => { const c = document.querySelector('[data-testid=map-x] canvas'); return [c.width, c.height]; });
    const map = await picture(page, await downloadOf(page, '[data-testid=map-x-png]'));
    const factor = Math.floor(1080 / Math.max(...size));
    assert.deepEqual([map.width, map.height], [size[0] * factor, size[1] * factor], `the ${size.join('×')} map enlarged ${factor} times`);
    assert.ok(map.inked.all > 0, 'the map is drawn');

    // A layer's maps (C maps of 7 × 7) on one sheet: a near-square grid of cells a line apart,
    // enlarged together.
    await page.open('?page=inside&img=7');
    const channels = await until(async () => {
      const [shape, maps] = await page.evaluate(() => {
        const layer = document.querySelector('[data-testid=layer][data-layer="7"]');
        return [layer?.querySelector('[data-testid=layer-shape]')?.textContent, layer?.querySelectorAll('.in-maps canvas[data-drawn]').length];
      });
      const c = Number(/^\(1, (\d+), 7, 7\)$/.exec(shape ?? '')?.[1]);
      return c > 1 && maps === c ? c : null;
    }, { what: 'every map of layer 7, drawn', page });
    await page.present('[data-testid=layer-7-png]');
    const sheet = await picture(page, await downloadOf(page, '[data-testid=layer-7-png]'));
    const columns = Math.ceil(Math.sqrt(channels));
    const [wide, high] = [columns * 8 - 1, Math.ceil(channels / columns) * 8 - 1];
    const sheetFactor = Math.floor(1080 / Math.max(wide, high));
    assert.deepEqual([sheet.width, sheet.height], [wide * sheetFactor, high * sheetFactor], `${channels} maps on a ${wide} × ${high} sheet enlarged ${sheetFactor} times`);

    // A drawing made as SVG: a file that keeps its styles (the page's style sheet stays behind),
    // and a PNG at a projector's width.
    await page.open('?page=architectures');
    await page.present('[data-testid=diagram-svg]');
    const svg = await downloadOf(page, '[data-testid=diagram-svg]');
    const text = new TextDecoder().decode(svg.bytes);
    assert.equal(svg.name, 'convlab-block-diagram-of-the-feature-maps.svg');
    assert.match(text, /^<svg[^>]* xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, 'a stand-alone SVG document');
    assert.match(text, /<text[^>]* style="[^"]*fill: rgb\(/, 'its text keeps its colour');
    assert.equal((text.match(/<rect/g) ?? []).length, await page.evaluate(() => document.querySelectorAll('[data-testid=diagram] rect').length) + 1, 'every box of the drawing, and the page\'s background');
    const drawing = await picture(page, await downloadOf(page, '[data-testid=diagram-png]'));
    assert.equal(drawing.width, 1920);
    assert.ok(drawing.inked.all > 10_000, `the drawing is drawn: ${JSON.stringify(drawing.inked)}`);
  });

  test('an instructor link hides the settings and locks the examples, by mouse and keyboard', async () => {
    const { page } = b;
    await page.open('?page=pooling&hide=controls&lock=examples');
    await page.present('[data-page=pooling] .examples button');
    assert.equal(await display(page, '[data-page=pooling] .controls'), 'none', 'the settings are hidden');
    assert.notEqual(await display(page, '[data-page=pooling] .examples'), 'none', 'the examples stay in sight');
    assert.notEqual(await display(page, '[data-testid=output-size]'), 'none', 'the lesson itself is shown');
    const before = await page.query();
    await page.click('[data-page=pooling] .examples button', { anyway: true });
    await page.focus('[data-page=pooling] .examples button');
    await page.press('Enter');
    await new Promise((settle) => setTimeout(settle, 300));
    assert.deepEqual(await page.query(), before, 'a locked example changes nothing');
    // Assistive technology hears that the locked controls are unavailable; the others are not.
    const marks = await page.evaluate(() => ({
      locked: [...document.querySelectorAll('[data-page=pooling] .examples button')].map((el) => el.getAttribute('aria-disabled')),
      free: [...document.querySelectorAll('[data-page=pooling] select, [data-page=pooling] input')].filter((el) => el.getAttribute('aria-disabled')).length,
    }));
    assert.ok(marks.locked.length > 0 && marks.locked.every((m) => m === 'true'), `the locked examples: ${marks.locked}`);
    assert.equal(marks.free, 0, 'the lesson\'s other controls are not marked');
  });

  test('a three-step sequence: built on two lessons, shared as one link, played by keyboard', async () => {
    const { page } = b;
    await page.open('?page=conv');
    await page.click('[data-testid=classroom] summary');
    const add = async (caption) => {
      await page.fill('[data-testid=state-caption]', caption);
      await page.click('[data-testid=add-state]');
    };
    await add('The notes\' example');
    await page.click('[data-testid=nav-pooling]');
    await page.present('[data-page=pooling]');
    await add('Max pooling');
    await page.select('[data-testid=param-mode]', 'avg');
    await add('Average pooling');
    const steps = await page.evaluate(() => [...document.querySelectorAll('[data-testid=steps] li .step-caption')].map((s) => s.textContent));
    assert.deepEqual(steps, ['The notes\' example', 'Max pooling', 'Average pooling']);
    // The link to share plays from the first step in presentation mode.
    const link = new URL(await page.evaluate(() => document.querySelector('[data-testid=sequence-link]').value));
    assert.deepEqual([link.searchParams.get('page'), link.searchParams.get('at'), link.searchParams.get('present')], ['conv', '1', '1']);

    await page.open(link.search);
    await expectText(page, 'caption', 'The notes\' example');
    await expectText(page, 'sequence-position', '1 / 3');
    assert.equal(await display(page, '.topbar'), 'none', 'the audience sees the lesson and the caption only');
    await page.present('[data-page=conv]');
    await page.press('ArrowRight');
    await expectText(page, 'caption', 'Max pooling');
    await page.present('[data-page=pooling]');
    await page.press('ArrowRight');
    await expectText(page, 'caption', 'Average pooling');
    await expectText(page, 'sequence-position', '3 / 3');
    await until(async () => (await page.evaluate(() => document.querySelector('[data-testid=param-mode]')?.value)) === 'avg', { what: 'average pooling shown', page });
    await page.press(' '); // the last step: nothing further
    await expectText(page, 'sequence-position', '3 / 3');
    await page.press('ArrowLeft');
    await expectText(page, 'caption', 'Max pooling');
    await page.press(' ');
    await expectText(page, 'caption', 'Average pooling');
    await page.shot('classroom-sequence');
    await page.press('Escape');
    await until(async () => (await display(page, '.topbar')) !== 'none', { what: 'the page\'s bar back after Esc', page });
    assert.equal((await page.query()).present, undefined);

    // A sequence cut short: said so, and the lesson shown without it.
    await page.open('?page=conv&seq=AAAA&at=1');
    await expectText(page, 'sequence-error', /cannot be read/);
    await expectQuery(page, { page: 'conv', seq: 'AAAA', at: 1 });
    assert.equal(await page.exists('[data-testid=sequence]'), false);
  });
});
