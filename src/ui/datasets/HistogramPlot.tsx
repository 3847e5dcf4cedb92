/**
 * One histogram as a plotly bar chart (lazy-loaded), with labelled axes and units. Several series are
 * stacked on shared bins; optional vertical marker lines (e.g. the 5 Å cutoff) with a label.
 */
import { useEffect, useRef, useState } from 'react';
import { drawChart, loadPlotly } from '../plotly';
import { chartColours, useThemeVersion } from '../chartTheme';

export interface BarSeries {
  name: string;
  counts: number[];
}

export interface HistogramPlotProps {
  testId: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** Bin edges (length = counts + 1). */
  edges: number[];
  series: BarSeries[];
  markers?: { x: number; label: string }[];
  xRange?: [number, number];
  xTickStep?: number;
}

const COLORS = ['#2563eb', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];

export function HistogramPlot(p: HistogramPlotProps) {
  const el = useRef<HTMLDivElement>(null);
  const themeVersion = useThemeVersion();
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const centres = p.edges.slice(0, -1).map((e, i) => (e + p.edges[i + 1]) / 2);
    const widths = p.edges.slice(0, -1).map((e, i) => p.edges[i + 1] - e);
    const { text, grid } = chartColours();
    const data = p.series.map((s, i) => ({
      type: 'bar',
      name: s.name,
      x: centres,
      y: s.counts,
      width: widths,
      marker: { color: COLORS[i % COLORS.length], line: { width: 0 } },
      hovertemplate: `%{x:.3g}: %{y}<extra>${s.name}</extra>`,
    }));
    const legendRows = p.series.length > 1 ? p.series.length : 0;
    const layout = {
      title: { text: p.title, font: { size: 14 } },
      barmode: 'stack',
      bargap: 0,
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: 'rgba(0,0,0,0)',
      font: { color: text, size: 12 },
      // room below the x-axis title for a legend of one row per series
      margin: { l: 64, r: 16, t: 40, b: legendRows ? 64 + 20 * legendRows : 52 },
      height: 300 + 20 * legendRows,
      showlegend: p.series.length > 1,
      legend: {
        orientation: 'v',
        x: 0,
        xanchor: 'left',
        yanchor: 'top',
        y: -56 / 196,
        font: { size: 11 },
        traceorder: 'normal',
      },
      xaxis: {
        title: { text: p.xLabel },
        gridcolor: grid,
        range: p.xRange,
        dtick: p.xTickStep,
        zeroline: false,
      },
      yaxis: { title: { text: p.yLabel }, gridcolor: grid, rangemode: 'tozero' },
      shapes: (p.markers ?? []).map((m) => ({
        type: 'line',
        xref: 'x',
        yref: 'paper',
        x0: m.x,
        x1: m.x,
        y0: 0,
        y1: 1,
        line: { color: '#d62728', width: 2, dash: 'dash' },
      })),
      annotations: (p.markers ?? []).map((m) => ({
        x: m.x,
        xref: 'x',
        y: 1,
        yref: 'paper',
        text: m.label,
        showarrow: false,
        xanchor: 'left',
        yanchor: 'top',
        font: { color: '#d62728', size: 11 },
      })),
    };
    return drawChart(node, data, layout, (error) => {
      setState(error === undefined ? 'ready' : 'error');
      if (error !== undefined) setError(error);
    });
  }, [p.edges, p.series, p.markers, p.title, p.xLabel, p.yLabel, p.xRange, p.xTickStep, themeVersion]);

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
    <figure className="ds-plot" data-testid={p.testId} data-state={state}>
      <div
        ref={el}
        className="ds-plot-area"
        role="img"
        aria-label={`${p.title}: ${p.yLabel} against ${p.xLabel}`}
      />
      {error && <figcaption className="ds-error">Could not draw the chart: {error}</figcaption>}
    </figure>
  );
}
