import { describe, expect, it } from 'vitest';
import type { ExperimentResults, FoldResult } from '../../src/eval/results.ts';
import { summarize } from '../../src/eval/results.ts';
import {
  clusterFigure,
  compareFigure,
  errorVsEnergyFigure,
  learningCurveFigure,
  parityFigure,
  pathFigure,
} from '../../src/ui/evaluate/figures.ts';
import { etaSeconds, fmtSeconds } from '../../src/ui/evaluate/RunProgress.tsx';
import { sizeWarning } from '../../src/ui/evaluate/ExperimentForm.tsx';
import { requestFromForm } from '../../src/ui/evaluate/runner.ts';
import { DEFAULT_FORM } from '../../src/state/evaluate.ts';

const stats = (e: number, f: number) => ({
  n: 40,
  eMae: e / 2,
  eRmse: e,
  fMae: f / 2,
  fRmse: f,
  eMax: 2 * e,
  fMax: 2 * f,
});
const cluster = (c: number, e: number, pop: number) => ({ cluster: c, population: pop, ...stats(e, e) });

function fold(size: number, k: number, e: number, f: number): FoldResult {
  return {
    size,
    fold: k,
    trainIdx: [k],
    nTest: 40,
    test: stats(e, f),
    trainSeconds: 1,
    testSeconds: 1,
    phi: Array.from({ length: 18 }, (_, c) => cluster(c, c === 3 ? NaN : e + c, c === 3 ? 0 : 1 / 17)),
    parity: { eRef: [-100, -90, -80], ePred: [-99, -91, -78], fRef: [1, -2], fPred: [1.5, -2.5] },
  };
}

function results(): ExperimentResults {
  const folds = [fold(10, 0, 3, 9), fold(10, 1, 2, 8), fold(20, 0, 1.5, 5), fold(20, 1, 1, 6)];
  const spec = {
    dataset: { name: 'x', nFrames: 100, nAtoms: 2 },
    model: 'sgdml' as const,
    params: {},
    sizes: [10, 20],
    folds: 2,
    seed: 1,
    validSize: 0,
    phiAtoms: [0, 1, 2, 3],
    geometryClusters: false,
    bestRule: 'energy' as const,
  };
  const r: ExperimentResults = {
    format: 'pes-experiment',
    version: 1,
    spec,
    createdAt: '',
    updatedAt: '',
    folds,
    summary: [],
    phiPopulation: Array.from({ length: 18 }, (_, c) => (c === 0 ? 0.5 : 0.5 / 17)),
  };
  r.summary = summarize(r);
  return r;
}

