// Browser tests of the "beyond the paper" path-search panel (issue 10; PathSearchPanel in the Explore tab):
// train a two-region mixture of local sGDML models in the worker, drag the path slider across the region
// boundary (energy continuous: no jump above a tolerance between 1° steps), run a climbing-image NEB on it
// against the optimized-rotation reference path, and a short Langevin MD from the current geometry.
import { assert, openApp, screenshot, test, waitForBackend } from './harness.mjs';

async function openPanel(browser, url) {
  const app = await openApp(browser, url, '?backend=wasm');
  await waitForBackend(app.page);
  await app.page.waitForSelector('[data-testid="path-slider"]', { timeout: 30_000 });
  const found = await app.page
    .waitForSelector('[data-testid="path-search-panel"]', { timeout: 15_000 })
    .then(() => true)
    .catch(() => false);
  if (!found) throw new Error('PathSearchPanel (src/ui/beyond) is not mounted in the Explore tab');
  return app;
}

const status = (page, which) => page.getAttribute(`[data-testid="beyond-${which}-status"]`, 'data-status');

async function waitDone(page, which, timeout) {
  await page.waitForFunction(
    (w) =>
      ['done', 'error'].includes(
        document.querySelector(`[data-testid="beyond-${w}-status"]`)?.dataset.status,
      ),
    which,
    { timeout },
  );
  const st = await status(page, which);
  if (st !== 'done')
    throw new Error(`${which}: ${await page.textContent(`[data-testid="beyond-${which}-status"]`)}`);
}

