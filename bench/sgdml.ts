/**
 * `pes bench sgdml` — sGDML training cost and accuracy on the shared azobenzene dataset
 * (../shared/fixtures/sgdml-reference/azobenzene-xtb-md.npz), against the reference `sgdml` 1.0.3 measured on
 * this kind of machine (fixture README). Each configuration runs in its own child process so its peak RSS
 * is its own: wall time, CPU time (user+sys; the machine may be shared), peak RSS, solver, σ, test
 * energy/force RMSE on 1000 stratified test frames outside training and validation.
 *
 * Options: --sizes 100,200,400 (fixed σ, the reference's chosen σ) --grid-sizes 100 (σ grid 10…90 with early
 * stop) --with-1000 (adds M = 1000, σ = 20) --solver auto|cholesky|cg --dataset FILE --seed S --n-test N --json
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { parseArgs } from '../scripts/cli/args.ts';
import { readSgdmlNpz } from '../src/data/io/sgdml-dataset.ts';
import { createRng, drawStratSample } from '../src/data/sample.ts';
import { SgdmlTrainer, type SgdmlParams } from '../src/models/sgdml/train.ts';
import { createParallelCholesky } from '../scripts/cli/commands/parallel-cholesky.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DEFAULT_DATASET = fileURLToPath(
  new URL('../../shared/fixtures/sgdml-reference/azobenzene-xtb-md.npz', import.meta.url),
);

/** σ the reference chose per M (fixture README). */
const REF_SIGMA: Record<number, number> = { 100: 30, 200: 20, 400: 20, 1000: 20 };
/** Reference wall s / peak GiB / test force RMSE (fixed σ) and grid wall s. */
const REF: Record<
  number,
  { wall: number; gib: number; fRmse: number; eRmse: number; gridWall?: number; solver: string }
> = {
  100: { wall: 9.3, gib: 1.05, eRmse: 0.221, fRmse: 1.227, gridWall: 39, solver: 'analytic' },
  200: { wall: 46.5, gib: 3.39, eRmse: 0.154, fRmse: 0.979, gridWall: 288, solver: 'analytic' },
  400: { wall: 206, gib: 12.7, eRmse: 0.114, fRmse: 0.756, gridWall: 1401, solver: 'analytic' },
  1000: { wall: 611, gib: 5.0, eRmse: 0.087, fRmse: 0.57, solver: 'iterative' },
};

interface Config {
  M: number;
  grid: boolean;
  solver: string;
  dataset: string;
  seed: number;
  nTest: number;
  threads?: number;
}

interface Result extends Config {
  sigma: number;
  solverUsed: string;
  nPerms: number;
  wallS: number;
  cpuS: number;
  peakRssGiB: number;
  testERmse: number;
  testFRmse: number;
  testEMae: number;
  testFMae: number;
  cgIterations?: number;
  sigmaTrials?: unknown;
}

async function child(cfg: Config): Promise<Result> {
  const { dataset: ds } = readSgdmlNpz(readFileSync(cfg.dataset));
  const E = ds.E as Float64Array,
    F = ds.F as Float64Array;
  const rng = createRng(cfg.seed);
  const train = drawStratSample(E, cfg.M, rng);
  // validation frames only for the σ grid (and never so many that the test set cannot be drawn)
  const nValid = cfg.grid ? Math.min(2 * cfg.M, 1000, E.length - cfg.M - cfg.nTest) : 0;
  const valid = drawStratSample(E, nValid, rng, train);
  const test = drawStratSample(E, cfg.nTest, rng, [...train, ...valid]);
  const params: SgdmlParams = {
    solver: cfg.solver as SgdmlParams['solver'],
    memoryBudgetBytes: 12 * 1024 ** 3,
    tiled: createParallelCholesky(cfg.threads ?? availableParallelism()),
  };
  if (cfg.grid) params.sigmaGrid = [10, 20, 30, 40, 50, 60, 70, 80, 90];
  else params.sigma = REF_SIGMA[cfg.M] ?? 20;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const model = await new SgdmlTrainer().trainModel(ds, train, params, {
    validIdx: cfg.grid ? valid : undefined,
    onProgress: (p) => {
      const it = p.metrics?.cgIteration;
      if (p.stage === 'sigma' || p.stage === 'done' || (it !== undefined && it % 100 === 0))
        process.stderr.write(`  [M=${cfg.M}] ${p.message}\n`);
    },
  });
  const wallS = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  const n3 = 3 * ds.nAtoms;
  const R = new Float64Array(test.length * n3);
  test.forEach((m, i) => R.set(ds.R.subarray(m * n3, (m + 1) * n3), i * n3));
  const p = model.predict(R, test.length);
  let eS = 0,
    eA = 0,
    fS = 0,
    fA = 0;
  test.forEach((m, i) => {
    const d = p.E[i] - E[m];
    eS += d * d;
    eA += Math.abs(d);
    for (let q = 0; q < n3; q++) {
      const f = p.F[i * n3 + q] - F[m * n3 + q];
      fS += f * f;
      fA += Math.abs(f);
    }
  });
  const info = model.data.info ?? {};
  const cgKey = Object.keys(info).find((k) => k.startsWith(`cgIterations_sigma${model.data.sigma}`));
  return {
    ...cfg,
    sigma: model.data.sigma,
    solverUsed: String(info.solver),
    nPerms: model.nPerms,
    wallS,
    cpuS: (cu.user + cu.system) / 1e6,
    peakRssGiB: (process.resourceUsage().maxRSS * 1024) / 1024 ** 3,
    testERmse: Math.sqrt(eS / test.length),
    testEMae: eA / test.length,
    testFRmse: Math.sqrt(fS / (test.length * n3)),
    testFMae: fA / (test.length * n3),
    cgIterations: cgKey ? Number(info[cgKey]) : undefined,
    sigmaTrials: info.sigmaTrials,
  };
}

