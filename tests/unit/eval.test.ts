import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset.ts';
import type { ForceField, Trainer } from '../../src/models/types.ts';
import { createRng } from '../../src/data/sample.ts';
import {
  clusterErrors,
  errorStats,
  errorVsEnergy,
  meanStd,
  parityData,
  pathErrors,
} from '../../src/eval/metrics.ts';
import {
  bestFold,
  meanClusterErrors,
  mergeResults,
  parseResults,
  resultsToCsv,
  type FoldResult,
} from '../../src/eval/results.ts';
import { pathFromJson, runCrossValidation, splitForSize } from '../../src/eval/cv.ts';
import type { ExperimentResults, ExperimentSpec } from '../../src/eval/results.ts';

describe('metrics (hand-computed)', () => {
  it('MAE/RMSE of energies and force components', () => {
    // 2 frames, 1 atom: E errors +1, −3; F errors (1, 0, −2), (0, 2, 0)
    const s = errorStats([1, -3], [0, 0], [1, 0, -2, 0, 2, 0], [0, 0, 0, 0, 0, 0], 1);
    expect(s.n).toBe(2);
    expect(s.eMae).toBeCloseTo(2, 15);
    expect(s.eRmse).toBeCloseTo(Math.sqrt(5), 15);
    expect(s.fMae).toBeCloseTo(5 / 6, 15);
    expect(s.fRmse).toBeCloseTo(Math.sqrt(9 / 6), 15);
    expect(s.eMax).toBe(3);
    expect(s.fMax).toBe(2);
    const noF = errorStats([2], [1], null, null, 1);
    expect(noF.eRmse).toBe(1);
    expect(noF.fRmse).toBeNaN();
  });

  it('per-cluster errors with population; empty clusters kept', () => {
    const c = clusterErrors([1, 2, 4], [0, 0, 0], null, null, 1, [0, 0, 2], 3);
    expect(c.map((x) => x.n)).toEqual([2, 0, 1]);
    expect(c[0].population).toBeCloseTo(2 / 3, 15);
    expect(c[0].eRmse).toBeCloseTo(Math.sqrt(2.5), 15);
    expect(c[1].eRmse).toBeNaN();
    expect(c[2].eMae).toBe(4);
  });

  it('error vs energy, along a path, parity subsample, mean ± std', () => {
    const b = errorVsEnergy([1, 1, 5], [0, 1, 2], null, null, 1, 2);
    expect(b.length).toBe(2);
    expect(b[0].lo).toBe(0);
    expect(b[1].hi).toBe(2);
    expect(b[0].n).toBe(1); // energies 0 → bin 0; 1 and 2 → bin 1
    expect(b[1].eRmse).toBeCloseTo(Math.sqrt((0 + 9) / 2), 15);
    const p = pathErrors([10, 12], [10, 11], [0, 0, 1, 3, 0, 0], [0, 0, 0, 0, 0, 0], 1);
    expect(p[1].eRefRel).toBe(1);
    expect(p[1].ePredRel).toBe(2);
    expect(p[1].eErr).toBe(1);
    expect(p[0].fRmse).toBeCloseTo(Math.sqrt(1 / 3), 15);
    expect(p[1].fMax).toBe(3);
    const par = parityData(
      Float64Array.from({ length: 10 }, (_, i) => i),
      new Float64Array(10),
      null,
      null,
      5,
    );
    expect(Array.from(par.ePred)).toEqual([0, 2, 4, 6, 8]);
    const ms = meanStd([1, 2, 3, NaN]);
    expect(ms.mean).toBe(2);
    expect(ms.std).toBe(1);
    expect(ms.n).toBe(3);
  });
});

describe('best-model rules', () => {
  const f = (fold: number, eRmse: number, fRmse: number) =>
    ({ fold, size: 10, test: { eRmse, fRmse, eMae: 0, fMae: 0, n: 1, eMax: 0, fMax: 0 } }) as FoldResult;
  it('energy: lowest test energy RMSE', () => {
    expect(bestFold([f(0, 1, 1), f(1, 0.5, 3), f(2, 0.7, 0.1)], 'energy').fold).toBe(1);
  });
  it('sGDML: lowest force RMSE unless a fold within 0.1 has a clearly lower energy RMSE', () => {
    expect(bestFold([f(0, 1.0, 1.0), f(1, 0.5, 1.2), f(2, 0.95, 1.05)], 'sgdml').fold).toBe(0); // 0.95 not clearly lower
    expect(bestFold([f(0, 1.0, 1.0), f(1, 0.5, 1.08), f(2, 0.7, 1.05)], 'sgdml').fold).toBe(1);
    expect(bestFold([f(0, 1.0, 1.0), f(1, 0.5, 1.2)], 'sgdml').fold).toBe(0); // 0.2 apart: forces win
  });
});

