/**
 * A plotly chart, with plotly.js-dist-min loaded lazily (its own chunk, fetched the first time a chart
 * is shown). Colours follow the app theme (CSS variables). `onPointClick` reports the clicked point's
 * index (e.g. a cluster bar).
 */
import { useEffect, useRef, useState } from 'react';
import type { Figure } from './figures';
import { loadPlotly as loadSharedPlotly } from '../plotly';
import { chartColours, useThemeVersion } from '../chartTheme';

type PlotlyApi = typeof import('plotly.js-dist-min');
/** The shared lazy plotly loader, typed with plotly's own declarations for this view's wider use. */
export const loadPlotly = (): Promise<PlotlyApi> => loadSharedPlotly() as unknown as Promise<PlotlyApi>;

export interface ChartProps {
  figure: Figure;
  testId: string;
  /** Accessible description of what the chart shows. */
  label: string;
  height?: number;
  onPointClick?: (pointIndex: number, curve: number) => void;
}

export function Chart({ figure, testId, label, height = 320, onPointClick }: ChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const clickRef = useRef(onPointClick);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState('');
  useEffect(() => {
    clickRef.current = onPointClick;
  }, [onPointClick]);
  // redraw in the new colours when the app theme (or the system's) changes
  const themeTick = useThemeVersion();

  useEffect(() => {
    let alive = true;
    loadPlotly().then(
      async (Plotly) => {
        const el = ref.current;
        if (!alive || !el) return;
        const c = chartColours();
        const layout = {
          height,
          margin: { l: 64, r: 56, t: 36, b: 52 },
          paper_bgcolor: c.panel,
          plot_bgcolor: c.panel,
          font: { color: c.text, size: 12 },
          legend: { orientation: 'h', y: -0.25 },
          ...figure.layout,
        };
        for (const ax of ['xaxis', 'yaxis', 'yaxis2'] as const) {
          const a = (layout as Record<string, unknown>)[ax] as Record<string, unknown> | undefined;
          if (a) (layout as Record<string, unknown>)[ax] = { gridcolor: c.grid, zerolinecolor: c.grid, ...a };
        }
        await Plotly.react(
          el,
          figure.data as never,
          layout as never,
          {
            responsive: true,
            displaylogo: false,
            toImageButtonOptions: { format: 'svg', filename: testId },
          } as never,
        );
        if (!alive) return;
        const gd = el as unknown as {
          removeAllListeners?: (e: string) => void;
          on?: (e: string, f: (ev: unknown) => void) => void;
        };
        gd.removeAllListeners?.('plotly_click');
        gd.on?.('plotly_click', (ev) => {
          const pt = (
            ev as { points?: { pointIndex?: number; pointNumber?: number; curveNumber?: number }[] }
          ).points?.[0];
          if (pt) clickRef.current?.(pt.pointIndex ?? pt.pointNumber ?? 0, pt.curveNumber ?? 0);
        });
        setState('ready');
      },
      (e: unknown) => {
        if (!alive) return;
        setState('error');
        setError(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      alive = false;
    };
  }, [figure, height, testId, themeTick]);

  useEffect(() => {
    const el = ref.current;
    return () => {
      // the chart's own effect has started the (shared, cached) load by now
      if (el)
        void loadPlotly().then(
          (P) => P.purge(el),
          () => undefined,
        );
    };
  }, []);

  return (
    <figure className="ev-chart">
      <div
        ref={ref}
        data-testid={testId}
        data-state={state}
        role="img"
        aria-label={label}
        style={{ minHeight: height }}
      />
      {state === 'error' && <p className="error">Could not draw the chart: {error}</p>}
    </figure>
  );
}
