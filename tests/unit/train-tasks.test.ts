import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDatasetFile } from '../../src/data/io/index.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import type { DatasetRef } from '../../src/data/datasetRef.ts';
import { drawTrainSplit, splitProblem } from '../../src/data/trainSplit.ts';
import { trainWorkerMethods, type TrainProgressReport } from '../../src/compute/trainTasks.ts';
import { deserializeModel } from '../../src/models/load.ts';
import { getModelEntry } from '../../src/models/registry.ts';
import { predictFrames } from '../../src/eval/cv.ts';
import { errorStats } from '../../src/eval/metrics.ts';
import { initNodeBackend } from '../../src/compute/tfjs-node.ts';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
let glycine: Dataset;
const ref = (ds: Dataset, id = 'gly'): DatasetRef => ({ kind: 'inline', id, dataset: ds });

beforeAll(async () => {
  glycine = readDatasetFile('glycine.npz', readFileSync(join(root, 'public/data/glycine.npz'))).dataset;
  await initNodeBackend('cpu');
});

describe('train/validation/test split', () => {
  it('draws disjoint stratified sets of the asked sizes, the same for the same seed', () => {
    const s = drawTrainSplit(glycine, { nTrain: 30, nValid: 10, nTest: 20 }, 5);
    expect([s.train.length, s.valid.length, s.test.length]).toEqual([30, 10, 20]);
    const all = new Set([...s.train, ...s.valid, ...s.test]);
    expect(all.size).toBe(60);
    const again = drawTrainSplit(glycine, { nTrain: 30, nValid: 10, nTest: 20 }, 5);
    expect(Array.from(again.test)).toEqual(Array.from(s.test));
    const other = drawTrainSplit(glycine, { nTrain: 30, nValid: 10, nTest: 20 }, 6);
    expect(Array.from(other.train)).not.toEqual(Array.from(s.train));
  });

  it('names what is wrong: no forces, too few frames, atoms mismatch, bad sizes', () => {
    expect(splitProblem({ ...glycine, F: null }, { nTrain: 5, nValid: 0, nTest: 5 })).toMatch(/no forces/);
    expect(splitProblem(glycine, { nTrain: 9000, nValid: 1000, nTest: 1 })).toMatch(
      /10000 frames, too few for 9000 training \+ 1000 validation \+ 1 test/,
    );
    expect(splitProblem({ ...glycine, z: glycine.z.slice(1) }, { nTrain: 5, nValid: 0, nTest: 5 })).toMatch(
      /9 atomic numbers but 10 atoms/,
    );
    expect(splitProblem(glycine, { nTrain: 0, nValid: 0, nTest: 5 })).toMatch(/training size/);
  });
});