/**
 * A small but real model: E = b + Σ_k (w_k r_k + v_k r_k²) over all pair distances, fitted by linear least
 * squares to energies and forces together (forces = −∂E/∂R).
 */
class PairPolyModel implements ForceField {
  readonly kind = 'sgdml' as const;
  constructor(
    readonly z: Int32Array,
    readonly coef: Float64Array,
  ) {}
  /** Feature rows for one frame: energy row (1, r, r²) and the 3N force rows. */
  static rows(R: Float64Array, off: number, nAtoms: number): { e: Float64Array; f: Float64Array } {
    const K = (nAtoms * (nAtoms - 1)) / 2,
      P = 1 + 2 * K,
      d3 = 3 * nAtoms;
    const e = new Float64Array(P),
      f = new Float64Array(d3 * P);
    e[0] = 1;
    let k = 0;
    for (let a = 1; a < nAtoms; a++)
      for (let b = 0; b < a; b++, k++) {
        const d = [0, 1, 2].map((c) => R[off + 3 * a + c] - R[off + 3 * b + c]);
        const r = Math.hypot(d[0], d[1], d[2]);
        e[1 + k] = r;
        e[1 + K + k] = r * r;
        for (let c = 0; c < 3; c++) {
          const g = d[c] / r; // ∂r/∂R_a,c ; ∂r/∂R_b,c = −g
          f[(3 * a + c) * P + 1 + k] = -g;
          f[(3 * b + c) * P + 1 + k] = g;
          f[(3 * a + c) * P + 1 + K + k] = -2 * r * g;
          f[(3 * b + c) * P + 1 + K + k] = 2 * r * g;
        }
      }
    return { e, f };
  }
  predict(R: Float64Array, nConf: number) {
    const N = this.z.length,
      d3 = 3 * N,
      P = this.coef.length;
    const E = new Float64Array(nConf),
      F = new Float64Array(nConf * d3);
    for (let m = 0; m < nConf; m++) {
      const { e, f } = PairPolyModel.rows(R, m * d3, N);
      for (let p = 0; p < P; p++) E[m] += e[p] * this.coef[p];
      for (let i = 0; i < d3; i++) for (let p = 0; p < P; p++) F[m * d3 + i] += f[i * P + p] * this.coef[p];
    }
    return { E, F };
  }
  serialize() {
    return { kind: this.kind, version: 1, payload: Array.from(this.coef) };
  }
}

class PairPolyTrainer implements Trainer {
  readonly kind = 'sgdml' as const;
  calls = 0;
  async train(ds: Dataset, idx: Int32Array, _p: Record<string, unknown>, opts: { signal?: AbortSignal }) {
    this.calls++;
    if (opts.signal?.aborted) throw new Error('aborted');
    const N = ds.nAtoms,
      d3 = 3 * N,
      P = 1 + N * (N - 1);
    const A = new Float64Array(P * P),
      y = new Float64Array(P);
    const addRow = (row: Float64Array, ro: number, t: number) => {
      for (let p = 0; p < P; p++) {
        y[p] += row[ro + p] * t;
        for (let q = 0; q < P; q++) A[p * P + q] += row[ro + p] * row[ro + q];
      }
    };
    for (const m of idx) {
      const { e, f } = PairPolyModel.rows(ds.R, m * d3, N);
      addRow(e, 0, ds.E![m]);
      for (let i = 0; i < d3; i++) addRow(f, i * P, ds.F![m * d3 + i]);
    }
    for (let p = 0; p < P; p++) A[p * P + p] += 1e-9;
    // Gaussian elimination with partial pivoting
    const x = Float64Array.from(y);
    for (let c = 0; c < P; c++) {
      let piv = c;
      for (let r = c + 1; r < P; r++) if (Math.abs(A[r * P + c]) > Math.abs(A[piv * P + c])) piv = r;
      for (let q = 0; q < P; q++) [A[c * P + q], A[piv * P + q]] = [A[piv * P + q], A[c * P + q]];
      [x[c], x[piv]] = [x[piv], x[c]];
      for (let r = c + 1; r < P; r++) {
        const fct = A[r * P + c] / A[c * P + c];
        for (let q = c; q < P; q++) A[r * P + q] -= fct * A[c * P + q];
        x[r] -= fct * x[c];
      }
    }
    for (let c = P - 1; c >= 0; c--) {
      for (let q = c + 1; q < P; q++) x[c] -= A[c * P + q] * x[q];
      x[c] /= A[c * P + c];
    }
    return new PairPolyModel(ds.z, x);
  }
}

