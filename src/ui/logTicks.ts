/**
 * Readable tick labels for Plotly log axes. Left alone, Plotly labels a log axis that spans less than
 * a few decades with bare digits between the powers of ten ("2, 3, 10, 9, 8…": the "2" means 20), which
 * reads wrongly on an error axis. These helpers put full numbers at 1-2-5 (or finer) steps instead.
 */

/** Tick values and labels for a log axis showing `values` (non-positive and non-finite ones ignored). */
export function logAxisTicks(values: number[]): { tickvals: number[]; ticktext: string[] } | null {
  const v = values.filter((x) => Number.isFinite(x) && x > 0);
  if (!v.length) return null;
  const lo = Math.min(...v);
  const hi = Math.max(...v);
  const decades = Math.log10(hi / lo);
  const mantissas =
    decades < 0.4
      ? [1, 1.2, 1.4, 1.6, 1.8, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9]
      : decades < 1.3
        ? [1, 1.5, 2, 3, 4, 5, 7]
        : decades < 3
          ? [1, 2, 5]
          : [1];
  // a decade beyond the data either side: Plotly draws only the ticks inside the axis range it picks
  const k0 = Math.floor(Math.log10(lo)) - 1;
  const k1 = Math.ceil(Math.log10(hi)) + 1;
  const tickvals: number[] = [];
  for (let k = k0; k <= k1; k++)
    for (const m of mantissas) tickvals.push(Number((m * 10 ** k).toPrecision(6)));
  return { tickvals, ticktext: tickvals.map((t) => String(Number(t.toPrecision(3)))) };
}

type Trace = Record<string, unknown>;

const numbers = (a: unknown): number[] =>
  Array.isArray(a) ? a.filter((x): x is number => typeof x === 'number') : [];

/** Every value a trace draws on `axis`, error-bar ends included. */
function axisValues(t: Trace, axis: 'x' | 'y'): number[] {
  const on = t[`${axis}axis`];
  if (on !== undefined && on !== axis) return []; // drawn on a second axis (y2, …)
  const vals = numbers(t[axis]);
  const err = t[`error_${axis}`] as { array?: unknown; visible?: boolean } | undefined;
  if (!err || err.visible === false) return vals;
  const e = numbers(err.array);
  return [...vals, ...vals.flatMap((x, i) => (e[i] === undefined ? [] : [x - e[i], x + e[i]]))];
}

/** Sets readable ticks on the figure's log x/y axes from the traces' values; returns the figure. */
export function withLogTicks<F extends { data: Trace[]; layout: Record<string, unknown> }>(fig: F): F {
  for (const axis of ['x', 'y'] as const) {
    const ax = fig.layout[`${axis}axis`] as Record<string, unknown> | undefined;
    if (!ax || ax.type !== 'log') continue;
    const ticks = logAxisTicks(fig.data.flatMap((t) => axisValues(t, axis)));
    if (ticks) Object.assign(ax, { tickmode: 'array', ...ticks });
  }
  return fig;
}
