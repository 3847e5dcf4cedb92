// Browser tests: serve the production build (dist/), drive Debian Chromium headless with
// playwright-core, print PASS/FAIL per test and a final "N passed, N failed" line.
// Usage: node tests/e2e/run.mjs   (after `npm run build`; E2E_ONLY=<substring> runs a subset)
import { existsSync, readdirSync } from 'node:fs';
import { launchChromium } from './browser.mjs';
import { assert, openApp, runTests, screenshot, test, viewerPixels, waitForBackend } from './harness.mjs';
import { serveStatic } from './server.mjs';

const BACKENDS = ['cpu', 'wasm', 'webgpu', 'webgl'];
// The manifest is optional until the data issue lands it; its absence (404) is then not an error.
const allowMissing = existsSync('dist/data/manifest.json') ? [] : ['/data/manifest.json'];

const badgeText = (page) => page.textContent('[data-testid="badge-backend"]');

async function expectMoleculeShown(page, name) {
  await page.waitForSelector('[data-testid="viewer"][data-state="ready"]', { timeout: 30_000 });
  // The predict worker's read-out proves the second worker runs too (shortest bond of a real molecule).
  await page.waitForFunction(
    () => /Å/.test(document.querySelector('[data-testid="min-distance"]')?.textContent ?? ''),
    null,
    {
      timeout: 60_000,
    },
  );
  const text = await page.textContent('[data-testid="min-distance"]');
  const d = parseFloat(text);
  assert(d > 0.7 && d < 1.6, `shortest interatomic distance ${text} should be a bond length (0.7–1.6 Å)`);
  await page.waitForTimeout(300); // let 3Dmol finish its first frame
  const px = await viewerPixels(page, name);
  assert(
    px.fraction > 0.01 && px.distinctColours >= 3,
    `3D canvas looks blank: ${(px.fraction * 100).toFixed(2)} % non-background pixels, ${px.distinctColours} colours (${JSON.stringify(px)})`,
  );
  return px;
}

test('default page: loads, badge shows the worker backend, molecule visible, no console errors', async ({
  browser,
  url,
}) => {
  const { context, page, errors } = await openApp(browser, url, '', { allowMissing });
  try {
    const backend = await waitForBackend(page);
    assert(BACKENDS.includes(backend), `badge backend "${backend}" should be one of ${BACKENDS}`);
    assert((await badgeText(page))?.trim() === backend, `badge text shows ${backend}`);
    const title = await page.getAttribute('[data-testid="backend-badge"] summary', 'title');
    assert(title?.includes(`${backend}: ok`), `badge tooltip lists what was tried: ${title}`);
    const px = await expectMoleculeShown(page, 'default');
    console.log(
      `      auto backend: ${backend}; viewer ${px.width}×${px.height}, ${(px.fraction * 100).toFixed(1)} % drawn, ${px.distinctColours} colours`,
    );
    await screenshot(page, 'default');
    // The badge's details (keyboard): what was tried, and a fresh numeric self-check in the worker.
    await page.focus('[data-testid="backend-badge"] summary');
    await page.keyboard.press('Enter');
    await page.click('text=Re-run self-check');
    await page.waitForFunction(
      () => /[✓✗]/.test(document.querySelector('[data-testid="self-check"]')?.textContent ?? ''),
      null,
      {
        timeout: 30_000,
      },
    );
    const check = await page.textContent('[data-testid="self-check"]');
    assert(check.startsWith(`✓ ${backend}`), `self-check in the worker passes: ${check}`);
    await screenshot(page, 'default-badge-open');
    assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
  } finally {
    await context.close();
  }
});

for (const forced of ['cpu', 'wasm', 'webgl']) {
  test(`?backend=${forced}: worker runs on ${forced} and the badge shows it`, async ({ browser, url }) => {
    const { context, page, errors } = await openApp(browser, url, `?backend=${forced}`, { allowMissing });
    try {
      const backend = await waitForBackend(page);
      const err = await page.textContent('[data-testid="errors"]');
      assert(backend === forced, `badge backend "${backend}" should be "${forced}" (errors shown: ${err})`);
      assert((await badgeText(page))?.trim() === forced, `badge text shows ${forced}`);
      // Our WebAssembly kernels in the worker: gemm and matvec wherever SIMD is (Chromium has it);
      // Adam on the host backends; the row kernels only on wasm, linked to tfjs's own memory.
      const kernels = await page.$$eval('[data-testid="wasm-kernels"] li', (lis) =>
        Object.fromEntries(lis.map((li) => [li.getAttribute('data-kernel'), li.getAttribute('data-active')])),
      );
      console.log(`      own wasm kernels on ${forced}: ${JSON.stringify(kernels)}`);
      const want = {
        gemm: 'true',
        matvec: 'true',
        adam: forced === 'webgl' ? 'false' : 'true',
        rows: forced === 'wasm' ? 'true' : 'false',
      };
      assert(JSON.stringify(kernels) === JSON.stringify(want), `kernels ${JSON.stringify(want)}`);
      await expectMoleculeShown(page, `backend-${forced}`);
      await screenshot(page, `backend-${forced}`);
      assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
    } finally {
      await context.close();
    }
  });
}

