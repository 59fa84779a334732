// The architectures lesson, loaded from URLs: the parameter totals of architectures.json, the shapes
// of ResNet-18 on another input size, and the layer named when an input is too small.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { eachBrowser, expectText, until } from './lib/harness.mjs';

/** PyTorch's ConvTranspose2d output size (its documentation's formula), one axis. */
const transposedSize = (n, k, s, p, op, d = 1) => (n - 1) * s - 2 * p + d * (k - 1) + op + 1;

eachBrowser('architectures', (b) => {
  test('keras_cnn totals 55,744 parameters, as the notes\' Keras summary', async () => {
    const { page } = b;
    await page.open('?page=architectures&model=keras_cnn');
    await expectText(page, 'total-params', '55,744');
    await page.shot('architectures-keras');
  });

  test('resnet18 on 1×96×96: 512 × 3 × 3 before the global pooling, 11,178,378 parameters', async () => {
    const { page } = b;
    await page.open('?page=architectures&model=resnet18&input=1,96,96');
    await expectText(page, 'total-params', '11,178,378');
    await expectText(page, 'layer-table', /\(512, 3, 3\)/);
  });

  test('alexnet on 1×28×28 names the layer that breaks, in English and in Korean', async () => {
    const { page } = b;
    await page.open('?page=architectures&model=alexnet&input=1,28,28');
    await expectText(page, 'arch-error', /layer 5 \(MaxPool2d\)/);
    await page.open('?page=architectures&model=alexnet&input=1,28,28&lang=ko');
    await expectText(page, 'arch-error', /^5번 층\(MaxPool2d\)은 모양이 \(256, 2, 2\)인 입력을 받을 수 없습니다: 높이 방향: 커널이 패딩을 더한 입력보다 큽니다: 창은 3픽셀에 걸치지만 패딩을 더한 입력은 2픽셀뿐입니다\(2 \+ 2×0\)/);
  });
  test('a decoder: ConvTranspose2d layers take the MNIST ConvNet\'s 7×7 maps back to 28×28', async () => {
    const { page } = b;
    // The ConvNet up to its second pooling (32, 7, 7), then two transposed convolutions.
    await page.open('?page=architectures&model=mnist_convnet&edits=0-7_nTi32o16k3s2p1q1_nTi16o1k4s2p1q0');
    const rows = () => page.evaluate(() => [...document.querySelectorAll('[data-testid=layer-row]')].map((r) => ({
      type: r.querySelector('[data-testid=layer-type]').textContent,
      shape: r.querySelector('[data-testid=layer-shape]').textContent,
      params: r.querySelector('[data-testid=layer-params]').textContent,
    })));
    const shown = await until(async () => {
      const r = await rows();
      return r.length === 10 ? r : null;
    }, { what: 'ten layers', page });
    const up1 = transposedSize(7, 3, 2, 1, 1);
    const up2 = transposedSize(up1, 4, 2, 1, 0);
    assert.equal(up2, 28);
    assert.deepEqual(shown.slice(8).map((r) => [r.type, r.shape]), [
      ['ConvTranspose2d', `(16, ${up1}, ${up1})`],
      ['ConvTranspose2d', `(1, ${up2}, ${up2})`],
    ]);
    // Weights [C_in, C_out, kH, kW] plus a bias per output channel.
    assert.deepEqual(shown.slice(8).map((r) => Number(r.params.replace(/,/g, ''))), [32 * 16 * 9 + 16, 16 * 1 * 16 + 1]);
    await expectText(page, 'pytorch-export', /nn\.ConvTranspose2d\(32, 16, kernel_size=3, stride=2, padding=1, output_padding=1\)/);
    // output_padding 2 with stride 2: PyTorch refuses, and the page names the layer.
    await page.open('?page=architectures&model=mnist_convnet&edits=0-7_nTi32o16k3s2p1q2');
    await expectText(page, 'arch-error', /layer 1\.4 \(ConvTranspose2d\) cannot take an input of shape \(32, 7, 7\): output_padding along the height must be smaller than either the stride or the dilation/);
    await page.shot('architectures-decoder');
  });
});
