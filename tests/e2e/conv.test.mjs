// The convolution lesson, loaded from URLs: the notes' 5×5 input and 3×3 X filter, without and
// with padding, and the arithmetic of the selected output cell.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { eachBrowser, expectCells, expectText, until } from './lib/harness.mjs';

eachBrowser('convolution', (b) => {
  test('defaults: the notes\' 5×5 input and X filter → 3×3 output', async () => {
    const { page } = b;
    await page.open('?page=conv');
    await expectCells(page, 'output-grid', [8, 9, 8, 8, 5, 9, 6, 5, 5]);
    // Hovering (and clicking) the first output cell shows the sum that made it.
    await page.hover('[data-testid=output-grid] .cell');
    await page.click('[data-testid=output-grid] .cell');
    await expectText(page, 'arithmetic', /= 8\s*$/, 'the first output cell\'s sum');
    await page.shot('conv-selected');
  });

  test('p=1: zero padding keeps 5×5', async () => {
    const { page } = b;
    await page.open('?page=conv&p=1');
    await expectCells(page, 'output-grid', [2, 7, 5, 5, 2, 2, 8, 9, 8, 2, 3, 8, 5, 9, 2, 1, 6, 5, 5, 3, 2, 3, 2, 3, 1]);
    await page.shot('conv-p1');
  });

  test('several channels: the note links to the Channels lesson\'s groups, with these channels, depthwise', async () => {
    const { page } = b;
    await page.open('?page=conv&c=3');
    await expectText(page, 'channels-note', /^Channels in = kernel depth\./);
    const href = await page.evaluate(() => document.querySelector('[data-testid=groups-link]')?.getAttribute('href'));
    assert.equal(href, '?page=channels&gi=3&go=3&g=3#groups');
    // Followed as a visitor's click would (a click in WebKit's WebDriver races the unload).
    await page.open(href);
    await expectText(page, 'groups-pytorch', 'nn.Conv2d(3, 3, kernel_size=3, padding=1, groups=3, bias=False)');
    await expectText(page, 'groups-kind', /^groups = C_in = 3: a depthwise convolution\./);
  });

  test('the page loads with no console error, page error, HTTP error or panic', async () => {
    const { page } = b;
    await page.open('?page=conv');
    // Settle before the picture: the output arrives after the load (later still on the GPU).
    if (await page.exists('[data-testid=output-grid]')) {
      await until(async () => (await page.cells('output-grid'))?.every((c) => c !== ''), { what: 'the output grid', page });
    }
    await page.shot('conv');
    await page.assertNoProblems();
  });
});