test('geometry updates move the atoms in place; the predict worker keeps only the latest request', async ({
  browser,
  url,
}) => {
  const { context, page, errors } = await openApp(browser, url, '?backend=wasm', { allowMissing });
  try {
    await waitForBackend(page);
    const before = await expectMoleculeShown(page, 'geometry-before');
    const d0 = parseFloat(await page.textContent('[data-testid="min-distance"]'));
    // Mark the canvas: after the updates it must be the same element (no new viewer, no new canvas).
    const canvases = await page.evaluate(() => {
      const all = document.querySelectorAll('[data-testid="viewer"] canvas');
      all[0]?.setAttribute('data-mark', 'first');
      return all.length;
    });
    assert(canvases === 1, `one canvas in the viewer, found ${canvases}`);
    // 30 geometry updates in one go (like a fast slider drag): the molecule stretched by 1 % per step.
    const stats = await page.evaluate(() => {
      const { store, services } = window.__pes;
      const R0 = store.getState().molecule.R;
      for (let k = 1; k <= 30; k++) store.getState().setGeometry(R0.map((v) => v * (1 + k / 100)));
      return services().predict.geometrySummary.stats;
    });
    const want = d0 * 1.3;
    const tStart = Date.now();
    await page.waitForFunction(
      (w) =>
        Math.abs(parseFloat(document.querySelector('[data-testid="min-distance"]')?.textContent ?? '') - w) <
        0.003,
      want,
      { timeout: 20_000 },
    );
    const final = await page.evaluate(() => ({ ...window.__pes.services().predict.geometrySummary.stats }));
    await page.waitForTimeout(300);
    const after = await viewerPixels(page, 'geometry-after');
    await screenshot(page, 'geometry-after');
    const same = await page.evaluate(
      () =>
        document.querySelectorAll('[data-testid="viewer"] canvas').length === 1 &&
        document.querySelector('[data-testid="viewer"] canvas')?.getAttribute('data-mark') === 'first',
    );
    console.log(
      `      closest atoms ${d0.toFixed(3)} → ${want.toFixed(3)} Å; predict requests ${final.calls}, run ${final.runs}, dropped ${final.stale}; bounding box ${(before.bboxArea * 100).toFixed(0)} % → ${(after.bboxArea * 100).toFixed(0)} % of the view; ${Date.now() - tStart} ms`,
    );
    assert(same, 'the viewer kept its single canvas');
    assert(
      final.runs < final.calls && final.stale > 0,
      `stale requests were dropped: ${JSON.stringify(final)} (right after the burst: ${JSON.stringify(stats)})`,
    );
    assert(
      after.bboxArea > before.bboxArea * 1.2,
      `the stretched molecule spans more of the view (bounding box ${before.bboxArea.toFixed(3)} → ${after.bboxArea.toFixed(3)})`,
    );
    assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
  } finally {
    await context.close();
  }
});

test('a broken molecule file shows a clear error and the rest of the page keeps working', async ({
  browser,
  url,
}) => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const uncaught = [];
  page.on('pageerror', (e) => uncaught.push(e.message));
  try {
    // Serve truncated geometry files in place of the bundled paths and the starter molecule.
    await page.route(/\/data\/(paths\/[^/]+|demo\/azobenzene)\.json/, (route) =>
      route.fulfill({
        status: 200,
        contentType: 'application/json',
        body: '{"z": [7, 7], "frames": [{"R": [0, 0',
      }),
    );
    await page.goto(`${url}?backend=cpu`);
    await page.waitForSelector('[data-testid="error"]', { timeout: 30_000 });
    const text = await page.textContent('[data-testid="errors"]');
    assert(
      /Could not load a molecule/.test(text ?? '') &&
        /data\/(paths|demo)\/[\w-]+\.json is not valid JSON/.test(text ?? ''),
      `error names the problem and the file: ${text}`,
    );
    assert((await waitForBackend(page)) === 'cpu', 'the worker still starts');
    await screenshot(page, 'error-shown');
    // Dismiss with the keyboard.
    await page.focus('[data-testid="error"] button');
    await page.keyboard.press('Enter');
    await page.waitForSelector('[data-testid="error"]', { state: 'detached', timeout: 2_000 });
    assert(uncaught.length === 0, `uncaught exceptions: ${uncaught.join('; ')}`);
  } finally {
    await context.close();
  }
});

