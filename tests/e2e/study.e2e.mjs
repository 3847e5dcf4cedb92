// Browser tests of the Study view and the teaching mode (tour player, custom tours, projector mode).
import { readFileSync } from 'node:fs';
import { assert, openApp, screenshot, test } from './harness.mjs';

const TOUR = JSON.parse(readFileSync('public/tours/azobenzene.json', 'utf8'));
const GLYCINE_TOUR = JSON.parse(readFileSync('public/tours/glycine.json', 'utf8'));
/** The Study tab's ticked runs, as study run ids of the full study ("glycine-gap"; others as their test id). */
const tickedRuns = (page) =>
  page.$$eval('[data-testid="study-runs"] input:checked', (els) =>
    els.map((e) => (e.getAttribute('data-testid') ?? '').replace(/^study-run-study-/, '')).sort(),
  );
/** The id of the dataset selected on the Datasets tab. */
const selectedDataset = (page) =>
  page.getAttribute('[data-testid="dataset-item"][aria-pressed="true"]', 'data-dataset-id');
/** Waits until the Datasets tab has this dataset selected. */
const waitForDataset = (page, id) =>
  page.waitForFunction(
    (want) =>
      document
        .querySelector('[data-testid="dataset-item"][aria-pressed="true"]')
        ?.getAttribute('data-dataset-id') === want,
    id,
  );
/** Waits until the Study tab compares exactly these runs. */
async function expectRuns(page, runs, what) {
  const want = [...runs].sort().join(',');
  for (let t = 0; t < 120 && (await tickedRuns(page)).join(',') !== want; t++) await page.waitForTimeout(250);
  const got = (await tickedRuns(page)).join(',');
  assert(got === want, `${what}: the Study tab compares ${want} (ticked: ${got})`);
}
const uncaught = (errors) => errors.filter((e) => e.startsWith('uncaught'));

async function openStudy(browser, url) {
  const o = await openApp(browser, url, '#study');
  // the 3D viewer and plotly run on the page's main thread: on a loaded machine a tab switch can block it
  // for many seconds, so waits are generous (no timing is asserted)
  o.page.setDefaultTimeout(90_000);
  await o.page.waitForSelector('[data-testid="study-view"]', { state: 'visible', timeout: 30_000 });
  return o;
}

/**
 * The viewer rotation a tour step's camera asks for, as a quaternion [x, y, z, w]: 3Dmol's rotate(a, axis)
 * multiplies the rotation on the right, and the player turns about x, then y, then z from the default view.
 */
function stepQuaternion(camera) {
  const mul = ([ax, ay, az, aw], [bx, by, bz, bw]) => [
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
    aw * bw - ax * bx - ay * by - az * bz,
  ];
  let q = [0, 0, 0, 1];
  const r = camera === 'reset' ? [0, 0, 0] : (camera.rotate ?? [0, 0, 0]);
  r.forEach((deg, k) => {
    const h = (deg * Math.PI) / 360;
    const turn = [0, 0, 0, Math.cos(h)];
    turn[k] = Math.sin(h);
    q = mul(q, turn);
  });
  return q;
}
/** Degrees between two rotations given as unit quaternions (from their chord: exact near 0°). */
const turnAngle = (a, b) => {
  const chord = (sign) => Math.hypot(...a.map((v, k) => v - sign * b[k]));
  return (4 * Math.asin(Math.min(1, Math.min(chord(1), chord(-1)) / 2)) * 180) / Math.PI;
};
/** The rotation in the URL's &cam= (pos x, y, z, zoom, quaternion x, y, z, w joined by "_"), or null. */
const camInUrl = (search) => {
  const c = new URLSearchParams(search).get('cam');
  return c ? c.split('_').slice(4).map(Number) : null;
};

async function counter(page) {
  const t = (await page.textContent('[data-testid="tour-counter"]')) ?? '';
  const m = /Step (\d+) \/ (\d+)/.exec(t);
  assert(m, `step counter "${t}"`);
  return [Number(m[1]), Number(m[2])];
}

