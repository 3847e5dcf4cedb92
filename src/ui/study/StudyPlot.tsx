/** One plotly chart of the Study view; plotly.js-dist-min is loaded lazily (own chunk) on first use. */
import { useEffect, useRef, useState } from 'react';
import { useTour } from '../../state/tour';
import { loadPlotly } from '../plotly';
import { chartColours } from '../chartTheme';
import type { PlotFigure } from './figures';

function themed(layout: Record<string, unknown>): Record<string, unknown> {
  const { text, grid, panel } = chartColours();
  const big = document.body.classList.contains('projector');
  const axis = (a: unknown) => ({ gridcolor: grid, zerolinecolor: grid, ...(a as object) });
  return {
    ...layout,
    paper_bgcolor: panel,
    plot_bgcolor: panel,
    font: { color: text, size: big ? 18 : 12 },
    xaxis: { automargin: true, ...axis(layout.xaxis) },
    yaxis: { automargin: true, ...axis(layout.yaxis) },
    // larger type needs more room between the axis title and a legend below the plot
    ...(big && layout.legend ? { legend: { ...(layout.legend as object), y: -0.6 } } : {}),
    autosize: true,
  };
}

export function StudyPlot({
  figure,
  testId,
  label,
  height = 460,
}: {
  figure: PlotFigure;
  testId: string;
  label: string;
  height?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState('');
  const projector = useTour((s) => s.projector); // redraw with larger fonts in projector mode
  useEffect(() => {
    let alive = true;
    loadPlotly().then(
      async (P) => {
        if (!alive || !ref.current) return;
        await P.react(ref.current, figure.data, themed({ height, ...figure.layout }), {
          responsive: true,
          displaylogo: false,
        });
        if (alive) setState('ready');
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
  }, [figure, height, projector]);
  useEffect(() => {
    const el = ref.current;
    return () => {
      if (el) void loadPlotly().then((P) => P.purge(el));
    };
  }, []);
  return (
    <figure className="study-plot" aria-label={label}>
      <div
        ref={ref}
        data-testid={testId}
        data-state={state}
        data-traces={figure.data.length}
        style={{ minHeight: height }}
      />
      {state === 'error' && <p role="alert">Could not draw the chart: {error}</p>}
    </figure>
  );
}
