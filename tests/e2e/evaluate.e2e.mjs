// Evaluate tab: a small cross-validated learning curve (sGDML, fixed σ, 2 sizes × 5 folds on the bundled
// azobenzene rotation set) runs in the compute worker, its plots render, and its folds and numbers equal
// those of `npx pes experiment` run here in Node with the same settings.
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { assert, openApp, screenshot, test, waitForBackend } from './harness.mjs';

const run = promisify(execFile);
const DATASET = 'azobenzene-rotation';
const SETTINGS = { sigma: '20', sizes: '10,20', folds: '5', seed: '3' };
const CLI_ARGS = [
  'pes',
  'experiment',
  DATASET,
  '--model',
  'sgdml',
  '--sigma',
  SETTINGS.sigma,
  '--sizes',
  SETTINGS.sizes,
  '--folds',
  SETTINGS.folds,
  '--seed',
  SETTINGS.seed,
  '--paths',
  'azobenzene-rotation',
];

const relDiff = (a, b) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-12);

async function fillForm(page, s) {
  await page.waitForSelector(`[data-testid="ev-dataset"] option[value="${DATASET}"]`, {
    state: 'attached',
    timeout: 30_000,
  });
  await page.selectOption('[data-testid="ev-dataset"]', DATASET);
  await page.selectOption('[data-testid="ev-model"]', 'sgdml');
  await page.fill('[data-testid="ev-opt-sigma"]', s.sigma);
  await page.fill('[data-testid="ev-sizes"]', s.sizes);
  await page.fill('[data-testid="ev-folds"]', s.folds);
  await page.fill('[data-testid="ev-seed"]', s.seed);
  if (s.path) await page.check(`[data-testid="ev-path-${s.path}"]`);
}