/** 4-atom toy molecule: harmonic bonds plus a torsion term the model cannot represent exactly. */
function toyDataset(nFrames: number): Dataset {
  const r = createRng(77);
  const N = 4,
    d3 = 12;
  const R = new Float64Array(nFrames * d3),
    E = new Float64Array(nFrames),
    F = new Float64Array(nFrames * d3);
  const energy = (x: Float64Array, o: number) => {
    let e = 0;
    for (let a = 1; a < N; a++)
      for (let b = 0; b < a; b++) {
        const rr = Math.hypot(
          x[o + 3 * a] - x[o + 3 * b],
          x[o + 3 * a + 1] - x[o + 3 * b + 1],
          x[o + 3 * a + 2] - x[o + 3 * b + 2],
        );
        e += 30 * (rr - 1.5) ** 2 + 40 * Math.exp(-2 * rr);
      }
    return e;
  };
  for (let m = 0; m < nFrames; m++) {
    const phi = r.next() * 2 * Math.PI;
    const base = [
      0,
      0,
      0,
      1.5,
      0,
      0,
      1.5 + 1.5 * Math.cos(1.2),
      1.5 * Math.sin(1.2),
      0,
      0,
      1.5 * Math.cos(phi),
      1.5 * Math.sin(phi),
    ];
    for (let i = 0; i < d3; i++) R[m * d3 + i] = base[i] + 0.1 * (r.next() - 0.5);
    E[m] = energy(R, m * d3);
    for (let i = 0; i < d3; i++) {
      const h = 1e-5,
        x = Float64Array.from(R.subarray(m * d3, (m + 1) * d3));
      x[i] += h;
      const ep = energy(x, 0);
      x[i] -= 2 * h;
      F[m * d3 + i] = -(ep - energy(x, 0)) / (2 * h);
    }
  }
  return { name: 'toy', theory: 'analytic', z: Int32Array.from([6, 6, 6, 6]), nAtoms: N, nFrames, R, E, F };
}

