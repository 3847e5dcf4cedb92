// Browser tests of the Explore tab (issue 5): the path slider (mouse and keyboard) moves the rendered
// molecule, the φ read-out and the profile marker; an sGDML model trained here with `pes train` loads
// through the Load-model input, draws its curve and shows its energy; malformed and mismatched model
// files give errors and change nothing; a reload restores the path, the position and the model; the
// camera, the dataset and the models shown round-trip through the URL and a reload; a tour step's
// camera is applied; during a drag the view draws at reduced resolution and returns to full after it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, openApp, screenshot, test, waitForBackend } from './harness.mjs';

const OUT = 'test-results';
mkdirSync(OUT, { recursive: true });

/** Screenshot of the 3D view as base64 PNG (also saved as an artifact). */
async function viewerShot(page, name) {
  const png = await page
    .locator('[data-testid="viewer"]')
    .screenshot({ path: join(OUT, `${name}-viewer.png`) });
  return png.toString('base64');
}

/** Fraction of pixels that differ (sum of |ΔRGB| > 30) between two PNGs of the same size. */
async function pixelDiff(page, a, b) {
  return page.evaluate(
    async ([a64, b64]) => {
      const load = async (s) => {
        const bmp = await createImageBitmap(await (await fetch(`data:image/png;base64,${s}`)).blob());
        const c = new OffscreenCanvas(bmp.width, bmp.height);
        const ctx = c.getContext('2d');
        ctx.drawImage(bmp, 0, 0);
        return ctx.getImageData(0, 0, bmp.width, bmp.height);
      };
      const [x, y] = [await load(a64), await load(b64)];
      if (x.width !== y.width || x.height !== y.height) return 1;
      let diff = 0;
      for (let i = 0; i < x.data.length; i += 4) {
        const d =
          Math.abs(x.data[i] - y.data[i]) +
          Math.abs(x.data[i + 1] - y.data[i + 1]) +
          Math.abs(x.data[i + 2] - y.data[i + 2]);
        if (d > 30) diff++;
      }
      return diff / (x.width * x.height);
    },
    [a, b],
  );
}

const readX = async (page) => parseFloat(await page.textContent('[data-testid="readout-x"]'));
const readPhi = async (page) => {
  const t = await page.textContent('[data-testid="readout-coords"]');
  const m = /φ = (-?[\d.]+)°/.exec(t ?? '');
  return m ? parseFloat(m[1]) : NaN;
};
const frameOf = (page) => page.getAttribute('[data-testid="viewer"]', 'data-frame').then(Number);

/** Waits until the 3D view has drawn a frame after `since` and the profile marker sits at the read-out. */
async function settled(page, since) {
  await page.waitForFunction(
    (f) => Number(document.querySelector('[data-testid="viewer"]')?.getAttribute('data-frame')) > f,
    since,
    { timeout: 60_000 },
  );
  await page.waitForFunction(
    () => {
      const x = parseFloat(document.querySelector('[data-testid="readout-x"]')?.textContent ?? '');
      const m = parseFloat(
        document.querySelector('[data-testid="profile"]')?.getAttribute('data-marker-x') ?? '',
      );
      return Math.abs(x - m) < 0.06;
    },
    null,
    { timeout: 60_000 },
  );
  // dynamic resolution: a moment after the last geometry change the view is drawn sharp again
  await page.waitForSelector('[data-testid="viewer"][data-resolution="full"]', { timeout: 30_000 });
  await page.waitForTimeout(150);
}

async function openExplorer(browser, url, query = '?backend=wasm') {
  const app = await openApp(browser, url, query);
  await waitForBackend(app.page);
  await app.page.waitForSelector('[data-testid="viewer"][data-state="ready"]', { timeout: 30_000 });
  await app.page.waitForSelector('[data-testid="path-slider"]', { timeout: 30_000 });
  await app.page.waitForSelector('[data-testid="profile"][data-state="ready"]', { timeout: 60_000 });
  await app.page.waitForTimeout(300);
  return app;
}