test(
  'study: the Study view draws learning curves and cluster bars from committed results',
  async ({ browser, url }) => {
    const { context, page, errors } = await openStudy(browser, url);
    try {
      const runs = await page.locator('[data-testid="study-runs"] li').count();
      assert(runs > 0, 'the committed runs are listed');
      await page.waitForSelector('[data-testid="study-curve-energy"][data-state="ready"]', {
        timeout: 90_000,
      });
      await page.waitForSelector('[data-testid="study-curve-force"][data-state="ready"]', {
        timeout: 90_000,
      });
      const traces = Number(await page.getAttribute('[data-testid="study-curve-energy"]', 'data-traces'));
      assert(traces >= 2, `learning curve has best and mean traces (${traces})`);
      const lines = await page.locator('[data-testid="study-curve-force"] .scatterlayer .trace').count();
      assert(lines === traces, `plotly drew ${lines} of ${traces} traces`);
      const ytitle = await page.textContent('[data-testid="study-curve-force"] .g-ytitle');
      assert(/kcal\/mol\/Å/.test(ytitle ?? ''), `force axis has units: ${ytitle}`);
      const xtitle = await page.textContent('[data-testid="study-curve-energy"] .g-xtitle');
      assert(/training set size/.test(xtitle ?? ''), `x axis title: ${xtitle}`);
      await page.waitForSelector('[data-testid="study-bars"][data-state="ready"]', { timeout: 90_000 });
      const bars = await page.locator('[data-testid="study-bars"] .bars .point').count();
      assert(bars >= 10, `per-cluster bars drawn (${bars} bars)`);
      await screenshot(page, 'study-view');
      // predicted vs reference of the best folds: one marker trace per picked run beside the y = x line,
      // units on both axes; switching to forces redraws with force units
      const parity = '[data-testid="study-parity"]';
      await page.waitForSelector(`${parity}[data-state="ready"]`, { timeout: 90_000 });
      const parityTraces = Number(await page.getAttribute(parity, 'data-traces'));
      assert(
        parityTraces === traces / 2 + 1,
        `parity: ${parityTraces} traces for ${traces / 2} runs + y = x`,
      );
      const points = await page.locator(`${parity} .scatterlayer .trace .point`).count();
      assert(points >= 100, `parity points drawn (${points})`);
      const parityX = (await page.textContent(`${parity} .g-xtitle`)) ?? '';
      assert(/reference .*\(kcal\/mol\)/.test(parityX), `parity x title: ${parityX}`);
      await page.selectOption('[data-testid="study-parity-quantity"]', 'force');
      await page.waitForFunction(
        (sel) => /kcal\/mol\/Å/.test(document.querySelector(`${sel} .g-ytitle`)?.textContent ?? ''),
        parity,
        { timeout: 90_000 },
      );
      await page.locator('[data-testid="study-parity-card"]').screenshot({
        path: 'test-results/study-parity-forces.png',
      });
      // add a run from another dataset: one more curve
      const before = traces;
      const box = page
        .locator('[data-testid^="study-run-study-quick-azobenzene-inversion-sgdml-inv"]')
        .first();
      await box.check();
      await page.waitForFunction(
        (n) =>
          Number(document.querySelector('[data-testid="study-curve-energy"]')?.getAttribute('data-traces')) >
          n,
        before,
        { timeout: 90_000 },
      );
      await screenshot(page, 'study-view-two-datasets');
      // a reload keeps the comparison: the same runs ticked, the same curves drawn
      const ticked = await page.getAttribute('[data-testid="study-curve-energy"]', 'data-traces');
      await page.reload();
      await page.waitForSelector('[data-testid="study-view"]', { state: 'visible', timeout: 90_000 });
      assert(await box.isChecked(), 'the run ticked before the reload is still ticked');
      assert(
        (await page.inputValue('[data-testid="study-parity-quantity"]')) === 'force',
        'the parity quantity survives the reload',
      );
      await page.waitForFunction(
        (n) =>
          document.querySelector('[data-testid="study-curve-energy"]')?.getAttribute('data-traces') === n,
        ticked,
        { timeout: 90_000 },
      );
      // saved models load into the explorer and draw their profile there: kernel models and a network
      // (a network model once failed in the browser's predict worker, which a Node-only loader broke)
      const netRun = page.locator('[data-testid="study-run-study-azobenzene-rotation-schnet"]');
      assert((await netRun.count()) === 1, 'the committed SchNet rotation run is listed');
      if (!(await netRun.isChecked())) await netRun.check();
      const gapRun = page.locator('[data-testid="study-run-study-azobenzene-rotation-gap"]');
      if (!(await gapRun.isChecked())) await gapRun.check();
      const loadIds = await page.$$eval('[data-testid^="study-load-"]', (els) =>
        els.map((e) => e.getAttribute('data-testid')),
      );
      // …and GAP, saved in its compact form (the sparse points' descriptors are recomputed on loading)
      const toLoad = ['sgdml', 'schnet', 'azobenzene-rotation-gap'].map((k) =>
        loadIds.find((i) => i.includes(k)),
      );
      assert(
        toLoad.every(Boolean),
        `Load buttons for an sGDML, a SchNet and a GAP run: ${loadIds.join(', ')}`,
      );
      for (const [k, id] of toLoad.entries()) {
        if (k > 0) {
          await page.evaluate(() => (window.location.hash = '#study'));
          await page.waitForSelector('[data-testid="study-view"]', { state: 'visible' });
        }
        await page.click(`[data-testid="${id}"]`);
        await page.waitForFunction(() => window.location.hash === '#explore', null, { timeout: 90_000 });
        await page.waitForFunction(
          (n) =>
            Number(document.querySelector('[data-testid="profile"]')?.dataset.curves) === n ||
            document.querySelector('[data-testid="model-list"] .model-error') !== null,
          k + 1,
          { timeout: 90_000 },
        );
        const modelErrors = await page.$$eval('[data-testid="model-list"] .model-error', (els) =>
          els.map((e) => e.textContent),
        );
        assert(modelErrors.length === 0, `${id}: the model loads and predicts: ${modelErrors.join('; ')}`);
      }
      const listed = (await page.textContent('[data-testid="model-list"]')) ?? '';
      assert(
        /sGDML/.test(listed) && /SchNet/.test(listed) && /GAP/.test(listed),
        `all three listed: ${listed}`,
      );
      await screenshot(page, 'study-model-in-explorer');
      assert(uncaught(errors).length === 0, `uncaught errors:\n${errors.join('\n')}`);
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 300_000 },
);

test(
  'study: the azobenzene tour steps through with the keyboard (screenshot per step)',
  async ({ browser, url }) => {
    const { context, page, errors } = await openStudy(browser, url);
    try {
      await page.click('[data-testid="tour-start-azobenzene"]');
      await page.waitForSelector('[data-testid="tour-player"]', { timeout: 90_000 });
      const [, total] = await counter(page);
      assert(total === TOUR.steps.length, `counter total ${total} = ${TOUR.steps.length} steps`);
      const views = []; // explorer steps with a camera: the rotation the viewer reported, its pixels
      for (let i = 0; i < total; i++) {
        const step = TOUR.steps[i];
        await page.waitForFunction(
          (n) => document.querySelector('[data-testid="tour-player"]')?.dataset.step === String(n),
          i,
        );
        const [k] = await counter(page);
        assert(k === i + 1, `counter shows step ${i + 1} (got ${k})`);
        assert(
          (await page.textContent('[data-testid="tour-step-title"]')) === step.title,
          `title of step ${i + 1}`,
        );
        const loc = await page.evaluate(() => ({ hash: location.hash, search: location.search }));
        assert(loc.hash === `#${step.tab}`, `step ${i + 1} opens #${step.tab} (at ${loc.hash})`);
        assert(await page.isVisible(`#panel-${step.tab}`), `panel ${step.tab} visible`);
        if (step.path) {
          const q = new URLSearchParams(loc.search);
          assert(q.get('path') === step.path, `step ${i + 1} query path=${step.path} (${loc.search})`);
          if (step.slider !== undefined) assert(Number(q.get('x')) === step.slider, `x=${step.slider}`);
        }
        if (step.runs) await expectRuns(page, step.runs, `step ${i + 1}`);
        if (step.dataset) await waitForDataset(page, step.dataset);
        if (step.camera) {
          // the step's camera reaches the viewer: the view it reports (written back to the URL as &cam=)
          // is the step's rotation
          assert(step.tab === 'explore', `step ${i + 1} has a camera but does not show the explorer`);
          await page.waitForSelector('[data-testid="viewer"][data-state="ready"]');
          const want = stepQuaternion(step.camera);
          let got = null;
          for (let t = 0; t < 600 && !(got && turnAngle(got, want) < 0.5); t++) {
            await page.waitForTimeout(100);
            got = camInUrl(await page.evaluate(() => location.search));
          }
          assert(
            got && turnAngle(got, want) < 0.5,
            `step ${i + 1}: camera ${JSON.stringify(step.camera)} wants the rotation [${want.map((v) => v.toFixed(3))}], the viewer shows ${got ? `[${got}] (${turnAngle(got, want).toFixed(1)}° off)` : 'none'}`,
          );
          await page.waitForTimeout(600); // the highlight's smooth scroll
          const png = await page.locator('[data-testid="viewer"]').screenshot();
          views.push({ i, camera: JSON.stringify(step.camera), q: got, png });
        }
        if (step.highlight) {
          for (let t = 0; t < 40 && !(await page.locator('.tour-highlight').count()); t++)
            await page.waitForTimeout(250);
          await page.waitForTimeout(400);
          const n = await page.locator('.tour-highlight').count();
          console.log(
            `      step ${i + 1} "${step.title}": highlight ${step.highlight} ${n ? 'shown' : 'not on the page'}`,
          );
        }
        await screenshot(page, `tour-step-${String(i + 1).padStart(2, '0')}`);
        if (i < total - 1) await page.keyboard.press('ArrowRight');
      }
      // steps with different cameras show different views: rotations apart and other pixels
      for (let k = 1; k < views.length; k++) {
        const [a, b] = [views[k - 1], views[k]];
        if (a.camera === b.camera) continue;
        const d = turnAngle(a.q, b.q);
        assert(
          d > 5,
          `steps ${a.i + 1} and ${b.i + 1} have different cameras but views only ${d.toFixed(1)}° apart`,
        );
        assert(!a.png.equals(b.png), `steps ${a.i + 1} and ${b.i + 1}: the viewer shows the same pixels`);
        console.log(`      steps ${a.i + 1} → ${b.i + 1}: the camera turns by ${d.toFixed(1)}°`);
      }
      assert(views.length >= 2, `at least two explorer steps with a camera (${views.length})`);
      // the browser's Back and Forward move between the steps, also back to an explorer step whose camera
      // was written into its history entry (the entries after it are kept)
      const lastCamera = TOUR.steps.findLastIndex((s) => s.camera);
      const moves = [
        ...Array.from({ length: total - 1 - lastCamera }, (_, k) => ['back', total - 2 - k]),
        ...Array.from({ length: total - 1 - lastCamera }, (_, k) => ['forward', lastCamera + 1 + k]),
      ];
      for (const [move, want] of moves) {
        await (move === 'back' ? page.goBack() : page.goForward());
        await page.waitForFunction(
          (n) => document.querySelector('[data-testid="tour-player"]')?.dataset.step === String(n),
          want,
        );
        await page.waitForTimeout(800);
      }
      // past the end: stays on the last step; ← goes back
      await page.keyboard.press('ArrowRight');
      assert((await counter(page))[0] === total, 'no step after the last');
      await page.keyboard.press('ArrowLeft');
      await page.waitForFunction(
        (n) => document.querySelector('[data-testid="tour-player"]')?.dataset.step === String(n),
        total - 2,
      );
      // projector mode from the player
      await page.click('[data-testid="tour-projector"]');
      assert(await page.evaluate(() => document.body.classList.contains('projector')), 'body.projector set');
      const fs = await page.evaluate(() => parseFloat(getComputedStyle(document.body).fontSize));
      assert(fs >= 20, `projector mode enlarges the text (${fs}px)`);
      await page.waitForTimeout(800); // the relayout and the scroll back to the highlight
      await screenshot(page, 'tour-projector');
      // a display choice: it stays on over a reload (the tour, started from a button, goes on too)
      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector('[data-testid="tour-player"]');
      assert(
        await page.evaluate(() => document.body.classList.contains('projector')),
        'projector mode kept over a reload',
      );
      await page.click('[data-testid="tour-projector"]');
      assert(!(await page.evaluate(() => document.body.classList.contains('projector'))), 'projector off');
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid="tour-player"]', { state: 'detached', timeout: 90_000 });
      assert((await page.locator('.tour-highlight').count()) === 0, 'highlight removed on exit');
      assert(uncaught(errors).length === 0, `uncaught errors:\n${errors.join('\n')}`);
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 600_000 },
);

test(
  'study: the glycine tour starts from ?tour=glycine, shows its path, dataset and runs, and gives the comparison back',
  async ({ browser, url }) => {
    const { context, page, errors } = await openApp(browser, url, '?tour=glycine#study');
    page.setDefaultTimeout(90_000);
    try {
      await page.waitForSelector('[data-testid="tour-player"]', { timeout: 90_000 });
      const steps = GLYCINE_TOUR.steps;
      assert((await counter(page))[1] === steps.length, `the glycine tour has ${steps.length} steps`);
      let before = null; // the comparison the user had, before a step picked runs
      let datasetBefore = null; // and the dataset they had selected
      for (const [i, step] of steps.entries()) {
        await page.waitForFunction(
          (n) => document.querySelector('[data-testid="tour-player"]')?.dataset.step === String(n),
          i,
        );
        assert(
          (await page.textContent('[data-testid="tour-step-title"]')) === step.title,
          `title of step ${i + 1}`,
        );
        if (step.path) {
          // the path the step asks for is the one on screen, also on the first step of a tour started
          // from the URL (the explorer once kept its default path there)
          await page.waitForFunction(
            (p) => document.querySelector('[data-testid="path-select"]')?.value === p,
            step.path,
          );
          await page.waitForSelector('[data-testid="viewer"][data-state="ready"]');
        }
        if (!step.runs && !before) before = await tickedRuns(page);
        if (!step.dataset && !datasetBefore) datasetBefore = await selectedDataset(page);
        if (step.dataset) {
          await waitForDataset(page, step.dataset);
          await page.waitForSelector('[data-testid="chart-distances"] .main-svg');
        }
        if (step.runs) await expectRuns(page, step.runs, `glycine step ${i + 1}`);
        if (step.models) {
          await page.waitForFunction(
            () => Number(document.querySelector('[data-testid="profile"]')?.dataset.curves) >= 1,
          );
          const legend = (await page.textContent('[data-testid="profile"]')) ?? '';
          assert(/glycine/.test(legend), `step ${i + 1}: the glycine model's curve is drawn (${legend})`);
          // the path search offers the paths of the molecule on screen only
          const offered = await page.$$eval('[data-testid="beyond-path"] option', (os) =>
            os.map((o) => o.value),
          );
          assert(
            offered.join() === 'glycine',
            `NEB reference paths for a glycine model: ${offered.join(', ')}`,
          );
        }
        await page.waitForTimeout(500);
        await screenshot(page, `tour-glycine-${String(i + 1).padStart(2, '0')}`);
        if (i < steps.length - 1) await page.keyboard.press('ArrowRight');
      }
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid="tour-player"]', { state: 'detached' });
      await expectRuns(page, before, 'after the tour');
      assert(
        datasetBefore && datasetBefore !== 'glycine',
        `a dataset other than glycine before (${datasetBefore})`,
      );
      await waitForDataset(page, datasetBefore);
      assert(uncaught(errors).length === 0, `uncaught errors:\n${errors.join('\n')}`);
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 300_000 },
);

test(
  'study: a reload mid-tour goes on at the same step and keeps the comparison and dataset the user had',
  async ({ browser, url }) => {
    const { context, page, errors } = await openStudy(browser, url);
    try {
      const steps = GLYCINE_TOUR.steps;
      const runsAt = steps.findIndex((s) => s.runs);
      assert(
        steps.slice(0, runsAt).some((s) => s.dataset),
        'a dataset step comes before the runs step',
      );
      await page.waitForSelector('[data-testid="study-curve-energy"][data-state="ready"]');
      const before = await tickedRuns(page);
      await page.click('#tab-datasets');
      const datasetBefore = await selectedDataset(page);
      assert(datasetBefore && datasetBefore !== 'glycine', `a dataset other than glycine (${datasetBefore})`);
      await page.click('#tab-study');
      await page.click('[data-testid="tour-start-glycine"]');
      await page.waitForSelector('[data-testid="tour-player"]');
      for (let i = 0; i < runsAt; i++) {
        await page.waitForFunction(
          (n) => document.querySelector('[data-testid="tour-player"]')?.dataset.step === String(n),
          i,
        );
        await page.keyboard.press('ArrowRight');
      }
      await expectRuns(page, steps[runsAt].runs, 'the tour step');
      await waitForDataset(page, 'glycine');
      const search = await page.evaluate(() => location.search);
      const q = new URLSearchParams(search);
      assert(
        q.get('tour') === 'glycine' && q.get('step') === String(runsAt + 1),
        `step in the URL: ${search}`,
      );

      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector('[data-testid="tour-player"]');
      assert((await counter(page))[0] === runsAt + 1, `the tour goes on at step ${runsAt + 1}`);
      assert(
        (await page.textContent('[data-testid="tour-step-title"]')) === steps[runsAt].title,
        'the same step title after the reload',
      );
      await expectRuns(page, steps[runsAt].runs, 'the tour step after the reload');
      await screenshot(page, 'tour-after-reload');
      // the browser's Back goes to the step before, Forward comes back
      await page.goBack();
      await page.waitForFunction(
        (n) => document.querySelector('[data-testid="tour-player"]')?.dataset.step === String(n),
        runsAt - 1,
      );
      await page.waitForTimeout(1000); // the step's camera is applied and written into the URL
      await page.goForward();
      await page.waitForFunction(
        (n) => document.querySelector('[data-testid="tour-player"]')?.dataset.step === String(n),
        runsAt,
      );
      await expectRuns(page, steps[runsAt].runs, 'the tour step again');

      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid="tour-player"]', { state: 'detached' });
      await expectRuns(
        page,
        before,
        'after the tour (the reload did not save the tour step as the user choice)',
      );
      await waitForDataset(page, datasetBefore);
      assert(!/tour=|step=/.test(await page.evaluate(() => location.search)), 'the URL forgets the tour');

      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector('[data-testid="study-curve-energy"][data-state="ready"]');
      assert((await page.locator('[data-testid="tour-player"]').count()) === 0, 'an ended tour stays ended');
      await expectRuns(page, before, 'after a reload once the tour ended');
      await waitForDataset(page, datasetBefore);
      assert(uncaught(errors).length === 0, `uncaught errors:\n${errors.join('\n')}`);
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 300_000 },
);

test(
  'study: a custom tour JSON loads from a file; a malformed one shows a precise error',
  async ({ browser, url }) => {
    const { context, page, errors } = await openStudy(browser, url);
    try {
      const custom = {
        format: 'pes-tour',
        version: 1,
        title: 'My lecture',
        steps: [
          { title: 'Hello class', text: 'First we look at the data.', tab: 'datasets' },
          {
            title: 'Now the curves',
            text: 'Then the learning curves.',
            tab: 'study',
            highlight: '[data-testid="study-curves"]',
          },
        ],
      };
      await page.setInputFiles('[data-testid="tour-file"]', {
        name: 'my-lecture.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(custom)),
      });
      await page.waitForSelector('[data-testid="tour-player"]', { timeout: 90_000 });
      assert((await page.textContent('[data-testid="tour-step-title"]')) === 'Hello class', 'custom step 1');
      assert((await counter(page)).join('/') === '1/2', 'custom tour has 2 steps');
      assert((await page.evaluate(() => location.hash)) === '#datasets', 'custom step 1 opens #datasets');
      await screenshot(page, 'tour-custom-1');
      await page.keyboard.press('ArrowRight');
      await page.waitForFunction(() => location.hash === '#study');
      assert(
        (await page.textContent('[data-testid="tour-step-title"]')) === 'Now the curves',
        'custom step 2',
      );
      // a tour from a file goes on after a reload too (kept for this tab)
      await page.reload({ waitUntil: 'load' });
      await page.waitForSelector('[data-testid="tour-player"]');
      assert((await counter(page)).join('/') === '2/2', 'the file tour is still at step 2 after a reload');
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid="tour-player"]', { state: 'detached' });

      const bad = { ...custom, steps: [custom.steps[0], { ...custom.steps[1], tab: 'plots' }] };
      await page.setInputFiles('[data-testid="tour-file"]', {
        name: 'broken.json',
        mimeType: 'application/json',
        buffer: Buffer.from(JSON.stringify(bad)),
      });
      await page.waitForSelector('[data-testid="tour-error"]', { timeout: 90_000 });
      const msg = await page.textContent('[data-testid="tour-error"]');
      assert(
        /broken\.json: steps\[1\]\.tab: must be one of explore, datasets, train, evaluate, study, got string "plots"/.test(
          msg,
        ),
        `precise error: ${msg}`,
      );
      assert(
        (await page.locator('[data-testid="tour-player"]').count()) === 0,
        'no tour starts from a malformed file',
      );
      await screenshot(page, 'tour-malformed');
      await page.setInputFiles('[data-testid="tour-file"]', {
        name: 'notjson.json',
        mimeType: 'application/json',
        buffer: Buffer.from('{"format": "pes-tour", '),
      });
      await page.waitForFunction(() =>
        /notjson\.json: not valid JSON/.test(
          document.querySelector('[data-testid="tour-error"]')?.textContent ?? '',
        ),
      );
      assert(uncaught(errors).length === 0, `uncaught errors:\n${errors.join('\n')}`);
    } finally {
      await context.close();
    }
  },
  { timeoutMs: 300_000 },
);