test(
  'beyond: mixture of two local models, slider across the boundary, NEB and MD',
  async ({ browser, url }) => {
    const { context, page, errors } = await openPanel(browser, url);
    try {
      // 1. train a 2-region mixture (|φ| boundary 90°, blended over 70…110°) on the bundled rotation data
      await page.fill('[data-testid="beyond-mix-n"]', '40');
      await page.fill('[data-testid="beyond-mix-boundary"]', '90');
      await page.click('[data-testid="beyond-train-mix"]');
      await waitDone(page, 'mix', 240_000);
      const info = await page.textContent('[data-testid="beyond-mix-result"]');
      assert(/frames per region \d+ \+ \d+/.test(info), `mixture result: ${info}`);
      await page.waitForSelector('[data-testid="model-list"] li', { timeout: 30_000 });
      const ids = await page.$$eval('[data-testid="model-list"] li', (ls) => ls.map((l) => l.dataset.testid));
      const id = ids[ids.length - 1].replace(/^model-/, '');

      // 2. slider from φ ≈ 60° to 120° in 1° steps: the mixture's energy must not jump
      await page.focus('[data-testid="path-slider"]');
      await page.keyboard.press('Home');
      for (let k = 0; k < 6; k++) await page.keyboard.press('Shift+ArrowRight');
      await page.waitForTimeout(500);
      const scan = [];
      for (let k = 0; k <= 60; k++) {
        if (k > 0) await page.keyboard.press('ArrowRight');
        await page.waitForFunction(
          (mid) =>
            /^-?\d+\.\d\d/.test(
              document.querySelector(`[data-testid="readout-e-${mid}"]`)?.textContent ?? '',
            ),
          id,
          { timeout: 30_000 },
        );
        await page.waitForTimeout(200);
        const x = parseFloat(await page.textContent('[data-testid="readout-x"]'));
        const e = parseFloat(await page.textContent(`[data-testid="readout-e-${id}"]`));
        scan.push([x, e]);
      }
      const xs = scan.map((p) => p[0]);
      assert(
        Math.min(...xs) < 75 && Math.max(...xs) > 105,
        `scan crosses the blend band: ${xs[0]}…${xs.at(-1)}`,
      );
      let maxJump = 0;
      for (let k = 1; k < scan.length; k++)
        maxJump = Math.max(maxJump, Math.abs(scan[k][1] - scan[k - 1][1]));
      const distinct = new Set(scan.map((p) => p[1])).size;
      assert(distinct > 20, `the energy read-out follows the slider (${distinct} distinct values)`);
      console.log(
        `      mixture energy along φ ${xs[0]}…${xs.at(-1)}°: max jump per 1° step ${maxJump.toFixed(2)} kcal/mol`,
      );
      assert(
        maxJump < 3,
        `energy continuous across the region boundary: max jump ${maxJump.toFixed(2)} kcal/mol per 1°`,
      );
      await screenshot(page, 'beyond-mixture-slider');

      // 3. climbing-image NEB on the mixture vs the optimized-rotation reference path
      await page.selectOption('[data-testid="beyond-model"]', id);
      await page.selectOption('[data-testid="beyond-path"]', 'azobenzene-optimized-rotation');
      // typed key by key, "500" stays 500 (a field that clamped each keystroke made the "5" its minimum);
      // out of range, it is clamped when the field loses focus
      const steps = page.locator('[data-testid="beyond-steps"]');
      await steps.fill('');
      await steps.pressSequentially('500');
      assert((await steps.inputValue()) === '500', `typed 500: ${await steps.inputValue()}`);
      await steps.fill('3');
      await steps.press('Tab');
      assert(
        (await steps.inputValue()) === '10',
        `3 steps clamped to the minimum 10: ${await steps.inputValue()}`,
      );
      await page.fill('[data-testid="beyond-steps"]', '150');
      await page.click('[data-testid="beyond-run-neb"]');
      await waitDone(page, 'neb', 240_000);
      const barrier = parseFloat(await page.textContent('[data-testid="beyond-barrier"]'));
      const ref = parseFloat(await page.textContent('[data-testid="beyond-ref-barrier"]'));
      assert(Number.isFinite(barrier), `ML barrier shown: ${barrier}`);
      assert(Math.abs(ref - 25.99) < 0.01, `reference barrier of the optimized-rotation path: ${ref}`);
      const circles = await page.$$eval('[data-testid="beyond-profile"] polyline', (p) => p.length);
      assert(circles >= 3, `profile has reference, model-on-reference and NEB curves (${circles})`);
      const far = await page.textContent('[data-testid="beyond-far"]');
      assert(/training/.test(far), `distance to the training data reported: ${far}`);
      await page.locator('[data-testid="path-search-panel"]').scrollIntoViewIfNeeded();
      await screenshot(page, 'beyond-neb');

      // 4. short Langevin MD from the geometry on screen; Cancel is offered while it runs
      await page.fill('[data-testid="beyond-md-steps"]', '60');
      await page.click('[data-testid="beyond-run-md"]');
      await waitDone(page, 'md', 120_000);
      await page.waitForSelector('[data-testid="beyond-md-plot"] polyline');
      await screenshot(page, 'beyond-md');
      assert(errors.length === 0, `no page errors: ${errors.join('; ')}`);
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 600_000 },
);

// ---- Error-flattening selection (FlattenPanel in the Train tab) ----

/** Fraction of non-background pixels (and distinct colours) of an element's screenshot. */
async function elementPixels(page, selector, name) {
  const png = await page.locator(selector).screenshot({ path: `test-results/${name}.png` });
  return page.evaluate(async (b64) => {
    const bmp = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(bmp, 0, 0);
    const { data } = ctx.getImageData(0, 0, bmp.width, bmp.height);
    const bg = [data[0], data[1], data[2]];
    let fg = 0;
    const colours = new Set();
    for (let i = 0; i < data.length; i += 4) {
      const d = Math.abs(data[i] - bg[0]) + Math.abs(data[i + 1] - bg[1]) + Math.abs(data[i + 2] - bg[2]);
      if (d > 40) {
        fg++;
        colours.add(`${data[i] >> 5},${data[i + 1] >> 5},${data[i + 2] >> 5}`);
      }
    }
    return { fraction: fg / (bmp.width * bmp.height), colours: colours.size };
  }, png.toString('base64'));
}

const flattenStatus = (page) => page.getAttribute('[data-testid="flatten-status"]', 'data-status');

async function setFlatten(page, v) {
  for (const [k, x] of Object.entries(v)) await page.fill(`[data-testid="flatten-${k}"]`, String(x));
}

test(
  'beyond: error-flattening selection in the Train tab (progress, chart, use the model, cancel)',
  async ({ browser, url }) => {
    const { context, page, errors } = await openApp(browser, url, '?backend=wasm#train');
    try {
      await waitForBackend(page);
      await page.waitForSelector('[data-testid="flatten-panel"]', { timeout: 30_000 });
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('[data-testid="flatten-dataset"] option')].some(
            (o) => o.value === 'azobenzene-rotation',
          ),
        null,
        { timeout: 30_000 },
      );
      // defaults of the issue: sGDML, azobenzene rotation, 50 → 100 in steps of 25, seed 1
      const defaults = await page.$eval('[data-testid="flatten-panel"]', (p) => ({
        dataset: p.querySelector('[data-testid="flatten-dataset"]').value,
        kind: p.querySelector('[data-testid="flatten-kind"]').value,
        final: p.querySelector('[data-testid="flatten-nFinal"]').value,
        start: p.querySelector('[data-testid="flatten-nStart"]').value,
        step: p.querySelector('[data-testid="flatten-step"]').value,
        seed: p.querySelector('[data-testid="flatten-seed"]').value,
      }));
      assert(
        JSON.stringify(defaults) ===
          JSON.stringify({
            dataset: 'azobenzene-rotation',
            kind: 'sgdml',
            final: '100',
            start: '50',
            step: '25',
            seed: '1',
          }),
        `panel defaults: ${JSON.stringify(defaults)}`,
      );

      // bad input is named, nothing starts
      await setFlatten(page, { nFinal: 5, nStart: 10 });
      await page.click('[data-testid="flatten-start"]');
      const bad = await page.textContent('[data-testid="flatten-form-error"]');
      assert(/final size \(5\) is below the start size \(10\)/.test(bad), `form error: ${bad}`);

      // 1. a tiny run: 10 → 20 frames in two rounds of 5, with the stratified baseline
      await setFlatten(page, { nFinal: 20, nStart: 10, step: 5, testPerCluster: 6, nPool: 300 });
      await page.click('[data-testid="flatten-start"]');
      await page.waitForFunction(
        () => Number(document.querySelector('[data-testid="flatten-rounds-done"]')?.textContent) >= 1,
        null,
        { timeout: 120_000 },
      );
      const mid = await page.getAttribute('[data-testid="flatten-progress"]', 'aria-valuenow');
      const midRows = await page.$$('[data-testid="flatten-round-row"]');
      assert(
        Number(mid) > 0 && midRows.length >= 1,
        `progress while running: ${mid} %, ${midRows.length} rows`,
      );
      await page.locator('[data-testid="flatten-status"]').scrollIntoViewIfNeeded();
      await screenshot(page, 'beyond-flatten-running');
      await page.waitForFunction(
        () =>
          ['done', 'error'].includes(
            document.querySelector('[data-testid="flatten-status"]')?.dataset.status,
          ),
        null,
        { timeout: 240_000 },
      );
      if ((await flattenStatus(page)) !== 'done')
        throw new Error(`selection failed: ${await page.textContent('[data-testid="flatten-status"]')}`);
      const rows = await page.$$eval('[data-testid="flatten-round-row"]', (rs) =>
        rs.map((r) => ({ size: Number(r.dataset.size), sel: r.dataset.selectedClusters })),
      );
      assert(rows.map((r) => r.size).join(',') === '10,15,20', `round sizes: ${JSON.stringify(rows)}`);
      assert(Number(rows[0].sel) >= 1, `round 0 marks clusters above 1.1× the mean: ${JSON.stringify(rows)}`);
      await page.waitForSelector('[data-testid="flatten-chart"][data-state="ready"]', { timeout: 60_000 });
      const nBars = await page.getAttribute('[data-testid="flatten-chart"]', 'data-clusters');
      assert(Number(nBars) >= 10, `chart shows the |φ| clusters with test frames: ${nBars}`);
      const ytitle = await page.textContent('[data-testid="flatten-chart"] .ytitle');
      assert(/kcal\/mol\/Å/.test(ytitle ?? ''), `y axis has units: ${ytitle}`);
      const bars = await page.$$eval('[data-testid="flatten-chart"] .trace.bars', (t) => t.length);
      assert(bars === 2, `stratified and error-flattened bars: ${bars}`);
      await page.locator('[data-testid="flatten-chart"]').scrollIntoViewIfNeeded();
      const px = await elementPixels(page, '[data-testid="flatten-chart"]', 'beyond-flatten-chart');
      assert(px.fraction > 0.03 && px.colours >= 3, `chart not blank: ${JSON.stringify(px)}`);
      const red = await page.getAttribute('[data-testid="flatten-reduction"]', 'data-percent');
      assert(Number.isFinite(Number(red)), `max-cluster reduction shown: ${red}`);
      console.log(
        `      flatten 10→20 (azobenzene rotation, sGDML σ=30): worst-cluster change ${red} %; ` +
          (await page.textContent('[data-testid="flatten-reduction"]')),
      );
      // keyboard: pick round 0 in the chart
      await page.focus('[data-testid="flatten-round"]');
      await page.keyboard.press('Home');
      await page.waitForSelector('[data-testid="flatten-chart"][data-round="0"][data-state="ready"]');
      await page.selectOption('[data-testid="flatten-round"]', '2');
      await page.waitForSelector('[data-testid="flatten-chart"][data-round="2"][data-state="ready"]');
      await screenshot(page, 'beyond-flatten-done');

      // 2. use the model: it joins the shared list the explorer shows
      await page.click('[data-testid="flatten-use-model"]');
      await page.waitForSelector('[data-testid="flatten-model-added"]');
      await page.click('[data-testid="tab-explore"]');
      await page.waitForSelector('[data-testid="model-list"] li', { timeout: 30_000 });
      const listed = await page.textContent('[data-testid="model-list"]');
      assert(/sGDML error-flattened M=20/.test(listed), `explorer model list: ${listed}`);
      await screenshot(page, 'beyond-flatten-explorer');

      // 3. a longer run cancelled after its first round; the panel and the worker stay usable
      await page.click('[data-testid="tab-train"]');
      await setFlatten(page, { nFinal: 60, nStart: 10, step: 5 });
      await page.click('[data-testid="flatten-start"]');
      await page.waitForFunction(
        () => Number(document.querySelector('[data-testid="flatten-rounds-done"]')?.textContent) >= 1,
        null,
        { timeout: 120_000 },
      );
      await page.click('[data-testid="flatten-cancel"]');
      await page.waitForSelector('[data-testid="flatten-status"][data-status="cancelled"]', {
        timeout: 30_000,
      });
      assert(
        !(await page.isDisabled('[data-testid="flatten-start"]')),
        'Run selection is enabled again after cancel',
      );
      await screenshot(page, 'beyond-flatten-cancelled');
      // a run with no rounds (start = final) completes on the same worker
      await setFlatten(page, { nFinal: 10, nStart: 10 });
      await page.click('[data-testid="flatten-start"]');
      await page.waitForSelector('[data-testid="flatten-status"][data-status="done"]', { timeout: 120_000 });
      const after = await page.$$('[data-testid="flatten-round-row"]');
      assert(after.length === 1, `one round after the cancelled run: ${after.length}`);
      assert(errors.length === 0, `no page errors: ${errors.join('; ')}`);
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 600_000 },
);