/** Number of drawn data paths (lines, markers, bars) in a plotly chart. */
const dataPaths = (page, testId) =>
  page.evaluate((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`);
    if (!el) return -1;
    const sel = '.scatterlayer path.js-line, .scatterlayer path.point, .barlayer path';
    return [...el.querySelectorAll(sel)].filter((p) => (p.getAttribute('d') ?? '').length > 10).length;
  }, testId);

test('evaluate: small sGDML experiment in the worker equals pes experiment; plots render', async ({
  browser,
  url,
}) => {
  // the CLI reference runs in Node while the browser computes the same experiment
  const out = join('test-results', 'evaluate-cli.json');
  const cli = run('npx', [...CLI_ARGS, '--out', out, '--fresh', '--quiet'], { timeout: 120_000 });
  const { context, page, errors } = await openApp(browser, url, '#evaluate');
  try {
    await waitForBackend(page);
    await fillForm(page, { ...SETTINGS, path: 'azobenzene-rotation' });
    // keyboard: the Run button is reachable and works with Enter
    await page.focus('[data-testid="ev-run"]');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="ev-job"][data-status="running"]', { timeout: 10_000 });
    await page.waitForFunction(
      () => /fold|loading/.test(document.querySelector('[data-testid="ev-status"]')?.textContent ?? ''),
      null,
      { timeout: 20_000 },
    );
    const midStatus = await page.textContent('[data-testid="ev-status"]');
    await page.waitForSelector('[data-testid="ev-job"][data-status="done"]', { timeout: 120_000 });
    const status = await page.textContent('[data-testid="ev-status"]');
    assert(/Done: 10 folds/.test(status ?? ''), `finished status: ${status}`);

    // the page shows the equivalent command line
    const command = await page.textContent('[data-testid="ev-command"]');
    assert(
      command?.trim() === `npx ${CLI_ARGS.join(' ')}`,
      `equivalent command "${command}" should be "npx ${CLI_ARGS.join(' ')}"`,
    );

    // plots: learning curves, parity and φ clusters draw data paths
    for (const id of [
      'ev-plot-lc-energy',
      'ev-plot-lc-force',
      'ev-plot-parity-energy',
      'ev-plot-parity-force',
      'ev-plot-phi',
      'ev-plot-paths',
      'ev-plot-error-energy',
    ]) {
      await page.waitForSelector(`[data-testid="${id}"][data-state="ready"]`, { timeout: 30_000 });
      const n = await dataPaths(page, id);
      assert(n > 0, `plot ${id} has no drawn data paths (${n})`);
    }
    const axisText = await page.textContent('[data-testid="ev-plot-lc-force"]');
    assert(/kcal\/mol\/Å/.test(axisText ?? ''), 'force learning curve has units on its axis');
    await page.locator('[data-testid="ev-plot-lc-energy"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'evaluate-results');

    // numbers: every fold equals the CLI's (same training frames, RMSEs to 1e-6 relative)
    await cli;
    const ref = JSON.parse(readFileSync(out, 'utf8'));
    const rows = await page.$$eval('[data-testid="ev-fold-row"]', (els) =>
      els.map((e) => ({
        size: Number(e.dataset.size),
        fold: Number(e.dataset.fold),
        eRmse: Number(e.dataset.eRmse),
        fRmse: Number(e.dataset.fRmse),
        trainIdx: e.dataset.trainIdx,
      })),
    );
    assert(
      rows.length === 10 && ref.folds.length === 10,
      `10 folds each (${rows.length}, ${ref.folds.length})`,
    );
    let worst = 0;
    for (const f of ref.folds) {
      const r = rows.find((x) => x.size === f.size && x.fold === f.fold);
      assert(r, `browser has fold ${f.fold} of size ${f.size}`);
      assert(r.trainIdx === f.trainIdx.join(','), `same training frames for n=${f.size} fold ${f.fold}`);
      worst = Math.max(worst, relDiff(r.eRmse, f.test.eRmse), relDiff(r.fRmse, f.test.fRmse));
    }
    assert(worst < 1e-6, `per-fold RMSEs agree with the CLI to 1e-6 relative (worst ${worst})`);

    // the downloaded JSON holds the same results (summary: best folds and means)
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('[data-testid="ev-download-json"]'),
    ]);
    const saved = JSON.parse(readFileSync(await download.path(), 'utf8'));
    assert(saved.format === 'pes-experiment', 'downloaded JSON is a results file');
    for (const q of ref.summary) {
      const s = saved.summary.find((x) => x.size === q.size);
      assert(s && s.bestFold === q.bestFold, `same best fold for n=${q.size}`);
      assert(relDiff(s.mean.fRmse.mean, q.mean.fRmse.mean) < 1e-6, `same mean force RMSE for n=${q.size}`);
    }
    for (const f of ref.folds) {
      const g = saved.folds.find((x) => x.size === f.size && x.fold === f.fold);
      assert(g.paths?.length === 1 && f.paths?.length === 1, 'one path evaluated per fold');
      const d = relDiff(g.paths[0].eRmse, f.paths[0].eRmse);
      assert(
        d < 1e-6,
        `path energy RMSE n=${f.size} fold ${f.fold}: ${g.paths[0].eRmse} vs ${f.paths[0].eRmse}`,
      );
    }
    assert(
      JSON.stringify(saved.spec) === JSON.stringify(ref.spec),
      `same spec: ${JSON.stringify(saved.spec)} vs ${JSON.stringify(ref.spec)}`,
    );

    // "use best model" adds the best fold's model (kept in the worker) to the models
    await page.click('[data-testid="ev-use-best"]');
    await page.waitForFunction(
      () =>
        /Added|Could not/.test(document.querySelector('[data-testid="ev-model-status"]')?.textContent ?? ''),
      null,
      { timeout: 30_000 },
    );
    const modelStatus = await page.textContent('[data-testid="ev-model-status"]');
    assert(/^Added the best model of n = 20/.test(modelStatus ?? ''), `use best model: ${modelStatus}`);

    await page.locator('[data-testid="ev-plot-parity-energy"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'evaluate-parity');

    // clicking a φ-cluster bar puts a geometry of that cluster on the Explore tab
    await page.locator('[data-testid="ev-plot-phi"]').scrollIntoViewIfNeeded();
    const bar = await page.evaluate(() => {
      const bars = [...document.querySelectorAll('[data-testid="ev-plot-phi"] .barlayer path')];
      const b = bars.map((p) => p.getBoundingClientRect()).find((r) => r.height > 4 && r.width > 2);
      return b && { x: b.x + b.width / 2, y: b.y + b.height - 2 };
    });
    assert(bar, 'the φ cluster plot has a bar to click');
    await page.mouse.click(bar.x, bar.y);
    await page.waitForFunction(
      () =>
        /Explore tab|Could not/.test(
          document.querySelector('[data-testid="ev-cluster-note"]')?.textContent ?? '',
        ),
      null,
      { timeout: 30_000 },
    );
    const note = await page.textContent('[data-testid="ev-cluster-note"]');
    assert(/^Frame \d+ \(\|φ\| = /.test(note ?? ''), `cluster click: ${note}`);
    await screenshot(page, 'evaluate-clusters');
    // the CLI's results file loads into the view without recomputing; both sets go into the comparison
    await page.click('[data-testid="ev-add-compare"]');
    await page.setInputFiles('[data-testid="ev-load"]', out);
    await page.waitForFunction(
      () =>
        /Loaded from evaluate-cli\.json/.test(
          document.querySelector('[data-testid="ev-source"]')?.textContent ?? '',
        ),
      null,
      { timeout: 10_000 },
    );
    const loadedRows = await page.$$eval('[data-testid="ev-fold-row"]', (els) => els.length);
    assert(loadedRows === 10, `loaded results show 10 folds (${loadedRows})`);
    const loadedCommand = await page.textContent('[data-testid="ev-command"]');
    assert(
      /^pes experiment azobenzene-rotation /.test(loadedCommand ?? ''),
      `loaded command: ${loadedCommand}`,
    );
    // the loaded results hold no model: "use best model" trains the best fold again on its stored frames
    await page.click('[data-testid="ev-use-best"]');
    await page.waitForFunction(
      () =>
        /trained again from its stored frames|Could not/.test(
          document.querySelector('[data-testid="ev-model-status"]')?.textContent ?? '',
        ),
      null,
      { timeout: 30_000 },
    );
    const retrained = await page.textContent('[data-testid="ev-model-status"]');
    assert(
      /trained again from its stored frames/.test(retrained ?? ''),
      `retrained best model: ${retrained}`,
    );
    await page.click('[data-testid="ev-add-compare"]');
    const nCompared = await page.$$eval('[data-testid="ev-compare-item"]', (els) => els.length);
    assert(nCompared === 2, `two results sets compared (${nCompared})`);
    await page.waitForSelector('[data-testid="ev-plot-compare-force"][data-state="ready"]', {
      timeout: 20_000,
    });
    assert((await dataPaths(page, 'ev-plot-compare-force')) > 0, 'comparison plot draws data');
    await page.locator('[data-testid="ev-compare"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'evaluate-compare');
    // dark theme: the charts redraw in the theme's colours (look at the screenshot)
    while ((await page.getAttribute('[data-testid="theme-toggle"]', 'data-theme-value')) !== 'dark')
      await page.click('[data-testid="theme-toggle"]');
    await page.locator('[data-testid="ev-plot-lc-energy"]').scrollIntoViewIfNeeded();
    await page.waitForTimeout(300);
    await screenshot(page, 'evaluate-dark');
    console.log(
      `      mid-run: "${midStatus}"; ${rows.length} folds equal the CLI's (worst relative RMSE difference ${worst.toExponential(1)}); ${modelStatus}`,
    );
    assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
  } finally {
    await context.close();
    await cli.catch(() => undefined);
  }
});

