/**
 * Frame clusters for per-region errors (SCIENCE.md §2):
 *
 * - φ clusters (paper Fig. 7): 18 bins of |φ| in 10° steps, index 0 = [0°, 10°), …, 17 = [170°, 180°]; φ is
 *   the dihedral of any four atoms (azobenzene: C–N=N–C, atoms 2, 0, 1, 8).
 * - Geometry clusters (the authors' MLFF tool): agglomerative clustering of the vectors of all pairwise
 *   distances into 10 clusters, then k-means on the energy into 5 inside each (≤ 50 clusters).
 *   Linkage: **Ward** (minimum increase of within-cluster variance; scikit-learn's AgglomerativeClustering
 *   default, which the authors' tool uses), computed exactly with the nearest-neighbour-chain algorithm on
 *   squared Euclidean distances (Lance–Williams update), O(m²) memory and time. To stay feasible for 20k
 *   frames, the hierarchy is built on a random subsample of at most `maxAgglomerative` frames (default
 *   2000: 32 MB of distances); every other frame joins the cluster whose centroid (mean distance vector of
 *   its subsample members) is nearest. With m ≥ nFrames this is plain Ward on all frames.
 *   k-means on energy: 1-D Lloyd iterations started from the energy quantiles (deterministic), empty
 *   clusters dropped, final labels renumbered by increasing mean energy.
 */
import { createRng, choiceWithoutReplacement } from './sample.ts';

/** Signed dihedral angle (degrees, (−180, 180]) of atoms i–j–k–l in the frame starting at R[off]. */
export function dihedralDeg(
  R: ArrayLike<number>,
  off: number,
  i: number,
  j: number,
  k: number,
  l: number,
): number {
  const p = (a: number, c: number) => R[off + 3 * a + c];
  const b0 = [p(i, 0) - p(j, 0), p(i, 1) - p(j, 1), p(i, 2) - p(j, 2)];
  const b1 = [p(k, 0) - p(j, 0), p(k, 1) - p(j, 1), p(k, 2) - p(j, 2)];
  const b2 = [p(l, 0) - p(k, 0), p(l, 1) - p(k, 1), p(l, 2) - p(k, 2)];
  const n1 = Math.hypot(b1[0], b1[1], b1[2]);
  const u = [b1[0] / n1, b1[1] / n1, b1[2] / n1];
  // components of b0 and b2 orthogonal to b1
  const d0 = b0[0] * u[0] + b0[1] * u[1] + b0[2] * u[2];
  const d2 = b2[0] * u[0] + b2[1] * u[1] + b2[2] * u[2];
  const v = [b0[0] - d0 * u[0], b0[1] - d0 * u[1], b0[2] - d0 * u[2]];
  const w = [b2[0] - d2 * u[0], b2[1] - d2 * u[1], b2[2] - d2 * u[2]];
  const x = v[0] * w[0] + v[1] * w[1] + v[2] * w[2];
  const c = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
  const y = c[0] * w[0] + c[1] * w[1] + c[2] * w[2];
  return (Math.atan2(y, x) * 180) / Math.PI;
}

/** Dihedral (degrees) of atoms [i, j, k, l] in every frame. */
export function dihedralSeries(
  R: Float64Array,
  nAtoms: number,
  nFrames: number,
  atoms: readonly number[],
): Float64Array {
  if (atoms.length !== 4) throw new RangeError('a dihedral needs four atoms');
  for (const a of atoms)
    if (!Number.isInteger(a) || a < 0 || a >= nAtoms)
      throw new RangeError(`atom index ${a} out of range 0..${nAtoms - 1}`);
  if (new Set(atoms).size !== 4) throw new RangeError('the four dihedral atoms must be distinct');
  const out = new Float64Array(nFrames);
  for (let m = 0; m < nFrames; m++)
    out[m] = dihedralDeg(R, m * nAtoms * 3, atoms[0], atoms[1], atoms[2], atoms[3]);
  return out;
}

/** Number of φ clusters (10° bins of |φ| from 0 to 180°). */
export const PHI_CLUSTERS = 18;

/** φ cluster of every angle: ⌊|φ|/10°⌋, with 180° itself in cluster 17. */
export function phiClusters(phiDeg: ArrayLike<number>, width = 10): Int32Array {
  const nb = Math.round(180 / width);
  const out = new Int32Array(phiDeg.length);
  for (let i = 0; i < phiDeg.length; i++) {
    let a = Math.abs(phiDeg[i]) % 360;
    if (a > 180) a = 360 - a;
    out[i] = Math.min(nb - 1, Math.floor(a / width));
  }
  return out;
}