test('beyond: the error-flattening and path-search settings survive a reload', async ({ browser, url }) => {
  const { context, page, errors } = await openApp(browser, url, '?backend=wasm#train');
  page.setDefaultTimeout(60_000);
  try {
    await page.waitForSelector('[data-testid="flatten-panel"]');
    await page.selectOption('[data-testid="flatten-kind"]', 'gap');
    await page.fill('[data-testid="flatten-options"]', 'preset=fast n-sparse=80');
    await page.fill('[data-testid="flatten-nFinal"]', '75');
    await page.selectOption('[data-testid="flatten-clustering"]', 'phi');
    await page.uncheck('[data-testid="flatten-baseline"]');
    await page.click('[data-testid="tab-explore"]');
    await page.waitForSelector('[data-testid="beyond-mix-boundary"]', { state: 'visible' });
    await page.fill('[data-testid="beyond-mix-boundary"]', '80');
    await page.keyboard.press('Tab');
    await page.waitForTimeout(300);

    await page.reload({ waitUntil: 'load' });
    await page.waitForSelector('[data-testid="beyond-mix-boundary"]', { state: 'visible' });
    const boundary = await page.inputValue('[data-testid="beyond-mix-boundary"]');
    assert(boundary === '80', `mixture boundary kept: ${boundary}`);
    await page.click('[data-testid="tab-train"]');
    await page.waitForSelector('[data-testid="flatten-panel"]', { state: 'visible' });
    const kept = await page.$eval('[data-testid="flatten-panel"]', (p) => ({
      kind: p.querySelector('[data-testid="flatten-kind"]').value,
      options: p.querySelector('[data-testid="flatten-options"]').value,
      final: p.querySelector('[data-testid="flatten-nFinal"]').value,
      clustering: p.querySelector('[data-testid="flatten-clustering"]').value,
      baseline: p.querySelector('[data-testid="flatten-baseline"]').checked,
    }));
    assert(
      JSON.stringify(kept) ===
        JSON.stringify({
          kind: 'gap',
          options: 'preset=fast n-sparse=80',
          final: '75',
          clustering: 'phi',
          baseline: false,
        }),
      `flattening settings kept: ${JSON.stringify(kept)}`,
    );
    // the other kinds keep their own options
    await page.selectOption('[data-testid="flatten-kind"]', 'sgdml');
    assert(
      (await page.inputValue('[data-testid="flatten-options"]')) === 'sigma=30',
      'sGDML options are its defaults',
    );
    assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
  } finally {
    await context.close();
  }
});
