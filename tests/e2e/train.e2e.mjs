// Browser tests of the Train tab: sGDML (cpu, webgl), SchNet and BPNN loss curves, pause/resume/cancel,
// GAP fast preset. Each trains small models on the bundled glycine dataset (10 atoms) in the worker.
import { assert, openApp, screenshot, test, waitForBackend } from './harness.mjs';

const GLYCINE = 'glycine';

/**
 * The model just trained appears in the explorer (predict worker) and draws its profile on the glycine
 * path; a model that fails to load there shows its error in the model list instead.
 */
async function expectProfileInExplorer(page, kind) {
  await page.evaluate(() => (window.location.hash = '#explore'));
  await page.selectOption('[data-testid="path-select"]', GLYCINE, { timeout: 60_000 });
  await page.waitForFunction(
    () =>
      Number(document.querySelector('[data-testid="profile"]')?.dataset.curves) === 1 ||
      document.querySelector('[data-testid="model-list"] .model-error') !== null,
    null,
    { timeout: 60_000 },
  );
  const modelErrors = await page.$$eval('[data-testid="model-list"] .model-error', (els) =>
    els.map((e) => e.textContent),
  );
  assert(modelErrors.length === 0, `the trained ${kind} predicts in the explorer: ${modelErrors}`);
}

async function openTrain(browser, url, backend) {
  const app = await openApp(browser, url, `?backend=${backend}#train`);
  const got = await waitForBackend(app.page);
  assert(got === backend, `compute backend ${got}, wanted ${backend}`);
  // bundled datasets come from the manifest
  await app.page.waitForFunction(
    (id) =>
      [...document.querySelectorAll('[data-testid="train-dataset"] option')].some((o) => o.value === id),
    GLYCINE,
    { timeout: 30_000 },
  );
  await app.page.selectOption('[data-testid="train-dataset"]', GLYCINE);
  return app;
}

async function setSizes(page, { nTrain, nValid, nTest, seed = 1 }) {
  await page.fill('[data-testid="train-n-train"]', String(nTrain));
  await page.fill('[data-testid="train-n-valid"]', String(nValid));
  await page.fill('[data-testid="train-n-test"]', String(nTest));
  await page.fill('[data-testid="train-seed"]', String(seed));
}

async function setOptions(page, opts) {
  for (const [name, value] of Object.entries(opts)) {
    const sel = `[data-testid="train-opt-${name}"]`;
    const tag = await page.$eval(sel, (el) => el.tagName);
    if (tag === 'SELECT') await page.selectOption(sel, value);
    else await page.fill(sel, String(value));
  }
}

async function waitDone(page, timeout = 50_000) {
  await page.waitForSelector(
    '[data-testid="train-status"][data-status="done"], [data-testid="train-status"][data-status="error"]',
    { timeout },
  );
  const status = await page.getAttribute('[data-testid="train-status"]', 'data-status');
  if (status !== 'done')
    throw new Error(`training failed: ${await page.textContent('[data-testid="train-status"]')}`);
}

const num = async (page, id) => parseFloat((await page.textContent(`[data-testid="${id}"]`)) ?? '');

async function resultNumbers(page) {
  return {
    eRmse: await num(page, 'train-e-rmse'),
    eMae: await num(page, 'train-e-mae'),
    fRmse: await num(page, 'train-f-rmse'),
    fMae: await num(page, 'train-f-mae'),
    backend: (await page.textContent('[data-testid="train-backend"]'))?.trim(),
  };
}

const storedModels = (page) =>
  page.evaluate(() =>
    window.__pesTrain.useModels
      .getState()
      .models.map((m) => ({ kind: m.kind, label: m.label, fRmse: m.metrics?.fRmse, nz: m.z.length })),
  );

