// Offline use in a classroom without Wi-Fi: after one visit the service worker (public/sw.js) has
// cached the app, its styles and the bundled data, so with the network switched off every lesson
// opens and the bundled digits train. The app is installable (a manifest with its icons). A new
// build is picked up on the next visit, with a short note. Playwright switches Chromium's network
// off; WebDriver has no such switch, hence Chromium alone.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { BROWSERS, expectText, launch, selectedBrowsers, until } from './lib/harness.mjs';

/** Every lesson's `?page=` slug. */
const LESSONS = ['conv', 'kernels', 'output-size', 'pooling', 'channels', 'batchnorm', 'residual', 'architectures', 'train', 'backward', 'inside', 'experiments'];

const spec = BROWSERS.find((b) => b.name === 'chromium-no-webgpu');
if (selectedBrowsers().includes(spec)) {
  describe(`offline [${spec.name}]`, { timeout: 300_000 }, () => {
    test('after one visit every lesson opens with the network off, and the bundled digits train', async () => {
      const page = await launch(spec);
      try {
        await page.open('?page=conv');
        // Installable: the manifest names its icons, and they are served.
        const icons = await page.evaluate(async () => {
          const manifest = await (await fetch(document.querySelector('link[rel=manifest]').href)).json();
          return Promise.all(manifest.icons.map(async (i) => [i.sizes, (await fetch(i.src)).status]));
        });
        assert.deepEqual(icons, [['192x192', 200], ['512x512', 200], ['any', 200]]);
        // The worker controls the page once it has cached the build and the bundled data.
        await until(
          () =>
            page.evaluate(async () => {
              const cached = (await (await caches.open('convlab')).keys()).map((r) => new URL(r.url).pathname);
              const has = (end) => cached.some((p) => p.endsWith(end));
              return !!navigator.serviceWorker.controller && has('_bg.wasm') && has('/data/mnist-10k.bin') && has('/weights/mnist_convnet.safetensors');
            }),
          { timeout: 30_000, what: 'the app and its data cached by the service worker', page },
        );

        await page.setOffline(true);
        for (const slug of LESSONS) {
          await page.open(`?page=${slug}`);
          await page.present(`[data-page="${slug}"]`);
        }
        // The output of the notes' example, computed offline.
        await page.open('?page=conv');
        await until(async () => (await page.cells('output-grid'))?.join(' ') === '8 9 8 8 5 9 6 5 5', { what: 'the output grid offline', page });
        // Training on the bundled digits, offline.
        await page.open('?page=train');
        await page.click('[data-testid=start]');
        await until(
          () => page.evaluate(() => JSON.parse(document.querySelector('[data-testid=loss-chart]')?.dataset.drawn ?? 'null')?.loss?.points >= 3),
          { timeout: 60_000, what: 'three training steps offline', page },
        );
        await page.click('[data-testid=pause]');
        await page.assertNoProblems('offline');
      } finally {
        await page.setOffline(false);
        await page.close();
      }
    });

    test('a new build is picked up on the next visit, with a note shown once', async () => {
      const page = await launch(spec);
      try {
        await page.open('?page=output-size');
        assert.equal(await page.exists('[data-testid=update-note]'), false, 'no note on a first visit');
        // As if this browser had run another build before.
        await page.evaluate(() => localStorage.setItem('convlab-build', 'http://127.0.0.1/convlab-app-0000000000000000.js'));
        await page.open('?page=output-size');
        await expectText(page, 'update-note', /^ConvLab was updated since your last visit\./);
        await page.open('?page=output-size');
        assert.equal(await page.exists('[data-testid=update-note]'), false, 'the note is shown once');
      } finally {
        await page.close();
      }
    });
  });
}
