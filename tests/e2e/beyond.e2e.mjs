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
