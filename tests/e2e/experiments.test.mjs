// The Experiments lesson: runs side by side from one seed on the same batches. The batch-norm
// preset is run and read back: each run's curve and table row, the first loss at chance level
// (ln 10: an untrained network spreads its guesses over ten digits), and the notes' claim (the
// batch-norm run's loss ends below the plain run's). Another preset is picked and run. A
// learning rate changed during a run is compared with the same run left alone. Inside a run,
// each batch norm's running statistics follow its batch statistics by PyTorch's rule.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { eachBrowser, expectQuery, expectText, until } from './lib/harness.mjs';

/** The results table's rows: `{ run, losses, steps, first, last }`, `last` the test's own mean of the last 10 losses. */
const rows = async (page) =>
  (
    await page.evaluate(() =>
      [...document.querySelectorAll('[data-testid=experiment-results] tr[data-run]')].map((r) => ({
        run: r.dataset.run,
        losses: r.dataset.losses.split(' ').filter(Boolean).map(Number),
        steps: Number(r.dataset.steps),
      })),
    )
  ).map((r) => ({ ...r, first: r.losses[0], last: r.losses.slice(-10).reduce((a, b) => a + b, 0) / Math.min(10, r.losses.length) }));

/** Presses Run and waits until every step is done; returns the main-thread tasks over 50 ms since (null where not observable). */
async function runToTheEnd(page, steps) {
  const since = await page.evaluate(() => performance.now());
  await page.click('[data-testid=run-experiment]');
  await until(async () => (await page.evaluate(() => document.querySelector('[data-testid=experiment-status]')?.dataset.state)) === 'done', {
    timeout: 120_000,
    what: `${steps} steps of every run`,
    page,
  });
  return page.evaluate((t) => window.__convlabLongTasks?.filter(([start, ms]) => start >= t && ms > 50) ?? null, since);
}

