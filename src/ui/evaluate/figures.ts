/**
 * Plotly figures (plain data + layout objects) of experiment results: learning curves, parity plots,
 * Fig. 7-style per-cluster errors and energy profiles along reference paths. Pure functions, no DOM.
 * Units: kcal/mol, kcal/mol/Å; training sizes in frames.
 */
import { experimentClusterBars, resultsLabel } from '../../eval/report-svg';
import type { ExperimentResults, FoldResult } from '../../eval/results';
import { withLogTicks } from '../logTicks';

export interface Figure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

export const COLOURS = ['#2563eb', '#e4572e', '#15803d', '#9c27b0', '#ff9f1c', '#17becf'];

/** NaN/∞ → null so plotly leaves a gap instead of failing. */
const fin = (x: number) => (Number.isFinite(x) ? x : null);

export type ErrorKey = 'eRmse' | 'fRmse' | 'eMae' | 'fMae';
const UNIT: Record<ErrorKey, string> = {
  eRmse: 'energy RMSE (kcal/mol)',
  eMae: 'energy MAE (kcal/mol)',
  fRmse: 'force RMSE (kcal/mol/Å)',
  fMae: 'force MAE (kcal/mol/Å)',
};

/** Test error vs training size, log–log: every fold (dots), mean ± sd over folds, and the best fold. */
export function learningCurveFigure(res: ExperimentResults, key: ErrorKey): Figure {
  const s = res.summary;
  const x = s.map((q) => q.size);
  const folds = res.folds;
  return withLogTicks({
    data: [
      {
        type: 'scatter',
        mode: 'markers',
        name: 'each fold',
        x: folds.map((f) => f.size),
        y: folds.map((f) => fin(f.test[key])),
        text: folds.map((f) => `fold ${f.fold + 1}`),
        marker: { color: COLOURS[0], size: 5, opacity: 0.35 },
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: 'mean ± sd',
        x,
        y: s.map((q) => fin(q.mean[key].mean)),
        error_y: { type: 'data', array: s.map((q) => fin(q.mean[key].std)), visible: true },
        line: { color: COLOURS[0], dash: 'dot' },
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: 'best fold',
        x,
        y: s.map((q) => fin(q.best[key])),
        text: s.map((q) => `fold ${q.bestFold + 1}`),
        line: { color: COLOURS[1] },
        marker: { size: 8 },
      },
    ],
    layout: {
      title: {
        text: `${key[0] === 'e' ? 'Energy' : 'Force'} ${key.slice(1).toUpperCase()} vs training size`,
        font: { size: 14 },
      },
      xaxis: { type: 'log', title: { text: 'training size n (frames)' } },
      yaxis: { type: 'log', title: { text: `test ${UNIT[key]}` } },
    },
  });
}

/** The best fold of a size (undefined when the size has no finished fold). */
export function bestFoldOf(res: ExperimentResults, size: number): FoldResult | undefined {
  const s = res.summary.find((q) => q.size === size);
  return s && res.folds.find((f) => f.size === size && f.fold === s.bestFold);
}

/** The dashed y = x line of a parity plot from lo to hi. */
export function identityLine(lo: number, hi: number): Record<string, unknown> {
  return {
    type: 'scatter',
    mode: 'lines',
    name: 'y = x',
    x: [lo, hi],
    y: [lo, hi],
    line: { color: '#888', dash: 'dash', width: 1 },
    hoverinfo: 'skip',
  };
}

/** Predicted vs reference test values of the best fold of `size` (energies relative to the lowest reference). */
export function parityFigure(res: ExperimentResults, size: number, which: 'e' | 'f'): Figure | null {
  const f = bestFoldOf(res, size);
  const p = f?.parity;
  if (!f || !p) return null;
  let ref = which === 'e' ? p.eRef : p.fRef;
  let pred = which === 'e' ? p.ePred : p.fPred;
  if (which === 'e' && ref.length) {
    const e0 = Math.min(...ref);
    ref = ref.map((v) => v - e0);
    pred = pred.map((v) => v - e0);
  }
  const all = [...ref, ...pred].filter(Number.isFinite);
  const a = all.length ? Math.min(...all) : 0,
    b = all.length ? Math.max(...all) : 1;
  const pad = 0.04 * (b - a || 1);
  const lo = a - pad,
    hi = b + pad;
  const unit = which === 'e' ? 'kcal/mol' : 'kcal/mol/Å';
  const what = which === 'e' ? 'E − min E_ref' : 'force component';
  return {
    data: [
      identityLine(lo, hi),
      {
        type: 'scatter',
        mode: 'markers',
        name: `fold ${f.fold + 1} (best), ${ref.length} ${which === 'e' ? 'frames' : 'components'}`,
        x: ref,
        y: pred,
        marker: { color: which === 'e' ? COLOURS[0] : COLOURS[2], size: 4, opacity: 0.6 },
      },
    ],
    layout: {
      title: {
        text: `${which === 'e' ? 'Energies' : 'Forces'}, n = ${size}: test RMSE ${(which === 'e' ? f.test.eRmse : f.test.fRmse).toPrecision(3)} ${unit}`,
        font: { size: 14 },
      },
      xaxis: { title: { text: `reference ${what} (${unit})` }, range: [lo, hi] },
      yaxis: { title: { text: `predicted ${what} (${unit})` }, range: [lo, hi] },
    },
  };
}

