/**
 * `npm run bench -- slider [--events N] [--m M] [--dist DIR] [--backend wasm] [--models 0,1,3]
 *  [--input mouse|synthetic] [--drag light|full] [--query k=v&…]`: in headless Debian Chromium on the production build
 * (dist/, build first with `npx vite build`), the explorer's latency from a slider `input` event to
 *   - the updated 3D frame (the viewer's `data-geometry-version` reaches the new geometry after 3Dmol
 *     rendered it; the page runs with `?glsync=1`, so the render includes gl.finish(): the GPU has
 *     drawn the frame, not only received the commands),
 *   - the updated model read-out (the predict worker's answer for that slider position is in the store),
 * with 1 and 3 (default; 0 = the drawing alone) sGDML models loaded (trained here with `pes train`,
 * M frames each, σ = 30, different seeds). Events are sent one after the other (each waits for both answers), sweeping the rotation
 * path back and forth; p50/p95/max over N events per configuration.
 *
 * --input mouse (default): a real mouse drag on the slider thumb (CDP input, so Chromium delivers the
 *   moves aligned with its animation frames as it does for a user); the clock starts at the input
 *   event's timeStamp (when the browser received the move).
 * --input synthetic: `input` events dispatched from a requestAnimationFrame callback (the earlier
 *   bench; the worst case for a renderer that draws once per animation frame).
 * --drag full: the page gets `?drag=full` (full-resolution frames, labels re-created each frame: the
 *   drawing before the light drag path), for before/after numbers from the same build.
 *
 * Also reports where a frame goes (the page's `pes:*` performance measures: wait for the animation
 * frame, atoms, shapes and labels, resize, render = mesh + GL, of which GL; the predict round trip), and a fast
 * drag (moves without waiting) showing how many predictions ran and how many were dropped as stale.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Opts {
  events: number;
  m: number;
  dist: string;
  backend: string;
  models: number[];
  input: 'mouse' | 'synthetic';
  drag: 'light' | 'full';
  /** extra page URL parameters, e.g. `dragres=0.35` */
  query: string;
}

function parse(args: string[]): Opts {
  const o: Opts = {
    events: 200,
    m: 50,
    dist: 'dist',
    backend: 'wasm',
    models: [1, 3],
    input: 'mouse',
    drag: 'light',
    query: '',
  };
  for (let i = 0; i < args.length; i++) {
    const v = args[i + 1];
    switch (args[i]) {
      case '--events':
        o.events = Number(v);
        i++;
        break;
      case '--m':
        o.m = Number(v);
        i++;
        break;
      case '--dist':
        o.dist = v;
        i++;
        break;
      case '--backend':
        o.backend = v;
        i++;
        break;
      case '--models':
        o.models = v.split(',').map(Number);
        i++;
        break;
      case '--input':
        if (v !== 'mouse' && v !== 'synthetic') throw new Error('bench slider: --input mouse|synthetic');
        o.input = v;
        i++;
        break;
      case '--query':
        o.query = v.replace(/^[?&]/, '');
        i++;
        break;
      case '--drag':
        if (v !== 'light' && v !== 'full') throw new Error('bench slider: --drag light|full');
        o.drag = v;
        i++;
        break;
      default:
        throw new Error(`bench slider: unknown option ${args[i]}`);
    }
  }
  if (!(o.events >= 1) || !(o.m >= 2))
    throw new Error('bench slider: --events and --m must be positive numbers');
  return o;
}

const pct = (a: number[], q: number) => {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};

interface Sample {
  handler: number;
  frame: number;
  readout: number;
  /** Summed durations of the page's pes:* measures during this event, by name (ms). */
  parts: Record<string, number>;
}

interface PageLike {
  goto(url: string): Promise<unknown>;
  waitForSelector(sel: string, o?: { timeout?: number }): Promise<unknown>;
  waitForFunction(fn: string, arg?: unknown, o?: { timeout?: number }): Promise<unknown>;
  evaluate<R, A>(fn: (a: A) => R | Promise<R>, a: A): Promise<R>;
  close(): Promise<void>;
  on(
    ev: 'console' | 'pageerror',
    cb: (m: { type?(): string; text?(): string; message?: string }) => void,
  ): void;
  mouse: {
    move(x: number, y: number, o?: { steps?: number }): Promise<void>;
    down(): Promise<void>;
    up(): Promise<void>;
  };
  locator(sel: string): {
    boundingBox(): Promise<{ x: number; y: number; width: number; height: number } | null>;
  };
}
interface BrowserLike {
  newPage(o: unknown): Promise<PageLike>;
  version(): string;
  close(): Promise<void>;
}

