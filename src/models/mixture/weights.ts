/**
 * Smooth partition of unity on a scalar region coordinate s. K regions are separated by boundaries
 * b_1 < … < b_{K−1}; each boundary has a transition of half-width h. With the C² quintic smooth step
 * S_j(s) = g((s − b_j)/h) (g: 0 below −1, 1 above +1), the weights
 *
 *   w_k = S_k − S_{k+1}   (S_0 ≡ 1, S_K ≡ 0)
 *
 * are ≥ 0 (S_j decreases with b_j), sum to exactly 1 and are C² in s: region k owns s between its
 * transitions, and two neighbours share the band |s − b_j| < h.
 */
export interface RegionPartition {
  /** Increasing boundaries b_1 … b_{K−1}, in the coordinate's unit. */
  boundaries: number[];
  /** Transition half-width h (> 0), same unit. */
  width: number;
}

/** g(t) = smooth step from 0 (t ≤ −1) to 1 (t ≥ 1), C²; returns [g, dg/dt]. */
function smoothStep(t: number): [number, number] {
  if (t <= -1) return [0, 0];
  if (t >= 1) return [1, 0];
  const x = (t + 1) / 2;
  const x2 = x * x;
  const g = x2 * x * (10 - 15 * x + 6 * x2);
  const dg = 30 * x2 * (1 - x) * (1 - x) * 0.5;
  return [g, dg];
}

/** Validates a partition; `range` is the coordinate's allowed interval (transitions must lie inside). */
export function checkPartition(p: RegionPartition, range: [number, number] = [-Infinity, Infinity]): void {
  if (!(p.width > 0)) throw new Error(`transition half-width must be > 0, got ${p.width}`);
  const b = p.boundaries;
  if (!Array.isArray(b) || b.length === 0) throw new Error('a mixture needs at least one region boundary');
  for (let j = 0; j < b.length; j++) {
    if (!Number.isFinite(b[j])) throw new Error(`boundary ${b[j]} is not a number`);
    if (j > 0 && !(b[j] > b[j - 1])) throw new Error('region boundaries must increase');
    if (b[j] - p.width <= range[0] || b[j] + p.width >= range[1])
      throw new Error(
        `boundary ${b[j]} ± ${p.width} leaves the coordinate's range ${range[0]}…${range[1]} (transitions must lie inside)`,
      );
  }
}

/** Number of regions. */
export function regionCount(p: RegionPartition): number {
  return p.boundaries.length + 1;
}

/** Weights w (length K) and dw/ds (length K) at s, written into the given arrays. */
export function partitionWeights(p: RegionPartition, s: number, w: Float64Array, dw: Float64Array): void {
  const K = p.boundaries.length + 1;
  let prevS = 1,
    prevD = 0;
  for (let k = 0; k < K; k++) {
    let S = 0,
      D = 0;
    if (k < K - 1) {
      const [g, dg] = smoothStep((s - p.boundaries[k]) / p.width);
      S = g;
      D = dg / p.width;
    }
    w[k] = prevS - S;
    dw[k] = prevD - D;
    prevS = S;
    prevD = D;
  }
}

/** Region of largest weight at s (the "core" region used to allocate training frames). */
export function coreRegion(p: RegionPartition, s: number): number {
  let k = 0;
  while (k < p.boundaries.length && s >= p.boundaries[k]) k++;
  return k;
}

/** True when region k has a non-zero weight at s (its support, transitions included). */
export function inSupport(p: RegionPartition, k: number, s: number): boolean {
  const lo = k === 0 ? -Infinity : p.boundaries[k - 1] - p.width;
  const hi = k === p.boundaries.length ? Infinity : p.boundaries[k] + p.width;
  return s > lo && s < hi;
}
