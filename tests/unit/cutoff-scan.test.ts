import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../scripts/cli/main.ts';
import { parseResults } from '../../src/eval/results.ts';
import { readDatasetFile } from '../../src/data/io/index.ts';
import { evalWorkerMethods } from '../../src/compute/evalTasks.ts';
import type { Dataset } from '../../src/data/dataset.ts';
import type { ForceField, Trainer } from '../../src/models/types.ts';
import {
  cutoffResultsFile,
  cutoffScanPoints,
  cutoffScanSvg,
  cutoffScanTable,
  MAX_SCAN_CUTOFFS,
  parseCutoffScan,
  runCutoffScan,
  scanSpec,
  type ScanProgress,
} from '../../src/eval/cutoff-scan.ts';
import type { ExperimentSpec } from '../../src/eval/results.ts';
import { studyPlan } from '../../src/eval/study.ts';

describe('cutoff scan: parsing and plan', () => {
  it('a:b:step gives a, a+step, … b inclusive (Å)', () => {
    expect(parseCutoffScan('3:8:1')).toEqual([3, 4, 5, 6, 7, 8]);
    expect(parseCutoffScan(' 3 : 4 : 0.5 ')).toEqual([3, 3.5, 4]);
    expect(parseCutoffScan('3:3.35:0.1')).toEqual([3, 3.1, 3.2, 3.3]);
    expect(parseCutoffScan('4:4:1')).toEqual([4]);
  });
  it('a comma list is sorted without repeats', () => {
    expect(parseCutoffScan('6,3,4.5,3')).toEqual([3, 4.5, 6]);
  });
  it('bad input: readable errors', () => {
    expect(() => parseCutoffScan('')).toThrow(/a:b:step/);
    expect(() => parseCutoffScan('3:8')).toThrow(/not a:b:step/);
    expect(() => parseCutoffScan('3:x:1')).toThrow(/not a:b:step/);
    expect(() => parseCutoffScan('3:8:0')).toThrow(/step must be positive/);
    expect(() => parseCutoffScan('8:3:1')).toThrow(/below the first/);
    expect(() => parseCutoffScan('0:2:1')).toThrow(/not positive/);
    expect(() => parseCutoffScan('3,abc')).toThrow(/"abc" is not a number/);
    expect(() => parseCutoffScan('1:100:0.1')).toThrow(new RegExp(`at most ${MAX_SCAN_CUTOFFS}`));
  });
  it('one results file per cutoff next to --out', () => {
    expect(cutoffResultsFile('out/scan.json', 3)).toBe('out/scan-rc3.json');
    expect(cutoffResultsFile('scan', 4.5)).toBe('scan-rc4.5.json');
  });
  it('the study plan names its scan runs the same way', () => {
    const ids = studyPlan('full')
      .filter((r) => r.id.includes('-gap-rc'))
      .map((r) => r.id);
    expect(ids).toEqual([3, 4, 6, 7, 8].map((rc) => `azobenzene-rotation-gap-rc${rc}`));
  });
  it('scanSpec sets params.cutoff and refuses other models', () => {
    const base = { model: 'gap', params: { cutoff: 5, nMax: 8 } } as unknown as ExperimentSpec;
    expect(scanSpec(base, 3).params).toEqual({ cutoff: 3, nMax: 8 });
    expect(base.params.cutoff).toBe(5);
    expect(() => scanSpec({ ...base, model: 'sgdml' }, 3)).toThrow(/for GAP/);
  });
});

/** A synthetic dataset: 3 atoms, energies spread over 0…60 kcal/mol. */
function toyDataset(nFrames = 60): Dataset {
  const R = new Float64Array(nFrames * 9);
  const E = new Float64Array(nFrames);
  for (let i = 0; i < nFrames; i++) {
    R.set([0, 0, 0, 1 + i / nFrames, 0, 0, 0, 1, 0], i * 9);
    E[i] = (i * 37) % nFrames;
  }
  return {
    name: 'toy',
    theory: 'test',
    z: Int32Array.from([1, 1, 8]),
    nAtoms: 3,
    nFrames,
    R,
    E,
    F: new Float64Array(nFrames * 9),
  };
}

