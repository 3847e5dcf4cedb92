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
