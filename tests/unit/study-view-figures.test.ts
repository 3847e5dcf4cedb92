import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseResults, type ExperimentResults } from '../../src/eval/results';
import {
  clusterBarsFigure,
  learningCurveFigure,
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