for (const backend of ['cpu', 'webgl']) {
  test(
    `train: sGDML M = 20 in the worker on ${backend} shows its test error and joins the model list`,
    async ({ browser, url }) => {
      const { context, page, errors } = await openTrain(browser, url, backend);
      try {
        await page.selectOption('[data-testid="train-kind"]', 'sgdml');
        // cpu: the σ grid on 20 validation frames; webgl: a fixed σ
        if (backend === 'cpu') await setOptions(page, { 'sigma-mode': 'grid' });
        else await setOptions(page, { 'sigma-mode': 'fixed', sigma: 20 });
        await setSizes(page, { nTrain: 20, nValid: backend === 'cpu' ? 20 : 0, nTest: 100 });
        await page.click('[data-testid="train-start"]');
        await waitDone(page);
        const r = await resultNumbers(page);
        console.log(
          `      sGDML M=20 on ${backend}: test E RMSE ${r.eRmse} kcal/mol, F RMSE ${r.fRmse} kcal/mol/Å`,
        );
        assert(r.backend === backend, `result names the backend ${backend}: ${r.backend}`);
        assert(Number.isFinite(r.fRmse) && r.fRmse > 0 && r.fRmse < 15, `force RMSE ${r.fRmse} kcal/mol/Å`);
        assert(Number.isFinite(r.eRmse) && r.eRmse > 0 && r.eRmse < 10, `energy RMSE ${r.eRmse} kcal/mol`);
        assert(r.fMae <= r.fRmse && r.eMae <= r.eRmse, 'MAE ≤ RMSE');
        if (backend === 'cpu') {
          const trials = await page.$$('[data-testid="train-sigma-trials"] tbody tr');
          assert(trials.length >= 2, `σ trials listed: ${trials.length}`);
        }
        const models = await storedModels(page);
        assert(
          models.length === 1 && models[0].kind === 'sgdml' && models[0].nz === 10,
          `the model is in the shared store: ${JSON.stringify(models)}`,
        );
        assert(Math.abs(models[0].fRmse - r.fRmse) < 1e-3 * r.fRmse, 'stored metrics = shown metrics');
        // Download model writes the JSON
        const [dl] = await Promise.all([
          page.waitForEvent('download'),
          page.click('[data-testid="train-download"]'),
        ]);
        const file = await dl.path();
        const json = JSON.parse(await (await import('node:fs/promises')).readFile(file, 'utf8'));
        assert(json.kind === 'sgdml' && json.payload, `downloaded a model: ${dl.suggestedFilename()}`);
        await screenshot(page, `train-sgdml-${backend}`);
        assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
      } finally {
        await context.close();
      }
    },
    { timeoutMs: 90_000 },
  );
}

const NN_OPTIONS = {
  schnet: { epochs: 6, batch: 5, lr: 0.003, features: 32, interactions: 1, gaussians: 16 },
  bpnn: { epochs: 6, batch: 5, lr: 0.003, hidden: '16,16' },
};

for (const kind of ['schnet', 'bpnn']) {
  test(
    `train: ${kind} trains a few epochs in the worker and the loss falls`,
    async ({ browser, url }) => {
      const { context, page, errors } = await openTrain(browser, url, 'wasm');
      try {
        await page.selectOption('[data-testid="train-kind"]', kind);
        await setOptions(page, NN_OPTIONS[kind]);
        await setSizes(page, { nTrain: 60, nValid: 15, nTest: 30 });
        await page.click('[data-testid="train-start"]');
        await page.waitForSelector('[data-testid="train-loss-curve"][data-state="ready"]', {
          timeout: 40_000,
        });
        await waitDone(page, 60_000);
        const curve = await page.$eval('[data-testid="train-loss-curve"]', (el) => ({
          epochs: Number(el.dataset.epochs),
          first: Number(el.dataset.firstTrainLoss),
          last: Number(el.dataset.lastTrainLoss),
          firstValid: Number(el.dataset.firstValidLoss),
          lastValid: Number(el.dataset.lastValidLoss),
        }));
        const r = await resultNumbers(page);
        console.log(
          `      ${kind}: ${curve.epochs} epochs, train loss ${curve.first.toPrecision(4)} → ${curve.last.toPrecision(4)}, ` +
            `validation ${curve.firstValid.toPrecision(4)} → ${curve.lastValid.toPrecision(4)}; test F RMSE ${r.fRmse} kcal/mol/Å`,
        );
        assert(curve.epochs === 6, `6 epochs plotted, got ${curve.epochs}`);
        assert(curve.last < curve.first, `train loss falls: ${curve.first} → ${curve.last}`);
        assert(
          curve.lastValid < curve.firstValid,
          `validation loss falls: ${curve.firstValid} → ${curve.lastValid}`,
        );
        assert(Number.isFinite(r.fRmse) && r.fRmse > 0, `test force RMSE shown: ${r.fRmse}`);
        assert(r.backend === 'wasm', `trained on wasm: ${r.backend}`);
        const svgLog = await page.$$eval('[data-testid="train-loss-curve"] .ytitle', (els) =>
          els.map((e) => e.textContent),
        );
        assert(
          svgLog.some((t) => /kcal\/mol/.test(t ?? '')),
          `y axis names units: ${svgLog}`,
        );
        await page.locator('[data-testid="train-loss-curve"]').scrollIntoViewIfNeeded();
        await screenshot(page, `train-${kind}`);
        await expectProfileInExplorer(page, kind);
        assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
      } finally {
        await context.close();
      }
    },
    { timeoutMs: 90_000 },
  );
}

