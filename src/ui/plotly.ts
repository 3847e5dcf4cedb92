/** Lazy loader for plotly.js-dist-min, shared by every chart (one ~4 MB chunk, fetched the first time a chart is drawn). */
export interface PlotlyApi {
  react(el: HTMLElement, data: unknown[], layout: unknown, config?: unknown): Promise<unknown>;
  relayout(el: HTMLElement, update: Record<string, unknown>): Promise<unknown>;
  downloadImage(
    el: HTMLElement,
    opts: { format: 'png' | 'svg'; filename: string; width?: number; height?: number },
  ): Promise<unknown>;
  toImage(el: HTMLElement, opts: { format: 'png' | 'svg'; width?: number; height?: number }): Promise<string>;
  purge(el: HTMLElement): void;
}

let loading: Promise<PlotlyApi> | null = null;

export function loadPlotly(): Promise<PlotlyApi> {
  loading ??= import('plotly.js-dist-min').then(
    (m: { default?: PlotlyApi } & PlotlyApi) => (m.default ?? m) as PlotlyApi,
  );
  loading.catch(() => (loading = null));
  return loading;
}

/**
 * Draws (or redraws) a static chart in `node` with the app's plot options; `done` gets nothing when the
 * chart is drawn, or the error message. Returns the cleanup of a React effect: after it, `done` is not
 * called any more.
 */
export function drawChart(
  node: HTMLElement,
  data: unknown[],
  layout: unknown,
  done: (error?: string) => void,
): () => void {
  let cancelled = false;
  loadPlotly()
    .then((Plotly) =>
      cancelled
        ? null
        : Plotly.react(node, data, layout, { displaylogo: false, responsive: true, displayModeBar: false }),
    )
    .then(
      () => !cancelled && done(),
      (e: unknown) => !cancelled && done(e instanceof Error ? e.message : String(e)),
    );
  return () => {
    cancelled = true;
  };
}