eachBrowser('experiments', (b) => {
  test('batch norm against plain: same start, same batches; the batch-norm run\'s loss ends lower', async () => {
    const { page } = b;
    await page.open('?page=experiments&preset=bn&steps=60');
    await expectText(page, 'claim', 'With batch norm the loss falls faster and more steadily, at the same learning rate.');
    let long = await runToTheEnd(page, 60);
    if (b.spec.engine === 'chromium') {
      // As the hostile test's loads: on two cores the browser's other threads can stretch one
      // task past the budget now and then; a page whose own work blocks does so on every run.
      if (long.length) {
        console.error(`# ${b.spec.name}: tasks over 50 ms while training ${JSON.stringify(long)}; run again`);
        long = await runToTheEnd(page, 60);
      }
      assert.deepEqual(long, [], 'main-thread tasks over 50 ms while training ([start, ms])');
    }
    const [plain, bn] = await rows(page);
    assert.deepEqual([plain.run, bn.run, plain.steps, bn.steps, plain.losses.length], ['plain', 'batch norm', 60, 60, 60]);
    assert.ok(Math.abs(plain.first - Math.log(10)) < 0.05, `the untrained plain network's first loss ${plain.first} is near ln 10`);
    assert.ok(bn.last < 0.75 * plain.last, `batch norm ${bn.last} ends well below plain ${plain.last}`);
    // Both curves on the same chart, every step drawn.
    const drawn = JSON.parse(await page.evaluate(() => document.querySelector('[data-testid=loss-chart]').dataset.drawn));
    assert.deepEqual(Object.keys(drawn), ['plain', 'batch norm']);
    assert.deepEqual([drawn.plain.points, drawn['batch norm'].points], [60, 60]);
    // The accuracy of each step's batch, smoothed: whole images out of 32, between 0 and 1; the
    // batch-norm run ends more accurate.
    const accuracy = JSON.parse(await page.evaluate(() => document.querySelector('[data-testid=accuracy-chart]').dataset.drawn));
    assert.deepEqual([accuracy.plain.points, accuracy['batch norm'].points], [60, 60]);
    assert.ok(accuracy['batch norm'].last > accuracy.plain.last && accuracy['batch norm'].last <= 1, JSON.stringify(accuracy));
    // One gradient norm per layer that learns a mapping: conv1, conv2 and fc.
    const gradients = JSON.parse(await page.evaluate(() => document.querySelector('[data-testid=gradient-chart]').dataset.drawn));
    assert.deepEqual([gradients.plain.points, gradients['batch norm'].points], [3, 3]);
    await expectText(page, 'experiment-speed', /training images\/s, all runs together/);
    // Each run's own speed: its images over the worker's time for its steps alone.
    for (const run of [0, 1]) {
      const speed = Number((await page.evaluate((r) => document.querySelector(`[data-testid=run-speed-${r}]`).textContent, run)).replace(/,/g, ''));
      assert.ok(speed > 0, `run ${run}: ${speed} images/s`);
    }
    await page.shot('experiments-bn');

    // Inside: the plain run has no batch norm; every layer's weights moved from where they began.
    await page.present('[data-testid=inside-no-norm]');
    const histogram = JSON.parse(await page.evaluate(() => document.querySelector('[data-testid=weight-histogram]').dataset.drawn));
    assert.deepEqual([histogram['before the first step'].points, histogram.now.points], [24, 24]);
    // The batch-norm run's first batch norm, channel 2: the running statistics follow the
    // batch's by PyTorch's rule (momentum 0.1) from running_mean = 0 and running_var = 1.
    await page.select('[data-testid=inside-run]', '1');
    await page.present('[data-testid=inside-norm]');
    const norms = await page.evaluate(() => [...document.querySelectorAll('[data-testid=inside-norm] option')].map((o) => o.value));
    assert.deepEqual(norms, ['bn1', 'bn2']);
    await page.select('[data-testid=inside-channel]', '2');
    const read = () =>
      page.evaluate(() => {
        const d = document.querySelector('[data-testid=inside-statistics]').dataset;
        const list = (s) => s.split(' ').filter(Boolean).map(Number);
        return { batchMean: list(d.batchMean), runningMean: list(d.runningMean), batchVar: list(d.batchVar), runningVar: list(d.runningVar) };
      });
    let stats = await read();
    assert.equal(stats.batchMean.length, 60, 'one reading per step');
    const close = (got, want, what) => assert.ok(Math.abs(got - want) <= 1e-5 * (1 + Math.abs(want)), `${what}: ${got} against ${want}`);
    stats.batchMean.forEach((batch, t) => {
      close(stats.runningMean[t], 0.9 * (t ? stats.runningMean[t - 1] : 0) + 0.1 * batch, `running mean at step ${t + 1}`);
      close(stats.runningVar[t], 0.9 * (t ? stats.runningVar[t - 1] : 1) + 0.1 * stats.batchVar[t], `running variance at step ${t + 1}`);
      assert.ok(stats.batchVar[t] >= 0, `a variance is never negative: ${stats.batchVar[t]}`);
    });
    // Another channel's statistics are its own.
    await page.select('[data-testid=inside-channel]', '5');
    await until(async () => (stats.batchMean[0] !== (await read()).batchMean[0]), { what: 'channel 5\'s statistics', page });
    const means = JSON.parse(await page.evaluate(() => document.querySelector('[data-testid=norm-mean-chart]').dataset.drawn));
    assert.deepEqual([means['batch mean'].points, means['running mean'].points], [60, 60]);
    await page.shot('experiments-inside');
  });

  test('picking another preset names its runs and its claim, and runs them', async () => {
    const { page } = b;
    await page.open('?page=experiments&steps=5');
    await page.click('[data-testid=preset-residual]');
    await expectQuery(page, { page: 'experiments', preset: 'residual', steps: 5 });
    await expectText(page, 'claim', /^The deep plain network's loss barely moves/);
    await runToTheEnd(page, 5);
    const runs = await rows(page);
    assert.deepEqual(runs.map((r) => [r.run, r.steps]), [['plain, 17 convolutions', 5], ['residual, 17 convolutions', 5]]);
    assert.ok(runs.every((r) => Number.isFinite(r.first) && Number.isFinite(r.last)), JSON.stringify(runs));
    // 17 convolutions and the linear layer: 18 gradient norms per run.
    const gradients = JSON.parse(await page.evaluate(() => document.querySelector('[data-testid=gradient-chart]').dataset.drawn));
    assert.deepEqual(Object.values(gradients).map((g) => g.points), [18, 18]);
  });

  test('every other preset runs, one curve per run, each starting untrained near ln 10', async () => {
    const { page } = b;
    for (const [preset, names] of [
      ['optimizer', ['SGD, momentum 0.9', 'Adam']],
      ['lr', ['lr 0.001', 'lr 0.01', 'lr 0.5']],
      ['kernel', ['3 × 3', '5 × 5']],
      ['pooling', ['max pooling', 'stride-2 convolution']],
    ]) {
      await page.open(`?page=experiments&preset=${preset}&steps=3`);
      await runToTheEnd(page, 3);
      const drawn = JSON.parse(await page.evaluate(() => document.querySelector('[data-testid=loss-chart]').dataset.drawn));
      assert.deepEqual(Object.keys(drawn), names, preset);
      assert.ok(Object.values(drawn).every((s) => s.points === 3), `${preset}: ${JSON.stringify(drawn)}`);
      for (const r of await rows(page)) {
        assert.ok(Math.abs(r.first - Math.log(10)) < 0.3, `${preset}, ${r.run}: the first loss ${r.first} is near ln 10`);
      }
    }
  });

  test('a learning rate changed during the run changes the next steps\' updates, and only those', async () => {
    const { page } = b;
    await page.open('?page=experiments&preset=bn&steps=80&seed=3');
    await runToTheEnd(page, 80);
    const alone = await rows(page);
    // The same run again; after a few steps the batch-norm run's learning rate goes from 0.02 to 0.2.
    await page.click('[data-testid=run-experiment]');
    await until(async () => (await rows(page))[1]?.steps >= 3, { what: 'three steps', page });
    // A rate that is not a number is refused with a message, and the runs go on as they were.
    await page.fill('[data-testid=run-lr-1]', 'fast');
    await page.evaluate(() => document.activeElement?.blur()); // `change` fires when the field is left.
    await expectText(page, 'experiment-settings-error', 'The learning rate must be a positive number, e.g. 0.001 (it is fast).');
    await page.fill('[data-testid=run-lr-1]', '0.2');
    await page.evaluate(() => document.activeElement?.blur());
    await until(async () => !(await page.evaluate(() => document.querySelector('[data-testid=experiment-settings-error]'))), { what: 'the message gone', page });
    await until(async () => (await page.evaluate(() => document.querySelector('[data-testid=experiment-status]')?.dataset.state)) === 'done', {
      timeout: 120_000,
      what: 'the run with the change',
      page,
    });
    const changed = await rows(page);
    const marks = (await page.evaluate(() => document.querySelector('[data-testid=loss-chart]').dataset.marks)).split(' ').map(Number);
    assert.equal(marks.length, 1, `one change marked: ${marks}`);
    const k = marks[0];
    assert.ok(k >= 4 && k < 80, `the change took effect at step ${k}`);
    // The plain run was not touched: every loss is the same as alone.
    assert.deepEqual(changed[0].losses, alone[0].losses);
    // The batch-norm run: the same losses up to step k (step k's loss is measured before the
    // first update with the new rate), different ones from step k + 1.
    assert.deepEqual(changed[1].losses.slice(0, k), alone[1].losses.slice(0, k));
    assert.notEqual(changed[1].losses[k], alone[1].losses[k], `step ${k + 1} follows the new rate`);
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid=run-lr-1]').value), '0.2');
    // The fields are shut once the run is over.
    assert.equal(await page.evaluate(() => document.querySelector('[data-testid=run-lr-1]').disabled), true);
    await page.shot('experiments-lr-change');
  });
});