test(
  'train: pause holds NN training, resume continues, cancel stops it; the page stays responsive',
  async ({ browser, url }) => {
    const { context, page, errors } = await openTrain(browser, url, 'wasm');
    const epochs = () => page.evaluate(() => window.__pesTrain.useTraining.getState().epochs.length);
    try {
      await page.selectOption('[data-testid="train-kind"]', 'schnet');
      await setOptions(page, { ...NN_OPTIONS.schnet, epochs: 500 });
      await setSizes(page, { nTrain: 40, nValid: 10, nTest: 10 });
      await page.click('[data-testid="train-start"]');
      await page.waitForFunction(() => window.__pesTrain.useTraining.getState().epochs.length >= 1, null, {
        timeout: 40_000,
      });
      await page.click('[data-testid="train-pause"]');
      await page.waitForSelector('[data-testid="train-status"][data-status="paused"]', { timeout: 5_000 });
      await page.waitForTimeout(500); // an epoch already past its last batch may still report
      const held = await epochs();
      // keyboard use while paused: the theme toggle answers
      const toggle = page.locator('[data-testid="theme-toggle"]');
      const theme0 = await toggle.getAttribute('data-theme-value');
      await toggle.focus();
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        (b) => document.querySelector('[data-testid="theme-toggle"]')?.getAttribute('data-theme-value') !== b,
        theme0,
        { timeout: 2_000 },
      );
      await page.waitForTimeout(2_000);
      assert((await epochs()) === held, `no epochs while paused (${held} → ${await epochs()})`);
      assert(
        !(await page.$('[data-testid="train-eta"]')),
        'no ETA while paused (the time paused does not count)',
      );
      await screenshot(page, 'train-paused');
      // Resume with the keyboard
      await page.focus('[data-testid="train-resume"]');
      await page.keyboard.press('Enter');
      await page.waitForFunction((n) => window.__pesTrain.useTraining.getState().epochs.length > n, held, {
        timeout: 30_000,
      });
      // responsive while it runs
      const theme1 = await toggle.getAttribute('data-theme-value');
      await toggle.focus();
      const tKey = Date.now();
      await page.keyboard.press('Enter');
      await page.waitForFunction(
        (b) => document.querySelector('[data-testid="theme-toggle"]')?.getAttribute('data-theme-value') !== b,
        theme1,
        { timeout: 2_000 },
      );
      const keyMs = Date.now() - tKey;
      await page.waitForSelector('[data-testid="train-eta"]', { timeout: 10_000 });
      const eta = await page.textContent('[data-testid="train-eta"]');
      const t0 = Date.now();
      await page.click('[data-testid="train-cancel"]');
      await page.waitForSelector('[data-testid="train-status"][data-status="cancelled"]', {
        timeout: 10_000,
      });
      const cancelMs = Date.now() - t0;
      const stopped = await epochs();
      await page.waitForTimeout(1_500);
      assert((await epochs()) === stopped, 'no epochs after cancel');
      assert(!(await page.$('[data-testid="train-result"]')), 'no result card after cancel');
      const models = await storedModels(page);
      assert(models.length === 0, `a cancelled training adds no model: ${JSON.stringify(models)}`);
      await screenshot(page, 'train-cancelled');
      // the worker takes new work: a short BPNN run finishes
      await page.selectOption('[data-testid="train-kind"]', 'bpnn');
      await setOptions(page, { ...NN_OPTIONS.bpnn, epochs: 2 });
      await setSizes(page, { nTrain: 20, nValid: 5, nTest: 5 });
      await page.click('[data-testid="train-start"]');
      await waitDone(page, 40_000);
      console.log(
        `      paused at ${held} epochs, key handled in ${keyMs} ms while training, ETA shown "${eta?.trim()}", cancelled in ${cancelMs} ms`,
      );
      assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 120_000 },
);