/** Labels for a φ cluster index, e.g. "0–10°". */
export function phiClusterLabel(c: number, width = 10): string {
  return `${c * width}–${(c + 1) * width}°`;
}

/** The default azobenzene φ = C–N=N–C atoms (0-based; our atom order: N 0, N 1, ipso C 2 and 8). */
export const AZOBENZENE_PHI_ATOMS: readonly number[] = [2, 0, 1, 8];

/** True when z has azobenzene's formula, C12H10N2 (any atom order). */
export function isAzobenzeneLike(z: ArrayLike<number>): boolean {
  if (z.length !== 24) return false;
  let c = 0,
    h = 0,
    n = 0;
  for (let i = 0; i < z.length; i++) {
    if (z[i] === 6) c++;
    else if (z[i] === 1) h++;
    else if (z[i] === 7) n++;
  }
  return c === 12 && h === 10 && n === 2;
}

/**
 * The C–N=N–C dihedral atoms of an azobenzene-like molecule in any atom order, found on one geometry (frame
 * `m` of R): the two N atoms and, for each, its nearest carbon. null when the two N are not bonded
 * (> 1.6 Å) or a carbon is missing. In the project's own order this gives {@link AZOBENZENE_PHI_ATOMS}.
 */
export function findAzoDihedral(z: ArrayLike<number>, R: ArrayLike<number>, m = 0): number[] | null {
  if (!isAzobenzeneLike(z)) return null;
  const off = m * z.length * 3;
  const d = (a: number, b: number) =>
    Math.hypot(
      R[off + 3 * a] - R[off + 3 * b],
      R[off + 3 * a + 1] - R[off + 3 * b + 1],
      R[off + 3 * a + 2] - R[off + 3 * b + 2],
    );
  const ns: number[] = [];
  for (let i = 0; i < z.length; i++) if (z[i] === 7) ns.push(i);
  if (d(ns[0], ns[1]) > 1.6) return null;
  const nearestC = (nIdx: number) => {
    let best = -1,
      bd = Infinity;
    for (let i = 0; i < z.length; i++)
      if (z[i] === 6 && d(nIdx, i) < bd) {
        bd = d(nIdx, i);
        best = i;
      }
    return bd < 1.8 ? best : -1;
  };
  const c1 = nearestC(ns[0]),
    c2 = nearestC(ns[1]);
  if (c1 < 0 || c2 < 0 || c1 === c2) return null;
  return [c1, ns[0], ns[1], c2];
}

/** All pairwise distances (lower triangle, (1,0), (2,0), (2,1), …) of frame m. */
export function pairDistanceVector(
  R: ArrayLike<number>,
  nAtoms: number,
  m: number,
  out?: Float64Array,
): Float64Array {
  const d = out ?? new Float64Array((nAtoms * (nAtoms - 1)) / 2);
  const off = m * nAtoms * 3;
  let k = 0;
  for (let a = 1; a < nAtoms; a++)
    for (let b = 0; b < a; b++) {
      const dx = R[off + 3 * a] - R[off + 3 * b];
      const dy = R[off + 3 * a + 1] - R[off + 3 * b + 1];
      const dz = R[off + 3 * a + 2] - R[off + 3 * b + 2];
      d[k++] = Math.sqrt(dx * dx + dy * dy + dz * dz);
    }
  return d;
}

/**
 * Exact Ward agglomerative clustering of m points (rows of X, dimension dim) cut at k clusters.
 * Nearest-neighbour chain on squared Euclidean distances with the Lance–Williams Ward update; merges are
 * sorted by height and the first m − k applied (Ward is reducible, so this equals the greedy order).
 * Returns labels 0..k−1 numbered by first appearance.
 */
