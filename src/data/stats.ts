/**
 * Dataset statistics for the Datasets tab and `pes figures` (pure functions, no DOM, no workers):
 * - energy histogram relative to the dataset minimum (or a given reference), kcal/mol, optionally split
 *   by a per-frame group label (e.g. the sampling kind) on shared bins (paper Fig. 2);
 * - histogram of all interatomic distances, Å, over evenly sampled frames, with the share beyond a
 *   cutoff (paper Fig. 3, 5 Å cutoff);
 * - population of a dihedral of four chosen atoms, degrees in (−180, 180] (φ = C–N=N–C for azobenzene).
 */
import { AZO, AZO_Z } from '../chem/azobenzene.ts';
import { GLY, GLY_Z } from '../chem/glycine.ts';
import { dihedral, distance } from '../chem/geometry.ts';
import { formula } from '../chem/elements.ts';
import type { Dataset } from './dataset.ts';

export interface Histogram {
  /** Bin edges, length nBins + 1, increasing. */
  edges: number[];
  /** Counts per bin, length nBins. Values equal to the last edge go into the last bin. */
  counts: number[];
  /** Number of values binned (finite and inside the range). */
  total: number;
}

export interface HistogramOptions {
  /** Number of bins, or 'fd' (Freedman–Diaconis width; the default). */
  bins?: number | 'fd';
  /** Fixed bin width (overrides `bins`). */
  binWidth?: number;
  /** Range [lo, hi]; default the data's min and max. Values outside are not counted. */
  range?: [number, number];
  /** Upper limit on the number of bins an automatic rule may produce (default 200). */
  maxBins?: number;
}

/** Sorted copy of the finite values. */
function sortedFinite(values: ArrayLike<number>): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i])) out.push(values[i]);
  return Float64Array.from(out).sort();
}

/** Linearly interpolated quantile (numpy's default, "linear") of sorted values; q in [0, 1]. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = (n - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Freedman–Diaconis bin width 2·IQR·n^(−1/3); 0 when the IQR is 0 or there are fewer than 2 values. */
export function freedmanDiaconisWidth(values: ArrayLike<number>): number {
  const s = sortedFinite(values);
  if (s.length < 2) return 0;
  const iqr = quantileSorted(s, 0.75) - quantileSorted(s, 0.25);
  return (2 * iqr) / Math.cbrt(s.length);
}

/** Evenly spaced edges from lo to hi with the given number of bins. */
function makeEdges(lo: number, hi: number, nBins: number): number[] {
  const edges: number[] = [];
  for (let i = 0; i <= nBins; i++) edges.push(i === nBins ? hi : lo + ((hi - lo) * i) / nBins);
  return edges;
}

/** Chooses the bin edges for `values` (see HistogramOptions). */
export function binEdges(values: ArrayLike<number>, opts: HistogramOptions = {}): number[] {
  let lo = Infinity;
  let hi = -Infinity;
  if (opts.range) [lo, hi] = opts.range;
  else
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  if (!(hi >= lo)) return [0, 1];
  if (hi === lo) return [lo - 0.5, hi + 0.5];
  const maxBins = opts.maxBins ?? 200;
  let width = opts.binWidth ?? 0;
  if (!(width > 0)) {
    if (typeof opts.bins === 'number') return makeEdges(lo, hi, Math.max(1, Math.round(opts.bins)));
    width = freedmanDiaconisWidth(values);
    // no spread between the quartiles: fall back to Sturges' rule
    if (!(width > 0)) return makeEdges(lo, hi, Math.min(maxBins, Math.ceil(Math.log2(values.length) + 1)));
  }
  const n = Math.ceil((hi - lo) / width - 1e-9);
  if (opts.binWidth) return makeEdges(lo, lo + Math.max(1, n) * width, Math.max(1, n));
  return makeEdges(lo, hi, Math.min(maxBins, Math.max(1, n)));
}

/** Index of the bin of v for evenly spaced edges, or −1 outside [edges[0], edges[n]]. */
function binIndex(v: number, lo: number, hi: number, nBins: number): number {
  if (!(v >= lo && v <= hi)) return -1;
  const k = Math.floor(((v - lo) / (hi - lo)) * nBins);
  return k >= nBins ? nBins - 1 : k;
}