describe('startTraining (compute worker method)', () => {
  it('trains sGDML with fixed σ, tests on held-out frames, and the model reloads with the same predictions', async () => {
    const seen: TrainProgressReport[] = [];
    const out = await trainWorkerMethods.startTraining(
      {
        kind: 'sgdml',
        params: { sigma: 20 },
        dataset: ref(glycine),
        nTrain: 20,
        nValid: 0,
        nTest: 30,
        seed: 1,
      },
      (p) => seen.push(p),
    );
    expect(out.nTrain).toBe(20);
    expect(out.test.n).toBe(30);
    expect(out.test.fRmse).toBeGreaterThan(0);
    expect(out.test.fRmse).toBeLessThan(40);
    expect(out.test.eMae).toBeLessThanOrEqual(out.test.eRmse);
    expect(out.info?.sigma).toBe(20);
    expect(seen[0].stage).toBe('load');
    expect(seen.at(-1)?.fraction).toBe(1);
    for (let i = 1; i < seen.length; i++)
      expect(seen[i].fraction).toBeGreaterThanOrEqual(seen[i - 1].fraction);
    // the serialised model predicts what was tested
    const m = await deserializeModel(out.model);
    const s = drawTrainSplit(glycine, { nTrain: 20, nValid: 0, nTest: 30 }, 1);
    expect(Array.from(s.train)).toEqual(out.trainIdx);
    const p = predictFrames(m, glycine, s.test);
    const n3 = glycine.nAtoms * 3;
    const refF = new Float64Array(s.test.length * n3);
    s.test.forEach((k, q) => refF.set(glycine.F!.subarray(k * n3, (k + 1) * n3), q * n3));
    const again = errorStats(
      p.E,
      Float64Array.from(s.test, (k) => glycine.E![k]),
      p.F,
      refF,
      glycine.nAtoms,
    );
    expect(again.fRmse).toBeCloseTo(out.test.fRmse, 10);
    expect(again.eMae).toBeCloseTo(out.test.eMae, 8);
  });

  it('σ grid search reports its trials and needs validation frames', async () => {
    await expect(
      trainWorkerMethods.startTraining({
        kind: 'sgdml',
        params: { 'sigma-grid': '10,20' },
        dataset: ref(glycine),
        nTrain: 10,
        nValid: 0,
        nTest: 5,
        seed: 1,
      }),
    ).rejects.toThrow(/needs validation frames/);
    const seen: TrainProgressReport[] = [];
    const out = await trainWorkerMethods.startTraining(
      {
        kind: 'sgdml',
        params: { 'sigma-grid': '10,20,30' },
        dataset: ref(glycine),
        nTrain: 10,
        nValid: 10,
        nTest: 5,
        seed: 2,
      },
      (p) => seen.push(p),
    );
    const trials = seen.filter((p) => p.stage === 'sigma');
    expect(trials.length).toBeGreaterThanOrEqual(1);
    expect(trials[0].metrics?.validForceRmse).toBeGreaterThan(0);
    expect((out.info?.sigmaTrials as unknown[]).length).toBe(trials.length);
  });

  it('clear errors for bad input; only one training at a time; cancel rejects with AbortError', async () => {
    await expect(
      trainWorkerMethods.startTraining({
        kind: 'sgdml',
        params: {},
        dataset: ref({ ...glycine, F: null }, 'noF'),
        nTrain: 5,
        nValid: 5,
        nTest: 5,
        seed: 1,
      }),
    ).rejects.toThrow(/no forces/);
    await expect(
      trainWorkerMethods.startTraining({
        kind: 'gap',
        params: { preset: 'quick' },
        dataset: ref(glycine),
        nTrain: 5,
        nValid: 0,
        nTest: 5,
        seed: 1,
      }),
    ).rejects.toThrow(/preset/);
    expect(await trainWorkerMethods.cancelTraining()).toBe(false);
    let progressed!: () => void;
    const started = new Promise<void>((r) => (progressed = r));
    const run = trainWorkerMethods.startTraining(
      { kind: 'sgdml', params: {}, dataset: ref(glycine), nTrain: 60, nValid: 50, nTest: 5, seed: 3 },
      (p) => p.stage !== 'load' && progressed(),
    );
    await expect(
      trainWorkerMethods.startTraining({
        kind: 'sgdml',
        params: { sigma: 10 },
        dataset: ref(glycine),
        nTrain: 5,
        nValid: 0,
        nTest: 5,
        seed: 1,
      }),
    ).rejects.toThrow(/already running/);
    await started;
    expect(await trainWorkerMethods.cancelTraining()).toBe(true);
    await expect(run).rejects.toMatchObject({ name: 'AbortError', message: 'training cancelled' });
    // the worker is free again
    const ok = await trainWorkerMethods.startTraining({
      kind: 'sgdml',
      params: { sigma: 30 },
      dataset: ref(glycine),
      nTrain: 5,
      nValid: 0,
      nTest: 5,
      seed: 1,
    });
    expect(ok.test.n).toBe(5);
  });

  it('SchNet: epochs report train/validation losses, pause holds the loop, resume finishes it', async () => {
    const epochs: TrainProgressReport[] = [];
    let pausedAt = -1;
    let resolvePaused!: () => void;
    const pausedP = new Promise<void>((r) => (resolvePaused = r));
    const run = trainWorkerMethods.startTraining(
      {
        kind: 'schnet',
        params: { epochs: 4, features: 8, interactions: 1, gaussians: 8, batch: 5, lr: 3e-3 },
        dataset: ref(glycine),
        nTrain: 20,
        nValid: 5,
        nTest: 5,
        seed: 1,
      },
      (p) => {
        if (p.stage !== 'epoch') return;
        epochs.push(p);
        if (p.metrics?.epoch === 1) {
          void trainWorkerMethods.pauseTraining().then((ok) => {
            expect(ok).toBe(true);
            pausedAt = epochs.length;
            resolvePaused();
          });
        }
      },
    );
    await pausedP;
    await new Promise((r) => setTimeout(r, 400));
    expect(epochs.length).toBeLessThanOrEqual(pausedAt + 1); // at most the epoch in flight finishes
    const before = epochs.length;
    expect(await trainWorkerMethods.resumeTraining()).toBe(true);
    const out = await run;
    expect(epochs.length).toBeGreaterThan(before);
    expect(out.history?.length).toBe(4);
    const m = epochs[0].metrics!;
    for (const k of ['trainMseE', 'trainMseF', 'validMseE', 'validMseF', 'trainLoss', 'validLoss'])
      expect(Number.isFinite(m[k])).toBe(true);
    expect(out.nValid).toBe(5);
    expect(Number.isFinite(out.test.fRmse)).toBe(true);
    expect(out.info?.epochs).toBe(4);
    expect(out.model.kind).toBe('schnet');
  }, 60_000);

  it('the NN registry entries parse the CLI-style options and reject unknown ones', () => {
    expect(getModelEntry('bpnn').parseOptions({ hidden: '16,8', epochs: '3', rho: 0.2 })).toEqual({
      hidden: [16, 8],
      maxEpochs: 3,
      rho: 0.2,
    });
    expect(() => getModelEntry('bpnn').parseOptions({ features: 8 })).toThrow(/no option --features/);
    expect(() => getModelEntry('schnet').parseOptions({ rho: 2 })).toThrow(/between 0 and 1/);
    expect(getModelEntry('schnet').validSize({ valid: 7 })).toBe(7);
  });
});

