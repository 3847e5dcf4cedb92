import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseResults, type ExperimentResults } from '../../src/eval/results';
import {
  clusterBarsFigure,
  learningCurveFigure,
  parityFigure,
  partialSizes,
  type LoadedRun,
} from '../../src/ui/study/figures';

const spread = (mean: number) => ({ mean, std: 0.1 * mean });
const size = (n: number, nFolds: number, e: number, f: number) => ({
  size: n,
  nFolds,
  bestFold: 0,
  best: { eMae: e, eRmse: e, fMae: f, fRmse: f },
  mean: { eMae: spread(e), eRmse: spread(e), fMae: spread(f), fRmse: spread(f) },
});
const run: LoadedRun = {
  key: 'study/azobenzene-rotation-gap',
  label: 'GAP/SOAP',
  results: {
    spec: { folds: 5 },
    summary: [size(100, 5, 1.8, 4.6), size(200, 5, 1.4, 4.1), size(400, 2, 1.2, 3.8)],
  } as unknown as ExperimentResults,
};

describe('Study view learning curves', () => {
  it('marks sizes with fewer folds than planned and names them', () => {
    const fig = learningCurveFigure([run], 'force', 'both');
    expect(fig.data).toHaveLength(2);
    const best = fig.data[0] as { marker: { symbol: string[] }; text: string[] };
    expect(best.marker.symbol).toEqual(['circle', 'circle', 'diamond']);
    expect(best.text[2]).toBe('2 of 5 folds');
    expect((fig.data[1] as { marker: { symbol: string[] } }).marker.symbol[2]).toBe('diamond-open');
    expect(partialSizes([run])).toEqual(['GAP/SOAP, n = 400: 2 of 5 folds']);
  });

  it('labels both log axes with full numbers', () => {
    const fig = learningCurveFigure([run], 'energy', 'best');
    const y = fig.layout.yaxis as { tickmode: string; ticktext: string[]; tickvals: number[] };
    expect(y.tickmode).toBe('array');
    const shown = y.ticktext.filter((_, i) => y.tickvals[i] >= 1.2 && y.tickvals[i] <= 1.8);
    expect(shown).toEqual(['1.2', '1.4', '1.6', '1.8']); // a narrow range: fine steps
    const x = fig.layout.xaxis as { ticktext: string[]; tickvals: number[] };
    expect(x.ticktext.filter((_, i) => x.tickvals[i] >= 100 && x.tickvals[i] <= 400)).toEqual([
      '100',
      '150',
      '200',
      '300',
      '400',
    ]);
  });
});

describe('Study view cluster bars (Fig. 7)', () => {
  it('draws one bar trace per run and the population on its own round-numbered axis', () => {
    const committed = (name: string): LoadedRun => ({
      key: `study/${name}`,
      label: name,
      results: parseResults(readFileSync(`docs/results/study/${name}.json`, 'utf8')),
    });
    const runs = [committed('azobenzene-rotation-gap'), committed('azobenzene-rotation-schnet')];
    const fig = clusterBarsFigure(runs, 'largest', 'force');
    expect(fig).not.toBeNull();
    const types = fig!.data.map((d) => d.type);
    expect(types).toEqual(['bar', 'bar', 'scatter']);
    const pop = fig!.data[2] as { y: number[]; yaxis: string };
    expect(pop.yaxis).toBe('y2');
    expect(pop.y.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 6);
    // not plotly's 'sync' default, which put ticks like 26.39 and 21.99 on the population axis
    expect((fig!.layout.yaxis2 as { tickmode: string }).tickmode).toBe('auto');
  });
});

describe('Study view parity plot', () => {
  const withParity = (label: string, e0: number, shift: number): LoadedRun => ({
    key: `study/${label}`,
    label,
    results: {
      spec: { folds: 5 },
      summary: [size(100, 5, 1, 3), size(200, 5, 0.5, 2)],
      folds: [
        { size: 100, fold: 0, test: { eRmse: 1, fRmse: 3 }, parity: undefined },
        {
          size: 200,
          fold: 0,
          test: { eRmse: 0.5, fRmse: 2 },
          parity: {
            eRef: [e0 + 2, e0, e0 + 5],
            ePred: [e0 + 2 + shift, e0 - shift, e0 + 5],
            fRef: [-10, 0, 10],
            fPred: [-9, 1, 11],
          },
        },
      ],
    } as unknown as ExperimentResults,
  });

  it('draws each run best fold against the reference, energies from each sample lowest reference', () => {
    const fig = parityFigure(
      [withParity('A', -11200, 0.5), withParity('B', -23000, 1)],
      'largest',
      'energy',
    )!;
    expect(fig.data).toHaveLength(3); // y = x, then one trace per run
    const [line, a, b] = fig.data as { x: number[]; y: number[]; name: string }[];
    expect(a.x).toEqual([2, 0, 5]);
    expect(a.y).toEqual([2.5, -0.5, 5]);
    expect(b.y).toEqual([3, -1, 5]);
    expect(a.name).toMatch(/^A, n = 200 \(fold 1\): RMSE 0.500 kcal\/mol$/);
    // the diagonal spans every point, axes share the range
    expect(line.x[0]).toBeLessThan(-1);
    expect(line.x[1]).toBeGreaterThan(5);
    const layout = fig.layout as {
      xaxis: { range: number[]; title: { text: string } };
      yaxis: { range: number[] };
    };
    expect(layout.yaxis.range).toEqual(layout.xaxis.range);
    expect(layout.xaxis.title.text).toContain('kcal/mol');
  });

  it('forces are drawn as they are; a size without a parity sample gives no figure', () => {
    const f = parityFigure([withParity('A', 0, 0)], 200, 'force')!;
    expect((f.data[1] as { x: number[] }).x).toEqual([-10, 0, 10]);
    expect((f.layout as { xaxis: { title: { text: string } } }).xaxis.title.text).toContain('kcal/mol/Å');
    expect(parityFigure([withParity('A', 0, 0)], 100, 'energy')).toBeNull();
    expect(parityFigure([], 'largest', 'force')).toBeNull();
  });
});