export function wardClusters(X: Float64Array, dim: number, k: number): Int32Array {
  const m = X.length / dim;
  if (!Number.isInteger(m)) throw new RangeError('X length is not a multiple of dim');
  if (k < 1) throw new RangeError('need at least one cluster');
  if (m <= k) return Int32Array.from({ length: m }, (_, i) => i);
  // condensed-by-row full matrix of squared distances (float64, m² entries)
  const D = new Float64Array(m * m);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let t = 0; t < dim; t++) {
        const d = X[i * dim + t] - X[j * dim + t];
        s += d * d;
      }
      D[i * m + j] = D[j * m + i] = s;
    }
  const size = new Float64Array(m).fill(1);
  const active = new Uint8Array(m).fill(1);
  const merges: { a: number; b: number; h: number }[] = [];
  const chain: number[] = [];
  let remaining = m;
  while (remaining > 1) {
    if (chain.length === 0) {
      let s = 0;
      while (!active[s]) s++;
      chain.push(s);
    }
    for (;;) {
      const x = chain[chain.length - 1];
      const prev = chain.length > 1 ? chain[chain.length - 2] : -1;
      // nearest active neighbour of x; prefer prev on ties so the chain terminates
      let best = prev,
        bd = prev >= 0 ? D[x * m + prev] : Infinity;
      for (let y = 0; y < m; y++) {
        if (!active[y] || y === x) continue;
        const d = D[x * m + y];
        if (d < bd) {
          bd = d;
          best = y;
        }
      }
      if (best === prev) {
        chain.pop();
        chain.pop();
        // merge prev into x (x keeps the slot)
        const a = x,
          b = prev,
          na = size[a],
          nb = size[b],
          dab = D[a * m + b];
        for (let y = 0; y < m; y++) {
          if (!active[y] || y === a || y === b) continue;
          const ny = size[y];
          const v = ((na + ny) * D[a * m + y] + (nb + ny) * D[b * m + y] - ny * dab) / (na + nb + ny);
          D[a * m + y] = D[y * m + a] = v;
        }
        active[b] = 0;
        size[a] = na + nb;
        merges.push({ a, b, h: dab });
        remaining--;
        break;
      }
      chain.push(best);
    }
  }
  // cut: apply the m − k lowest merges with union–find
  const order = merges.map((_, i) => i).sort((p, q) => merges[p].h - merges[q].h || p - q);
  const parent = Int32Array.from({ length: m }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (let t = 0; t < m - k; t++) {
    const { a, b } = merges[order[t]];
    parent[find(b)] = find(a);
  }
  const labelOf = new Map<number, number>();
  const labels = new Int32Array(m);
  for (let i = 0; i < m; i++) {
    const r = find(i);
    if (!labelOf.has(r)) labelOf.set(r, labelOf.size);
    labels[i] = labelOf.get(r)!;
  }
  return labels;
}

/**
 * 1-D k-means (Lloyd) of values into ≤ k clusters, started from the quantiles (i + ½)/k; deterministic.
 * Empty clusters are dropped; labels are renumbered by increasing centre.
 */
export function kmeans1d(
  values: ArrayLike<number>,
  k: number,
  maxIter = 100,
): { labels: Int32Array; centers: Float64Array } {
  const n = values.length;
  const labels = new Int32Array(n);
  if (n === 0) return { labels, centers: new Float64Array(0) };
  const s = Float64Array.from(values).sort();
  let c = Float64Array.from(
    { length: Math.min(k, n) },
    (_, i) => s[Math.min(n - 1, Math.floor(((i + 0.5) / k) * n))],
  );
  c = Float64Array.from(new Set(c)).sort();
  for (let it = 0; it < maxIter; it++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0,
        bd = Infinity;
      for (let j = 0; j < c.length; j++) {
        const d = Math.abs(values[i] - c[j]);
        if (d < bd) {
          bd = d;
          best = j;
        }
      }
      if (labels[i] !== best || it === 0) {
        if (labels[i] !== best) changed = true;
        labels[i] = best;
      }
    }
    const sum = new Float64Array(c.length),
      cnt = new Float64Array(c.length);
    for (let i = 0; i < n; i++) {
      sum[labels[i]] += values[i];
      cnt[labels[i]]++;
    }
    const nc = Float64Array.from(c, (v, j) => (cnt[j] > 0 ? sum[j] / cnt[j] : v));
    const moved = nc.some((v, j) => v !== c[j]);
    c = nc;
    if (!changed && !moved && it > 0) break;
  }
  // drop empty clusters, renumber by centre
  const cnt = new Int32Array(c.length);
  for (let i = 0; i < n; i++) cnt[labels[i]]++;
  const keep = Array.from(c.keys())
    .filter((j) => cnt[j] > 0)
    .sort((a, b) => c[a] - c[b]);
  const remap = new Int32Array(c.length).fill(-1);
  keep.forEach((j, r) => (remap[j] = r));
  for (let i = 0; i < n; i++) labels[i] = remap[labels[i]];
  return { labels, centers: Float64Array.from(keep, (j) => c[j]) };
}