test('evaluate: cancel keeps the finished folds; bad sizes give a clear message', async ({
  browser,
  url,
}) => {
  const { context, page, errors } = await openApp(browser, url, '#evaluate');
  try {
    await waitForBackend(page);
    await fillForm(page, { ...SETTINGS, sizes: '10, x' });
    await page.click('[data-testid="ev-run"]');
    await page.waitForSelector('[data-testid="ev-job"][data-status="error"]', { timeout: 10_000 });
    const msg = await page.textContent('[data-testid="ev-status"]');
    assert(/"x" is not a positive integer/.test(msg ?? ''), `bad sizes message: ${msg}`);

    await page.fill('[data-testid="ev-sizes"]', '30,60,90');
    await page.click('[data-testid="ev-run"]');
    await page.waitForSelector('[data-testid="ev-fold-row"]', { state: 'attached', timeout: 60_000 });
    const tCancel = Date.now();
    await page.click('[data-testid="ev-cancel"]');
    await page.waitForSelector('[data-testid="ev-job"][data-status="cancelled"]', { timeout: 30_000 });
    const cancelMs = Date.now() - tCancel;
    const kept = await page.$$eval('[data-testid="ev-fold-row"]', (els) => els.length);
    assert(kept >= 1 && kept < 15, `cancelled run keeps its finished folds (${kept} of 15)`);
    assert(await page.isVisible('[data-testid="ev-resume"]'), 'Resume is offered');
    await screenshot(page, 'evaluate-cancelled');

    // results survive a reload; a file that is not a results JSON is refused with a message
    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('[data-testid="ev-results"]', { timeout: 20_000 });
    const restored = await page.$$eval('[data-testid="ev-fold-row"]', (els) => els.length);
    assert(restored === kept, `restored ${restored} folds after reload, expected ${kept}`);
    const bad = join('test-results', 'evaluate-not-results.json');
    writeFileSync(bad, JSON.stringify({ hello: 1 }));
    await page.setInputFiles('[data-testid="ev-load"]', bad);
    await page.waitForSelector('[data-testid="ev-load-error"]', { timeout: 10_000 });
    const loadErr = await page.textContent('[data-testid="ev-load-error"]');
    assert(/not a pes experiment results file/.test(loadErr ?? ''), `bad file message: ${loadErr}`);
    console.log(`      cancelled in ${cancelMs} ms with ${kept} of 15 folds kept`);
    assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
  } finally {
    await context.close();
  }
});

