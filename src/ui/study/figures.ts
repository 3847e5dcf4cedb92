/**
 * Plotly figures of the Study view, built from parsed results (pure, no DOM): learning curves (test
 * energy or force RMSE vs training size, log–log, best fold solid and mean ± sd dashed), per-cluster
 * bars of several runs side by side, and parity plots of their best folds on one set of axes.
 */
import { meanClusterErrors, type ExperimentResults } from '../../eval/results';
import { phiClusterLabel } from '../../data/cluster';
import { identityLine } from '../evaluate/figures';
import { withLogTicks } from '../logTicks';

export interface PlotFigure {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
}

export const RUN_COLOURS = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#9467bd',
  '#ff7f0e',
  '#17becf',
  '#8c564b',
  '#e377c2',
];

export interface LoadedRun {
  key: string;
  label: string;
  results: ExperimentResults;
}

/** Learning curve of one quantity for several runs. */
export function learningCurveFigure(
  runs: LoadedRun[],
  quantity: 'energy' | 'force',
  stat: 'best' | 'mean' | 'both',
): PlotFigure {
  const key = quantity === 'energy' ? 'eRmse' : 'fRmse';
  const data: Record<string, unknown>[] = [];
  runs.forEach((r, i) => {
    const color = RUN_COLOURS[i % RUN_COLOURS.length];
    const s = r.results.summary;
    const x = s.map((q) => q.size);
    // a size with fewer folds than planned (a run still going) is drawn as a diamond
    const partial = s.map((q) => q.nFolds < r.results.spec.folds);
    const text = s.map((q) => `${q.nFolds} of ${r.results.spec.folds} folds`);
    if (stat !== 'mean')
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name: `${r.label} best`,
        x,
        y: s.map((q) => q.best[key]),
        text,
        line: { color, width: 2 },
        marker: { color, size: 7, symbol: partial.map((p) => (p ? 'diamond' : 'circle')) },
      });
    if (stat !== 'best')
      data.push({
        type: 'scatter',
        mode: 'lines+markers',
        name: `${r.label} mean ± sd`,
        x,
        y: s.map((q) => q.mean[key].mean),
        text,
        error_y: { type: 'data', array: s.map((q) => q.mean[key].std), visible: true, color },
        line: { color, width: 1.5, dash: 'dash' },
        marker: {
          color,
          size: 6,
          symbol: partial.map((p) => (p ? 'diamond-open' : 'circle-open')),
        },
      });
  });
  const unit = quantity === 'energy' ? 'kcal/mol' : 'kcal/mol/Å';
  return withLogTicks({
    data,
    layout: {
      title: { text: quantity === 'energy' ? 'Energy' : 'Forces' },
      xaxis: { title: { text: 'training set size n (frames)' }, type: 'log' },
      yaxis: { title: { text: `test ${quantity} RMSE (${unit})` }, type: 'log' },
      legend: { orientation: 'h', x: 0, y: -0.28, yanchor: 'top' },
      margin: { l: 70, r: 20, t: 40, b: 40 },
    },
  });
}

/** "n = 400: 2 of 5 folds" for each size of each run that has fewer folds than planned. */
export function partialSizes(runs: LoadedRun[]): string[] {
  return runs.flatMap((r) =>
    r.results.summary
      .filter((q) => q.nFolds < r.results.spec.folds)
      .map((q) => `${r.label}, n = ${q.size}: ${q.nFolds} of ${r.results.spec.folds} folds`),
  );
}

/** Every training size any of the runs has finished, ascending. */
export function allSizes(runs: LoadedRun[]): number[] {
  return [...new Set(runs.flatMap((r) => r.results.summary.map((q) => q.size)))].sort((a, b) => a - b);
}

/**
 * Per-φ-cluster (Fig. 7) energy or force RMSE of the best fold at size n ('largest': each run's largest
 * finished size), runs side by side, with the population of the first run as a line.
 */