export interface GeometryClusterOptions {
  /** Agglomerative clusters (default 10). */
  nGeometry?: number;
  /** k-means energy clusters inside each (default 5). */
  nEnergy?: number;
  /** At most this many frames go into the O(m²) hierarchy (default 2000); the rest join the nearest centroid. */
  maxAgglomerative?: number;
  /** Seed of the subsample (default 0). */
  seed?: number;
}

export interface GeometryClusters {
  /** Final cluster of each frame, 0..nClusters−1 (geometry cluster g, energy cluster e → label order g-major). */
  labels: Int32Array;
  /** Agglomerative (geometry) cluster of each frame. */
  geometry: Int32Array;
  nClusters: number;
  /** For each final cluster: its geometry cluster and mean energy (kcal/mol). */
  info: { geometry: number; meanE: number; size: number }[];
  /** Frames that entered the hierarchy (the rest were assigned to the nearest centroid). */
  agglomerativeFrames: number;
}

/**
 * The authors' geometry clusters: Ward on pairwise-distance vectors into `nGeometry`, then k-means on
 * energy into `nEnergy` inside each (see the module comment for the subsample used on large sets).
 */
export function geometryClusters(
  R: Float64Array,
  nAtoms: number,
  nFrames: number,
  E: ArrayLike<number>,
  opts: GeometryClusterOptions = {},
): GeometryClusters {
  const nG = opts.nGeometry ?? 10;
  const nE = opts.nEnergy ?? 5;
  const maxM = opts.maxAgglomerative ?? 2000;
  const dim = (nAtoms * (nAtoms - 1)) / 2;
  const all = Int32Array.from({ length: nFrames }, (_, i) => i);
  const sub = nFrames <= maxM ? all : choiceWithoutReplacement(all, maxM, createRng(opts.seed ?? 0)).sort();
  const X = new Float64Array(sub.length * dim);
  for (let s = 0; s < sub.length; s++)
    pairDistanceVector(R, nAtoms, sub[s], X.subarray(s * dim, (s + 1) * dim));
  const subLabels = wardClusters(X, dim, nG);
  const nGeo = subLabels.reduce((mx, l) => Math.max(mx, l + 1), 0);
  const geometry = new Int32Array(nFrames).fill(-1);
  for (let s = 0; s < sub.length; s++) geometry[sub[s]] = subLabels[s];
  if (sub.length < nFrames) {
    const cen = new Float64Array(nGeo * dim);
    const cnt = new Float64Array(nGeo);
    for (let s = 0; s < sub.length; s++) {
      const g = subLabels[s];
      cnt[g]++;
      for (let t = 0; t < dim; t++) cen[g * dim + t] += X[s * dim + t];
    }
    for (let g = 0; g < nGeo; g++) for (let t = 0; t < dim; t++) cen[g * dim + t] /= cnt[g];
    const v = new Float64Array(dim);
    for (let m = 0; m < nFrames; m++) {
      if (geometry[m] >= 0) continue;
      pairDistanceVector(R, nAtoms, m, v);
      let best = 0,
        bd = Infinity;
      for (let g = 0; g < nGeo; g++) {
        let d = 0;
        for (let t = 0; t < dim; t++) {
          const x = v[t] - cen[g * dim + t];
          d += x * x;
        }
        if (d < bd) {
          bd = d;
          best = g;
        }
      }
      geometry[m] = best;
    }
  }
  const labels = new Int32Array(nFrames);
  const info: GeometryClusters['info'] = [];
  for (let g = 0; g < nGeo; g++) {
    const members: number[] = [];
    for (let m = 0; m < nFrames; m++) if (geometry[m] === g) members.push(m);
    const { labels: el, centers } = kmeans1d(
      members.map((m) => E[m]),
      nE,
    );
    const base = info.length;
    for (let c = 0; c < centers.length; c++) info.push({ geometry: g, meanE: 0, size: 0 });
    members.forEach((m, i) => {
      labels[m] = base + el[i];
      info[base + el[i]].size++;
      info[base + el[i]].meanE += E[m];
    });
  }
  for (const c of info) c.meanE /= c.size || 1;
  return { labels, geometry, nClusters: info.length, info, agglomerativeFrames: sub.length };
}
