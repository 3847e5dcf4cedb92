import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { nearestIndex, searchSigmaGrid } from '../../src/models/sgdml/sigmaSearch.ts';
import { SgdmlTrainer } from '../../src/models/sgdml/train.ts';
import { readDatasetFile } from '../../src/data/io/index.ts';
import { getModelEntry } from '../../src/models/registry.ts';
import type { FoldResult } from '../../src/eval/results.ts';

const GRID = [10, 20, 30, 40, 50, 60, 70, 80, 90];

/** A search over a made-up validation curve: records the σ tried. */
async function search(curve: (s: number) => number, start?: number, grid = GRID) {
  const seen: number[] = [];
  const r = await searchSigmaGrid(
    grid,
    async (s, trial) => {
      expect(trial).toBe(seen.length);
      seen.push(s);
      return { err: curve(s), value: `model σ=${s}` };
    },
    start,
  );
  expect(r.tried).toEqual(seen);
  return r;
}

describe('σ grid search (sigmaSearch.ts)', () => {
  const vee = (min: number) => (s: number) => Math.abs(s - min) + 1;

  it('without a start walks up from the smallest σ until the error rises (the old search)', async () => {
    const r = await search(vee(30));
    expect(r).toMatchObject({ sigma: 30, err: 1, value: 'model σ=30', tried: [10, 20, 30, 40] });
    expect((await search(vee(90))).tried).toEqual(GRID);
    expect((await search(vee(10))).tried).toEqual([10, 20]);
  });

  it('from a start tries it, then up while better, else down', async () => {
    expect((await search(vee(30), 30)).tried).toEqual([30, 40, 20]);
    expect((await search(vee(30), 60)).tried).toEqual([60, 70, 50, 40, 30, 20]);
    expect((await search(vee(60), 30)).tried).toEqual([30, 40, 50, 60, 70]);
    expect((await search(vee(90), 90)).tried).toEqual([90, 80]);
    expect((await search(vee(10), 10)).tried).toEqual([10, 20]);
    // the nearest grid value (the smaller on a tie); outside the grid: its end
    expect((await search(vee(30), 33)).tried[0]).toBe(30);
    expect((await search(vee(30), 35)).tried[0]).toBe(30);
    expect((await search(vee(90), 100)).tried).toEqual([90, 80]);
    expect(nearestIndex([10, 20], 16)).toBe(1);
  });

  it('finds the same σ from every start on any one-minimum curve', async () => {
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let c = 0; c < 30; c++) {
      const min = GRID[Math.floor(rand() * GRID.length)];
      const left = 0.1 + rand(),
        right = 0.1 + rand(),
        power = 0.5 + 1.5 * rand();
      const curve = (s: number) => 2 + (s < min ? left : right) * Math.abs(s - min) ** power;
      const plain = await search(curve);
      expect(plain.sigma).toBe(min);
      for (const start of GRID) {
        const r = await search(curve, start);
        expect(r.sigma).toBe(min);
        expect(r.tried.length).toBeLessThanOrEqual(Math.abs(GRID.indexOf(min) - GRID.indexOf(start)) + 3);
      }
    }
  });

  it('sorts the grid, treats a NaN error as a rise and rejects bad grids', async () => {
    expect((await search(vee(30), undefined, [30, 10, 20, 20, 40])).tried).toEqual([10, 20, 30, 40]);
    const nanAt40 = (s: number) => (s === 40 ? NaN : vee(60)(s));
    expect((await search(nanAt40, 30)).tried).toEqual([30, 40, 20]);
    expect((await search(nanAt40, 30)).sigma).toBe(30);
    await expect(search(vee(30), 30, [])).rejects.toThrow(/empty/);
    await expect(search(vee(30), 30, [10, -5])).rejects.toThrow(/positive/);
  });

  it("the sGDML registry entry starts a fold's search at the σ the prior fold chose", () => {
    const entry = getModelEntry('sgdml');
    const fold = (modelInfo?: Record<string, unknown>) => ({ modelInfo }) as unknown as FoldResult;
    expect(entry.warmStart?.(fold({ sigma: 40, sigmaTrials: [] }))).toEqual({ sigmaStart: 40 });
    expect(entry.warmStart?.(fold())).toBeUndefined();
    expect(entry.warmStart?.(fold({ sigma: 'x' }))).toBeUndefined();
  });

  it('retrains a recorded CG fold with the preconditioner storage it had (float64 before the record existed)', () => {
    const entry = getModelEntry('sgdml');
    const fold = (modelInfo?: Record<string, unknown>) => ({ modelInfo }) as unknown as FoldResult;
    expect(entry.retrainParams?.(fold({ solver: 'cg' }))).toEqual({ precondStorage: 'f64' });
    expect(entry.retrainParams?.(fold({ solver: 'cg', precondStorage: 'f32' }))).toEqual({
      precondStorage: 'f32',
    });
    expect(entry.retrainParams?.(fold({ solver: 'cholesky' }))).toBeUndefined();
    expect(entry.parseOptions({ 'precond-storage': 'f64' })).toEqual({ precondStorage: 'f64' });
    expect(() => entry.parseOptions({ 'precond-storage': 'f16' })).toThrow();
  });
});

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const azoPath = join(root, 'public', 'data', 'azobenzene-rotation.npz');