/** Adds values into counts on evenly spaced edges; returns how many were counted. */
function accumulate(values: ArrayLike<number>, edges: number[], counts: number[]): number {
  const nBins = counts.length;
  const lo = edges[0];
  const hi = edges[nBins];
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const k = binIndex(values[i], lo, hi, nBins);
    if (k >= 0) {
      counts[k]++;
      total++;
    }
  }
  return total;
}

/** Histogram of the finite values on evenly spaced bins (Freedman–Diaconis width by default). */
export function histogram(values: ArrayLike<number>, opts: HistogramOptions = {}): Histogram {
  const edges = binEdges(values, opts);
  const counts = new Array<number>(edges.length - 1).fill(0);
  const total = accumulate(values, edges, counts);
  return { edges, counts, total };
}

/** Bin centres of a histogram. */
export function binCentres(h: Pick<Histogram, 'edges'>): number[] {
  const c: number[] = [];
  for (let i = 0; i + 1 < h.edges.length; i++) c.push((h.edges[i] + h.edges[i + 1]) / 2);
  return c;
}

// ---------------------------------------------------------------------------------------------------
// Energies (Fig. 2)

export interface EnergyHistogram extends Histogram {
  /** The energy the histogram is relative to, kcal/mol (the dataset minimum unless given). */
  reference: number;
  /** Lowest and highest energy, kcal/mol (absolute). */
  min: number;
  max: number;
  /** Per-group counts on the same bins, when a grouping was asked for (group label → counts). */
  groups?: { label: string; counts: number[]; total: number }[];
}

export interface EnergyHistogramOptions extends HistogramOptions {
  /** Energy to subtract, kcal/mol (default: the dataset minimum). */
  reference?: number;
  /** Per-frame group codes (e.g. frameProps.kind) and their labels; unlabelled codes are named "group <c>". */
  groupBy?: { codes: ArrayLike<number>; labels?: Record<number, string> };
}

