import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDatasetFile } from '../../src/data/io/index.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import { createRng } from '../../src/data/sample.ts';
import {
  clusterTestSet,
  maxClusterError,
  maxClusterReduction,
  planFlattenRounds,
} from '../../src/data/flatten-plan.ts';
import { beyondWorkerMethods, type FlattenProgress } from '../../src/compute/beyondTasks.ts';
import { deserializeModel } from '../../src/models/load.ts';
import { initNodeBackend } from '../../src/compute/tfjs-node.ts';
import { parseOptionText } from '../../src/ui/beyond/flattenOptions.ts';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

describe('planFlattenRounds', () => {
  it('grows start → final in steps of the given size, sharing a remainder', () => {
    expect(planFlattenRounds(50, 100, 25)).toEqual({ rounds: 2, sizes: [50, 75, 100] });
    expect(planFlattenRounds(10, 20, 5)).toEqual({ rounds: 2, sizes: [10, 15, 20] });
    // 60 frames in steps of ≈ 25: three rounds of 20
    expect(planFlattenRounds(50, 110, 25)).toEqual({ rounds: 3, sizes: [50, 70, 90, 110] });
    expect(planFlattenRounds(30, 30, 10)).toEqual({ rounds: 0, sizes: [30] });
  });
  it('names bad input', () => {
    expect(() => planFlattenRounds(100, 50, 25)).toThrow(/final size \(50\) is below the start size \(100\)/);
    expect(() => planFlattenRounds(0, 50, 25)).toThrow(/start size must be an integer ≥ 1/);
    expect(() => planFlattenRounds(10, 50, 2.5)).toThrow(/step must be an integer/);
  });
});

describe('clusterTestSet', () => {
  it('takes up to perCluster frames of each cluster, never more than half, sorted, seeded', () => {
    const labels = Int32Array.from({ length: 100 }, (_, m) => (m < 90 ? m % 3 : 3)); // 30/30/30 + 10
    const t = clusterTestSet(labels, 4, 8, createRng(3));
    const per = [0, 0, 0, 0];
    for (const m of t) per[labels[m]]++;
    expect(per).toEqual([8, 8, 8, 5]);
    expect(Array.from(t)).toEqual(Array.from(t).sort((a, b) => a - b));
    expect(Array.from(clusterTestSet(labels, 4, 8, createRng(3)))).toEqual(Array.from(t));
    expect(() => clusterTestSet(labels, 4, 0, createRng(1))).toThrow(/per cluster/);
  });
});

describe('maxClusterReduction', () => {
  it('compares the worst cluster with enough test frames', () => {
    const base = [
      { n: 10, fRmse: 2 },
      { n: 10, fRmse: 4 },
      { n: 2, fRmse: 9 }, // too few frames: ignored
      { n: 0, fRmse: NaN },
    ];
    const flat = [
      { n: 10, fRmse: 2.5 },
      { n: 10, fRmse: 3 },
      { n: 2, fRmse: 1 },
      { n: 0, fRmse: NaN },
    ];
    expect(maxClusterError(base)).toEqual({ cluster: 1, value: 4 });
    const r = maxClusterReduction(base, flat);
    expect(r.baseline).toBe(4);
    expect(r.flattened).toBe(3);
    expect(r.percent).toBeCloseTo(25, 10);
    expect(maxClusterReduction([], flat).percent).toBeNaN();
  });
});

describe('parseOptionText', () => {
  it('reads name=value pairs separated by spaces, commas-free semicolons or new lines', () => {
    expect(parseOptionText('sigma=30')).toEqual({ sigma: '30' });
    expect(parseOptionText(' preset=fast;  n-sparse=50\nzeta=2 ')).toEqual({
      preset: 'fast',
      'n-sparse': '50',
      zeta: '2',
    });
    expect(parseOptionText('sigma-grid=10,20,30')).toEqual({ 'sigma-grid': '10,20,30' });
    expect(parseOptionText('--sigma 30 --gdml')).toEqual({ sigma: '30', gdml: 'true' });
    expect(parseOptionText('')).toEqual({});
  });
  it('names malformed text', () => {
    expect(() => parseOptionText('sigma=')).toThrow(/"sigma=" has no value/);
    expect(() => parseOptionText('=3')).toThrow(/no option name/);
  });
});