export interface ClusterFigureOptions {
  which: 'phi' | 'geometry';
  size: number;
  metric: 'eRmse' | 'fRmse';
  stat: 'best' | 'mean';
}

/**
 * Fig. 7: test error per cluster (bars) with the cluster population (line, right axis, %). For φ clusters
 * the population is that of the whole dataset when the results have it (as in the paper), otherwise the
 * share of the test frames.
 */
export function clusterFigure(res: ExperimentResults, o: ClusterFigureOptions): Figure | null {
  const bars = experimentClusterBars(res, o.which, o.size, o.stat);
  if (!bars.length) return null;
  const pop =
    o.which === 'phi' && res.phiPopulation?.length === bars.length
      ? res.phiPopulation
      : bars.map((b) => b.population);
  const popWhat =
    o.which === 'phi' && res.phiPopulation?.length === bars.length ? 'dataset frames' : 'test frames';
  const x = bars.map((b) => b.label);
  return {
    data: [
      {
        type: 'bar',
        name: `${o.stat === 'best' ? 'best fold' : 'mean over folds'}: ${UNIT[o.metric]}`,
        x,
        y: bars.map((b) => fin(b[o.metric])),
        marker: { color: o.metric === 'eRmse' ? COLOURS[0] : COLOURS[2] },
        // the name in the hover text itself: plotly cuts a trace name in the side box at 15 characters
        hovertemplate: `%{x}: %{y:.3f}<br>${o.stat === 'best' ? 'best fold' : 'mean over folds'}, ${UNIT[o.metric]}<extra></extra>`,
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: `population (% of ${popWhat})`,
        x,
        y: pop.map((p) => 100 * p),
        yaxis: 'y2',
        line: { color: COLOURS[1] },
        hovertemplate: `%{x}: %{y:.1f} % of the ${popWhat}<extra></extra>`,
      },
    ],
    layout: {
      title: {
        text: `${o.which === 'phi' ? 'φ (C–N=N–C) clusters, 10° bins' : 'Geometry clusters (Ward 10 × k-means on E)'}, n = ${o.size}`,
        font: { size: 14 },
      },
      xaxis: {
        title: { text: o.which === 'phi' ? '|φ| cluster' : 'geometry cluster . energy level' },
        type: 'category',
      },
      yaxis: { title: { text: `test ${UNIT[o.metric]}` }, rangemode: 'tozero' },
      yaxis2: {
        title: { text: 'population (%)' },
        overlaying: 'y',
        side: 'right',
        rangemode: 'tozero',
        tickmode: 'auto',
        showgrid: false,
      },
      bargap: 0.15,
    },
  };
}

/** Energy along each reference path (relative to its first point): reference and the best fold of `size`. */
export function pathFigure(res: ExperimentResults, size: number): Figure | null {
  const f = bestFoldOf(res, size);
  if (!f?.paths?.length) return null;
  return {
    data: f.paths.flatMap((p, i) => [
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: `${p.id}: reference (barrier ${p.barrierRef.toFixed(1)})`,
        x: p.points.map((q) => q.index),
        y: p.points.map((q) => q.eRefRel),
        line: { color: COLOURS[i % COLOURS.length], dash: 'dash' },
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: `${p.id}: model (barrier ${p.barrierPred.toFixed(1)}, E RMSE ${p.eRmse.toFixed(2)})`,
        x: p.points.map((q) => q.index),
        y: p.points.map((q) => q.ePredRel),
        line: { color: COLOURS[i % COLOURS.length] },
      },
    ]),
    layout: {
      title: { text: `Energy along the reference paths, best fold of n = ${size}`, font: { size: 14 } },
      xaxis: { title: { text: 'path point' }, dtick: 2 },
      yaxis: { title: { text: 'E − E(first point) (kcal/mol)' } },
    },
  };
}

/** A one-line description of the results for headings. */
export function resultsTitle(res: ExperimentResults): string {
  return `${resultsLabel(res)} · ${res.spec.folds} folds · seed ${res.spec.seed}`;
}

