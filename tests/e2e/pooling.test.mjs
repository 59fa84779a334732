// The pooling lesson, loaded from URLs: the notes' MaxPool2d(3, padding=1, stride=2) on arange(16),
// two channels, and average pooling; the hovered window's arithmetic; editing an input cell.

import { test } from 'node:test';

import { eachBrowser, expectCells, expectQuery, expectText, expectValue } from './lib/harness.mjs';

eachBrowser('pooling', (b) => {
  test('defaults: MaxPool2d(3, padding=1, stride=2) on arange(16) → [5, 7, 13, 15]', async () => {
    const { page } = b;
    await page.open('?page=pooling');
    await expectCells(page, 'output-grid', [5, 7, 13, 15]);
    await expectText(page, 'output-size', '(1, 1, 2, 2)');
    await expectText(page, 'pytorch', 'nn.MaxPool2d(kernel_size=3, stride=2, padding=1)');
    for (const [key, value] of Object.entries({ mode: 'max', k: 3, s: 2, p: 1, h: 4, w: 4, c: 1 })) {
      await expectValue(page, `param-${key}`, value);
    }
    // The input drawn with its zero padding: 6 × 6 cells around arange(16).
    const pad = [0, 0, 0, 0, 0, 0];
    const row = (i) => [0, 4 * i, 4 * i + 1, 4 * i + 2, 4 * i + 3, 0];
    await expectCells(page, 'input-grid', [...pad, ...row(0), ...row(1), ...row(2), ...row(3), ...pad]);

    await page.hover('[data-testid=output-grid] .cell');
    await expectText(page, 'arithmetic', 'max(0, 1, 4, 5) = 5', 'the first window, padding skipped');
    await page.hover('[data-testid=output-grid] [data-row="1"][data-col="1"]');
    await expectText(page, 'arithmetic', 'max(5, 6, 7, 9, 10, 11, 13, 14, 15) = 15', 'the last window: a whole 3×3');
    await page.shot('pooling');

    // Editing an input cell recomputes and writes the values into the URL.
    const first = '[data-testid=input-grid] input.cell[data-row="0"][data-col="0"]';
    await page.fill(first, 30);
    await page.evaluate(() => document.activeElement?.blur()); // `change` fires when the field is left.
    await expectCells(page, 'output-grid', [30, 7, 13, 15], 'after setting input (0, 0) to 30');
    await expectQuery(page, { page: 'pooling', x: [30, ...Array.from({ length: 15 }, (_, i) => i + 1)].join(',') });
  });

  test('c=2: channel 2 is X + 1 → [6, 8, 14, 16]', async () => {
    const { page } = b;
    await page.open('?page=pooling&c=2');
    await expectCells(page, 'output-grid', [5, 7, 13, 15]);
    await expectCells(page, 'output-grid-ch2', [6, 8, 14, 16]);
    await expectText(page, 'output-size', '(1, 2, 2, 2)');
    await page.hover('[data-testid=output-grid-ch2] .cell');
    await expectText(page, 'arithmetic-ch2', 'max(1, 2, 5, 6) = 6');
    await page.shot('pooling-2-channels');
  });

  test('mode=avg on arange(9), 2×2 windows, stride 1 → [2, 3, 5, 6]', async () => {
    const { page } = b;
    await page.open('?page=pooling&mode=avg&h=3&w=3&k=2&s=1&p=0');
    await expectCells(page, 'output-grid', [2, 3, 5, 6]);
    await expectValue(page, 'param-mode', 'avg');
    await expectText(page, 'pytorch', 'nn.AvgPool2d(kernel_size=2, stride=1, padding=0)');
    await page.hover('[data-testid=output-grid] .cell');
    await expectText(page, 'arithmetic', '(0 + 1 + 3 + 4) / 4 = 2');
    await page.shot('pooling-avg');
  });
});
