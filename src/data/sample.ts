/**
 * Seeded random numbers, stratified sampling and cross-validation folds (SCIENCE.md §2).
 *
 * RNG: xoshiro128** 1.1 (Blackman & Vigna 2018), a 32-bit generator with 128 bits of state, seeded by
 * running SplitMix32 (Steele et al.; the 32-bit variant with the `0x9e3779b9` increment and the
 * murmur3-style finaliser) four times from the 32-bit seed. Everything is `Math.imul`/`>>>` on 32-bit
 * integers, so the stream is bit-identical in Node and every browser. Floats are `u32 / 2^32` (32 bits of
 * randomness; enough for sampling). Integers in [0, k) use Lemire's rejection method on the 32-bit output,
 * so they are exactly uniform.
 *
 * Stratified sampling follows the reference sGDML `draw_strat_sample` step by step; see
 * {@link drawStratSample}.
 */

/** A deterministic random source. */
export interface Rng {
  /** Next raw 32-bit unsigned integer. */
  nextU32(): number;
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, k), k ≤ 2^32. */
  int(k: number): number;
  /** The internal state (four u32), for checkpointing. */
  state(): [number, number, number, number];
}

/** SplitMix32 step: returns [output, next state]. */
function splitmix32(s: number): [number, number] {
  s = (s + 0x9e3779b9) | 0;
  let z = s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return [z >>> 0, s];
}

const rotl = (x: number, k: number) => (x << k) | (x >>> (32 - k));

/**
 * xoshiro128** seeded from a 32-bit integer through SplitMix32 (any JS number is reduced mod 2^32).
 * Pass `state` to resume a stream exactly.
 */
export function createRng(seed: number, state?: readonly number[]): Rng {
  let a: number, b: number, c: number, d: number;
  if (state) {
    [a, b, c, d] = state.map((x) => x | 0);
  } else {
    let s = seed >>> 0;
    const o: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [z, ns] = splitmix32(s);
      o.push(z | 0);
      s = ns;
    }
    [a, b, c, d] = o;
    if ((a | b | c | d) === 0) a = 1; // the all-zero state is a fixed point
  }
  const nextU32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9);
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result >>> 0;
  };
  return {
    nextU32,
    next: () => nextU32() / 4294967296,
    int(k: number): number {
      if (!(k >= 1) || k > 4294967296 || !Number.isInteger(k))
        throw new RangeError(`Rng.int: bad range ${k}`);
      if (k === 1) return 0;
      if (k === 4294967296) return nextU32();
      // Lemire (2019): hi32(x·k) is uniform once the low word is ≥ (2^32 − k) mod k.
      const threshold = (4294967296 - k) % k;
      for (;;) {
        const x = nextU32();
        if (Math.imul(x, k) >>> 0 >= threshold) return mulHi32(x, k);
      }
    },
    state: () => [a >>> 0, b >>> 0, c >>> 0, d >>> 0],
  };
}

/** High 32 bits of x·k for x, k < 2^32, exact (16-bit halves keep every partial product below 2^53). */
function mulHi32(x: number, k: number): number {
  const xh = Math.floor(x / 65536),
    xl = x % 65536;
  const kh = Math.floor(k / 65536),
    kl = k % 65536;
  const mid = xl * kh + xh * kl + Math.floor((xl * kl) / 65536);
  return xh * kh + Math.floor(mid / 65536);
}

/** In-place Fisher–Yates shuffle. */
export function shuffle<T extends { length: number; [i: number]: number }>(a: T, rng: Rng): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** k distinct members of `pool` chosen uniformly (partial Fisher–Yates on a copy), in draw order. */
export function choiceWithoutReplacement(pool: ArrayLike<number>, k: number, rng: Rng): Int32Array {
  const n = pool.length;
  if (k > n) throw new RangeError(`cannot draw ${k} distinct items from ${n}`);
  const a = Int32Array.from(pool);
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a.slice(0, k);
}

/** numpy's default ("linear") percentile q ∈ [0, 100] of the values. */
export function percentile(values: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(values).sort();
  return percentileSorted(s, q);
}

