/**
 * Fig. 7-style bars for one round of the error-flattening run: per-cluster test force RMSE of the
 * stratified and the error-flattened model of the same size, and ▼ over the clusters whose candidate-pool
 * error was above threshold × the mean (the ones that received the next frames). Plotly, lazy-loaded.
 */
import { useEffect, useRef, useState } from 'react';
import type { FlattenRoundReport } from '../../compute/beyondTasks';
import { drawChart, loadPlotly } from '../plotly';

const COLOURS = { stratified: '#8c96a3', flattened: '#e4572e', selected: '#17202b' };

export interface FlattenChartProps {
  round: FlattenRoundReport;
  clusterLabels: string[];
  clustering: 'phi' | 'geometry';
}

export function FlattenChart({ round, clusterLabels, clustering }: FlattenChartProps) {
  const el = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);
  // clusters with test frames (empty ones would only be gaps)
  const shown = clusterLabels
    .map((_, c) => c)
    .filter((c) => (round.flattened?.clusters[c]?.n ?? 0) > 0 || (round.stratified?.clusters[c]?.n ?? 0) > 0);

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    setState('loading');
    const css = getComputedStyle(document.documentElement);
    const text = css.getPropertyValue('--text').trim() || '#17202b';
    const grid = css.getPropertyValue('--border').trim() || '#d7dee7';
    const x = shown.map((c) => clusterLabels[c]);
    const bars = (name: string, errs: FlattenRoundReport['flattened'], color: string) => ({
      type: 'bar',
      name,
      x,
      y: shown.map((c) => errs?.clusters[c]?.fRmse ?? null),
      customdata: shown.map((c) => errs?.clusters[c]?.n ?? 0),
      hovertemplate: '%{x}: %{y:.3f} kcal/mol/Å (%{customdata} test frames)<extra>' + name + '</extra>',
      marker: { color },
    });
    const data: unknown[] = [];
    if (round.round > 0 && round.stratified)
      data.push(bars(`stratified, ${round.size} frames`, round.stratified, COLOURS.stratified));
    if (round.flattened)
      data.push(
        bars(
          round.round === 0
            ? `stratified start, ${round.size} frames`
            : `error-flattened, ${round.size} frames`,
          round.flattened,
          round.round === 0 ? COLOURS.stratified : COLOURS.flattened,
        ),
      );
    const sel = round.pool ? shown.filter((c) => round.pool!.clusters[c]?.selected) : [];
    if (sel.length > 0) {
      const top = (c: number) =>
        Math.max(round.flattened?.clusters[c]?.fRmse || 0, round.stratified?.clusters[c]?.fRmse || 0);
      data.push({
        type: 'scatter',
        mode: 'markers',
        name: `pool error > ${round.pool!.threshold}× mean (frames added next)`,
        x: sel.map((c) => clusterLabels[c]),
        y: sel.map((c) => top(c) * 1.06),
        customdata: sel.map((c) => round.pool!.clusters[c].added),
        hovertemplate: '%{x}: %{customdata} frames added<extra></extra>',
        marker: { symbol: 'triangle-down', size: 10, color: COLOURS.selected },
      });
    }
    const layout = {
      barmode: 'group',
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: 'rgba(0,0,0,0)',
      font: { color: text, size: 12 },
      margin: { l: 64, r: 12, t: 12, b: clustering === 'phi' ? 64 : 90 },
      height: 340,
      legend: { orientation: 'h', y: 1.12, font: { size: 11 } },
      xaxis: {
        title: {
          text:
            clustering === 'phi'
              ? '|φ| cluster (C–N=N–C dihedral, °)'
              : 'geometry cluster (mean E above the lowest, kcal/mol)',
        },
        type: 'category',
        tickangle: -45,
        gridcolor: grid,
      },
      yaxis: { title: { text: 'test force RMSE (kcal/mol/Å)' }, gridcolor: grid, rangemode: 'tozero' },
    };
    return drawChart(node, data, layout, (error) => {
      setState(error === undefined ? 'ready' : 'error');
      if (error !== undefined) setError(error);
    });
    // shown is derived from round and clusterLabels
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [round, clusterLabels, clustering]);

  useEffect(() => {
    const node = el.current;
    return () => {
      if (node)
        loadPlotly().then(
          (Plotly) => Plotly.purge(node),
          () => undefined,
        );
    };
  }, []);

  return (
    <figure
      className="flatten-chart"
      data-testid="flatten-chart"
      data-state={state}
      data-round={round.round}
      data-clusters={shown.length}
    >
      <div
        ref={el}
        className="flatten-chart-area"
        role="img"
        aria-label={`Test force RMSE per cluster, round ${round.round} (${round.size} training frames): stratified vs error-flattened`}
      />
      {error && <figcaption className="train-error">Could not draw the chart: {error}</figcaption>}
    </figure>
  );
}
