// Accessibility: the Convolution lesson used with the keyboard only (one Tab stop per grid, the
// arrow keys from cell to cell with the selected cell's arithmetic following, a value edited and
// committed with Enter), and axe-core on every lesson, light and dark, English and Korean, with
// no serious or critical violation.

import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, test } from 'node:test';

import { BROWSERS, eachBrowser, expectText, launch, root, selectedBrowsers, until } from './lib/harness.mjs';

/** Every lesson's `?page=` slug. */
const LESSONS = ['conv', 'kernels', 'output-size', 'pooling', 'channels', 'batchnorm', 'residual', 'architectures', 'train', 'backward', 'inside', 'experiments'];

/** A grid's values, row-major, as numbers (inputs' values or cells' text). */
const numbers = (page, testid) => page.cells(testid).then((cells) => cells.map(Number));

/** Output cell (r, c) of a stride-1 convolution without padding, computed here from the grids. */
function correlate(input, kernel, side, k, r, c) {
  let sum = 0;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) sum += input[(r + i) * side + (c + j)] * kernel[i * k + j];
  return sum;
}

eachBrowser('keyboard', (b) => {
  test('the Convolution lesson by keyboard: arrows move through a grid, the arithmetic follows, Enter commits an edit', async () => {
    const { page } = b;
    await page.open('?page=conv');
    await until(async () => (await page.cells('output-grid'))?.every((c) => c !== ''), { what: 'the output grid', page });
    // One Tab stop per grid: its first cell.
    const stops = await page.evaluate(() =>
      ['input-grid', 'kernel-grid', 'output-grid'].map((id) => [...document.querySelectorAll(`[data-testid=${id}] [tabindex="0"]`)].map((c) => `${c.dataset.row},${c.dataset.col}`)),
    );
    assert.deepEqual(stops, [['0,0'], ['0,0'], ['0,0']]);

    const input = await numbers(page, 'input-grid');
    const kernel = await numbers(page, 'kernel-grid');
    assert.deepEqual([input.length, kernel.length], [25, 9], 'the notes\' 5×5 input and 3×3 filter');
    await page.focus('[data-testid=output-grid] [data-row="0"][data-col="0"]');
    await page.press('ArrowRight');
    await page.press('ArrowDown');
    assert.deepEqual(await page.focused(), { row: '1', col: '1', within: 'output-grid' });
    const want = correlate(input, kernel, 5, 3, 1, 1);
    await expectText(page, 'arithmetic', new RegExp(`= ${want}\\s*$`), 'the arithmetic of output (1, 1)');
    // Past the last column the focus stays where it is.
    await page.press('ArrowRight');
    await page.press('ArrowRight');
    assert.deepEqual(await page.focused(), { row: '1', col: '2', within: 'output-grid' });

    // The input's first value, typed and committed with Enter: the output's first cell follows.
    await page.focus('[data-testid=input-grid] [data-row="0"][data-col="0"]');
    await page.fill('[data-testid=input-grid] [data-row="0"][data-col="0"]', '9');
    await page.press('Enter');
    const edited = [9, ...input.slice(1)];
    await until(async () => (await numbers(page, 'output-grid'))[0] === correlate(edited, kernel, 5, 3, 0, 0), {
      what: 'the output after the edit',
      page,
    });
    // In a field the arrows move the caret first: Left from the caret at the start leaves it.
    await page.evaluate(() => document.querySelector('[data-testid=input-grid] [data-row="0"][data-col="1"]').focus());
    await page.evaluate(() => document.activeElement.setSelectionRange(0, 0));
    await page.press('ArrowLeft');
    assert.deepEqual(await page.focused(), { row: '0', col: '0', within: 'input-grid' });
    await page.shot('conv-keyboard');
  });

  test('every map says what it shows: a small one its values, a large one where its ends are', async () => {
    const { page } = b;
    /** A map figure's legend (its smallest and largest value, as shown) and its canvas's text. */
    const read = (testid) => page.evaluate((id) => {
      const figure = document.querySelector(`[data-testid=${id}]`);
      const canvas = figure?.querySelector('canvas');
      const range = figure?.querySelector('.map-range')?.textContent ?? '';
      return range && canvas ? { range: range.split(' … '), label: canvas.getAttribute('aria-label'), size: [canvas.height, canvas.width] } : null;
    }, testid);
    await page.open('?page=residual');
    const x = await until(() => read('map-x'), { what: 'the map X and its legend', page });
    const [rows, cols] = x.size;
    if (rows * cols <= 25) {
      const values = x.label.split('row by row: ')[1].split(/[;,] /).map(Number);
      assert.equal(values.length, rows * cols, x.label);
      assert.deepEqual([Math.min(...values), Math.max(...values)], x.range.map(Number), x.label);
    } else {
      assert.match(x.label, new RegExp(`: ${rows} × ${cols} values from ${x.range[0]} \\(row \\d+, column \\d+\\) to ${x.range[1]} \\(row \\d+, column \\d+\\), mean -?[\\d.]+: \\d+% positive \\(red\\), \\d+% negative \\(blue\\)$`, 'i'));
    }
    // The same in Korean.
    await page.open('?page=residual&lang=ko');
    const ko = await until(() => read('map-x'), { what: 'the map X in Korean', page });
    assert.match(ko.label, rows * cols <= 25 ? /행 순서대로/ : /최솟값 .*최댓값 .*평균 .*양수\(빨강\)/, ko.label);
  });
});

// axe-core reads the DOM, the same in every engine: it runs in one browser, Chromium without
// WebGPU (the CPU path most visitors without WebGPU see), over every lesson in both themes and
// both languages.
const axeBrowser = BROWSERS.find((spec) => spec.name === 'chromium-no-webgpu');
if (selectedBrowsers().includes(axeBrowser)) {
  describe(`axe-core [${axeBrowser.name}]`, { timeout: 600_000 }, () => {
    test('every lesson, light and dark, English and Korean: no serious or critical violation', async () => {
      const source = await readFile(`${root}/node_modules/axe-core/axe.min.js`, 'utf8');
      const page = await launch(axeBrowser);
      const found = [];
      try {
        for (const slug of LESSONS) {
          for (const theme of ['light', 'dark']) {
            for (const lang of ['en', 'ko']) {
              await page.open(`?page=${slug}&theme=${theme}&lang=${lang}`);
              // Lessons build their parts in turns after the first task.
              await page.present('.lesson');
              await new Promise((settle) => setTimeout(settle, 800));
              const violations = await page.evaluate(async (src) => {
                if (!window.axe) (0, eval)(src);
                const result = await window.axe.run(document, { resultTypes: ['violations'] });
                return result.violations
                  .filter((v) => v.impact === 'serious' || v.impact === 'critical')
                  .map((v) => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.nodes[0]?.target.join(' ')}`);
              }, source);
              found.push(...violations.map((v) => `${slug} ${theme} ${lang}: ${v}`));
            }
          }
        }
        await page.assertNoProblems();
      } finally {
        await page.close();
      }
      assert.deepEqual(found, [], 'serious or critical violations');
    });
  });
}