/** Histogram of E − reference (kcal/mol). Throws when the dataset has no energies. */
export function energyHistogram(ds: Dataset, opts: EnergyHistogramOptions = {}): EnergyHistogram {
  if (!ds.E) throw new Error(`${ds.name}: the dataset has no energies`);
  let min = Infinity;
  let max = -Infinity;
  for (const e of ds.E)
    if (Number.isFinite(e)) {
      if (e < min) min = e;
      if (e > max) max = e;
    }
  if (!Number.isFinite(min)) throw new Error(`${ds.name}: no finite energies`);
  const reference = opts.reference ?? min;
  const rel = new Float64Array(ds.E.length);
  for (let i = 0; i < rel.length; i++) rel[i] = ds.E[i] - reference;
  const h = histogram(rel, opts);
  const out: EnergyHistogram = { ...h, reference, min, max };
  if (opts.groupBy) {
    const { codes, labels = {} } = opts.groupBy;
    if (codes.length !== rel.length)
      throw new Error(`${ds.name}: ${codes.length} group codes for ${rel.length} frames`);
    const byCode = new Map<number, number[]>();
    for (let i = 0; i < rel.length; i++) {
      const c = codes[i];
      let list = byCode.get(c);
      if (!list) byCode.set(c, (list = []));
      list.push(rel[i]);
    }
    out.groups = [...byCode.keys()]
      .sort((a, b) => a - b)
      .map((c) => {
        const counts = new Array<number>(h.counts.length).fill(0);
        const total = accumulate(byCode.get(c)!, h.edges, counts);
        return { label: labels[c] ?? `group ${c}`, counts, total };
      });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------
// Interatomic distances (Fig. 3)

export interface DistanceHistogram extends Histogram {
  /** Frames whose distances were counted (evenly spaced over the dataset). */
  framesUsed: number;
  /** The cutoff the counts below refer to, Å. */
  cutoff: number;
  /** Distances longer than the cutoff, and their share of all counted distances (0..1). */
  beyondCutoff: number;
  fractionBeyondCutoff: number;
  /** Longest distance seen, Å. */
  maxDistance: number;
}

export interface DistanceHistogramOptions {
  /** At most this many frames, evenly spaced (default 2000). */
  maxFrames?: number;
  /** Bin width, Å (default 0.1). */
  binWidth?: number;
  /** Cutoff radius, Å (default 5, the paper's SchNet/GAP cutoff). */
  cutoff?: number;
  /** Called after each chunk with the fraction of frames done (0..1). */
  onProgress?: (fraction: number) => void;
  /** Frames per progress report (default 200). */
  chunk?: number;
}

/** Indices of at most `max` frames spread evenly over nFrames (all of them when nFrames ≤ max). */
export function sampleFrames(nFrames: number, max: number): number[] {
  const n = Math.max(0, Math.min(nFrames, Math.floor(max)));
  if (n === nFrames) return Array.from({ length: n }, (_, i) => i);
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Math.floor((i * nFrames) / n));
  return out;
}

/** Histogram of all nAtoms·(nAtoms−1)/2 interatomic distances of evenly sampled frames, from 0 Å. */
export function distanceHistogram(ds: Dataset, opts: DistanceHistogramOptions = {}): DistanceHistogram {
  const { maxFrames = 2000, binWidth = 0.1, cutoff = 5, chunk = 200 } = opts;
  if (!(binWidth > 0)) throw new Error(`distance bin width must be positive, got ${binWidth}`);
  if (ds.nAtoms < 2) throw new Error(`${ds.name}: needs at least 2 atoms for distances`);
  const frames = sampleFrames(ds.nFrames, maxFrames);
  const n = ds.nAtoms;
  const counts: number[] = [];
  let beyond = 0;
  let total = 0;
  let maxD = 0;
  const R = ds.R;
  for (let f = 0; f < frames.length; f++) {
    const o = frames[f] * n * 3;
    for (let i = 1; i < n; i++) {
      const xi = R[o + 3 * i],
        yi = R[o + 3 * i + 1],
        zi = R[o + 3 * i + 2];
      for (let j = 0; j < i; j++) {
        const dx = xi - R[o + 3 * j],
          dy = yi - R[o + 3 * j + 1],
          dz = zi - R[o + 3 * j + 2];
        const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
        if (!Number.isFinite(d)) continue;
        const k = Math.floor(d / binWidth);
        while (counts.length <= k) counts.push(0);
        counts[k]++;
        total++;
        if (d > cutoff) beyond++;
        if (d > maxD) maxD = d;
      }
    }
    if (opts.onProgress && ((f + 1) % chunk === 0 || f + 1 === frames.length))
      opts.onProgress((f + 1) / frames.length);
  }
  const edges = counts.length ? [...counts.map((_, i) => i * binWidth), counts.length * binWidth] : [0, 1];
  if (!counts.length) counts.push(0);
  return {
    edges,
    counts,
    total,
    framesUsed: frames.length,
    cutoff,
    beyondCutoff: beyond,
    fractionBeyondCutoff: total ? beyond / total : 0,
    maxDistance: maxD,
  };
}

// ---------------------------------------------------------------------------------------------------
// Dihedral population (φ)

export interface DihedralChoice {
  /** Four 0-based atom indices i–j–k–l. */
  atoms: [number, number, number, number];
  /** Short name for labels ("φ (C–N=N–C)"). */
  label: string;
}

const sameZ = (z: ArrayLike<number>, ref: readonly number[]) =>
  z.length === ref.length && ref.every((v, i) => z[i] === v);

/**
 * The dihedral worth showing for a molecule: φ = C–N=N–C for azobenzene (the project's atom order),
 * τ1 = N–C–C–O(H) for glycine, else the first four atoms (null with fewer than 4 atoms). With a
 * geometry, C–N=N–C is also found in azobenzene files of another atom order.
 */
export function defaultDihedral(z: ArrayLike<number>, R0?: ArrayLike<number>): DihedralChoice | null {
  if (sameZ(z, AZO_Z)) return { atoms: [...AZO.phi], label: 'φ (C–N=N–C)' };
  const cnnc = R0 && formula(z) === 'C12H10N2' ? findCNNC(z, R0) : null;
  if (cnnc) return { atoms: cnnc, label: 'φ (C–N=N–C)' };
  if (sameZ(z, GLY_Z)) return { atoms: [...GLY.tau1], label: 'τ1 (N–C–C–O)' };
  if (z.length < 4) return null;
  return { atoms: [0, 1, 2, 3], label: 'dihedral 1–2–3–4' };
}

/**
 * The C–N=N–C dihedral of an azobenzene in any atom order, found from one geometry (flat, Å): the two
 * bonded nitrogens and, for each, its nearest carbon. null when there is no such N=N.
 */
export function findCNNC(
  z: ArrayLike<number>,
  R0: ArrayLike<number>,
): [number, number, number, number] | null {
  const n = z.length;
  const d = (i: number, j: number) => distance(R0, i, j);
  const N = [...Array(n).keys()].filter((i) => z[i] === 7);
  const C = [...Array(n).keys()].filter((i) => z[i] === 6);
  if (N.length !== 2 || d(N[0], N[1]) > 1.6 || !C.length) return null;
  const nearestC = (a: number, not = -1) =>
    C.filter((c) => c !== not).reduce(
      (best, c) => (d(a, c) < d(a, best) ? c : best),
      C.find((c) => c !== not)!,
    );
  const c1 = nearestC(N[0]);
  const c2 = nearestC(N[1], c1);
  if (d(N[0], c1) > 1.8 || d(N[1], c2) > 1.8) return null;
  return [c1, N[0], N[1], c2];
}

/** Checks four distinct atom indices inside the molecule; returns an error message or null. */
export function checkDihedralAtoms(atoms: readonly number[], nAtoms: number): string | null {
  if (atoms.length !== 4) return `a dihedral needs 4 atoms, got ${atoms.length}`;
  for (const a of atoms)
    if (!Number.isInteger(a) || a < 0 || a >= nAtoms)
      return `atom ${Number.isInteger(a) ? a + 1 : a} is not in the molecule (atoms 1–${nAtoms})`;
  if (new Set(atoms).size !== 4) return 'the four atoms of a dihedral must be different';
  return null;
}

/** The dihedral i–j–k–l of every frame, degrees in (−180, 180]. */
export function dihedralValues(ds: Dataset, atoms: readonly number[]): Float64Array {
  const err = checkDihedralAtoms(atoms, ds.nAtoms);
  if (err) throw new Error(`${ds.name}: ${err}`);
  const [i, j, k, l] = atoms;
  const out = new Float64Array(ds.nFrames);
  const stride = ds.nAtoms * 3;
  for (let m = 0; m < ds.nFrames; m++)
    out[m] = dihedral(ds.R.subarray(m * stride, (m + 1) * stride), i, j, k, l);
  return out;
}

export interface DihedralHistogram extends Histogram {
  atoms: number[];
}

/** Population of the dihedral over (−180°, 180°] in bins of `binWidth` degrees (default 5°). */
export function dihedralHistogram(ds: Dataset, atoms: readonly number[], binWidth = 5): DihedralHistogram {
  if (!(binWidth > 0 && binWidth <= 360))
    throw new Error(`dihedral bin width must be in (0, 360], got ${binWidth}`);
  const nBins = Math.round(360 / binWidth);
  const h = histogram(dihedralValues(ds, atoms), { bins: nBins, range: [-180, 180] });
  return { ...h, atoms: [...atoms] };
}

// ---------------------------------------------------------------------------------------------------
// Facts

export interface DatasetFacts {
  name: string;
  theory: string;
  nFrames: number;
  nAtoms: number;
  formula: string;
  hasForces: boolean;
  /** Energy range, kcal/mol (null without energies). */
  eMin: number | null;
  eMax: number | null;
  md5: string | null;
}

/** The numbers the Datasets tab lists for a dataset. */
export function datasetFacts(ds: Dataset): DatasetFacts {
  let eMin: number | null = null;
  let eMax: number | null = null;
  if (ds.E)
    for (const e of ds.E)
      if (Number.isFinite(e)) {
        if (eMin === null || e < eMin) eMin = e;
        if (eMax === null || e > eMax) eMax = e;
      }
  return {
    name: ds.name,
    theory: ds.theory,
    nFrames: ds.nFrames,
    nAtoms: ds.nAtoms,
    formula: formula(ds.z),
    hasForces: ds.F !== null,
    eMin,
    eMax,
    md5: ds.md5 ?? null,
  };
}

/**
 * Labels of the per-frame `kind` codes the project's generator writes (scripts/generate-data: 0 a,
 * 1 b, 2 c, 3 d, 4 glycine MD), after the paper's four kinds of sampling (§II).
 */
export const SAMPLING_KIND_LABELS: Record<number, string> = {
  0: '(a) 300 K MD from the minima',
  1: '(b) 100 K MD from path points',
  2: '(c) 750 K MD',
  3: '(d) 50 K MD near the transition states',
  4: '500 K MD',
};
