import { describe, expect, it } from 'vitest';
import {
  bestFoldText,
  clusterBarsSvg,
  experimentClusterBars,
  learningCurvesSvg,
  linearTicks,
  logTicks,
  thinTicks,
} from '../../src/eval/report-svg.ts';
import { descriptorComparisonSvg } from '../../src/eval/study-figures.ts';
import { summarize, type ExperimentResults, type FoldResult } from '../../src/eval/results.ts';
import type { ClusterError } from '../../src/eval/metrics.ts';

/** Every opened element is closed, in order (a tiny well-formedness check). */
function wellFormed(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m;
    if (self) continue;
    if (close) {
      if (stack.pop() !== name) return false;
    } else stack.push(name);
  }
  return stack.length === 0;
}

function fakeResults(): ExperimentResults {
  const folds: FoldResult[] = [];
  const cl = (e: number): ClusterError[] =>
    Array.from({ length: 18 }, (_, c) => ({
      cluster: c,
      population: c === 17 ? 0.5 : c === 0 ? 0.5 : 0,
      n: c === 0 || c === 17 ? 10 : 0,
      eMae: e,
      eRmse: c === 0 || c === 17 ? e * (1 + c / 17) : NaN,
      fMae: e,
      fRmse: c === 0 || c === 17 ? 3 * e : NaN,
      eMax: e,
      fMax: e,
    }));
  for (const size of [100, 200, 400])
    for (let fold = 0; fold < 5; fold++) {
      const e = 10 / size + fold * 0.001;
      folds.push({
        size,
        fold,
        trainIdx: [],
        nTest: 4 * size,
        test: { n: 4 * size, eMae: e, eRmse: e, fMae: 4 * e, fRmse: 5 * e, eMax: e, fMax: e },
        trainSeconds: 1,
        testSeconds: 1,
        phi: cl(e),
      });
    }
  const r: ExperimentResults = {
    format: 'pes-experiment',
    version: 1,
    spec: {
      dataset: { name: 'toy', nFrames: 5000, nAtoms: 24 },
      model: 'sgdml',
      params: { descriptor: 'inv+ang' },
      sizes: [100, 200, 400],
      folds: 5,
      seed: 1,
      validSize: 0,
      phiAtoms: [2, 0, 1, 8],
      geometryClusters: false,
      bestRule: 'energy',
    },
    createdAt: '',
    updatedAt: '',
    folds,
    summary: [],
  };
  r.summary = summarize(r);
  return r;
}

describe('SVG report', () => {
  it('ticks: nice linear steps and 1-2-5 log decades', () => {
    expect(linearTicks(0, 1)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(logTicks(0.05, 12)).toEqual([0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]);
  });

  it('ticks whose labels would collide are thinned, the rounder value kept', () => {
    // a log axis from 87 to 345 over 400 px: "90" sits 30 px left of "100"
    const at = (v: number) => (400 * Math.log(v / 87)) / Math.log(345 / 87);
    const ticks = logTicks(87, 345);
    expect(ticks.slice(0, 3)).toEqual([90, 100, 150]);
    const kept = thinTicks(ticks, at, () => 40);
    expect(kept).toContain(100);
    expect(kept).not.toContain(90);
    expect(kept).toEqual([...kept].sort((a, b) => a - b));
    for (let i = 1; i < kept.length; i++) expect(at(kept[i]) - at(kept[i - 1])).toBeGreaterThanOrEqual(40);
    // with room to spare nothing is dropped
    expect(thinTicks(ticks, at, () => 1)).toEqual(ticks);
  });

  it('learning curves: two log-log panels with units, best and mean series with a band', () => {
    const svg = learningCurvesSvg([{ results: fakeResults() }]);
    expect(wellFormed(svg)).toBe(true);
    expect(svg).toContain('test energy RMSE (kcal/mol)');
    expect(svg).toContain('test force RMSE (kcal/mol/Å)');
    expect(svg).toContain('training set size');
    expect(svg).toContain('sGDML [1/r + ang] · toy best');
    // 2 panels × (best + mean) × 3 sizes markers, + 2 legend markers per panel
    expect((svg.match(/<circle /g) ?? []).length).toBe(2 * 2 * 3 + 2 * 2);
    expect((svg.match(/<polygon /g) ?? []).length).toBe(2);
  });

  it('captions name the sizes that miss folds (an interrupted run)', () => {
    const full = fakeResults();
    expect(learningCurvesSvg([{ results: full }])).not.toContain('fewer folds');
    expect(bestFoldText(full, full.summary[2])).toMatch(/^best fold \(\d\) of 5$/);
    const cut = fakeResults();
    cut.folds = cut.folds.filter((f) => !(f.size === 400 && f.fold === 4));
    cut.summary = summarize(cut);
    expect(learningCurvesSvg([{ results: cut }])).toContain('fewer folds: n = 400 (4 of 5)');
    expect(bestFoldText(cut, cut.summary[2])).toMatch(/of 4 finished \(5 planned\)$/);
    expect(bestFoldText(cut, cut.summary[1])).toMatch(/of 5$/);
  });

  it('cluster bars: 18 φ clusters, bars only where frames exist, population line in %', () => {
    const r = fakeResults();
    const bars = experimentClusterBars(r, 'phi', 400);
    expect(bars.length).toBe(18);
    expect(bars[0].label).toBe('0–10°');
    expect(bars[17].population).toBeCloseTo(0.5, 12);
    const svg = clusterBarsSvg(bars, { title: 't', xLabel: 'φ cluster' });
    expect(wellFormed(svg)).toBe(true);
    expect(svg).toContain('energy RMSE (kcal/mol)');
    expect(svg).toContain('force RMSE (kcal/mol/Å)');
    expect(svg).toContain('population (%)');
    expect(
      (svg.match(/<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="#/g) ?? []).length,
    ).toBe(4);
    expect(experimentClusterBars(r, 'geometry', 400)).toEqual([]);
  });

  it('descriptor comparison (Fig. 6b): one colour per descriptor, dashed for the second mechanism', () => {
    const r = fakeResults();
    const curves = ['rotation', 'inversion'].flatMap((mechanism) =>
      ['[1/r]', '[1/r + ang]'].map((descriptor) => ({ mechanism, descriptor, results: r })),
    );
    const svg = descriptorComparisonSvg(curves);
    expect(wellFormed(svg)).toBe(true);
    for (const c of curves) expect(svg).toContain(`${c.mechanism}, ${c.descriptor}`);
    expect(svg).toContain('test force RMSE (kcal/mol/Å)');
    // 2 panels × 4 curves: the two inversion curves dashed, in the plot and in the legend
    expect((svg.match(/<polyline [^>]*stroke-dasharray/g) ?? []).length).toBe(2 * 2);
    expect((svg.match(/<polyline /g) ?? []).length).toBe(2 * 4);
    const colour = (name: string) =>
      new RegExp(`stroke="(#[0-9a-f]+)"[^>]*/>\\s*<text[^>]*>${name.replace(/[[\]+/]/g, '\\$&')}<`).exec(
        svg,
      )?.[1];
    expect(colour('rotation, [1/r]')).toMatch(/^#/);
    expect(colour('rotation, [1/r]')).toBe(colour('inversion, [1/r]'));
    expect(colour('rotation, [1/r]')).not.toBe(colour('rotation, [1/r + ang]'));
  });
});