/** Predicts the training mean plus (cutoff − 5)² kcal/mol: the error grows away from 5 Å. */
const toyTrainer: Trainer = {
  kind: 'gap',
  async train(ds, idx, params) {
    const rc = (params as { cutoff: number }).cutoff;
    const mean = idx.reduce((s, i) => s + ds.E![i], 0) / idx.length;
    const m: ForceField = {
      kind: 'gap',
      z: ds.z,
      predict: (_R, n) => ({ E: new Float64Array(n).fill(mean + (rc - 5) ** 2), F: new Float64Array(n * 9) }),
      serialize: () => ({ kind: 'gap', version: 1, payload: null }),
    };
    return m;
  },
};

const spec = (ds: Dataset): ExperimentSpec => ({
  dataset: { name: ds.name, nFrames: ds.nFrames, nAtoms: ds.nAtoms, theory: ds.theory },
  model: 'gap',
  params: { cutoff: 5 },
  sizes: [10],
  folds: 2,
  seed: 1,
  validSize: 0,
  phiAtoms: null,
  geometryClusters: false,
  bestRule: 'energy',
});

describe('cutoff scan: engine', () => {
  it('runs one experiment per cutoff, reports the scan fraction, resumes per cutoff', async () => {
    const ds = toyDataset();
    const fr: ScanProgress[] = [];
    const done: number[] = [];
    const scan = await runCutoffScan({
      ds,
      trainer: toyTrainer,
      spec: spec(ds),
      cutoffs: [3, 5, 8],
      trainErrors: false,
      onProgress: (p) => fr.push(p),
      onCutoffDone: (rc) => void done.push(rc),
    });
    expect(done).toEqual([3, 5, 8]);
    expect(scan.map((s) => s.results.spec.params.cutoff)).toEqual([3, 5, 8]);
    expect(scan.every((s) => s.results.folds.length === 2)).toBe(true);
    // the same folds for every cutoff
    expect(scan[1].results.folds.map((f) => f.trainIdx)).toEqual(
      scan[0].results.folds.map((f) => f.trainIdx),
    );
    const sf = fr.map((p) => p.scanFraction);
    expect(sf.every((x, i) => i === 0 || x >= sf[i - 1] - 1e-12)).toBe(true);
    expect(Math.max(...sf)).toBeCloseTo(1, 6);
    expect(fr.some((p) => p.cutoffIndex === 1 && p.scanFraction > 1 / 3 && p.scanFraction <= 2 / 3)).toBe(
      true,
    );

    const pts = cutoffScanPoints(scan.map((s) => s.results));
    expect(pts.map((p) => p.cutoff)).toEqual([3, 5, 8]);
    expect(pts[1].eRmse).toBeLessThan(pts[0].eRmse);
    expect(pts[0].eRmse).toBeLessThan(pts[2].eRmse);
    const svg = cutoffScanSvg(pts, 'toy scan');
    expect(svg).toContain('SOAP cutoff (Å)');
    expect(svg).toContain('test energy RMSE (kcal/mol)');
    expect(svg).toContain('test force RMSE (kcal/mol/Å)');
    const table = cutoffScanTable(scan);
    expect(table.split('\n')).toHaveLength(4);
    expect(table).toContain(pts[0].eRmse.toFixed(3));

    // resume: a cutoff with finished results trains nothing more
    let trained = 0;
    const counting: Trainer = { ...toyTrainer, train: (...a) => (trained++, toyTrainer.train(...a)) };
    const again = await runCutoffScan({
      ds,
      trainer: counting,
      spec: spec(ds),
      cutoffs: [3, 5, 8],
      trainErrors: false,
      previous: (rc) => scan.find((s) => s.cutoff === rc && rc !== 8)?.results,
    });
    expect(trained).toBe(2);
    expect(again[0].results.folds).toEqual(scan[0].results.folds);
  });

  it('stops when cancelled', async () => {
    const ds = toyDataset();
    const ac = new AbortController();
    await expect(
      runCutoffScan({
        ds,
        trainer: toyTrainer,
        spec: spec(ds),
        cutoffs: [3, 4],
        signal: ac.signal,
        trainErrors: false,
        onCutoffDone: () => ac.abort(),
      }),
    ).rejects.toThrow();
  });
});

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const haveGlycine = existsSync(join(root, 'public', 'data', 'glycine.npz'));