describe('evaluate figures', () => {
  it('learning curves: best fold and mean ± sd per size, log–log with units', () => {
    const f = learningCurveFigure(results(), 'eRmse');
    const [each, mean, best] = f.data as { x: number[]; y: number[]; error_y?: { array: number[] } }[];
    expect(each.y).toEqual([3, 2, 1.5, 1]);
    expect(best.x).toEqual([10, 20]);
    expect(best.y).toEqual([2, 1]); // energy rule: lowest energy RMSE
    expect(mean.y).toEqual([2.5, 1.25]);
    expect(mean.error_y!.array[0]).toBeCloseTo(Math.SQRT1_2, 12);
    const l = f.layout as {
      xaxis: { type: string; title: { text: string } };
      yaxis: { type: string; title: { text: string } };
    };
    expect([l.xaxis.type, l.yaxis.type]).toEqual(['log', 'log']);
    expect(l.yaxis.title.text).toContain('(kcal/mol)');
    expect((learningCurveFigure(results(), 'fRmse').layout as typeof l).yaxis.title.text).toContain(
      'kcal/mol/Å',
    );
  });

  it('parity: energies relative to the lowest reference, equal axis ranges', () => {
    const f = parityFigure(results(), 20, 'e')!;
    const pts = f.data[1] as { x: number[]; y: number[] };
    expect(pts.x).toEqual([0, 10, 20]);
    expect(pts.y).toEqual([1, 9, 22]);
    const l = f.layout as { xaxis: { range: number[] }; yaxis: { range: number[] } };
    expect(l.xaxis.range).toEqual(l.yaxis.range);
    expect(l.xaxis.range[0]).toBeLessThan(0);
    expect(l.xaxis.range[1]).toBeGreaterThan(22);
    expect(parityFigure(results(), 30, 'e')).toBeNull();
  });

  it('φ clusters: 18 bars (empty cluster as a gap) and the dataset population in %', () => {
    const f = clusterFigure(results(), { which: 'phi', size: 20, metric: 'eRmse', stat: 'best' })!;
    const [bars, pop] = f.data as { x: string[]; y: (number | null)[] }[];
    expect(bars.x).toHaveLength(18);
    expect(bars.x[0]).toBe('0–10°');
    expect(bars.y[3]).toBeNull();
    expect(bars.y[0]).toBe(1); // best fold of n=20 is fold 1 (energy RMSE 1)
    expect(pop.y[0]).toBe(50);
    expect(
      clusterFigure(results(), { which: 'geometry', size: 20, metric: 'eRmse', stat: 'best' }),
    ).toBeNull();
    expect(pathFigure(results(), 20)).toBeNull();
  });

  it('geometry clusters: labels g.e (geometry cluster, energy level) and the test-frame population', () => {
    const r = results();
    for (const f of r.folds) f.geometry = [cluster(0, 1, 0.25), cluster(1, 2, 0.75), cluster(2, 3, 0)];
    r.geometryInfo = {
      nClusters: 3,
      agglomerativeFrames: 100,
      clusters: [
        { geometry: 0, meanE: 1, size: 10 },
        { geometry: 0, meanE: 5, size: 10 },
        { geometry: 1, meanE: 2, size: 80 },
      ],
    };
    const f = clusterFigure(r, { which: 'geometry', size: 10, metric: 'fRmse', stat: 'mean' })!;
    const [bars, pop] = f.data as { x: string[]; y: number[]; name: string }[];
    expect(bars.x).toEqual(['g0.e0', 'g0.e1', 'g1.e0']);
    expect(bars.y).toEqual([1, 2, 3]);
    expect(pop.y).toEqual([25, 75, 0]);
    expect(pop.name).toMatch(/test frames/);
  });

  it('error vs energy: bin centres relative to the lowest bin, empty bins as gaps', () => {
    const r = results();
    expect(errorVsEnergyFigure(r, 20)).toBeNull();
    const b = (lo: number, n: number, e: number) => ({ lo, hi: lo + 2, ...stats(e, 2 * e), n });
    r.folds[3].errorVsEnergy = [b(-100, 3, 1), b(-98, 0, NaN), b(-96, 5, 2)];
    const f = errorVsEnergyFigure(r, 20)!;
    const [e, fo] = f.data as { x: number[]; y: (number | null)[] }[];
    expect(e.x).toEqual([1, 3, 5]);
    expect(e.y).toEqual([1, null, 2]);
    expect(fo.y).toEqual([2, null, 4]);
  });

  it('comparison: best and mean curves per set', () => {
    const r = results();
    const f = compareFigure(
      [
        { label: 'a', results: r },
        { label: 'b', results: { ...r, summary: r.summary.slice(1) } },
      ],
      'fRmse',
    );
    const d = f.data as { name: string; x: number[]; y: number[] }[];
    expect(d.map((t) => t.name)).toEqual(['a: best', 'a: mean', 'b: best', 'b: mean']);
    expect(d[2].x).toEqual([20]);
    expect(d[0].y).toEqual([8, 6]);
  });

  it('ETA from the progress rate; size warnings; the form read into a request', () => {
    const run = {
      status: 'running' as const,
      fraction: 0.5,
      done: 5,
      total: 10,
      stage: 'train',
      size: 10,
      fold: 0,
      startedAt: 0,
      startFraction: 0,
      firstAt: 10_000,
      firstFraction: 0.1,
    };
    expect(etaSeconds(run, 50_000)).toBeCloseTo(50, 9); // 0.4 in 40 s → 0.5 left in 50 s
    expect(etaSeconds({ ...run, firstAt: undefined }, 50_000)).toBeNaN();
    expect(fmtSeconds(5400)).toBe('1.5 h');
    expect(sizeWarning('100,500', '5')).toMatch(/take long in a browser/);
    expect(sizeWarning('10,20', '5')).toBeNull();
    expect(sizeWarning('100', '5', { id: 'g', name: 'g', origin: 'bundled', nFrames: 400 })).toMatch(
      /needs 500 frames/,
    );
    const req = requestFromForm({
      ...DEFAULT_FORM,
      sizes: '20,10',
      options: { sigma: '20', gdml: false, lambda: '' },
    });
    expect(req).toMatchObject({
      model: 'sgdml',
      sizes: [10, 20],
      folds: 5,
      seed: 1,
      phiAtoms: 'auto',
      options: { sigma: '20' },
    });
    expect(() => requestFromForm({ ...DEFAULT_FORM, phi: 'custom', phiAtoms: '1,2,3' })).toThrow(
      /four atom indices/,
    );
    expect(() => requestFromForm({ ...DEFAULT_FORM, folds: 'two' })).toThrow(
      /folds: "two" is not an integer/,
    );
  });
});
