/**
 * Choosing sGDML's kernel width σ from a grid by the validation force error.
 *
 * Like the reference's grid search, but every trial costs a full solve, so the walk stops as soon as the
 * error rises, which assumes the validation error has one minimum over the grid (what every committed
 * search shows). Without a start the walk goes up from the smallest σ. With a start (e.g. the σ chosen for
 * a smaller training set) it begins at the grid value nearest to it, goes up while the error falls, and
 * otherwise down: under the same assumption it finds the same σ, in 2–3 trials instead of up to the
 * whole grid, and it skips the small σ whose solves take the most CG iterations.
 */

export interface SigmaSearchResult<T> {
  sigma: number;
  err: number;
  /** What `evaluate` returned for the chosen σ (e.g. the model). */
  value: T;
  /** σ in the order they were tried. */
  tried: number[];
}

/** Index of the grid value nearest to `x` (the smaller on a tie); `grid` ascending. */
export function nearestIndex(grid: readonly number[], x: number): number {
  let best = 0;
  for (let i = 1; i < grid.length; i++) if (Math.abs(grid[i] - x) < Math.abs(grid[best] - x)) best = i;
  return best;
}

/**
 * Walks `grid` (sorted ascending and de-duplicated here) from `start` (default: its smallest value),
 * calling `evaluate` once per tried σ, and returns the σ of the lowest error found. A NaN error counts as
 * a rise. Only the best trial's value is kept.
 */
export async function searchSigmaGrid<T>(
  grid: readonly number[],
  evaluate: (sigma: number, trial: number) => Promise<{ err: number; value: T }>,
  start?: number,
): Promise<SigmaSearchResult<T>> {
  const g = [...new Set(grid)].sort((a, b) => a - b);
  if (!g.length) throw new Error('σ search: the grid is empty');
  if (g.some((s) => !(s > 0) || !Number.isFinite(s)))
    throw new Error(`σ search: every σ must be a positive number, got ${grid.join(', ')}`);
  const tried: number[] = [];
  const tryAt = async (i: number) => {
    const r = await evaluate(g[i], tried.length);
    tried.push(g[i]);
    return r;
  };
  const i0 = start === undefined || !Number.isFinite(start) ? 0 : nearestIndex(g, start);
  const first = await tryAt(i0);
  let best = { i: i0, err: first.err, value: first.value };
  const walk = async (step: 1 | -1) => {
    for (let i = best.i + step; i >= 0 && i < g.length; i += step) {
      const r = await tryAt(i);
      if (r.err < best.err) best = { i, err: r.err, value: r.value };
      else return;
    }
  };
  await walk(1);
  if (best.i === i0) await walk(-1);
  return { sigma: g[best.i], err: best.err, value: best.value, tried };
}