function percentileSorted(s: Float64Array, q: number): number {
  const n = s.length;
  if (n === 0) return NaN;
  const pos = ((n - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** The energy binning of {@link drawStratSample}: bins of equal width from min(E) to max(E). */
export interface StratBins {
  /** Number of bins. */
  nBins: number;
  min: number;
  max: number;
  /** Freedman–Diaconis width h = 2·IQR/∛n before the cap on the number of bins (0 when IQR = 0). */
  fdWidth: number;
  /** Bin of every frame, 0..nBins−1. */
  bin: Int32Array;
}

/**
 * Freedman–Diaconis bins as `draw_strat_sample` makes them: h = 2·IQR(E)/∛n over ALL frames (excluded ones
 * too), nBins = ⌈(max − min)/h⌉ (1 when h = 0), capped at ⌊n/2⌋ (at least 1); left edges
 * `linspace(min, max, nBins, endpoint=False)` and `np.digitize`, so the maximum falls in the last bin.
 */
export function stratBins(E: ArrayLike<number>, n: number): StratBins {
  const s = Float64Array.from(E).sort();
  const min = s[0],
    max = s[s.length - 1];
  const h = (2 * (percentileSorted(s, 75) - percentileSorted(s, 25))) / Math.cbrt(n);
  let nBins = h > 0 ? Math.ceil((max - min) / h) : 1;
  nBins = Math.max(1, Math.min(nBins, Math.floor(n / 2)));
  const w = (max - min) / nBins;
  const bin = new Int32Array(E.length);
  for (let i = 0; i < E.length; i++) {
    // digitize: index of the last left edge ≤ E (edges min + k·w, computed like numpy's linspace)
    let b = w > 0 ? Math.floor((E[i] - min) / w) : 0;
    if (b >= nBins) b = nBins - 1;
    if (b < 0) b = 0;
    // guard floating-point edge cases against the exact edges
    while (b > 0 && E[i] < min + b * w) b--;
    while (b < nBins - 1 && E[i] >= min + (b + 1) * w) b++;
    bin[i] = b;
  }
  return { nBins, min, max, fdWidth: h > 0 ? h : 0, bin };
}

/**
 * Stratified sample of exactly n frame indices that keeps the distribution of `E`, as the reference sGDML
 * `draw_strat_sample` (sgdml/train.py):
 * 1. Freedman–Diaconis bins ({@link stratBins});
 * 2. per non-empty bin (counting only frames that are not excluded), c_b = min(⌈count_b/total·n⌉, count_b);
 * 3. while Σc ≠ n: draw k = min(min{c_b : c_b > 1} − 1, |n − Σc|) bins with replacement, with probability
 *    ∝ c_b − 1, and add (or remove) one member per draw — so no bin with members drops to zero;
 * 4. draw c_b frames uniformly without replacement inside each bin. Excluded frames are never drawn.
 * Deviations, both only where the reference would crash: when adding, a bin never grows past its count
 * (a draw on a full bin is skipped), and when every c_b ≤ 1 the bins with room are weighted equally.
 * The result is ordered bin by bin (as the reference), not sorted.
 */
export function drawStratSample(
  E: ArrayLike<number>,
  n: number,
  rng: Rng,
  exclude?: ArrayLike<number>,
): Int32Array {
  const N = E.length;
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`sample size must be a non-negative integer, got ${n}`);
  const excluded = new Uint8Array(N);
  if (exclude) for (let i = 0; i < exclude.length; i++) excluded[exclude[i]] = 1;
  const avail: number[] = [];
  for (let i = 0; i < N; i++) if (!excluded[i]) avail.push(i);
  if (n > avail.length) throw new RangeError(`cannot draw ${n} frames: only ${avail.length} are available`);
  if (n === 0) return new Int32Array(0);
  if (n === avail.length) return Int32Array.from(avail);
  if (n === 1) return Int32Array.of(avail[rng.int(avail.length)]);

  const { nBins, bin } = stratBins(E, n);
  const members: number[][] = Array.from({ length: nBins }, () => []);
  for (const i of avail) members[bin[i]].push(i);
  const uniq = members.map((m, b) => (m.length > 0 ? b : -1)).filter((b) => b >= 0);
  const cnt = uniq.map((b) => members[b].length);
  const total = avail.length;
  const red = cnt.map((c) => Math.min(Math.ceil((c / total) * n), c));
  let delta = n - red.reduce((s, x) => s + x, 0);
  while (delta !== 0) {
    const sign = Math.sign(delta);
    let w = red.map((c, i) => (sign > 0 && c >= cnt[i] ? 0 : c - 1));
    let wSum = w.reduce((s, x) => s + x, 0);
    let k: number;
    if (wSum > 0) {
      const gt1 = red.filter((c) => c > 1);
      k = Math.min(Math.min(...gt1) - 1, Math.abs(delta));
      if (sign > 0) k = Math.min(k, Math.abs(delta));
    } else {
      // every bin holds ≤ 1 (or the weighted ones are full): weight the bins that can move equally
      w = red.map((c, i) => (sign > 0 ? (c < cnt[i] ? 1 : 0) : c > 1 ? 1 : 0));
      wSum = w.reduce((s, x) => s + x, 0);
      if (wSum === 0) throw new Error('drawStratSample: cannot reach the requested size');
      k = 1;
    }
    k = Math.max(1, k);
    const cum = new Float64Array(w.length);
    let acc = 0;
    for (let i = 0; i < w.length; i++) cum[i] = acc += w[i] / wSum;
    for (let t = 0; t < k; t++) {
      const u = rng.next();
      let j = 0;
      while (j < cum.length - 1 && (u >= cum[j] || w[j] === 0)) j++;
      if (sign > 0 && red[j] >= cnt[j]) continue;
      if (sign < 0 && red[j] <= 1) continue;
      red[j] += sign;
    }
    delta = n - red.reduce((s, x) => s + x, 0);
  }
  const out = new Int32Array(n);
  let o = 0;
  for (let u = 0; u < uniq.length; u++) {
    const pick = choiceWithoutReplacement(members[uniq[u]], red[u], rng);
    out.set(pick, o);
    o += pick.length;
  }
  return out;
}

/** A cross-validation design: the stratified subset and its folds. */
export interface CvSplit {
  /** All frames of the subset (folds × n). */
  subset: Int32Array;
  /** folds[k]: the training frames of fold k (n each), disjoint, union = subset. */
  folds: Int32Array[];
}

/**
 * The paper's cross-validation split for training size n: a stratified subset of `folds·n` frames
 * ({@link drawStratSample}), split into `folds` folds of exactly n that each keep the energy distribution:
 * the subset is sorted by energy and cut into consecutive blocks of `folds` frames, and each block deals
 * one frame to every fold in a random order (systematic stratification, so every fold samples every
 * energy quantile). Each fold trains a model; the other folds are its test set.
 */
export function cvSplit(
  E: ArrayLike<number>,
  n: number,
  folds: number,
  rng: Rng,
  exclude?: ArrayLike<number>,
): CvSplit {
  if (!Number.isInteger(folds) || folds < 2) throw new RangeError(`need at least 2 folds, got ${folds}`);
  const subset = drawStratSample(E, n * folds, rng, exclude);
  const order = Array.from(subset).sort((a, b) => E[a] - E[b] || a - b);
  const out: number[][] = Array.from({ length: folds }, () => []);
  const perm = new Int32Array(folds);
  for (let s = 0; s < order.length; s += folds) {
    for (let k = 0; k < folds; k++) perm[k] = k;
    shuffle(perm, rng);
    for (let k = 0; k < folds; k++) out[perm[k]].push(order[s + k]);
  }
  return { subset, folds: out.map((f) => Int32Array.from(f).sort()) };
}

/** Histogram of values over fixed edges (length nb+1); values outside are clamped into the end bins. */
export function histogram(values: ArrayLike<number>, edges: ArrayLike<number>): Int32Array {
  const nb = edges.length - 1;
  const h = new Int32Array(nb);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let lo = 0,
      hi = nb;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (v >= edges[mid]) lo = mid;
      else hi = mid;
    }
    h[lo]++;
  }
  return h;
}
