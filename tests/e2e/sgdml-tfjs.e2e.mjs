// Browser test of the sGDML "Kernel arithmetic" choice: the same small CG training (glycine, M = 20,
// σ = 20, λ = 1e-10, the paper's) with float64 CPU products and with exact-split float32 tfjs products
// (on the worker's webgl backend) gives the same test errors; the select is keyboard-reachable and
// hidden for the Cholesky solver.
import { assert, openApp, screenshot, test, waitForBackend } from './harness.mjs';

async function trainOnce(page, kernel) {
  await page.selectOption('[data-testid="train-kind"]', 'sgdml');
  await page.selectOption('[data-testid="train-opt-sigma-mode"]', 'fixed');
  await page.fill('[data-testid="train-opt-sigma"]', '20');
  await page.selectOption('[data-testid="train-opt-solver"]', 'cg');
  await page.fill('[data-testid="train-opt-lambda"]', '1e-10');
  await page.selectOption('[data-testid="train-opt-kernel-compute"]', kernel);
  await page.fill('[data-testid="train-n-train"]', '20');
  await page.fill('[data-testid="train-n-valid"]', '0');
  await page.fill('[data-testid="train-n-test"]', '100');
  await page.fill('[data-testid="train-seed"]', '1');
  await page.click('[data-testid="train-start"]');
  await page.waitForSelector(
    '[data-testid="train-status"][data-status="done"], [data-testid="train-status"][data-status="error"]',
    { timeout: 90_000 },
  );
  const status = await page.getAttribute('[data-testid="train-status"]', 'data-status');
  if (status !== 'done')
    throw new Error(`training (${kernel}) failed: ${await page.textContent('[data-testid="train-status"]')}`);
  const num = async (id) => parseFloat((await page.textContent(`[data-testid="${id}"]`)) ?? '');
  return { fRmse: await num('train-f-rmse'), eRmse: await num('train-e-rmse') };
}

test(
  'sgdml-tfjs: float32 tfjs kernel products (webgl) train the same sGDML model as float64',
  async ({ browser, url }) => {
    const { context, page, errors } = await openApp(browser, url, '?backend=webgl#train');
    try {
      const got = await waitForBackend(page);
      assert(got === 'webgl', `compute backend ${got}, wanted webgl`);
      await page.waitForFunction(
        () =>
          [...document.querySelectorAll('[data-testid="train-dataset"] option')].some(
            (o) => o.value === 'glycine',
          ),
        null,
        { timeout: 30_000 },
      );
      await page.selectOption('[data-testid="train-dataset"]', 'glycine');
      await page.selectOption('[data-testid="train-kind"]', 'sgdml');
      const sel = '[data-testid="train-opt-kernel-compute"]';
      const choices = await page.$$eval(`${sel} option`, (os) =>
        os.map((o) => `${o.value}: ${o.textContent}`),
      );
      assert(
        choices.length === 2 && /float64/.test(choices[0]) && /float32.*tfjs/.test(choices[1]),
        `kernel arithmetic choices ${JSON.stringify(choices)}`,
      );
      // keyboard: focus the select and move to the float32 choice
      await page.focus(sel);
      await page.keyboard.press('ArrowDown');
      assert((await page.$eval(sel, (el) => el.value)) === 'tfjs-f32', 'ArrowDown selects tfjs-f32');
      await page.selectOption('[data-testid="train-opt-solver"]', 'cholesky');
      assert((await page.$(sel)) === null, 'no kernel arithmetic select for the Cholesky solver');

      const f64 = await trainOnce(page, 'f64');
      const f32 = await trainOnce(page, 'tfjs-f32');
      await screenshot(page, 'sgdml-tfjs-train');
      console.log(
        `      f64: F RMSE ${f64.fRmse}, E RMSE ${f64.eRmse}; tfjs-f32: F RMSE ${f32.fRmse}, E RMSE ${f32.eRmse}`,
      );
      assert(f64.fRmse > 0 && f32.fRmse > 0, 'both trainings report a test force RMSE');
      assert(
        Math.abs(f32.fRmse - f64.fRmse) <= 0.01 * f64.fRmse,
        `float32 and float64 force RMSE differ: ${f32.fRmse} vs ${f64.fRmse}`,
      );
      assert(errors.length === 0, `page errors: ${errors.join('; ')}`);
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 240_000 },
);
