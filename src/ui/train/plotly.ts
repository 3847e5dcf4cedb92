/** Lazy loader for plotly.js-dist-min (a large chunk, fetched the first time a training curve is drawn). */
export interface PlotlyLike {
  react(el: HTMLElement, data: unknown[], layout: unknown, config?: unknown): Promise<unknown>;
  purge(el: HTMLElement): void;
}

let loading: Promise<PlotlyLike> | null = null;

export function loadPlotly(): Promise<PlotlyLike> {
  loading ??= import('plotly.js-dist-min').then(
    (m: { default?: PlotlyLike } & PlotlyLike) => (m.default ?? m) as PlotlyLike,
  );
  loading.catch(() => (loading = null));
  return loading;
}