test(
  'train: GAP fast preset on 20 frames shows its test error',
  async ({ browser, url }) => {
    const { context, page, errors } = await openTrain(browser, url, 'cpu');
    try {
      await page.selectOption('[data-testid="train-kind"]', 'gap');
      await setOptions(page, { preset: 'fast', 'n-sparse': 50 });
      await setSizes(page, { nTrain: 20, nValid: 0, nTest: 50 });
      // a bad value gives a clear error from the worker's option parser
      await setOptions(page, { cutoff: -1 });
      await page.click('[data-testid="train-start"]');
      await page.waitForSelector('[data-testid="train-status"][data-status="error"]', { timeout: 20_000 });
      const err = await page.textContent('[data-testid="train-error"]');
      assert(/cutoff/.test(err ?? ''), `error names the option: ${err}`);
      await setOptions(page, { cutoff: 5 });
      await page.click('[data-testid="train-start"]');
      await waitDone(page, 60_000);
      const banners = await page.$$eval('[data-testid="error"]', (els) => els.map((e) => e.textContent));
      assert(
        !banners.some((t) => /Training failed/.test(t ?? '')),
        `the failure of the earlier run is gone once a new run starts: ${banners}`,
      );
      const r = await resultNumbers(page);
      console.log(`      GAP fast, 20 frames: test E RMSE ${r.eRmse} kcal/mol, F RMSE ${r.fRmse} kcal/mol/Å`);
      assert(Number.isFinite(r.fRmse) && r.fRmse > 0 && r.fRmse < 20, `force RMSE ${r.fRmse}`);
      assert(Number.isFinite(r.eRmse) && r.eRmse > 0 && r.eRmse < 20, `energy RMSE ${r.eRmse}`);
      const info = await page.textContent('[data-testid="train-info"]');
      assert(/sparse points/.test(info ?? ''), `model facts shown: ${info}`);
      await screenshot(page, 'train-gap');
      await expectProfileInExplorer(page, 'gap');
      await page.evaluate(() => (window.location.hash = '#train'));
      // the form survives a reload: model kind, options and frame counts as they were typed
      await page.reload();
      await page.waitForSelector('[data-testid="train-kind"]', { timeout: 30_000 });
      const kept = {
        kind: await page.inputValue('[data-testid="train-kind"]'),
        preset: await page.inputValue('[data-testid="train-opt-preset"]'),
        sparse: await page.inputValue('[data-testid="train-opt-n-sparse"]'),
        nTrain: await page.inputValue('[data-testid="train-n-train"]'),
      };
      assert(
        JSON.stringify(kept) === JSON.stringify({ kind: 'gap', preset: 'fast', sparse: '50', nTrain: '20' }),
        `form after reload: ${JSON.stringify(kept)}`,
      );
      // the Training failed error above is expected; others are not
      assert(
        errors.every((e) => /cutoff/.test(e)),
        `console errors:\n${errors.join('\n')}`,
      );
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 90_000 },
);
