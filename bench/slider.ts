/**
 * `npm run bench -- slider [--events N] [--m M] [--dist DIR] [--backend wasm]`: in headless Debian
 * Chromium on the production build (dist/, build first with `npx vite build`), the explorer's latency
 * from a slider `input` event to
 *   - the updated 3D frame (the viewer's `data-frame` changes after 3Dmol rendered the new geometry),
 *   - the updated model read-out (the predict worker's answer for that slider position is in the store),
 * with 1 and 3 sGDML models loaded (trained here with `pes train`, M frames each, σ = 30, different
 * seeds). Events are sent one after the other (each waits for both answers), sweeping the rotation
 * path back and forth; p50/p95/max over N events per configuration. Also reports how long the input
 * handler itself took (interpolation + store update, synchronous).
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
}

function parse(args: string[]): Opts {
  const o: Opts = { events: 200, m: 50, dist: 'dist', backend: 'wasm', models: [1, 3] };
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
}
interface BrowserLike {
  newPage(o: unknown): Promise<PageLike>;
  version(): string;
  close(): Promise<void>;
}

/** In-page measurement loop (plain JS source). */
const MEASURE = (events: number, nm: number) => `(async () => {
  const ex = window.__pesExplorer.useExplorer;
  const slider = document.querySelector('[data-testid="path-slider"]');
  const viewer = document.querySelector('[data-testid="viewer"]');
  const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  const lo = Number(slider.min), hi = Number(slider.max), span = hi - lo;
  const out = [];
  for (let i = 0; i < ${events}; i++) {
    // sweep back and forth in 1.7° steps
    const u = ((i + 1) * 1.7) % (2 * span);
    const x = lo + (u <= span ? u : 2 * span - u);
    const frame0 = Number(viewer.dataset.frame);
    let tFrame = 0, tRead = 0, resolveDone;
    const done = new Promise((r) => (resolveDone = r));
    const mo = new MutationObserver(() => {
      if (!tFrame && Number(viewer.dataset.frame) > frame0) {
        tFrame = performance.now();
        mo.disconnect();
        if (tRead) resolveDone();
      }
    });
    mo.observe(viewer, { attributes: true, attributeFilter: ['data-frame'] });
    const unsub = ex.subscribe(() => {
      const st = ex.getState();
      const c = Object.values(st.current);
      if (!tRead && c.length === ${nm} && c.every((p) => Math.abs(p.s - st.s) < 1e-12)) {
        tRead = performance.now();
        unsub();
        if (tFrame) resolveDone();
      }
    });
    const t0 = performance.now();
    setValue.call(slider, String(x));
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    const t1 = performance.now();
    const timedOut = await Promise.race([done.then(() => false), new Promise((r) => setTimeout(() => r(true), 30000))]);
    if (timedOut) throw new Error('event ' + i + ': no ' + (tFrame ? '' : '3D frame ') + (tRead ? '' : 'read-out ') + 'within 30 s (s=' + ex.getState().s + ', current=' + JSON.stringify(Object.values(ex.getState().current).map((c) => c.s)) + ')');
    out.push({ handler: t1 - t0, frame: tFrame - t0, readout: tRead - t0 });
    await new Promise((r) => requestAnimationFrame(() => r(null)));
  }
  return out;
})()`;

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
  const rows: { models: number; s: Sample[] }[] = [];
  try {
    for (const count of o.models) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
      page.on('console', (m) => {
        if (m.type?.() === 'error') console.error(`page console: ${m.text?.()}`);
      });
      await page.goto(`${server.url}?backend=${o.backend}&path=azobenzene-rotation`);
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
      process.stdout.write(`${count} model(s): ${o.events} events… `);
      // Passed as source text: tsx would wrap named closures in a `__name` helper the page lacks.
      const samples = (await page.evaluate(
        (src: string) => (0, eval)(src),
        MEASURE(o.events, count),
      )) as Sample[];
      console.log('done');
      rows.push({ models: count, s: samples });
      await page.close();
    }
  } finally {
    await browser.close().catch(() => undefined);
    await server.close();
  }

  console.log(
    `\nslider latency, ${browser.version()} headless, backend ${o.backend}, sGDML M=${o.m} models, ${o.events} events each (ms)`,
  );
  console.log(
    '| models | input handler p50 / p95 | → 3D frame p50 / p95 / max | → model read-out p50 / p95 / max |',
  );
  console.log('|---|---|---|---|');
  const json: Record<string, unknown>[] = [];
  for (const r of rows) {
    const h = r.s.map((q) => q.handler);
    const f = r.s.map((q) => q.frame);
    const m = r.s.map((q) => q.readout);
    const f1 = (v: number) => v.toFixed(1);
    console.log(
      `| ${r.models} | ${f1(pct(h, 0.5))} / ${f1(pct(h, 0.95))} | ${f1(pct(f, 0.5))} / ${f1(pct(f, 0.95))} / ${f1(Math.max(...f))} | ${f1(pct(m, 0.5))} / ${f1(pct(m, 0.95))} / ${f1(Math.max(...m))} |`,
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
    });
  }
  console.log(JSON.stringify({ bench: 'slider', backend: o.backend, m: o.m, results: json }));
  return 0;
}
