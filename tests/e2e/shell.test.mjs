// The app shell, in every browser: the badge that says what computes (and `backend=cpu`), a link
// that reproduces a page's state exactly, the navigation and the Back button, Korean, and the
// theme and presentation switches.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { eachBrowser, expectCells, expectQuery, expectText, expectValue, until } from './lib/harness.mjs';

eachBrowser('app shell', (b) => {
  test('no parameters: the first lesson, and a badge that matches the browser', async () => {
    const { page } = b;
    // open() checks the badge: "WebGPU · <adapter>" exactly where the harness gave an adapter.
    const badge = await page.open('/');
    assert.equal(badge.kind, b.spec.webgpu ? 'gpu' : 'cpu');
    assert.equal(await page.evaluate(() => document.title), 'ConvLab');
    assert.equal(
      await page.evaluate(() => document.querySelector('[data-testid=nav-conv]')?.getAttribute('aria-current')),
      'page',
      'the Convolution lesson is the default page',
    );
    for (const nav of ['nav-conv', 'nav-kernels', 'nav-output-size', 'nav-pooling']) {
      await expectText(page, nav, /\S/);
    }
    await page.shot('home');
  });

  test('backend=cpu forces the CPU path, with the same numbers', async () => {
    const { page } = b;
    const badge = await page.open('?page=pooling&backend=cpu');
    assert.equal(badge.kind, 'cpu');
    assert.match(badge.why, /backend=cpu/);
    await expectCells(page, 'output-grid', [5, 7, 13, 15]);
  });

  test('a link reproduces the state; navigating and Back restore it', async () => {
    const { page } = b;
    const state = { page: 'pooling', mode: 'avg', k: 2, s: 2, p: 0 };
    await page.open(`?${new URLSearchParams(state)}`);
    const checkState = async (when) => {
      for (const key of ['mode', 'k', 's', 'p']) await expectValue(page, `param-${key}`, state[key], when);
      await expectText(page, 'pytorch', 'nn.AvgPool2d(kernel_size=2, stride=2, padding=0)', when);
      // arange(16) in 2×2 windows, stride 2: (0 + 1 + 4 + 5) / 4, …
      await expectCells(page, 'output-grid', [2.5, 4.5, 10.5, 12.5], when);
    };
    await checkState('loaded from the link');
    await page.shot('link-state');

    await page.click('[data-testid=nav-output-size]');
    await expectText(page, 'output-size', '55 × 55', 'the output-size lesson with its defaults');
    const moved = await expectQuery(page, { page: 'output-size', mode: undefined, k: undefined });
    assert.deepEqual(Object.keys(moved), ['page'], 'a new page starts from its defaults');

    await page.back();
    await expectQuery(page, state, 'after Back');
    await checkState('after Back');
  });

  test('Korean from the URL, then the language, theme and presentation switches', async () => {
    const { page } = b;
    await page.open('?page=pooling&lang=ko');
    await expectText(page, 'nav-pooling', '풀링');
    await expectText(page, 'nav-conv', '합성곱');
    await expectValue(page, 'lang', 'ko');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'ko');
    await expectCells(page, 'output-grid', [5, 7, 13, 15], 'the same numbers in Korean');
    await page.shot('pooling-ko');

    const root = (attr) => page.evaluate((a) => document.documentElement.getAttribute(a), attr);
    await page.click('[data-testid=theme]');
    await expectQuery(page, { theme: 'dark' });
    assert.equal(await root('data-theme'), 'dark');
    await page.click('[data-testid=present]');
    await expectQuery(page, { present: 1 });
    assert.equal(await root('data-present'), '1');
    await page.shot('pooling-ko-dark-present');

    await page.select('[data-testid=lang]', 'en');
    await expectText(page, 'nav-pooling', 'Pooling');
    await expectQuery(page, { lang: 'en' });
    assert.equal(await root('lang'), 'en');
    // The language, theme and presentation survive a change of lesson.
    await page.click('[data-testid=nav-conv]');
    await expectQuery(page, { page: 'conv', lang: 'en', theme: 'dark', present: 1 });
  });

  test('the harness sees console errors, page errors, rejections and HTTP errors', async () => {
    const { page } = b;
    await page.open('?page=output-size');
    // Run as the page's own script (WebDriver's scripts may run in another realm, whose errors a
    // page's listeners do not see in Firefox; the app's would be the page's).
    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = `
        console.error('harness check: console.error');
        setTimeout(() => { throw new Error('harness check: thrown'); });
        Promise.reject(new Error('harness check: rejected'));
        fetch('/harness-check-missing');`;
      document.head.append(script);
    });
    const problems = await until(async () => {
      const all = await page.peekProblems();
      return all.length >= 4 && all;
    }, { what: 'four problems', page }).catch(async () => page.peekProblems());
    await page.problems(); // Handled here, not by the end-of-test check.
    const seen = (re) => problems.some((p) => re.test(p));
    assert.ok(seen(/console.*harness check: console\.error/), `a console error in ${JSON.stringify(problems)}`);
    assert.ok(seen(/harness check: thrown/), `a page error in ${JSON.stringify(problems)}`);
    assert.ok(seen(/harness check: rejected/), `an unhandled rejection in ${JSON.stringify(problems)}`);
    assert.ok(seen(/404.*harness-check-missing/), `an HTTP 404 in ${JSON.stringify(problems)}`);
  });
});