describe.skipIf(!haveGlycine)('pes experiment --cutoff-scan', () => {
  it('writes one resumable results file per cutoff and the error-vs-cutoff SVG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pes-scan-'));
    const out = join(dir, 'gly.json');
    const argv = ['experiment', 'glycine', '--model', 'gap', '--preset', 'fast', '--n-sparse', '10'];
    argv.push('--cutoff-scan', '3:4:1', '--sizes', '5', '--folds', '2', '--out', out, '--quiet');
    expect(await main(argv)).toBe(0);
    const r3 = parseResults(readFileSync(join(dir, 'gly-rc3.json'), 'utf8'));
    const r4 = parseResults(readFileSync(join(dir, 'gly-rc4.json'), 'utf8'));
    expect([r3.spec.params.cutoff, r4.spec.params.cutoff]).toEqual([3, 4]);
    expect(r3.folds).toHaveLength(2);
    expect(r4.folds.map((f) => f.trainIdx)).toEqual(r3.folds.map((f) => f.trainIdx));
    expect(r3.folds[0].test.eRmse).not.toBe(r4.folds[0].test.eRmse);
    const svg = readFileSync(join(dir, 'gly-cutoff-scan.svg'), 'utf8');
    expect(svg).toContain('SOAP cutoff (Å)');
    expect(existsSync(join(dir, 'gly-rc3.csv'))).toBe(true);
    // rerun: everything is kept
    expect(await main(argv)).toBe(0);
    expect(parseResults(readFileSync(join(dir, 'gly-rc4.json'), 'utf8')).folds).toEqual(r4.folds);
    // the app's worker method runs the same engine: same folds and numbers
    const ds = readDatasetFile(
      'glycine.npz',
      readFileSync(join(root, 'public', 'data', 'glycine.npz')),
    ).dataset;
    const seen: number[] = [];
    const w = await evalWorkerMethods.runCutoffScan(
      {
        dataset: { kind: 'inline', id: 'gly', dataset: ds },
        model: 'gap',
        options: { preset: 'fast', 'n-sparse': '10' },
        sizes: [5],
        folds: 2,
        seed: 1,
        cutoffs: [3, 4],
      },
      (p) => void seen.push(p.cutoffIndex),
    );
    expect(w.cancelled).toBe(false);
    expect(w.scan.map((e) => e.cutoff)).toEqual([3, 4]);
    expect(w.scan[0].results.folds.map((f) => f.test)).toEqual(r3.folds.map((f) => f.test));
    expect(w.scan[1].results.folds.map((f) => f.test)).toEqual(r4.folds.map((f) => f.test));
    expect(seen).toContain(1);
    await expect(
      evalWorkerMethods.runCutoffScan({
        dataset: { kind: 'inline', id: 'gly', dataset: ds },
        model: 'gap',
        options: { 'transition-width': '3.5' },
        sizes: [5],
        folds: 2,
        seed: 1,
        cutoffs: [3, 4],
      }),
    ).rejects.toThrow(/transition-width/);
    // bad input
    expect(await main(['experiment', 'glycine', '--model', 'sgdml', '--cutoff-scan', '3:4:1'])).toBe(1);
    expect(await main([...argv, '--cutoff', '5'])).toBe(1);
  }, 120_000);
});