test('a long worker task reports progress, can be cancelled, and the page stays responsive', async ({
  browser,
  url,
}) => {
  const { context, page, errors } = await openApp(browser, url, '?backend=wasm', { allowMissing });
  try {
    await waitForBackend(page);
    await page.click('[data-testid="start-60"]');
    const progress = () => page.getAttribute('[data-testid="progress"]', 'aria-valuenow').then(Number);
    await page.waitForFunction(
      () => Number(document.querySelector('[data-testid="progress"]')?.getAttribute('aria-valuenow')) >= 2,
      null,
      { timeout: 30_000 },
    );
    const p1 = await progress();

    // Keyboard action during the task: focus the theme button, press Enter, see the change.
    const toggle = page.locator('[data-testid="theme-toggle"]');
    const before = await toggle.getAttribute('data-theme-value');
    await toggle.focus();
    const t0 = Date.now();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (b) => document.querySelector('[data-testid="theme-toggle"]')?.getAttribute('data-theme-value') !== b,
      before,
      {
        timeout: 2_000,
      },
    );
    const keyMs = Date.now() - t0;
    await page
      .waitForFunction(
        (p) => Number(document.querySelector('[data-testid="progress"]')?.getAttribute('aria-valuenow')) > p,
        p1,
        {
          timeout: 5_000,
        },
      )
      .catch(() => undefined);
    const p2 = await progress();
    assert(p2 > p1, `progress should advance while the page is used (${p1} → ${p2})`);
    await screenshot(page, 'long-task-running');

    const t1 = Date.now();
    await page.click('[data-testid="cancel"]');
    await page.waitForSelector('[data-testid="job"][data-status="cancelled"]', { timeout: 5_000 });
    const cancelMs = Date.now() - t1;
    const stopped = await progress();
    await page.waitForTimeout(600);
    assert((await progress()) === stopped, 'no progress after cancel');

    // The respawned worker comes back on the same backend and does real work again.
    const backend = await waitForBackend(page);
    assert(backend === 'wasm', `respawned worker backend ${backend}`);
    const beforeAfter = await toggle.getAttribute('data-theme-value');
    const t2 = Date.now();
    await toggle.focus();
    await page.keyboard.press('Enter');
    await page.waitForFunction(
      (b) => document.querySelector('[data-testid="theme-toggle"]')?.getAttribute('data-theme-value') !== b,
      beforeAfter,
      { timeout: 2_000 },
    );
    const keyAfterMs = Date.now() - t2;
    await page.click('[data-testid="start-5"]');
    await page.waitForSelector('[data-testid="job"][data-status="done"]', { timeout: 40_000 });
    const status = await page.textContent('[data-testid="job-status"]');
    assert(/GFLOP\/s on wasm/.test(status ?? ''), `finished job reports its throughput: ${status}`);
    await screenshot(page, 'long-task-after-cancel');
    console.log(
      `      progress ${p1}→${p2} %, key handled in ${keyMs} ms during the task and ${keyAfterMs} ms after; cancelled in ${cancelMs} ms; ${status}`,
    );
    assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
  } finally {
    await context.close();
  }
});

// Each feature keeps its browser tests in its own tests/e2e/<feature>.e2e.mjs (registered with `test`).
for (const f of readdirSync('tests/e2e')
  .filter((n) => n.endsWith('.e2e.mjs'))
  .sort())
  await import(`./${f}`);

const server = await serveStatic('dist');
let browser;
let result = { passed: 0, failed: 1 };
try {
  browser = await launchChromium();
  console.log(`browser tests: ${browser.version()} at ${server.url}`);
  result = await runTests({ browser, url: server.url });
} catch (e) {
  console.log(`FAIL  could not run the browser tests: ${e?.message ?? e}`);
} finally {
  await browser?.close().catch(() => undefined);
  await server.close();
}
console.log(`${result.passed} passed, ${result.failed} failed`);
process.exitCode = result.failed > 0 ? 1 : 0;