describe('cross-validation runner', () => {
  const ds = toyDataset(400);
  const spec: ExperimentSpec = {
    dataset: { name: 'toy', nFrames: ds.nFrames, nAtoms: 4 },
    model: 'sgdml',
    params: { note: 'pair polynomial' },
    sizes: [10, 30],
    folds: 5,
    seed: 3,
    validSize: 0,
    phiAtoms: [0, 1, 2, 3],
    geometryClusters: true,
    bestRule: 'energy',
  };
  const strip = (r: ExperimentResults) =>
    JSON.stringify(r.folds.map((f) => ({ ...f, trainSeconds: 0, testSeconds: 0 })));

  it('trains on one fold, tests on the others, summarises best and mean, and is deterministic', async () => {
    const tr = new PairPolyTrainer();
    const progress: number[] = [];
    const pathJson = {
      id: 'toy-path',
      z: [6, 6, 6, 6],
      points: [0, 1, 2].map((m) => ({
        R: Array.from(ds.R.subarray(12 * m, 12 * m + 12)),
        E: ds.E![m],
        F: Array.from(ds.F!.subarray(12 * m, 12 * m + 12)),
      })),
    };
    const path = pathFromJson(pathJson, ds.z);
    expect(() => pathFromJson({ ...pathJson, z: [6, 6, 6, 1] }, ds.z)).toThrow(/differ/);
    const res = await runCrossValidation({
      ds,
      trainer: tr,
      spec,
      paths: [path],
      onProgress: (p) => progress.push(p.fraction),
    });
    const pr = res.folds[3].paths![0];
    expect(pr.id).toBe('toy-path');
    expect(pr.points.length).toBe(3);
    expect(pr.barrierRef).toBeCloseTo(Math.max(0, ds.E![1] - ds.E![0], ds.E![2] - ds.E![0]), 4);
    expect(pr.points[2].eRefRel).toBeCloseTo(ds.E![2] - ds.E![0], 4);
    expect(Math.abs(pr.points[1].eErr)).toBeLessThan(1);
    expect(tr.calls).toBe(10);
    expect(res.folds.length).toBe(10);
    for (const f of res.folds) {
      expect(f.trainIdx.length).toBe(f.size);
      expect(f.nTest).toBe(4 * f.size);
      expect(f.test.fRmse).toBeGreaterThan(0);
      expect(f.phi!.length).toBe(18);
      expect(f.phi!.reduce((s, c) => s + c.n, 0)).toBe(f.nTest);
      expect(f.geometry!.reduce((s, c) => s + c.n, 0)).toBe(f.nTest);
      expect(f.train!.n).toBe(f.size);
    }
    // a real fit: test force RMSE far below the spread of the forces themselves
    expect(res.summary.map((s) => s.size)).toEqual([10, 30]);
    const fStd = Math.sqrt(ds.F!.reduce((s, x) => s + x * x, 0) / ds.F!.length);
    for (const s of res.summary) expect(s.mean.fRmse.mean).toBeLessThan(0.05 * fStd);
    const s0 = res.summary[0];
    const folds0 = res.folds.filter((f) => f.size === 10);
    expect(s0.best.eRmse).toBe(Math.min(...folds0.map((f) => f.test.eRmse)));
    expect(s0.mean.eRmse.mean).toBeCloseTo(folds0.reduce((s, f) => s + f.test.eRmse, 0) / 5, 12);
    // training and test frames come from the split drawn for that size and never overlap
    const sp = splitForSize(ds.E!, 10, spec);
    expect(res.folds[0].trainIdx).toEqual(Array.from(sp.folds[0]));
    expect(progress.at(-1)).toBe(1);
    expect(progress.every((p, i) => i === 0 || p >= progress[i - 1] - 1e-12)).toBe(true);
    expect(res.phiPopulation!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(meanClusterErrors(res, 30, 'phi').length).toBe(18);
    // deterministic
    const again = await runCrossValidation({ ds, trainer: new PairPolyTrainer(), spec, paths: [path] });
    expect(strip(again)).toBe(strip(res));
    // CSV and JSON round trip
    const csv = resultsToCsv(res).trim().split('\n');
    expect(csv.length).toBe(1 + 10 + 2 * 3);
    const back = parseResults(JSON.stringify(res));
    expect(strip(back)).toBe(strip(res));
    expect(back.summary).toEqual(res.summary);
  });

  it('resumes after a cancel: finished folds kept, only the missing ones run, same numbers', async () => {
    const full = await runCrossValidation({ ds, trainer: new PairPolyTrainer(), spec });
    const ac = new AbortController();
    let saved: ExperimentResults | undefined;
    await expect(
      runCrossValidation({
        ds,
        trainer: new PairPolyTrainer(),
        spec,
        signal: ac.signal,
        onFoldDone: (r) => {
          saved = structuredClone(r);
          if (r.folds.length === 3) ac.abort();
        },
      }),
    ).rejects.toThrow(/cancel/);
    expect(saved!.folds.length).toBe(3);
    const tr = new PairPolyTrainer();
    const resumed = await runCrossValidation({
      ds,
      trainer: tr,
      spec,
      previous: parseResults(JSON.stringify(saved)),
    });
    expect(tr.calls).toBe(7);
    expect(strip(resumed)).toBe(strip(full));
    // adding a size to a finished run trains only that size
    const tr2 = new PairPolyTrainer();
    const more = await runCrossValidation({
      ds,
      trainer: tr2,
      spec: { ...spec, sizes: [20] },
      previous: resumed,
    });
    expect(tr2.calls).toBe(5);
    expect(more.summary.map((s) => s.size)).toEqual([10, 20, 30]);
    // incompatible settings are refused
    await expect(
      runCrossValidation({ ds, trainer: tr, spec: { ...spec, seed: 4 }, previous: full }),
    ).rejects.toThrow(/seed/);
    await expect(runCrossValidation({ ds, trainer: tr, spec: { ...spec, sizes: [100] } })).rejects.toThrow(
      /needs 500/,
    );
  });

  it('a resumed file keeps the environment its folds ran in until a fold is trained elsewhere', async () => {
    const ranOnA = await runCrossValidation({
      ds,
      trainer: new PairPolyTrainer(),
      spec,
      environment: { host: 'A', command: 'first' },
    });
    // nothing left to train: the file still names where (and by which command) it was computed
    const redrawn = await runCrossValidation({
      ds,
      trainer: new PairPolyTrainer(),
      spec,
      previous: ranOnA,
      environment: { host: 'B', command: 'second' },
    });
    expect(redrawn.environment).toEqual({ host: 'A', command: 'first' });
    // a new size trained on B: the file names B, and the folds from A still say A
    const { host: _h, ...withoutHost } = ranOnA.folds[0];
    const older = { ...ranOnA, folds: [withoutHost, ...ranOnA.folds.slice(1)] };
    const grown = await runCrossValidation({
      ds,
      trainer: new PairPolyTrainer(),
      spec: { ...spec, sizes: [20] },
      previous: older,
      environment: { host: 'B', command: 'second' },
    });
    expect(grown.environment).toEqual({ host: 'B', command: 'second' });
    expect(grown.folds.filter((f) => f.size !== 20).every((f) => f.host === 'A')).toBe(true);
    expect(grown.folds.filter((f) => f.size === 20).every((f) => f.host === 'B')).toBe(true);
  });

  it('runs only the asked folds, and merged parts equal one full run', async () => {
    const full = await runCrossValidation({ ds, trainer: new PairPolyTrainer(), spec });
    const trA = new PairPolyTrainer(),
      trB = new PairPolyTrainer();
    const a = await runCrossValidation({
      ds,
      trainer: trA,
      spec,
      onlyFolds: [0, 2],
      environment: { host: 'A' },
    });
    const b = await runCrossValidation({ ds, trainer: trB, spec, onlyFolds: [1, 3, 4] });
    expect(trA.calls).toBe(4);
    expect(trB.calls).toBe(6);
    expect(a.folds.map((f) => f.fold)).toEqual([0, 2, 0, 2]);
    expect(a.folds.every((f) => f.host === 'A')).toBe(true);
    const merged = mergeResults([parseResults(JSON.stringify(a)), b, a]);
    expect(merged.folds.length).toBe(10);
    expect(strip({ ...merged, folds: merged.folds.map(({ host: _h, ...f }) => f) })).toBe(strip(full));
    expect(merged.summary).toEqual(full.summary);
    // a fold with other training frames, or another seed, is refused
    const bad = structuredClone(b);
    bad.folds[0].trainIdx[0] += 1;
    bad.folds[0].fold = 0;
    expect(() => mergeResults([a, bad])).toThrow(/different training frames/);
    expect(() => mergeResults([a, { ...b, spec: { ...b.spec, seed: 9 } }])).toThrow(/seed/);
    await expect(runCrossValidation({ ds, trainer: trA, spec, onlyFolds: [5] })).rejects.toThrow(
      /only folds/,
    );
  });
  it("warmStart: a fold's trainer gets extra params from the same fold at the nearest smaller size", async () => {
    const inner = new PairPolyTrainer();
    const seen: { n: number; params: Record<string, unknown> }[] = [];
    const trainer: Trainer = {
      kind: 'sgdml',
      train: (d, idx, p, opts) => {
        seen.push({ n: idx.length, params: p });
        return inner.train(d, idx, p, opts ?? {});
      },
    };
    const three = { ...spec, sizes: [10, 20, 30], folds: 2, geometryClusters: false };
    const priors: [number, number][] = [];
    const res = await runCrossValidation({
      ds,
      trainer,
      spec: three,
      onlyFolds: [1],
      modelInfo: () => ({ tag: seen.length }),
      warmStart: (prior) => {
        priors.push([prior.size, prior.fold]);
        return { start: prior.modelInfo?.tag };
      },
    });
    expect(priors).toEqual([
      [10, 1],
      [20, 1],
    ]);
    expect(seen.map((x) => x.params)).toEqual([
      { note: 'pair polynomial' },
      { note: 'pair polynomial', start: 1 },
      { note: 'pair polynomial', start: 2 },
    ]);
    // the spec stays as it was: the extra params are not part of what a fold is
    expect(res.spec.params).toEqual({ note: 'pair polynomial' });
    // a resumed run takes the prior from the results it continues (fold 0 of size 20 and 30)
    priors.length = 0;
    const more = await runCrossValidation({
      ds,
      trainer,
      spec: three,
      previous: res,
      warmStart: (prior) => (priors.push([prior.size, prior.fold]), undefined),
    });
    expect(priors).toEqual([
      [10, 0],
      [20, 0],
    ]);
    expect(more.folds).toHaveLength(6);
  });
});