// GAP cutoff scan (paper Fig. 6a): a tiny scan on glycine in the worker, plotted against the cutoff, with
// the same numbers as `pes experiment --cutoff-scan` run here in Node.
test('evaluate: GAP cutoff scan (glycine, n = 10, 2 cutoffs, 2 folds) plots error vs cutoff', async ({
  browser,
  url,
}) => {
  const out = join('test-results', 'evaluate-scan.json');
  const cliArgs = ['pes', 'experiment', 'glycine', '--model', 'gap', '--preset', 'fast'];
  cliArgs.push('--cutoff-scan', '3:4:1', '--sizes', '10', '--folds', '2', '--seed', '1');
  const cli = run('npx', [...cliArgs, '--out', out, '--fresh', '--quiet'], { timeout: 120_000 });
  const { context, page, errors } = await openApp(browser, url, '#evaluate');
  try {
    await waitForBackend(page);
    await page.waitForSelector('[data-testid="ev-dataset"] option[value="glycine"]', {
      state: 'attached',
      timeout: 30_000,
    });
    await page.selectOption('[data-testid="ev-dataset"]', 'glycine');
    await page.selectOption('[data-testid="ev-model"]', 'gap');
    await page.selectOption('[data-testid="ev-opt-preset"]', 'fast');
    await page.fill('[data-testid="ev-sizes"]', '10');
    await page.fill('[data-testid="ev-folds"]', '2');
    await page.fill('[data-testid="ev-seed"]', '1');
    // keyboard: the scan switch toggles with Space
    await page.focus('[data-testid="ev-scan"]');
    await page.keyboard.press('Space');
    await page.fill('[data-testid="ev-scan-cutoffs"]', '3:4:0');
    const bad = await page.textContent('[data-testid="ev-scan-note"]');
    assert(/step must be positive/.test(bad ?? ''), `bad cutoffs explained: ${bad}`);
    await page.fill('[data-testid="ev-scan-cutoffs"]', '3:4:1');
    const note = await page.textContent('[data-testid="ev-scan-note"]');
    assert(/2 cutoffs: 3, 4 Å/.test(note ?? ''), `cutoff note: ${note}`);
    const label = await page.textContent('[data-testid="ev-run"]');
    assert(/cutoff scan/i.test(label ?? ''), `run button says it runs the scan: ${label}`);
    await page.click('[data-testid="ev-run"]');
    await page.waitForSelector('[data-testid="ev-job"][data-status="running"]', { timeout: 10_000 });
    await page.waitForFunction(
      () => /cutoff \d Å/.test(document.querySelector('[data-testid="ev-status"]')?.textContent ?? ''),
      null,
      { timeout: 60_000 },
    );
    const mid = await page.textContent('[data-testid="ev-status"]');
    await page.waitForSelector('[data-testid="ev-job"][data-status="done"]', { timeout: 120_000 });
    const status = await page.textContent('[data-testid="ev-status"]');
    assert(/Done: 4 folds/.test(status ?? ''), `finished status (2 cutoffs × 2 folds): ${status}`);

    for (const id of ['ev-plot-scan-energy', 'ev-plot-scan-force']) {
      await page.waitForSelector(`[data-testid="${id}"][data-state="ready"]`, { timeout: 30_000 });
      const n = await dataPaths(page, id);
      assert(n > 0, `plot ${id} has no drawn data paths (${n})`);
      const text = await page.textContent(`[data-testid="${id}"]`);
      assert(/SOAP cutoff \(Å\)/.test(text ?? ''), `${id}: x axis is the cutoff in Å`);
      assert(/kcal\/mol/.test(text ?? ''), `${id}: y axis has units`);
    }
    const command = await page.textContent('[data-testid="ev-scan-command"]');
    assert(/--cutoff-scan 3:4:1/.test(command ?? ''), `equivalent command: ${command}`);
    await page.locator('[data-testid="ev-scan-results"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'evaluate-cutoff-scan');

    const rows = await page.$$eval('[data-testid="ev-scan-row"]', (els) =>
      els.map((e) => ({
        cutoff: Number(e.dataset.cutoff),
        eRmse: Number(e.dataset.eRmse),
        fRmse: Number(e.dataset.fRmse),
      })),
    );
    assert(rows.map((r) => r.cutoff).join() === '3,4', `one row per cutoff: ${JSON.stringify(rows)}`);
    await cli;
    let worst = 0;
    for (const r of rows) {
      const ref = JSON.parse(readFileSync(join('test-results', `evaluate-scan-rc${r.cutoff}.json`), 'utf8'));
      const q = ref.summary.find((x) => x.size === 10);
      worst = Math.max(worst, relDiff(r.eRmse, q.best.eRmse), relDiff(r.fRmse, q.best.fRmse));
    }
    assert(worst < 1e-6, `best-fold RMSEs per cutoff agree with the CLI to 1e-6 relative (worst ${worst})`);
    console.log(`      mid-run status: ${mid?.trim()}; rows ${JSON.stringify(rows)}`);

    // one cutoff's full results open in the results panel
    await page.click('[data-testid="ev-scan-show"] >> nth=1');
    await page.waitForSelector('[data-testid="ev-results"]', { timeout: 10_000 });
    const params = await page.textContent('[data-testid="ev-source"]');
    assert(/"cutoff":4/.test(params ?? ''), `the results panel shows the 4 Å run: ${params}`);
    assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
  } finally {
    await context.close();
  }
});

test('evaluate: a GAP cutoff scan can be cancelled and resumed', async ({ browser, url }) => {
  const { context, page, errors } = await openApp(browser, url, '#evaluate');
  try {
    await waitForBackend(page);
    await page.waitForSelector('[data-testid="ev-dataset"] option[value="glycine"]', {
      state: 'attached',
      timeout: 30_000,
    });
    await page.selectOption('[data-testid="ev-dataset"]', 'glycine');
    await page.selectOption('[data-testid="ev-model"]', 'gap');
    await page.selectOption('[data-testid="ev-opt-preset"]', 'fast');
    await page.fill('[data-testid="ev-sizes"]', '10');
    await page.fill('[data-testid="ev-folds"]', '2');
    await page.check('[data-testid="ev-scan"]');
    await page.fill('[data-testid="ev-scan-cutoffs"]', '3,4,5');
    await page.click('[data-testid="ev-run"]');
    // cancel once the first fold has finished (its cutoff shows in the table)
    await page.waitForSelector('[data-testid="ev-scan-row"]', { timeout: 120_000 });
    await page.click('[data-testid="ev-cancel"]');
    await page.waitForSelector('[data-testid="ev-job"][data-status="cancelled"]', { timeout: 30_000 });
    const kept = await page.locator('[data-testid="ev-scan-row"]').count();
    assert(kept >= 1 && kept < 3, `the finished cutoffs are kept after cancel (${kept})`);
    await page.click('[data-testid="ev-resume"]');
    await page.waitForSelector('[data-testid="ev-job"][data-status="done"]', { timeout: 120_000 });
    const cutoffs = await page.$$eval('[data-testid="ev-scan-row"]', (els) =>
      els.map((e) => e.dataset.cutoff),
    );
    assert(cutoffs.join() === '3,4,5', `all three cutoffs after resuming: ${cutoffs}`);
    const folds = await page.$$eval('[data-testid="ev-scan-row"] td:nth-child(2)', (els) =>
      els.map((e) => e.textContent),
    );
    assert(
      folds.every((f) => f === '2/2'),
      `every cutoff has both folds: ${folds}`,
    );
    assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
  } finally {
    await context.close();
  }
});
