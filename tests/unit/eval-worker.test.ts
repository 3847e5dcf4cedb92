import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../scripts/cli/main.ts';
import { readDatasetFile } from '../../src/data/io/index.ts';
import type { DatasetRef } from '../../src/data/datasetRef.ts';
import { evalWorkerMethods, type ExperimentProgress } from '../../src/compute/evalTasks.ts';
import { deserializeModel } from '../../src/models/load.ts';
import { splitForSize } from '../../src/eval/cv.ts';
import { parseResults, type ExperimentResults } from '../../src/eval/results.ts';
import { experimentCommand, parseSizes, defaultSizes } from '../../src/eval/experiment-spec.ts';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const fixture = join(root, '..', 'shared', 'fixtures', 'sgdml-reference', 'azobenzene-xtb-md.npz');

/** What must agree between two runs of the same experiment (timings and dates may differ). */
const numbers = (r: ExperimentResults) =>
  r.folds.map((f) => ({
    size: f.size,
    fold: f.fold,
    trainIdx: f.trainIdx,
    test: f.test,
    train: f.train,
    phi: f.phi,
    parity: f.parity,
  }));

describe('experiment indices', () => {
  it('a seed draws the same folds everywhere (recorded in Node; the browser test compares against the CLI)', () => {
    const E = Float64Array.from({ length: 500 }, (_, i) => Math.sin(i * 0.37) * 10 + (i % 7));
    const s = splitForSize(E, 8, { folds: 5, seed: 42, validSize: 0 });
    expect(s.folds.map((f) => Array.from(f))).toEqual([
      [30, 39, 107, 109, 169, 200, 296, 300],
      [38, 47, 52, 96, 135, 290, 317, 345],
      [71, 98, 256, 304, 308, 365, 404, 412],
      [19, 23, 62, 89, 184, 254, 415, 473],
      [197, 206, 211, 228, 326, 384, 456, 489],
    ]);
  });

  it('parses sizes and renders the equivalent command', () => {
    expect(parseSizes(' 20, 10,20 ')).toEqual([10, 20]);
    expect(() => parseSizes('10, x')).toThrow(/"x" is not a positive integer/);
    expect(() => parseSizes('0')).toThrow(/positive integer/);
    expect(defaultSizes('glycine')[0]).toBe(50);
    expect(defaultSizes('azobenzene')).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(
      experimentCommand('glycine', {
        model: 'sgdml',
        options: { sigma: 20, gdml: true, descriptor: '' },
        sizes: [10, 20],
        folds: 5,
        seed: 3,
      }),
    ).toBe('npx pes experiment glycine --model sgdml --sigma 20 --gdml --sizes 10,20 --folds 5 --seed 3');
  });
});

describe.skipIf(!existsSync(fixture))('runExperiment (compute worker method) vs pes experiment', () => {
  const ds = () => readDatasetFile('azobenzene-xtb-md.npz', readFileSync(fixture)).dataset;
  const args = { model: 'sgdml', options: { sigma: '30' }, sizes: [6, 4], folds: 3, seed: 7 };

  it('gives the same folds and numbers as the CLI, cancels with partial results, resumes, and returns the best model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pes-evalw-'));
    const out = join(dir, 'cli.json');
    const cli = ['experiment', fixture, '--model', 'sgdml', '--sigma', '30', '--sizes', '4,6'];
    expect(await main([...cli, '--folds', '3', '--seed', '7', '--out', out, '--quiet'])).toBe(0);
    const ref = parseResults(readFileSync(out, 'utf8'));

    const ref1: DatasetRef = { kind: 'inline', id: 'fx', dataset: ds() };
    const seen: ExperimentProgress[] = [];
    const full = await evalWorkerMethods.runExperiment({ ...args, dataset: ref1 }, (p) => seen.push(p));
    expect(full.cancelled).toBe(false);
    expect(full.results.spec).toEqual(ref.spec);
    expect(numbers(full.results)).toEqual(numbers(ref));
    expect(full.results.summary).toEqual(ref.summary);
    expect(seen.filter((p) => p.stage === 'done').map((p) => p.results?.folds.length)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    expect(seen.at(-1)!.done).toBe(6);
    expect(seen.at(-1)!.total).toBe(6);

    // cancel after the first finished fold: the finished fold comes back, and resuming completes the run
    const ref2: DatasetRef = { kind: 'inline', id: 'fx2', dataset: ds() };
    let cancelled = false;
    const part = await evalWorkerMethods.runExperiment({ ...args, dataset: ref2 }, (p) => {
      if (p.stage === 'done' && !cancelled) {
        cancelled = true;
        void evalWorkerMethods.cancelExperiment();
      }
    });
    expect(part.cancelled).toBe(true);
    expect(part.results.folds.length).toBeGreaterThanOrEqual(1);
    expect(part.results.folds.length).toBeLessThan(6);
    expect(await evalWorkerMethods.cancelExperiment()).toBe(false);
    const resumed = await evalWorkerMethods.runExperiment({
      ...args,
      dataset: ref2,
      previous: part.results,
    });
    expect(numbers(resumed.results)).toEqual(numbers(ref));

    // the best model: kept from the run, and trained again (identically) when the worker lacks it
    const size = 6;
    const kept = await evalWorkerMethods.bestFoldModel({ dataset: ref1, results: full.results, size });
    expect(kept.retrained).toBe(false);
    expect(kept.fold).toBe(full.results.summary.find((s) => s.size === size)!.bestFold);
    const fromFile = { ...ref, createdAt: 'loaded from a file' };
    const again = await evalWorkerMethods.bestFoldModel({ dataset: ref1, results: fromFile, size });
    expect(again.retrained).toBe(true);
    expect(again.fold).toBe(kept.fold);
    expect(again.nTrain).toBe(size);
    // same model up to the recorded timings: identical predictions
    const [m1, m2] = await Promise.all([deserializeModel(kept.model), deserializeModel(again.model)]);
    const R = ds().R.subarray(0, 3 * 24 * 5);
    const [p1, p2] = [m1.predict(R, 5), m2.predict(R, 5)];
    expect(Array.from(p2.E)).toEqual(Array.from(p1.E));
    expect(Array.from(p2.F).every((v, i) => v === p1.F[i])).toBe(true);

    // results of another dataset are refused
    const other = {
      ...fromFile,
      spec: { ...fromFile.spec, dataset: { ...fromFile.spec.dataset, md5: 'x' } },
    };
    await expect(evalWorkerMethods.bestFoldModel({ dataset: ref1, results: other, size })).rejects.toThrow(
      /not made on the selected dataset/,
    );
  }, 120_000);

  it('refuses bad input with readable messages', async () => {
    const ref: DatasetRef = { kind: 'inline', id: 'fx3', dataset: ds() };
    await expect(evalWorkerMethods.runExperiment({ ...args, sizes: [1000], dataset: ref })).rejects.toThrow(
      /needs 3000 frames for 3 folds, the dataset has 2400/,
    );
    await expect(
      evalWorkerMethods.runExperiment({ ...args, options: { sigma: 'abc' }, dataset: ref }),
    ).rejects.toThrow(/"abc" is not a number/);
    await expect(evalWorkerMethods.runExperiment({ ...args, folds: 1, dataset: ref })).rejects.toThrow(
      /folds must be/,
    );
  });
});