test(
  'explorer: dragging the slider (mouse, keyboard) moves the molecule, the φ read-out and the profile marker',
  async ({ browser, url }) => {
    const { context, page, errors } = await openExplorer(browser, url);
    try {
      const x0 = await readX(page);
      const phi0 = await readPhi(page);
      assert(Math.abs(x0 - 8.3) < 0.1 && Math.abs(phi0 - 8.3) < 0.2, `starts at cis: x ${x0}, φ ${phi0}`);
      const shot0 = await viewerShot(page, 'explorer-start');
      await screenshot(page, 'explorer-start');

      // Mouse: press on the thumb at the left end, drag to the middle of the track.
      const box = await page.locator('[data-testid="path-slider"]').boundingBox();
      const y = box.y + box.height / 2;
      let f = await frameOf(page);
      await page.evaluate(() => {
        const v = document.querySelector('[data-testid="viewer"]');
        window.__resolutions = [];
        new MutationObserver(() => window.__resolutions.push(v.dataset.resolution)).observe(v, {
          attributes: true,
          attributeFilter: ['data-resolution'],
        });
      });
      await page.mouse.move(box.x + 6, y);
      await page.mouse.down();
      for (let k = 1; k <= 10; k++) await page.mouse.move(box.x + 6 + ((box.width / 2 - 6) * k) / 10, y);
      await page.mouse.up();
      await settled(page, f);
      const resolutions = await page.evaluate(() => window.__resolutions);
      assert(
        resolutions.includes('reduced') && resolutions.at(-1) === 'full',
        `reduced resolution during the drag, full after it: ${resolutions.join(' → ')}`,
      );
      const x1 = await readX(page);
      const phi1 = await readPhi(page);
      assert(x1 > 80 && x1 < 110, `mouse drag to the middle moved the slider to ≈ 94°: ${x1}`);
      assert(Math.abs(phi1 - x1) < 1.5, `the geometry's φ follows the slider: φ ${phi1} vs ${x1}`);
      const shot1 = await viewerShot(page, 'explorer-mouse');
      await screenshot(page, 'explorer-mouse');
      const d1 = await pixelDiff(page, shot0, shot1);
      assert(
        d1 > 0.005,
        `the rendered molecule changed after the mouse drag (${(d1 * 100).toFixed(2)} % pixels)`,
      );

      // Keyboard: End → trans; PageDown → previous computed point; ArrowLeft ×3 → 3° less.
      await page.focus('[data-testid="path-slider"]');
      f = await frameOf(page);
      await page.keyboard.press('End');
      await settled(page, f);
      assert(Math.abs((await readX(page)) - 180) < 0.05, `End goes to 180°: ${await readX(page)}`);
      assert(
        (await page.textContent('[data-testid="readout-eref"]')).includes('kcal/mol'),
        'E_ref at a computed point',
      );
      f = await frameOf(page);
      await page.keyboard.press('PageDown');
      await settled(page, f);
      const x2 = await readX(page);
      assert(Math.abs(x2 - 169.27) < 0.05, `PageDown goes to the previous computed point (169.3°): ${x2}`);
      f = await frameOf(page);
      for (let k = 0; k < 3; k++) await page.keyboard.press('ArrowLeft');
      await settled(page, f);
      const x3 = await readX(page);
      const phi3 = await readPhi(page);
      assert(Math.abs(x3 - (x2 - 3)) < 0.05, `ArrowLeft ×3 moves 3°: ${x2} → ${x3}`);
      assert(Math.abs(phi3 - x3) < 1.5, `φ read-out follows the keyboard: ${phi3} vs ${x3}`);
      assert(
        (await page.textContent('[data-testid="readout-eref"]')).trim() === '—',
        'no E_ref between points',
      );
      const shot3 = await viewerShot(page, 'explorer-keyboard');
      await screenshot(page, 'explorer-keyboard');
      const d3 = await pixelDiff(page, shot1, shot3);
      assert(d3 > 0.005, `the rendered molecule changed after the keys (${(d3 * 100).toFixed(2)} % pixels)`);
      const marker = parseFloat(await page.getAttribute('[data-testid="profile"]', 'data-marker-x'));
      assert(Math.abs(marker - x3) < 0.06, `profile marker at ${marker}, slider at ${x3}`);
      console.log(
        `      x ${x0} → ${x1} (mouse) → 180 → ${x2} → ${x3} (keys); φ ${phi0} → ${phi1} → ${phi3}; pixels changed ${(d1 * 100).toFixed(1)} %, ${(d3 * 100).toFixed(1)} %`,
      );
      assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 300_000 },
);

/** Trains a small sGDML model in Node with the CLI (fixed σ); returns the JSON path. */
function trainModel(dataset, out, m) {
  execFileSync(
    'npx',
    ['pes', 'train', dataset, '--model', 'sgdml', '--n-train', String(m), '--sigma', '30', '--out', out],
    { stdio: 'pipe', timeout: 300_000 },
  );
  return out;
}

test(
  'explorer: a trained sGDML model loads, draws its curve and read-out; bad files change nothing; reload restores the view',
  async ({ browser, url }) => {
    const azoModel = trainModel(
      'public/data/azobenzene-rotation.npz',
      join(OUT, 'explorer-sgdml-azo.json'),
      30,
    );
    const glyModel = trainModel('public/data/glycine.npz', join(OUT, 'explorer-sgdml-gly.json'), 20);
    const broken = join(OUT, 'explorer-broken-model.json');
    writeFileSync(broken, '{"kind": "sgdml", "version": 1, "payload": {"z": [6, 6], "sigma": 3');
    const { context, page, errors } = await openExplorer(browser, url);
    try {
      await page.setInputFiles('[data-testid="load-model"]', azoModel);
      await page.waitForSelector('[data-testid="model-list"] li', { timeout: 30_000 });
      const id = (await page.getAttribute('[data-testid="model-list"] li', 'data-testid')).replace(
        /^model-/,
        '',
      );
      await page.waitForFunction(
        () => document.querySelector('[data-testid="profile"]')?.dataset.curves === '1',
        null,
        {
          timeout: 60_000,
        },
      );
      // Move to the highest computed point with the keyboard and read the model's energy there.
      await page.focus('[data-testid="path-slider"]');
      for (let k = 0; k < 8; k++) await page.keyboard.press('PageUp');
      await page.waitForFunction(
        (mid) =>
          /^-?\d+\.\d\d/.test(document.querySelector(`[data-testid="readout-e-${mid}"]`)?.textContent ?? ''),
        id,
        { timeout: 30_000 },
      );
      await page.waitForFunction(
        (mid) =>
          document.querySelector('[data-testid="readout"]')?.getAttribute('data-s') === '8.0000' &&
          // the model's answer for this position, not a stale one from the key presses before
          document.querySelector(`[data-testid="readout-e-${mid}"]`)?.getAttribute('data-s') === '8.0000',
        id,
        { timeout: 30_000 },
      );
      const eModel = parseFloat(await page.textContent(`[data-testid="readout-e-${id}"]`));
      const eRef = parseFloat(await page.textContent('[data-testid="readout-eref"]'));
      assert(Number.isFinite(eModel), `model energy shown: ${eModel}`);
      // The read-out (relative to the model's own start value, taken from its profile) agrees
      // with the model's profile at the same computed point.
      const eProfile = await page.evaluate(
        (mid) => window.__pesExplorer.useExplorer.getState().profiles[mid].pointE[8],
        id,
      );
      assert(Math.abs(eProfile - eModel) < 0.006, `read-out ${eModel} vs profile ${eProfile} at point 8`);
      assert(Math.abs(eRef - 34.84) < 0.01, `reference at point 8: ${eRef}`);
      await page.waitForTimeout(400);
      await screenshot(page, 'explorer-model');
      await viewerShot(page, 'explorer-model');

      // A malformed model file: a precise error; the model list and the curve stay.
      await page.setInputFiles('[data-testid="load-model"]', broken);
      await page.waitForSelector('[data-testid="error"]', { timeout: 30_000 });
      const err = await page.textContent('[data-testid="errors"]');
      assert(
        /Could not load the model explorer-broken-model\.json/.test(err) && /JSON/.test(err),
        `error names the file and the problem: ${err}`,
      );
      // A glycine model on the azobenzene path: refused with the atom counts.
      await page.setInputFiles('[data-testid="load-model"]', glyModel);
      await page.waitForFunction(
        () => /10 atoms/.test(document.querySelector('[data-testid="errors"]')?.textContent ?? ''),
        null,
        {
          timeout: 30_000,
        },
      );
      assert((await page.locator('[data-testid="model-list"] li').count()) === 1, 'still exactly one model');
      assert(
        (await page.getAttribute('[data-testid="profile"]', 'data-curves')) === '1',
        'its curve is still drawn',
      );
      await screenshot(page, 'explorer-bad-file');
      const errText = await page.textContent('[data-testid="errors"]');
      console.log(
        `      model ${id}: E − E_start at point 8 = ${eModel} kcal/mol (reference ${eRef}); errors: ${errText.replace(/\s+/g, ' ').slice(0, 300)}`,
      );

      // Models shown are in the URL: hide the model, the URL says so, and back.
      await page.uncheck(`[data-testid="model-visible-${id}"]`);
      await page.waitForFunction(() => new URLSearchParams(location.search).get('show') === '', null, {
        timeout: 10_000,
      });
      await page.check(`[data-testid="model-visible-${id}"]`);
      await page.waitForFunction((mid) => new URLSearchParams(location.search).get('show') === mid, id, {
        timeout: 10_000,
      });

      // Reload: another path and position, then the same URL again.
      await page.selectOption('[data-testid="path-select"]', 'azobenzene-optimized-rotation');
      await page
        .waitForFunction(() => /optimized/.test(window.location.search), null, { timeout: 10_000 })
        .catch(() => undefined);
      await page.focus('[data-testid="path-slider"]');
      for (let k = 0; k < 5; k++) await page.keyboard.press('PageUp');
      for (let k = 0; k < 2; k++) await page.keyboard.press('ArrowRight');
      const xBefore = await readX(page);
      await page.waitForFunction(
        (x) => window.location.search.includes(`x=${x}`),
        Math.round(xBefore * 100) / 100,
        {
          timeout: 10_000,
        },
      );
      const search = await page.evaluate(() => window.location.search);
      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector('[data-testid="profile"][data-state="ready"]', { timeout: 60_000 });
      await page.waitForFunction(
        () => document.querySelector('[data-testid="profile"]')?.dataset.curves === '1',
        null,
        {
          timeout: 60_000,
        },
      );
      const xAfter = await readX(page);
      const pathAfter = await page.inputValue('[data-testid="path-select"]');
      assert(pathAfter === 'azobenzene-optimized-rotation', `path restored: ${pathAfter} (${search})`);
      assert(Math.abs(xAfter - xBefore) < 0.02, `slider position restored: ${xBefore} → ${xAfter}`);
      assert((await page.locator('[data-testid="model-list"] li').count()) === 1, 'the model is restored');
      await page.waitForFunction(
        (mid) =>
          /^-?\d+\.\d\d/.test(document.querySelector(`[data-testid="readout-e-${mid}"]`)?.textContent ?? ''),
        id,
        { timeout: 30_000 },
      );
      await page.waitForTimeout(300);
      await screenshot(page, 'explorer-reloaded');
      console.log(
        `      reload ${search}: x ${xBefore} → ${xAfter}, path ${pathAfter}, model ${id} restored`,
      );
      const unexpected = errors.filter((e) => !/Failed to load resource/.test(e));
      assert(unexpected.length === 0, `console errors:\n${unexpected.join('\n')}`);
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 400_000 },
);

test(
  'explorer: every path loads with its driving coordinate; play moves along the path; exports download',
  async ({ browser, url }) => {
    const { context, page, errors } = await openExplorer(browser, url);
    try {
      const want = {
        'azobenzene-rotation': 'φ',
        'azobenzene-optimized-rotation': 'φ',
        'azobenzene-inversion': 'θ′',
        'azobenzene-rotation-inversion': 'φ',
        glycine: 'τ',
      };
      const seen = [];
      for (const [id, symbol] of Object.entries(want)) {
        await page.selectOption('[data-testid="path-select"]', id);
        await page.waitForFunction(
          (s) => document.querySelector('[data-testid="readout"] dt')?.textContent === s,
          symbol,
          { timeout: 30_000 },
        );
        const range = await page.evaluate(() => {
          const el = document.querySelector('[data-testid="path-slider"]');
          return [Number(el.min), Number(el.max)];
        });
        seen.push(`${id}: ${symbol} ${range.map((v) => v.toFixed(1)).join('–')}`);
      }
      assert(
        /glycine: τ 0\.0–180\.0/.test(seen.join('; ')),
        `glycine slider over τ 0–180°: ${seen.join('; ')}`,
      );
      assert(
        /inversion: θ′ 121\.1–246\.3/.test(seen.join('; ')),
        `inversion over θ′ unfolded: ${seen.join('; ')}`,
      );
      await screenshot(page, 'explorer-glycine');

      // Play from the start: the position advances, then Pause stops it.
      await page.selectOption('[data-testid="path-select"]', 'azobenzene-inversion');
      await page.waitForFunction(
        () => document.querySelector('[data-testid="readout"] dt')?.textContent === 'θ′',
      );
      const x0 = await readX(page);
      await page.click('[data-testid="play"]');
      await page.waitForFunction(
        (x) => parseFloat(document.querySelector('[data-testid="readout-x"]').textContent) > x + 5,
        x0,
        {
          timeout: 30_000,
        },
      );
      await page.click('[data-testid="play"]');
      assert((await page.getAttribute('[data-testid="play"]', 'aria-pressed')) === 'false', 'paused');
      const xp = await readX(page);
      await page.waitForTimeout(500);
      assert((await readX(page)) === xp, 'no movement after pause');
      await screenshot(page, 'explorer-inversion-played');

      // Exports: CSV and extxyz of the path, PNG of the 3D view.
      const grab = async (testid) => {
        const [dl] = await Promise.all([
          page.waitForEvent('download', { timeout: 30_000 }),
          page.click(`[data-testid="${testid}"]`),
        ]);
        const file = join(OUT, `explorer-export-${dl.suggestedFilename()}`);
        await dl.saveAs(file);
        return file;
      };
      const csv = readFileSync(await grab('export-csv'), 'utf8');
      assert(
        csv.startsWith('series,kind,thetaPrime_deg,point,E_minus_E_start_kcal_per_mol'),
        `CSV header: ${csv.slice(0, 90)}`,
      );
      assert(csv.trim().split('\n').length === 18, 'CSV: header + 17 reference points');
      const xyz = readFileSync(await grab('export-extxyz'), 'utf8');
      assert(/REF_energy=-?\d/.test(xyz) && /REF_forces:R:3/.test(xyz), 'extxyz has REF_ energy and forces');
      assert(
        xyz.split('\n').filter((l) => l.trim() === '24').length === 17,
        'extxyz has 17 frames of 24 atoms',
      );
      const png = readFileSync(await grab('export-png-3d'));
      assert(png.length > 1000 && png[1] === 0x50 && png[2] === 0x4e, `3D PNG (${png.length} bytes)`);
      console.log(
        `      ${seen.join('; ')}; played ${x0} → ${xp}; exports CSV ${csv.length} B, extxyz ${xyz.length} B, PNG ${png.length} B`,
      );
      assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 300_000 },
);

/** The viewer's current 3Dmol view [x, y, z, zoom, qx, qy, qz, qw] as the explorer last saw it. */
const viewOf = (page) => page.evaluate(() => window.__pesExplorer.currentView());
/** Degrees between two views' rotations. */
const turn = (a, b) =>
  (2 * Math.acos(Math.min(1, Math.abs(a[4] * b[4] + a[5] * b[5] + a[6] * b[6] + a[7] * b[7]))) * 180) /
  Math.PI;
const IDENTITY = [0, 0, 0, 0, 0, 0, 0, 1];

test(
  'explorer: camera, dataset and slider position round-trip through the URL and a reload',
  async ({ browser, url }) => {
    const { context, page, errors } = await openExplorer(browser, url);
    try {
      await page.waitForFunction(() => /[?&]cam=/.test(location.search), null, { timeout: 10_000 });
      const v0 = await viewOf(page);
      assert(turn(v0, IDENTITY) < 0.1, `loads in the default orientation: ${v0}`);
      // Rotate with the mouse (3Dmol's own drag) and zoom with the keyboard.
      const box = await page.locator('[data-testid="viewer"]').boundingBox();
      const cx = box.x + box.width / 2;
      const cy = box.y + box.height / 2;
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      for (let k = 1; k <= 8; k++) await page.mouse.move(cx + 15 * k, cy + 6 * k);
      await page.mouse.up();
      await page.focus('[data-testid="viewer"]');
      await page.keyboard.press('+');
      const v1 = await viewOf(page);
      assert(turn(v0, v1) > 10, `the mouse drag rotated the view by ${turn(v0, v1).toFixed(1)}°`);
      assert(v1[3] !== v0[3], `the key zoomed: ${v0[3]} → ${v1[3]}`);
      // The URL follows (debounced), rounded.
      await page.waitForFunction(
        (v) => {
          const c = new URLSearchParams(location.search).get('cam')?.split('_').map(Number);
          return c && c.length === 8 && Math.abs(c[3] - v[3]) < 0.06 && Math.abs(c[7] - v[7]) < 2e-4;
        },
        v1,
        { timeout: 10_000 },
      );
      // A slider position and a dataset too.
      await page.focus('[data-testid="path-slider"]');
      for (let k = 0; k < 4; k++) await page.keyboard.press('PageUp');
      await page.waitForFunction(() => /[?&]x=/.test(location.search) && !/x=8\.3\b/.test(location.search));
      await page.click('[data-testid="tab-datasets"]');
      await page.click('[data-testid="dataset-item"][data-dataset-id="glycine"]');
      await page.waitForFunction(() => new URLSearchParams(location.search).get('ds') === 'glycine', null, {
        timeout: 10_000,
      });
      await page.click('[data-testid="tab-explore"]');
      await page.waitForSelector('[data-testid="viewer"][data-state="ready"]', { timeout: 30_000 });
      // Back on the tab, the remounted viewer has the same camera.
      await page.waitForFunction(
        (v) => {
          const w = window.__pesExplorer.currentView();
          return w && Math.abs(w[3] - v[3]) < 0.06 && Math.abs(w[7] - v[7]) < 2e-4;
        },
        v1,
        { timeout: 30_000 },
      );
      await page.waitForSelector('[data-testid="viewer"][data-resolution="full"]', { timeout: 30_000 });
      await page.waitForTimeout(300);
      const xBefore = await readX(page);
      const shotBefore = await viewerShot(page, 'explorer-camera-before-reload');
      const search = await page.evaluate(() => location.search);

      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector('[data-testid="viewer"][data-state="ready"]', { timeout: 60_000 });
      await page.waitForSelector('[data-testid="profile"][data-state="ready"]', { timeout: 60_000 });
      await page.waitForFunction(
        (v) => {
          const w = window.__pesExplorer.currentView();
          return w && Math.abs(w[3] - v[3]) < 0.06 && Math.abs(w[7] - v[7]) < 2e-4;
        },
        v1,
        { timeout: 30_000 },
      );
      await page.waitForTimeout(500);
      const v2 = await viewOf(page);
      const xAfter = await readX(page);
      const dPos = Math.max(...[0, 1, 2].map((i) => Math.abs(v2[i] - v1[i])));
      assert(turn(v1, v2) < 0.1, `same rotation after the reload: ${turn(v1, v2).toFixed(3)}° apart`);
      assert(dPos < 0.01 && Math.abs(v2[3] - v1[3]) < 0.06, `same position and zoom: ${v1} → ${v2}`);
      assert(Math.abs(xAfter - xBefore) < 0.02, `slider position restored: ${xBefore} → ${xAfter}`);
      const shotAfter = await viewerShot(page, 'explorer-camera-after-reload');
      await screenshot(page, 'explorer-camera-after-reload');
      const d = await pixelDiff(page, shotBefore, shotAfter);
      assert(d < 0.01, `the reloaded 3D view looks the same (${(d * 100).toFixed(2)} % pixels differ)`);
      const dDefault = turn(v2, IDENTITY);
      await page.click('[data-testid="tab-datasets"]');
      await page.waitForSelector(
        '[data-testid="dataset-item"][data-dataset-id="glycine"][aria-pressed="true"]',
        {
          timeout: 30_000,
        },
      );
      console.log(
        `      ${search}: view turned ${dDefault.toFixed(1)}° from the default, restored within ${turn(v1, v2).toFixed(3)}°, ${dPos.toFixed(4)} Å; screenshots differ by ${(d * 100).toFixed(2)} %; x ${xBefore} → ${xAfter}; dataset glycine restored`,
      );
      assert(errors.length === 0, `console errors:\n${errors.join('\n')}`);
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 300_000 },
);

test(
  'explorer: a tour step with a camera sets the 3D view',
  async ({ browser, url }) => {
    const { context, page, errors } = await openExplorer(browser, url);
    try {
      const tour = {
        format: 'pes-tour',
        version: 1,
        title: 'Camera check',
        steps: [
          {
            title: 'Side view',
            text: 'Turned a quarter about y.',
            tab: 'explore',
            path: 'azobenzene-rotation',
            slider: 94,
            camera: { rotate: [0, 90, 0], zoom: 1.5 },
          },
          { title: 'Front view', text: 'Back to the start.', tab: 'explore', camera: 'reset' },
        ],
      };
      await page.click('[data-testid="tab-study"]');
      await page.setInputFiles('[data-testid="tour-file"]', {
        name: 'camera-tour.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(tour)),
      });
      await page.waitForSelector('[data-testid="tour-player"]', { timeout: 90_000 });
      await page.waitForSelector('[data-testid="viewer"][data-state="ready"]', { timeout: 30_000 });
      await page.waitForFunction(
        () => {
          const v = window.__pesExplorer.currentView();
          const ang = v && 2 * Math.acos(Math.min(1, Math.abs(v[7])));
          return ang && Math.abs((ang * 180) / Math.PI - 90) < 1;
        },
        null,
        { timeout: 60_000 },
      );
      const v1 = await viewOf(page);
      assert(Math.abs(turn(v1, IDENTITY) - 90) < 1, `step 1 turned the view 90°: ${turn(v1, IDENTITY)}`);
      assert(Math.abs(v1[5]) > 0.69 && Math.abs(v1[4]) < 0.01, `about the y axis: q = ${v1.slice(4)}`);
      assert(Math.abs((await readX(page)) - 94) < 0.1, 'step 1 also set the slider to 94°');
      await page.waitForTimeout(400);
      const shot1 = await viewerShot(page, 'explorer-tour-side');
      await screenshot(page, 'explorer-tour-side');

      await page.click('[data-testid="tour-next"]');
      await page.waitForFunction(
        () => {
          const v = window.__pesExplorer.currentView();
          return v && Math.abs(Math.abs(v[7]) - 1) < 1e-6;
        },
        null,
        { timeout: 30_000 },
      );
      const v2 = await viewOf(page);
      assert(turn(v2, IDENTITY) < 0.1, `step 2 reset the rotation: ${turn(v2, IDENTITY)}°`);
      assert(v2[3] !== v1[3], `and the zoom: ${v1[3]} → ${v2[3]}`);
      await page.waitForTimeout(400);
      const shot2 = await viewerShot(page, 'explorer-tour-front');
      await screenshot(page, 'explorer-tour-front');
      const d = await pixelDiff(page, shot1, shot2);
      assert(d > 0.01, `the side and front views differ on screen (${(d * 100).toFixed(2)} % pixels)`);
      await page.waitForFunction(() => /[?&]cam=/.test(location.search), null, { timeout: 10_000 });
      console.log(
        `      tour step 1: ${turn(v1, IDENTITY).toFixed(2)}° about y, zoom ${v1[3].toFixed(1)}; step 2: ${turn(v2, IDENTITY).toFixed(2)}°, zoom ${v2[3].toFixed(1)}; pixels differ ${(d * 100).toFixed(1)} %`,
      );
      const unexpected = errors.filter((e) => !/Failed to load resource/.test(e));
      assert(unexpected.length === 0, `console errors:\n${unexpected.join('\n')}`);
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 300_000 },
);

test(
  'explorer: the Models card shows a saved study model of the molecule on screen, without training',
  async ({ browser, url }) => {
    const { context, page, errors } = await openExplorer(browser, url);
    try {
      const offered = async () =>
        page.$$eval('[data-testid="study-model-select"] option', (os) => os.map((o) => o.textContent));
      const azo = await offered();
      assert(
        azo.length >= 2 && azo.every((t) => /azobenzene/.test(t)) && /rotation/.test(azo[0]),
        `azobenzene models offered on the rotation path, its own data first: ${azo.join(' | ')}`,
      );
      // the read-out's hint shows the first of them in one click
      const hint = (await page.textContent('[data-testid="no-model-show-study"]')) ?? '';
      assert(/study's .* model \(azobenzene-rotation\)/.test(hint), `read-out hint: ${hint}`);
      await page.click('[data-testid="no-model-show-study"]');
      await page.waitForFunction(
        () => document.querySelector('[data-testid="profile"]')?.dataset.curves === '1',
        null,
        { timeout: 90_000 },
      );
      const listed = await page.textContent('[data-testid="model-list"]');
      assert(
        /n=\d+ \(azobenzene-rotation\)/.test(listed ?? ''),
        `the model is listed with its size: ${listed}`,
      );
      await page.waitForFunction(
        () => document.querySelector('[data-testid="study-model-load"]')?.textContent === 'Shown',
      );
      await page.waitForFunction(
        () =>
          /^-?\d+\.\d\d/.test(document.querySelector('[data-testid^="readout-e-study:"]')?.textContent ?? ''),
        null,
        { timeout: 60_000 },
      );
      assert(
        (await page.locator('[data-testid="no-model"]').count()) === 0,
        'the hint goes once a model is shown',
      );
      await screenshot(page, 'explorer-study-model');
      // unticked, the Models card's button shows it again
      await page.uncheck('[data-testid^="model-visible-study:"]');
      await page.waitForFunction(
        () => document.querySelector('[data-testid="study-model-load"]')?.textContent === 'Show',
      );
      await page.click('[data-testid="study-model-load"]');
      await page.waitForFunction(
        () => document.querySelector('[data-testid="study-model-load"]')?.textContent === 'Shown',
      );
      assert(
        (await page.locator('[data-testid="model-list"] li').count()) === 1,
        'showing it again does not load a second copy',
      );
      // a GAP model (its sparse descriptors are recomputed in the predictor, seconds): the card says its
      // profile is being computed until the curve is there
      const gap = await page.$$eval(
        '[data-testid="study-model-select"] option',
        (os) => os.find((o) => /GAP/.test(o.textContent ?? ''))?.value,
      );
      assert(gap, 'a GAP model is offered');
      await page.selectOption('[data-testid="study-model-select"]', gap);
      await page.evaluate(() => {
        window.__pendingSeen = false;
        new MutationObserver(() => {
          if (document.querySelector('[data-testid^="model-pending-"]')) window.__pendingSeen = true;
        }).observe(document.body, { childList: true, subtree: true });
      });
      await page.click('[data-testid="study-model-load"]');
      await page.waitForFunction(
        () => document.querySelector('[data-testid="profile"]')?.dataset.curves === '2',
        null,
        { timeout: 120_000 },
      );
      assert(await page.evaluate(() => window.__pendingSeen), 'the pending note was shown while loading');
      await page.waitForFunction(() => !document.querySelector('[data-testid^="model-pending-"]'));
      await screenshot(page, 'explorer-study-models-two');
      // on glycine's path only glycine's models are offered
      await page.selectOption('[data-testid="path-select"]', 'glycine');
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid="study-model-select"] option')].every((o) =>
          /glycine/.test(o.textContent ?? ''),
        ),
      );
      assert((await offered()).length >= 2, 'glycine models offered');
      assert(errors.filter((e) => e.startsWith('uncaught')).length === 0, `errors:\n${errors.join('\n')}`);
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 300_000 },
);