/**
 * In-page probe (plain JS source): for every `input` event on the slider, the event's timeStamp, the
 * end of its synchronous handling, the first 3D frame showing a newer geometry, the first read-out at
 * the new position, and the pes:* measures in between. window.__probe.records collects them.
 */
const PROBE = (nm: number) => `(() => {
  const ex = window.__pesExplorer.useExplorer;
  const slider = document.querySelector('[data-testid="path-slider"]');
  const viewer = document.querySelector('[data-testid="viewer"]');
  const probe = { records: [], inputs: 0, open: null };
  const finish = (r) => {
    if (!r.tFrame || !r.tRead || r.closed) return;
    r.closed = true;
    const parts = {};
    for (const m of performance.getEntriesByType('measure')) {
      if (!m.name.startsWith('pes:') || m.startTime < r.t0 - 1) continue;
      parts[m.name.slice(4)] = (parts[m.name.slice(4)] ?? 0) + m.duration;
    }
    performance.clearMeasures();
    probe.records.push({ handler: r.tHandled - r.t0, frame: r.tFrame - r.t0, readout: r.tRead - r.t0, parts });
    if (probe.open === r) probe.open = null;
  };
  slider.addEventListener('input', (e) => {
    probe.inputs++;
    const r = { t0: e.timeStamp, v0: Number(viewer.dataset.geometryVersion), tHandled: 0, tFrame: 0, tRead: 0 };
    if (probe.open && !probe.open.closed) probe.open.closed = true; // superseded (fast drag)
    probe.open = r;
  });
  // After React's root listener: the synchronous part of the handling is over.
  document.addEventListener('input', () => {
    if (probe.open && !probe.open.tHandled) probe.open.tHandled = performance.now();
    // No model loaded (--models 0, the drawing alone): there is no read-out to wait for.
    if (${nm} === 0 && probe.open && !probe.open.tRead) probe.open.tRead = probe.open.tHandled;
  });
  new MutationObserver(() => {
    const r = probe.open;
    if (r && !r.tFrame && Number(viewer.dataset.geometryVersion) > r.v0) {
      r.tFrame = performance.now();
      finish(r);
    }
  }).observe(viewer, { attributes: true, attributeFilter: ['data-geometry-version', 'data-frame'] });
  ex.subscribe(() => {
    const r = probe.open;
    if (!r || r.tRead || !r.tHandled) return;
    const st = ex.getState();
    const c = Object.values(st.current);
    if (c.length === ${nm} && c.every((p) => Math.abs(p.s - st.s) < 1e-12)) {
      r.tRead = performance.now();
      finish(r);
    }
  });
  window.__probe = probe;
  performance.clearMeasures();
})()`;

/** Synthetic input (plain JS source): one `input` event from a rAF callback, sweeping in 1.7° steps. */
const SYNTHETIC_STEP = (i: number) => `(() => {
  const slider = document.querySelector('[data-testid="path-slider"]');
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const lo = Number(slider.min), hi = Number(slider.max), span = hi - lo;
  const u = ((${i} + 1) * 1.7) % (2 * span);
  const x = lo + (u <= span ? u : 2 * span - u);
  requestAnimationFrame(() => {
    setValue.call(slider, String(x));
    slider.dispatchEvent(new Event('input', { bubbles: true }));
  });
})()`;

/** Waits (in the page) until `n` records are complete, or no input arrived after `want` inputs. */
const WAIT_RECORDS = (n: number, inputs: number) => `new Promise((resolve, reject) => {
  const t0 = performance.now();
  const tick = () => {
    const p = window.__probe;
    if (p.records.length >= ${n}) return resolve('ok');
    if (p.inputs < ${inputs} && performance.now() - t0 > 1000) return resolve('no-input');
    if (performance.now() - t0 > 30000) return reject(new Error('no 3D frame or read-out within 30 s: ' + JSON.stringify(p.open)));
    setTimeout(tick, 2);
  };
  tick();
})`;

const PARTS = [
  'viewer:wait',
  'viewer:atoms',
  'viewer:shapes',
  'viewer:labels',
  'viewer:resize',
  'viewer:render',
  'viewer:gl',
  'predict:roundtrip',
];