describe('flattenSelect (compute worker method)', () => {
  let glycine: Dataset;
  beforeAll(async () => {
    glycine = readDatasetFile('glycine.npz', readFileSync(join(root, 'public/data/glycine.npz'))).dataset;
    await initNodeBackend('cpu');
  });

  it('grows a glycine sGDML set in rounds, reports each round, and returns a working model', async () => {
    const seen: FlattenProgress[] = [];
    const out = await beyondWorkerMethods.flattenSelect(
      {
        dataset: { kind: 'inline', id: 'gly', dataset: glycine },
        kind: 'sgdml',
        params: { sigma: 20 },
        nStart: 10,
        nFinal: 20,
        step: 5,
        seed: 2,
        testPerCluster: 4,
        nPool: 300,
      },
      (p) => seen.push(p),
    );
    expect(out.clustering).toBe('geometry');
    expect(out.trainIdx.length).toBe(20);
    expect(new Set(out.trainIdx).size).toBe(20);
    const test = new Set(out.testIdx);
    expect(out.trainIdx.some((m) => test.has(m))).toBe(false);
    expect(out.rounds.map((r) => r.size)).toEqual([10, 15, 20]);
    for (const r of out.rounds) {
      expect(r.flattened?.clusters.length).toBe(out.clusterLabels.length);
      expect(r.stratified?.fRmse).toBeGreaterThan(0);
      expect(r.flattened!.fRmse).toBeGreaterThan(0);
    }
    // the selection after rounds 0 and 1 added 5 frames each, from the clusters it marked
    for (const r of out.rounds.slice(0, 2)) {
      const added = r.pool!.clusters.reduce((a, c) => a + c.added, 0);
      expect(added).toBe(5);
      const sel = r.pool!.clusters.filter((c) => c.selected);
      expect(sel.length).toBeGreaterThan(0);
      for (const c of sel) expect(c.rmse).toBeGreaterThan(1.1 * r.pool!.meanError);
    }
    expect(out.rounds[2].pool).toBeUndefined();
    expect(out.trainPerCluster.reduce((a, b) => a + b, 0)).toBe(20);
    // progress: fractions never decrease, rounds reported as they finish
    const fr = seen.map((p) => p.fraction);
    for (let i = 1; i < fr.length; i++) expect(fr[i]).toBeGreaterThanOrEqual(fr[i - 1] - 1e-12);
    expect(fr[fr.length - 1]).toBe(1);
    expect(seen.some((p) => p.rounds.length === 2 && p.rounds[1].stratified)).toBe(true);
    // the returned model is the final one: its test force RMSE is the last round's
    const model = await deserializeModel(out.model);
    const d3 = 30;
    const R = new Float64Array(out.testIdx.length * d3);
    out.testIdx.forEach((m, i) => R.set(glycine.R.subarray(m * d3, (m + 1) * d3), i * d3));
    const p = model.predict(R, out.testIdx.length);
    let ss = 0;
    out.testIdx.forEach((m, i) => {
      for (let q = 0; q < d3; q++) ss += (p.F[i * d3 + q] - glycine.F![m * d3 + q]) ** 2;
    });
    expect(Math.sqrt(ss / (out.testIdx.length * d3))).toBeCloseTo(out.rounds[2].flattened!.fRmse, 6);
  }, 120_000);

  it('stops on cancelFlattenSelection and names bad requests', async () => {
    const run = beyondWorkerMethods.flattenSelect(
      {
        dataset: { kind: 'inline', id: 'gly', dataset: glycine },
        kind: 'sgdml',
        params: { sigma: 20 },
        nStart: 10,
        nFinal: 40,
        step: 5,
        seed: 1,
        testPerCluster: 4,
        nPool: 300,
      },
      (p) => {
        if (p.rounds.length >= 1) void beyondWorkerMethods.cancelFlattenSelection();
      },
    );
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(await beyondWorkerMethods.cancelFlattenSelection()).toBe(false);
    const bad = (patch: object) =>
      beyondWorkerMethods.flattenSelect({
        dataset: { kind: 'inline', id: 'gly', dataset: glycine },
        kind: 'sgdml',
        params: { sigma: 20 },
        nStart: 10,
        nFinal: 20,
        step: 5,
        seed: 1,
        ...patch,
      });
    await expect(bad({ nFinal: 5 })).rejects.toThrow(/below the start size/);
    await expect(bad({ clustering: 'phi' })).rejects.toThrow(/not azobenzene-like/);
    await expect(bad({ params: { sigmaa: 3 } })).rejects.toThrow(/has no option --sigmaa/);
    await expect(
      bad({ dataset: { kind: 'inline', id: 'x', dataset: { ...glycine, F: null } } }),
    ).rejects.toThrow(/needs energies and forces/);
  }, 120_000);
});