/** Learning curves of several experiments side by side: each set's best fold (solid) and mean (dotted). */
export function compareFigure(sets: { label: string; results: ExperimentResults }[], key: ErrorKey): Figure {
  return withLogTicks({
    data: sets.flatMap(({ label, results: r }, i) => {
      const c = COLOURS[i % COLOURS.length];
      const x = r.summary.map((q) => q.size);
      return [
        {
          type: 'scatter',
          mode: 'lines+markers',
          name: `${label}: best`,
          x,
          y: r.summary.map((q) => fin(q.best[key])),
          line: { color: c },
        },
        {
          type: 'scatter',
          mode: 'lines',
          name: `${label}: mean`,
          x,
          y: r.summary.map((q) => fin(q.mean[key].mean)),
          line: { color: c, dash: 'dot', width: 1.5 },
        },
      ];
    }),
    layout: {
      title: {
        text: `${key[0] === 'e' ? 'Energy' : 'Force'} ${key.slice(1).toUpperCase()}: comparison`,
        font: { size: 14 },
      },
      // one legend row per curve, below the x-axis title
      legend: { orientation: 'h', yref: 'container', y: 0, yanchor: 'bottom' },
      margin: { l: 64, r: 24, t: 36, b: 64 + 20 * 2 * sets.length },
      xaxis: { type: 'log', title: { text: 'training size n (frames)' } },
      yaxis: { type: 'log', title: { text: `test ${UNIT[key]}` } },
    },
  });
}

/**
 * Test error vs reference energy (20 equal-width bins of the test frames' energy, relative to the lowest)
 * for the best fold of `size`: energy RMSE (left axis) and force RMSE (right axis), with frames per bin.
 */
export function errorVsEnergyFigure(res: ExperimentResults, size: number): Figure | null {
  const f = bestFoldOf(res, size);
  const bins = f?.errorVsEnergy;
  if (!f || !bins?.length) return null;
  const e0 = bins[0].lo;
  const x = bins.map((b) => (b.lo + b.hi) / 2 - e0);
  const text = bins.map((b) => `${b.n} frames`);
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: 'energy RMSE (kcal/mol)',
        x,
        y: bins.map((b) => (b.n ? fin(b.eRmse) : null)),
        text,
        line: { color: COLOURS[0] },
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: 'force RMSE (kcal/mol/Å)',
        x,
        y: bins.map((b) => (b.n ? fin(b.fRmse) : null)),
        text,
        yaxis: 'y2',
        line: { color: COLOURS[2] },
      },
    ],
    layout: {
      title: { text: `Error vs energy, best fold of n = ${size}`, font: { size: 14 } },
      xaxis: { title: { text: 'reference E − lowest test E (kcal/mol)' } },
      yaxis: { title: { text: 'test energy RMSE (kcal/mol)' }, rangemode: 'tozero' },
      yaxis2: {
        title: { text: 'test force RMSE (kcal/mol/Å)' },
        overlaying: 'y',
        side: 'right',
        rangemode: 'tozero',
        tickmode: 'auto',
        showgrid: false,
      },
    },
  };
}

/**
 * GAP cutoff scan (paper Fig. 6a): test RMSE of the best fold against the SOAP cutoff (Å), with the mean
 * over folds ± sd, at one training size.
 */
export function cutoffScanFigure(
  scan: { cutoff: number; results: ExperimentResults }[],
  size: number,
  key: 'eRmse' | 'fRmse',
): Figure {
  const rows = scan.flatMap((s) => {
    const q = s.results.summary.find((x) => x.size === size);
    return q ? [{ cutoff: s.cutoff, q }] : [];
  });
  const x = rows.map((r) => r.cutoff);
  return {
    data: [
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: 'mean ± sd',
        x,
        y: rows.map((r) => fin(r.q.mean[key].mean)),
        error_y: { type: 'data', array: rows.map((r) => fin(r.q.mean[key].std)), visible: true },
        line: { color: COLOURS[0], dash: 'dot' },
      },
      {
        type: 'scatter',
        mode: 'lines+markers',
        name: 'best fold',
        x,
        y: rows.map((r) => fin(r.q.best[key])),
        text: rows.map((r) => `fold ${r.q.bestFold + 1}`),
        line: { color: COLOURS[1] },
        marker: { size: 8 },
      },
    ],
    layout: {
      title: {
        text: `${key === 'eRmse' ? 'Energy' : 'Force'} RMSE vs SOAP cutoff, n = ${size}`,
        font: { size: 14 },
      },
      xaxis: { title: { text: 'SOAP cutoff (Å)' }, dtick: x.length > 1 ? undefined : 1 },
      yaxis: { title: { text: `test ${UNIT[key]}` }, rangemode: 'tozero' },
    },
  };
}