async function measureConfig(
  page: PageLike,
  o: Opts,
  count: number,
): Promise<{ samples: Sample[]; fast: { inputs: number; runs: number; stale: number } }> {
  const ev = <R>(src: string) => page.evaluate((code: string) => (0, eval)(code) as R, src);
  await ev(PROBE(count));
  const samples: Sample[] = [];
  const box = (await page.locator('[data-testid="path-slider"]').boundingBox())!;
  const y = box.y + box.height / 2;
  const left = box.x + 8;
  const right = box.x + box.width - 8;
  const pxAt = (i: number) => {
    const span = right - left;
    const u = ((i + 1) * 3) % (2 * span); // 3 px per event ≈ 1.7° on a 300 px slider
    return left + (u <= span ? u : 2 * span - u);
  };
  if (o.input === 'mouse') {
    await page.mouse.move(left, y);
    await page.mouse.down();
  }
  let i = 0;
  let tries = 0;
  while (samples.length < o.events && tries < o.events * 2) {
    tries++;
    const before = await ev<{ r: number; n: number }>(
      '({ r: window.__probe.records.length, n: window.__probe.inputs })',
    );
    if (o.input === 'mouse') await page.mouse.move(pxAt(i), y);
    else await ev(SYNTHETIC_STEP(i));
    i++;
    const status = await ev<string>(WAIT_RECORDS(before.r + 1, before.n + 1));
    if (status !== 'ok') continue;
    const recs = await ev<Sample[]>('window.__probe.records');
    samples.push(recs[recs.length - 1]);
    // let any restore-to-full-resolution timer and stray work settle now and then, as between drags
    if (samples.length % 50 === 0) await ev('new Promise((r) => setTimeout(r, 300))');
  }
  // Fast drag: 80 moves back to back without waiting; count the predictions run and dropped.
  const s0 = await ev<{ calls: number; runs: number; stale: number }>(
    '({ ...window.__pesExplorer.predictCurrent.stats })',
  );
  const n0 = await ev<number>('window.__probe.inputs');
  const moves = Array.from({ length: 80 }, (_, k) => k);
  if (o.input === 'mouse') await Promise.all(moves.map((k) => page.mouse.move(pxAt(i + k), y)));
  else await Promise.all(moves.map((k) => ev(SYNTHETIC_STEP(i + k))));
  await ev('new Promise((r) => setTimeout(r, 2000))');
  const s1 = await ev<{ calls: number; runs: number; stale: number }>(
    '({ ...window.__pesExplorer.predictCurrent.stats })',
  );
  const n1 = await ev<number>('window.__probe.inputs');
  if (o.input === 'mouse') await page.mouse.up();
  return {
    samples,
    fast: { inputs: n1 - n0, runs: s1.runs - s0.runs, stale: s1.stale - s0.stale },
  };
}