describe.skipIf(!existsSync(azoPath))('sGDML training with a σ start', () => {
  it('chooses the same σ and the same model as the search from the smallest σ, in fewer trials', async () => {
    const ds = readDatasetFile('azobenzene-rotation.npz', readFileSync(azoPath)).dataset;
    const every = (n: number, first: number) =>
      Int32Array.from({ length: n }, (_, i) => Math.floor(ds.nFrames / n) * i + first);
    const train = every(15, 3),
      valid = every(40, 11);
    // on these frames the validation force error falls from σ = 10 to 60 and rises at 80
    const params = { sigmaGrid: [10, 20, 30, 40, 60, 80], solver: 'cholesky' as const };
    const t = new SgdmlTrainer();
    const trialsOf = (m: { data: { info?: unknown } }) =>
      (m.data.info as { sigmaTrials: { sigma: number; validForceRmse: number }[] }).sigmaTrials;
    const plain = await t.trainModel(ds, train, params, { validIdx: valid });
    expect(plain.data.sigma).toBe(60);
    expect(trialsOf(plain).map((x) => x.sigma)).toEqual([10, 20, 30, 40, 60, 80]);
    const warm = await t.trainModel(ds, train, { ...params, sigmaStart: 60 }, { validIdx: valid });
    expect(trialsOf(warm).map((x) => x.sigma)).toEqual([60, 80, 40]);
    expect(warm.data.sigma).toBe(60);
    expect(Array.from(warm.data.alphas ?? [])).toEqual(Array.from(plain.data.alphas ?? [0]));
    expect(warm.data.c).toBe(plain.data.c);
    // a start below the minimum walks up to it
    const below = await t.trainModel(ds, train, { ...params, sigmaStart: 30 }, { validIdx: valid });
    expect(trialsOf(below).map((x) => x.sigma)).toEqual([30, 40, 60, 80]);
    expect(below.data.sigma).toBe(60);
    // the trials at the same σ agree exactly whatever the order
    for (const w of [...trialsOf(warm), ...trialsOf(below)])
      expect(w).toEqual(trialsOf(plain).find((x) => x.sigma === w.sigma));
  });
  it("a fold's model info records the CG iterations and residual of every σ tried", async () => {
    const ds = readDatasetFile('azobenzene-rotation.npz', readFileSync(azoPath)).dataset;
    const train = Int32Array.from([5, 900, 1800, 2700]),
      valid = Int32Array.from([100, 1000, 2000]);
    const m = await new SgdmlTrainer().trainModel(
      ds,
      train,
      { sigmaGrid: [30, 40], solver: 'cg' },
      { validIdx: valid },
    );
    const info = getModelEntry('sgdml').modelInfo!(m)!;
    const its = info.cgIterations as Record<string, number>;
    expect(Object.keys(its).sort()).toEqual(
      (info.sigmaTrials as { sigma: number }[]).map((t) => String(t.sigma)).sort(),
    );
    for (const k of Object.values(its)) expect(k).toBeGreaterThan(0);
    // and the relative residual each solve stopped at (at most the 1e-4 tolerance when not capped)
    const res = info.cgRelResidual as Record<string, number>;
    expect(Object.keys(res).sort()).toEqual(Object.keys(its).sort());
    for (const [s, r] of Object.entries(res)) if (its[s] < 2000) expect(r).toBeLessThanOrEqual(1e-4);
    expect(info.precondLinalg).toBe('wasm-simd');
    expect(info.precondStorage).toBe('f32');
    expect(info.solver).toBe('cg');
  });
});