function table(rows: Result[]): string {
  const head = [
    'M',
    'σ mode',
    'σ',
    'solver',
    'perms',
    'wall s',
    'CPU s',
    'peak GiB',
    'test E RMSE',
    'test F RMSE',
    'ref wall s',
    'ref GiB',
    'ref F RMSE',
  ];
  const lines = rows.map((r) => {
    const ref = REF[r.M];
    return [
      r.M,
      r.grid ? 'grid' : 'fixed',
      r.sigma,
      r.solverUsed + (r.cgIterations ? ` (${r.cgIterations} it)` : ''),
      r.nPerms,
      r.wallS.toFixed(1),
      r.cpuS.toFixed(1),
      r.peakRssGiB.toFixed(2),
      r.testERmse.toFixed(3),
      r.testFRmse.toFixed(3),
      ref ? String(r.grid ? (ref.gridWall ?? '–') : ref.wall) : '–',
      ref && !r.grid ? ref.gib.toFixed(2) : '–',
      ref && !r.grid ? ref.fRmse.toFixed(3) : '–',
    ].map(String);
  });
  const w = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (l: string[]) => '| ' + l.map((c, i) => c.padEnd(w[i])).join(' | ') + ' |';
  return [fmt(head), '|' + w.map((x) => '-'.repeat(x + 2)).join('|') + '|', ...lines.map(fmt)].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, ['with-1000', 'json']);
  if (typeof a.child === 'string') {
    const r = await child(JSON.parse(a.child) as Config);
    console.log('BENCH_RESULT ' + JSON.stringify(r));
    return 0;
  }
  const list = (s: unknown, d: string) =>
    (typeof s === 'string' ? s : d).split(',').filter(Boolean).map(Number);
  const sizes = list(a.sizes, '100,200,400');
  const gridSizes = list(a['grid-sizes'], '100');
  if (a['with-1000']) sizes.push(1000);
  const base = {
    solver: typeof a.solver === 'string' ? a.solver : 'auto',
    dataset: typeof a.dataset === 'string' ? a.dataset : DEFAULT_DATASET,
    seed: Number(a.seed ?? 1),
    nTest: Number(a['n-test'] ?? 1000),
    threads: a.threads !== undefined ? Number(a.threads) : undefined,
  };
  const configs: Config[] = [
    ...sizes.map((M) => ({ ...base, M, grid: false })),
    ...gridSizes.map((M) => ({ ...base, M, grid: true })),
  ];
  const results: Result[] = [];
  for (const cfg of configs) {
    process.stderr.write(`sGDML bench: M=${cfg.M} ${cfg.grid ? 'σ grid' : 'fixed σ'} …\n`);
    const r = spawnSync(
      process.execPath,
      [ROOT + 'bin/pes.mjs', 'bench', 'sgdml', '--child', JSON.stringify(cfg)],
      {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('BENCH_RESULT '));
    if (!line) {
      process.stderr.write(`  failed (exit ${r.status})\n${r.stdout}\n`);
      continue;
    }
    const res = JSON.parse(line.slice(13)) as Result;
    results.push(res);
    process.stderr.write(
      `  ${res.wallS.toFixed(1)} s wall, ${res.peakRssGiB.toFixed(2)} GiB, test F RMSE ${res.testFRmse.toFixed(3)}\n`,
    );
  }
  console.log(table(results));
  console.log(JSON.stringify(results, null, a.json ? 2 : undefined));
  return 0;
}
