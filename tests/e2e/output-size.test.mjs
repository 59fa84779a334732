// The output-size lesson, loaded from URLs: out = floor((in + 2p − d(k − 1) − 1) / s) + 1 per axis,
// the controls showing the URL's values, typing into them, and a configuration that cannot work.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { eachBrowser, expectQuery, expectText, expectValue, root, until } from './lib/harness.mjs';

/** PyTorch's transposed output sizes and refusals (pytorch_ops_2.json), those this lesson can
 * express: one stride, padding, output_padding and dilation for both axes. */
const TRANSPOSED = JSON.parse(readFileSync(join(root, 'tests/golden/pytorch_ops_2.json'), 'utf8'))
  .cases.filter((c) => c.op === 'conv_transpose_output_size')
  .filter(({ attrs: a }) => ['stride', 'padding', 'output_padding', 'dilation'].every((k) => a[k][0] === a[k][1]));

eachBrowser('output size', (b) => {
  test('AlexNet conv1 from the URL: 227, k11, s4, p0, d1 → 55 × 55; typing a stride', async () => {
    const { page } = b;
    const params = { h: 227, w: 227, k: 11, s: 4, p: 0, d: 1 };
    await page.open(`?page=output-size&${new URLSearchParams(params)}`);
    await expectText(page, 'output-size', '55 × 55');
    for (const [key, value] of Object.entries(params)) await expectValue(page, `param-${key}`, value);
    await page.shot('output-size');

    // The result follows the inputs, and the URL follows them too: stride 4 → 1 gives (227 − 11) / 1 + 1.
    await page.fill('[data-testid=param-s]', 1);
    await expectText(page, 'output-size', '217 × 217');
    await expectQuery(page, { page: 'output-size', s: 1, k: 11 });
  });

  test('more sizes from URLs: 64, k7, s2 → 29 × 29; 32 × 64, k5, s1 → 28 × 60', async () => {
    const { page } = b;
    await page.open('?page=output-size&h=64&w=64&k=7&s=2&p=0');
    await expectText(page, 'output-size', '29 × 29');
    await page.open('?page=output-size&h=32&w=64&k=5&s=1&p=0');
    await expectText(page, 'output-size', '28 × 60');
  });

  test('a kernel larger than the input: an explanation, no crash, and recovery', async () => {
    const { page } = b;
    await page.open('?page=output-size&h=4&w=4&k=5');
    await expectText(page, 'output-size', /larger than the padded input/);
    await page.shot('output-size-error');
    await page.fill('[data-testid=param-k]', 3);
    await expectText(page, 'output-size', '1 × 1', 'h=4, w=4, k=3 with the default s=4, p=0: floor(1 / 4) + 1');
  });

  test('in Korean, the core\'s explanation is in Korean too', async () => {
    const { page } = b;
    await page.open('?page=output-size&h=4&w=4&k=5&lang=ko');
    await expectText(page, 'output-size', '높이 방향: 커널이 패딩을 더한 입력보다 큽니다: 창은 5픽셀에 걸치지만 패딩을 더한 입력은 4픽셀뿐입니다(4 + 2×0). 더 작은 커널이나 팽창(dilation)을 쓰거나 패딩을 늘리세요');
    await page.shot('output-size-error-ko');
  });

  test('exercise buttons (exercise-1 … exercise-5), where the page has them', async (t) => {
    const { page } = b;
    await page.open('?page=output-size');
    if (!(await page.exists('[data-testid=exercise-1]'))) {
      t.skip('the page has no exercise buttons yet');
      return;
    }
    // Whatever an exercise loads, the size shown must follow from the controls by the formula.
    const consistent = async () => {
      const v = {};
      for (const key of ['h', 'w', 'k', 's', 'p', 'd']) v[key] = Number(await page.value(`param-${key}`));
      const out = (n) => Math.floor((n + 2 * v.p - v.d * (v.k - 1) - 1) / v.s) + 1;
      const want = `${out(v.h)} × ${out(v.w)}`;
      return (await page.text('output-size'))?.trim() === want && { ...v, want };
    };
    const seen = new Set();
    for (let i = 1; i <= 5; i++) {
      if (!(await page.exists(`[data-testid=exercise-${i}]`))) break;
      await page.click(`[data-testid=exercise-${i}]`);
      const shown = await until(consistent, { what: `exercise-${i}: output-size to match its controls`, page });
      seen.add(JSON.stringify(shown));
    }
    assert.ok(seen.size > 1, 'the exercises load different configurations');
  });
  test('the transposed convolution\'s size: PyTorch\'s numbers and its refusals', async () => {
    const { page } = b;
    assert.ok(TRANSPOSED.length >= 6, 'golden cases to check');
    for (const { name, attrs: a, expected } of TRANSPOSED) {
      await page.open(`?page=output-size&h=${a.input_hw[0]}&w=${a.input_hw[1]}&kh=${a.kernel_size[0]}&kw=${a.kernel_size[1]}` +
        `&s=${a.stride[0]}&p=${a.padding[0]}&d=${a.dilation[0]}&op=${a.output_padding[0]}`);
      if (expected.error) {
        await expectText(page, 'transposed-size', /output_padding along the height must be smaller|output size along the height would be/, name);
      } else {
        await expectText(page, 'transposed-size', `${expected.output_hw[0]} × ${expected.output_hw[1]}`, name);
        await expectText(page, 'transposed-formula-h', new RegExp(`= ${expected.output_hw[0]}$`), name);
      }
    }
    // The DCGAN step, typed: 7 → 14 with k 4, s 2, p 1, and the round trip back to 7.
    await page.open('?page=output-size&h=7&w=7&k=4&s=2&p=1&d=1');
    await expectText(page, 'transposed-size', '14 × 14');
    await expectText(page, 'transposed-round-trip', /14 × 14 → 7 × 7$/);
    await page.fill('[data-testid=param-op]', '2');
    await expectText(page, 'transposed-size', /output_padding along the height must be smaller than either the stride or the dilation/);
    await expectQuery(page, { op: '2' });
    await page.shot('output-size-transposed');
  });
});
