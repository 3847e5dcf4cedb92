// Minimal test runner and page helpers for the browser tests (no test framework needed).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const RESULTS_DIR = 'test-results';
mkdirSync(RESULTS_DIR, { recursive: true });

const tests = [];
export function test(name, fn, { timeoutMs = 120_000 } = {}) {
  tests.push({ name, fn, timeoutMs });
}

/** Runs the registered tests in order; prints PASS/FAIL per test; resolves { passed, failed }. */
export async function runTests(ctx) {
  let passed = 0;
  let failed = 0;
  const only = process.env.E2E_ONLY;
  for (const t of tests) {
    if (only && !t.name.includes(only)) continue;
    const t0 = Date.now();
    let timer;
    try {
      await Promise.race([
        t.fn(ctx),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${t.timeoutMs / 1000} s`)), t.timeoutMs);
        }),
      ]);
      passed++;
      console.log(`PASS  ${t.name}  (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(
        `FAIL  ${t.name}  (${((Date.now() - t0) / 1000).toFixed(1)} s)\n      ${String(e?.stack ?? e)
          .split('\n')
          .slice(0, 6)
          .join('\n      ')}`,
      );
    } finally {
      clearTimeout(timer);
    }
  }
  return { passed, failed };
}

export function assert(cond, message) {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

/**
 * Opens the app at `query` (e.g. "?backend=cpu") in a fresh context, collecting console errors and
 * uncaught exceptions from the page and its workers. Waits until the compute backend is ready.
 */
export async function openApp(browser, baseUrl, query = '', { allowMissing = [] } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const errors = [];
  const onConsole = (m) => {
    if (m.type() !== 'error') return;
    const url = m.location()?.url ?? '';
    if (allowMissing.some((p) => url.endsWith(p)) && /404/.test(m.text())) return;
    errors.push(`console.error: ${m.text()}${url ? ` (${url})` : ''}`);
  };
  page.on('console', onConsole);
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  page.on('worker', (w) => {
    try {
      w.on('console', onConsole);
    } catch {
      /* older playwright: worker console arrives on the page */
    }
  });
  await page.goto(baseUrl + query, { waitUntil: 'load' });
  return { context, page, errors };
}

/** Waits for the badge to report a ready backend and returns it. */
export async function waitForBackend(page, timeout = 90_000) {
  await page.waitForSelector(
    '[data-testid="backend-badge"].badge-ready, [data-testid="backend-badge"].badge-error',
    {
      timeout,
    },
  );
  return page.getAttribute('[data-testid="backend-badge"]', 'data-backend');
}

export async function screenshot(page, name) {
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}

/**
 * Screenshots the 3D view and measures, in the page, the fraction of pixels that differ from the
 * background (the most common corner colour), how many distinct colours they have, and the
 * fraction of the view covered by their bounding box.
 */
export async function viewerPixels(page, name) {
  const el = page.locator('[data-testid="viewer"]');
  const png = await el.screenshot({ path: join(RESULTS_DIR, `${name}-viewer.png`) });
  return page.evaluate(async (b64) => {
    const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
    const bmp = await createImageBitmap(blob);
    const c = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = c.getContext('2d');
    ctx.drawImage(bmp, 0, 0);
    const { data, width, height } = ctx.getImageData(0, 0, bmp.width, bmp.height);
    const at = (x, y) => {
      const i = 4 * (y * width + x);
      return [data[i], data[i + 1], data[i + 2]];
    };
    const corners = [at(4, 4), at(width - 5, 4), at(4, height - 5), at(width - 5, height - 5)];
    const key = (p) => p.join(',');
    const tally = new Map();
    for (const p of corners) tally.set(key(p), (tally.get(key(p)) ?? 0) + 1);
    const bg = [...tally.entries()]
      .sort((a, b) => b[1] - a[1])[0][0]
      .split(',')
      .map(Number);
    let fg = 0;
    const colours = new Map();
    const box = { x0: width, y0: height, x1: -1, y1: -1 };
    const margin = 4; // skip the element's border and rounded corners
    for (let i = 0; i < data.length; i += 4) {
      const px = (i / 4) % width;
      const py = Math.floor(i / 4 / width);
      if (px < margin || py < margin || px >= width - margin || py >= height - margin) continue;
      const d = Math.abs(data[i] - bg[0]) + Math.abs(data[i + 1] - bg[1]) + Math.abs(data[i + 2] - bg[2]);
      if (d > 40) {
        fg++;
        box.x0 = Math.min(box.x0, px);
        box.x1 = Math.max(box.x1, px);
        box.y0 = Math.min(box.y0, py);
        box.y1 = Math.max(box.y1, py);
        const q = `${data[i] >> 5},${data[i + 1] >> 5},${data[i + 2] >> 5}`;
        colours.set(q, (colours.get(q) ?? 0) + 1);
      }
    }
    const distinct = [...colours.values()].filter((n) => n > 30).length;
    const bboxArea = box.x1 < 0 ? 0 : ((box.x1 - box.x0 + 1) * (box.y1 - box.y0 + 1)) / (width * height);
    return {
      width,
      height,
      fraction: fg / (width * height),
      distinctColours: distinct,
      background: bg,
      bboxArea,
    };
  }, png.toString('base64'));
}