describe('Train form options', () => {
  it('every kind’s default form values parse with its registry entry (form and CLI names agree)', async () => {
    const { FIELDS, defaultValues, toOptions } = await import('../../src/ui/train/options.ts');
    for (const kind of Object.keys(FIELDS) as (keyof typeof FIELDS)[]) {
      const v = defaultValues(kind);
      const entry = getModelEntry(kind);
      expect(() => entry.parseOptions(toOptions(kind, v)), kind).not.toThrow();
      if (kind === 'sgdml') {
        expect(toOptions(kind, v)).toMatchObject({ 'sigma-grid': '10,20,30,40,50,60,70,80,90' });
        expect(toOptions(kind, v).sigma).toBeUndefined();
        const fixed = entry.parseOptions(toOptions(kind, { ...v, 'sigma-mode': 'fixed', sigma: '25' }));
        expect(fixed.sigma).toBe(25);
        expect(fixed.sigmaGrid).toBeUndefined();
        // the search's start: blank = from the smallest σ; hidden with a fixed σ
        expect(entry.parseOptions(toOptions(kind, v)).sigmaStart).toBeUndefined();
        expect(entry.parseOptions(toOptions(kind, { ...v, 'sigma-start': '40' })).sigmaStart).toBe(40);
        const fixedStart = toOptions(kind, { ...v, 'sigma-mode': 'fixed', 'sigma-start': '40' });
        expect(fixedStart['sigma-start']).toBeUndefined();
      }
    }
    const gap = toOptions('gap', { ...defaultValues('gap'), 'sigma-f': '0.1', 'n-max': '' });
    expect(gap['sigma-f']).toBe('0.1eV');
    expect('n-max' in gap).toBe(false);
    const p = getModelEntry('gap').parseOptions(gap) as { sigmaF: number; nMax: number };
    expect(p.sigmaF).toBeCloseTo(0.1 * 23.0605, 3);
    expect(p.nMax).toBe(12); // paper preset
  });
});
