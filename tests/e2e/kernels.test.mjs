// The image-kernels lesson: a 28×28 MNIST digit, a 3×3 kernel and the feature map it makes.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { eachBrowser, expectCells, expectText, until } from './lib/harness.mjs';

/** Waits until the feature map is drawn: a canvas with more than one colour in it (whatever context drew it). */
function featureMapDrawn(page) {
  return until(
    () =>
      page.evaluate(() => {
        const canvas = document.querySelector('[data-testid=feature-map]');
        if (!(canvas instanceof HTMLCanvasElement) || !canvas.width || !canvas.height) return null;
        const copy = document.createElement('canvas');
        [copy.width, copy.height] = [canvas.width, canvas.height];
        const ctx = copy.getContext('2d');
        ctx.drawImage(canvas, 0, 0);
        const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
        const seen = new Set();
        for (let i = 0; i < data.length && seen.size < 3; i += 4) seen.add(data.slice(i, i + 4).join());
        return seen.size > 1;
      }),
    { what: 'a drawn feature-map canvas', page },
  );
}

eachBrowser('image kernels', (b) => {
  test('defaults: a 3×3 kernel over a 28×28 digit → a (26, 26) feature map', async () => {
    const { page } = b;
    await page.open('?page=kernels');
    await expectText(page, 'feature-size', '(26, 26)');
    const kernel = await until(() => page.cells('kernel-grid').then((c) => c?.length && c), {
      what: 'kernel-grid cells',
      page,
    });
    assert.equal(kernel.length, 9, 'a 3×3 kernel');
    for (const v of kernel) assert.ok(Number.isFinite(Number(v)), `kernel value ${v}`);
    assert.ok(await featureMapDrawn(page));
  });

  test('a custom kernel from the URL: 2×2 weights [1, 0; 0, 1], stride 2 → (14, 14)', async () => {
    const { page } = b;
    await page.open('?page=kernels&kernel=custom&kh=2&kw=2&wt=1,0,0,1&s=2&p=0');
    await expectCells(page, 'kernel-grid', [1, 0, 0, 1]);
    await expectText(page, 'feature-size', '(14, 14)', 'floor((28 − 2) / 2) + 1');
    await page.shot('kernels-custom');
  });

  // Chromium and Firefox get a fake camera (a moving test pattern; see the harness); WebKitGTK
  // has none, so there the lesson must say so and keep working.
  test('the camera as the image: live frames through the kernel, or a clear message without one', async () => {
    const { page } = b;
    await page.open('?page=kernels&img=camera');
    if (b.spec.engine === 'webkit') {
      await expectText(page, 'image-placeholder', /camera/i);
      await page.click('[data-testid=image-photo]');
      await featureMapDrawn(page);
      return;
    }
    // Frames 128 pixels wide (a 4:3 pattern), a 3×3 Sobel: two pixels fewer each way.
    await expectText(page, 'feature-size', '(94, 126)');
    await featureMapDrawn(page);
    const frame = () => page.evaluate(() => document.querySelector('[data-testid=input-image]').toDataURL());
    const first = await frame();
    await until(async () => (await frame()) !== first, { what: 'a new camera frame', page });
    await page.shot('kernels-camera');
    // Another image turns the camera off: its tracks end.
    await page.click('[data-testid=image-photo]');
    await expectText(page, 'feature-size', /^\(\d+, \d+\)$/);
  });

  test('the page loads with no console error, page error, HTTP error or panic', async () => {
    const { page } = b;
    await page.open('?page=kernels');
    // Settle before the picture: the feature map is built in the task after the page's first,
    // and drawn after that (later still on the GPU).
    await featureMapDrawn(page);
    await page.shot('kernels');
    await page.assertNoProblems();
  });
});
