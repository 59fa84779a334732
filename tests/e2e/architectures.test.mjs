// The architectures lesson, loaded from URLs: the parameter totals of architectures.json, the shapes
// of ResNet-18 on another input size, and the layer named when an input is too small.

import { test } from 'node:test';

import { eachBrowser, expectText } from './lib/harness.mjs';

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
});