export async function run(args: string[]): Promise<number> {
  const o = parse(args);
  if (!existsSync(join(o.dist, 'index.html'))) {
    console.error(`bench slider: ${o.dist}/index.html not found; build first: npx vite build`);
    return 1;
  }
  // Models: sGDML on the rotation dataset, M frames each, fixed σ, seeds 1..3.
  const dir = join('test-results', 'bench-slider');
  mkdirSync(dir, { recursive: true });
  const nModels = Math.max(...o.models);
  const serialized: unknown[] = [];
  for (let k = 1; k <= nModels; k++) {
    const out = join(dir, `sgdml-m${o.m}-seed${k}.json`);
    if (!existsSync(out)) {
      const r = spawnSync(
        process.execPath,
        [
          'bin/pes.mjs',
          'train',
          'public/data/azobenzene-rotation.npz',
          '--model',
          'sgdml',
          '--n-train',
          String(o.m),
          '--sigma',
          '30',
          '--seed',
          String(k),
          '--out',
          out,
        ],
        { stdio: 'inherit' },
      );
      if (r.status !== 0) throw new Error(`pes train failed for model ${k}`);
    }
    serialized.push(JSON.parse(readFileSync(out, 'utf8')));
  }

  const browserMod = './../tests/e2e/browser.mjs';
  const serverMod = './../tests/e2e/server.mjs';
  const { launchChromium } = (await import(browserMod)) as { launchChromium(): Promise<BrowserLike> };
  const { serveStatic } = (await import(serverMod)) as {
    serveStatic(root: string): Promise<{ url: string; close(): Promise<void> }>;
  };
  const server = await serveStatic(o.dist);
  const browser = await launchChromium();
  const rows: { models: number; s: Sample[]; fast: { inputs: number; runs: number; stale: number } }[] = [];
  try {
    for (const count of o.models) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type?.() === 'error') console.error(`page console: ${m.text?.()}`);
      });
      await page.goto(
        `${server.url}?backend=${o.backend}&glsync=1&path=azobenzene-rotation${o.drag === 'full' ? '&drag=full' : ''}${o.query ? `&${o.query}` : ''}`,
      );
      await page.waitForSelector('[data-testid="viewer"][data-state="ready"]', { timeout: 180_000 });
      await page.waitForSelector('[data-testid="profile"][data-state="ready"]', { timeout: 180_000 });
      await page.evaluate(
        ({ models, m }) => {
          const w = window as unknown as {
            __pesExplorer: { useModels: { getState(): { addModel(x: unknown): string } } };
          };
          models.forEach((s, k) =>
            w.__pesExplorer.useModels.getState().addModel({
              label: `sGDML M=${m} seed ${k + 1}`,
              kind: 'sgdml',
              serialized: s,
              z: (s as { payload: { z: number[] } }).payload.z,
            }),
          );
        },
        { models: serialized.slice(0, count), m: o.m },
      );
      await page.waitForFunction(
        `document.querySelector('[data-testid="profile"]')?.dataset.curves === '${count}'`,
        undefined,
        { timeout: 180_000 },
      );
      process.stdout.write(`${count} model(s): ${o.events} events (${o.input}, ${o.drag})… `);
      const { samples, fast } = await measureConfig(page, o, count);
      console.log('done');
      rows.push({ models: count, s: samples, fast });
      await page.close();
    }
  } finally {
    await browser.close().catch(() => undefined);
    await server.close();
  }

  console.log(
    `\nslider latency, ${browser.version()} headless, backend ${o.backend}, input ${o.input}, drag ${o.drag}, sGDML M=${o.m} models, ${o.events} events each (ms)`,
  );
  console.log(
    '| models | events | input handler p50 / p95 | → 3D frame p50 / p95 / max | → model read-out p50 / p95 / max |',
  );
  console.log('|---|---|---|---|---|');
  const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');
  const json: Record<string, unknown>[] = [];
  for (const r of rows) {
    const h = r.s.map((q) => q.handler);
    const f = r.s.map((q) => q.frame);
    const m = r.s.map((q) => q.readout);
    console.log(
      `| ${r.models} | ${r.s.length} | ${f1(pct(h, 0.5))} / ${f1(pct(h, 0.95))} | ${f1(pct(f, 0.5))} / ${f1(pct(f, 0.95))} / ${f1(Math.max(...f))} | ${f1(pct(m, 0.5))} / ${f1(pct(m, 0.95))} / ${f1(Math.max(...m))} |`,
    );
    json.push({
      models: r.models,
      events: r.s.length,
      handlerP50: pct(h, 0.5),
      handlerP95: pct(h, 0.95),
      frameP50: pct(f, 0.5),
      frameP95: pct(f, 0.95),
      readoutP50: pct(m, 0.5),
      readoutP95: pct(m, 0.95),
      fastDrag: r.fast,
    });
  }
  console.log('\nwhere the time goes, per event (ms, p50 / p95 of the summed pes:* measures):');
  console.log(`| models | ${PARTS.join(' | ')} |`);
  console.log(`|---|${PARTS.map(() => '---|').join('')}`);
  for (const r of rows) {
    const cells = PARTS.map((k) => {
      const v = r.s.map((q) => q.parts[k] ?? 0);
      return `${f1(pct(v, 0.5))} / ${f1(pct(v, 0.95))}`;
    });
    console.log(`| ${r.models} | ${cells.join(' | ')} |`);
  }
  console.log('\nfast drag (80 moves without waiting):');
  for (const r of rows)
    console.log(
      `  ${r.models} model(s): ${r.fast.inputs} input events, ${r.fast.runs} predictions run, ${r.fast.stale} dropped as stale`,
    );
  console.log(
    JSON.stringify({
      bench: 'slider',
      backend: o.backend,
      input: o.input,
      drag: o.drag,
      m: o.m,
      results: json,
    }),
  );
  return 0;
}