export function clusterBarsFigure(
  runs: LoadedRun[],
  sizeWanted: number | 'largest',
  quantity: 'energy' | 'force',
  which: 'phi' | 'geometry' = 'phi',
): PlotFigure | null {
  const key = quantity === 'energy' ? 'eRmse' : 'fRmse';
  const data: Record<string, unknown>[] = [];
  let labels: string[] = [];
  const sizeOf = (r: LoadedRun) =>
    sizeWanted === 'largest' ? r.results.summary[r.results.summary.length - 1]?.size : sizeWanted;
  runs.forEach((r, i) => {
    const size = sizeOf(r);
    const s = r.results.summary.find((q) => q.size === size);
    if (!s || size === undefined) return;
    const rows = meanClusterErrors(r.results, size, which, s.bestFold);
    if (!rows.length) return;
    const lab = rows.map((c) => (which === 'phi' ? phiClusterLabel(c.cluster) : String(c.cluster)));
    if (lab.length > labels.length) labels = lab;
    data.push({
      type: 'bar',
      name: sizeWanted === 'largest' ? `${r.label}, n = ${size}` : r.label,
      x: lab,
      y: rows.map((c) => (c.n > 0 ? c[key] : null)),
      marker: { color: RUN_COLOURS[i % RUN_COLOURS.length] },
      customdata: rows.map((c) => c.population),
      hovertemplate: `%{x}: %{y:.3f} ${quantity === 'energy' ? 'kcal/mol' : 'kcal/mol/Å'}, population %{customdata:.1%}<extra>${r.label}</extra>`,
    });
  });
  if (!data.length) return null;
  // the population of each cluster (share of the first run's test frames), as the paper's orange line
  const first = runs.find((r) => r.results.summary.some((q) => q.size === sizeOf(r)));
  const fs = first && first.results.summary.find((q) => q.size === sizeOf(first));
  const pop = first && fs ? meanClusterErrors(first.results, fs.size, which, fs.bestFold) : [];
  if (pop.length)
    data.push({
      type: 'scatter',
      mode: 'lines+markers',
      name: 'population (share of test frames)',
      x: labels,
      y: pop.map((c) => 100 * c.population),
      yaxis: 'y2',
      line: { color: '#ff7f0e', width: 2 },
      marker: { size: 5, color: '#ff7f0e' },
      hovertemplate: '%{x}: %{y:.1f} % of the test frames<extra></extra>',
    });
  const unit = quantity === 'energy' ? 'kcal/mol' : 'kcal/mol/Å';
  return {
    data,
    layout: {
      barmode: 'group',
      title: {
        text: `${quantity === 'energy' ? 'Energy' : 'Force'} error per ${which === 'phi' ? 'φ' : 'geometry'} cluster, ${sizeWanted === 'largest' ? 'largest n of each run' : `n = ${sizeWanted}`}`,
      },
      xaxis: {
        title: { text: which === 'phi' ? 'CNNC dihedral φ cluster' : 'geometry cluster' },
        categoryorder: 'array',
        categoryarray: labels,
      },
      yaxis: { title: { text: `test ${quantity} RMSE (${unit})` }, rangemode: 'tozero' },
      yaxis2: {
        title: { text: 'population (%)' },
        overlaying: 'y',
        side: 'right',
        rangemode: 'tozero',
        // plotly's default for an overlaying axis syncs its ticks to the left axis' grid (26.39, 21.99 …)
        tickmode: 'auto',
        showgrid: false,
      },
      legend: { orientation: 'h', x: 0, y: -0.3, yanchor: 'top' },
      margin: { l: 70, r: 60, t: 40, b: 60 },
    },
  };
}

/**
 * Predicted vs reference test values of each run's best fold at size n ('largest': each run's largest
 * finished size), one colour per run, on shared axes with the y = x line. Energies are shifted by each
 * run's lowest reference energy in its sample, so runs on different molecules share the axes. Runs whose
 * results have no parity sample at that size are left out (null when none has one).
 */
export function parityFigure(
  runs: LoadedRun[],
  sizeWanted: number | 'largest',
  quantity: 'energy' | 'force',
): PlotFigure | null {
  const unit = quantity === 'energy' ? 'kcal/mol' : 'kcal/mol/Å';
  const data: Record<string, unknown>[] = [];
  let lo = Infinity;
  let hi = -Infinity;
  runs.forEach((r, i) => {
    const s =
      sizeWanted === 'largest'
        ? r.results.summary[r.results.summary.length - 1]
        : r.results.summary.find((q) => q.size === sizeWanted);
    const fold = s && r.results.folds.find((f) => f.size === s.size && f.fold === s.bestFold);
    const p = fold?.parity;
    if (!s || !fold || !p) return;
    let ref = quantity === 'energy' ? p.eRef : p.fRef;
    let pred = quantity === 'energy' ? p.ePred : p.fPred;
    if (!ref.length) return;
    if (quantity === 'energy') {
      const e0 = Math.min(...ref);
      ref = ref.map((v) => v - e0);
      pred = pred.map((v) => v - e0);
    }
    for (const v of [...ref, ...pred])
      if (Number.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    const rmse = quantity === 'energy' ? fold.test.eRmse : fold.test.fRmse;
    const color = RUN_COLOURS[i % RUN_COLOURS.length];
    data.push({
      type: 'scatter',
      mode: 'markers',
      name: `${r.label}, n = ${s.size} (fold ${fold.fold + 1}): RMSE ${rmse.toPrecision(3)} ${unit}`,
      x: ref,
      y: pred,
      marker: { color, size: 4, opacity: 0.55 },
      hovertemplate: `reference %{x:.2f}, predicted %{y:.2f} ${unit}<extra>${r.label}</extra>`,
    });
  });
  if (!data.length) return null;
  const pad = 0.04 * (hi - lo || 1);
  const range = [lo - pad, hi + pad];
  const what = quantity === 'energy' ? 'E − lowest E_ref' : 'force component';
  return {
    data: [identityLine(range[0], range[1]), ...data],
    layout: {
      title: {
        text: `${quantity === 'energy' ? 'Energies' : 'Forces'}: best fold, ${sizeWanted === 'largest' ? 'largest n of each run' : `n = ${sizeWanted}`} (test sample)`,
      },
      // square: one kcal/mol is as long on both axes, the plot narrower rather than the range wider
      xaxis: { title: { text: `reference ${what} (${unit})` }, range, constrain: 'domain' },
      yaxis: { title: { text: `predicted ${what} (${unit})` }, range, scaleanchor: 'x', constrain: 'domain' },
      legend: { orientation: 'h', x: 0, y: -0.2, yanchor: 'top' },
      margin: { l: 70, r: 20, t: 40, b: 60 },
    },
  };
}
