import { describe, expect, it } from 'vitest';
import {
  AZOBENZENE_PHI_ATOMS,
  dihedralDeg,
  findAzoDihedral,
  dihedralSeries,
  geometryClusters,
  isAzobenzeneLike,
  kmeans1d,
  pairDistanceVector,
  phiClusters,
  phiClusterLabel,
  wardClusters,
} from '../../src/data/cluster.ts';
import { createRng } from '../../src/data/sample.ts';

/** Four atoms with dihedral φ (degrees) about the 1–2 bond. */
function fourAtoms(phi: number): number[] {
  const p = (phi * Math.PI) / 180;
  return [1, 0, 0, 0, 0, 0, 0, 0, 1.5, Math.cos(p), Math.sin(p), 1.5];
}

/** Same partition up to relabelling. */
function samePartition(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const ab = new Map<number, number>(),
    ba = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    if ((ab.get(a[i]) ?? b[i]) !== b[i] || (ba.get(b[i]) ?? a[i]) !== a[i]) return false;
    ab.set(a[i], b[i]);
    ba.set(b[i], a[i]);
  }
  return true;
}

/** Naive O(m³) Ward: repeatedly merge the pair with the smallest increase in within-cluster SSE. */
function naiveWard(X: Float64Array, dim: number, k: number): Int32Array {
  const m = X.length / dim;
  let clusters: number[][] = Array.from({ length: m }, (_, i) => [i]);
  const centroid = (c: number[]) => {
    const v = new Float64Array(dim);
    for (const i of c) for (let t = 0; t < dim; t++) v[t] += X[i * dim + t] / c.length;
    return v;
  };
  while (clusters.length > k) {
    let best = [0, 1],
      bd = Infinity;
    for (let a = 0; a < clusters.length; a++)
      for (let b = 0; b < a; b++) {
        const ca = centroid(clusters[a]),
          cb = centroid(clusters[b]);
        let d = 0;
        for (let t = 0; t < dim; t++) d += (ca[t] - cb[t]) ** 2;
        const na = clusters[a].length,
          nb = clusters[b].length;
        const inc = ((na * nb) / (na + nb)) * d;
        if (inc < bd) {
          bd = inc;
          best = [a, b];
        }
      }
    const [a, b] = best;
    clusters[a] = clusters[a].concat(clusters[b]);
    clusters = clusters.filter((_, i) => i !== b);
  }
  const l = new Int32Array(m);
  clusters.forEach((c, j) => c.forEach((i) => (l[i] = j)));
  return l;
}

describe('φ clusters', () => {
  it('computes signed dihedrals and 10° bins 0..17', () => {
    for (const phi of [0, 5, 45, 90, 135, 179.9, -30, -175])
      expect(dihedralDeg(fourAtoms(phi), 0, 0, 1, 2, 3)).toBeCloseTo(phi, 9);
    expect(Array.from(phiClusters([0, 9.99, 10, 95, -95, 179.99, 180, -180, 200]))).toEqual([
      0, 0, 1, 9, 9, 17, 17, 17, 16,
    ]);
    expect(phiClusterLabel(3)).toBe('30–40°');
    const R = Float64Array.from([...fourAtoms(12), ...fourAtoms(-170), ...fourAtoms(88)]);
    const phi = dihedralSeries(R, 4, 3, [0, 1, 2, 3]);
    expect(Array.from(phiClusters(phi))).toEqual([1, 17, 8]);
    expect(() => dihedralSeries(R, 4, 3, [0, 1, 2, 2])).toThrow();
    expect(() => dihedralSeries(R, 4, 3, [0, 1, 2, 7])).toThrow();
  });
  it('recognises azobenzene in the project atom order', () => {
    const z = [7, 7, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    expect(isAzobenzeneLike(z)).toBe(true);
    expect(isAzobenzeneLike(z.slice(1))).toBe(false);
    expect(AZOBENZENE_PHI_ATOMS).toEqual([2, 0, 1, 8]);
    // a C–N=N–C core embedded among far-away atoms, in a shuffled order
    const R = new Float64Array(24 * 3);
    for (let i = 0; i < 24; i++) R[3 * i] = 10 + 3 * i; // far from everything
    const put = (i: number, x: number, y: number, zz: number) => R.set([x, y, zz], 3 * i);
    const zs = [6, 6, 6, 6, 6, 6, 7, 7, 6, 6, 6, 6, 6, 6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
    put(6, 0, 0, 0);
    put(7, 1.25, 0, 0);
    put(3, -0.7, 1.2, 0);
    put(11, 1.95, -1.2, 0);
    expect(findAzoDihedral(zs, R)).toEqual([3, 6, 7, 11]);
    put(7, 3, 0, 0); // N–N broken
    expect(findAzoDihedral(zs, R)).toBeNull();
  });
});

describe('Ward agglomerative clustering', () => {
  it('equals a naive Ward on random points', () => {
    const r = createRng(4);
    for (const [m, dim, k] of [
      [30, 2, 4],
      [45, 5, 6],
      [25, 3, 1],
    ]) {
      const X = Float64Array.from({ length: m * dim }, () => r.next() * 10);
      expect(samePartition(wardClusters(X, dim, k), naiveWard(X, dim, k))).toBe(true);
    }
  });
  it('returns singletons when k ≥ m', () => {
    expect(Array.from(wardClusters(Float64Array.from([0, 1, 2]), 1, 5))).toEqual([0, 1, 2]);
  });
});

describe('k-means on energy', () => {
  it('separates well-separated groups and orders labels by centre', () => {
    const v = [10.1, 0.2, 5.0, 0.1, 10.0, 5.2, 0.0, 9.9, 5.1];
    const { labels, centers } = kmeans1d(v, 3);
    expect(Array.from(labels)).toEqual([2, 0, 1, 0, 2, 1, 0, 2, 1]);
    expect(centers[0]).toBeCloseTo(0.1, 12);
    expect(centers[2]).toBeCloseTo(10, 12);
    expect(kmeans1d([1, 1, 1], 5).centers.length).toBe(1);
  });
});

describe('geometry clusters (Ward on pairwise distances, then k-means on energy)', () => {
  /** 3 shapes of a 5-atom molecule, each with two energy levels: 6 known clusters. */
  function synthetic(nPer: number) {
    const r = createRng(8);
    const shapes = [
      [0, 0, 0, 1, 0, 0, 2, 0, 0, 3, 0, 0, 4, 0, 0], // line
      [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 1, 0, 0.5, 0.5, 1], // pyramid
      [0, 0, 0, 1.5, 0, 0, 3, 0.8, 0, 1.5, 2, 0, 0, 1.2, 0.5], // bent
    ];
    const R: number[] = [],
      E: number[] = [],
      truth: number[] = [];
    for (let i = 0; i < 3 * nPer * 2; i++) {
      const s = i % 3,
        lvl = Math.floor(i / 3) % 2;
      for (const x of shapes[s]) R.push(x + 0.03 * (r.next() - 0.5));
      E.push(10 * s + 3 * lvl + 0.1 * r.next());
      truth.push(2 * s + lvl);
    }
    return {
      R: Float64Array.from(R),
      E: Float64Array.from(E),
      truth: Int32Array.from(truth),
      n: truth.length,
    };
  }

  it('recovers known clusters, also through the subsample + nearest-centroid path', () => {
    const { R, E, truth, n } = synthetic(40);
    for (const maxAgglomerative of [10000, 60]) {
      const g = geometryClusters(R, 5, n, E, { nGeometry: 3, nEnergy: 2, maxAgglomerative, seed: 1 });
      expect(g.nClusters).toBe(6);
      expect(g.agglomerativeFrames).toBe(Math.min(n, maxAgglomerative));
      expect(samePartition(g.labels, truth)).toBe(true);
      expect(g.info.reduce((s, c) => s + c.size, 0)).toBe(n);
      // energy clusters of one geometry cluster are ordered by mean energy
      for (let c = 1; c < g.info.length; c++)
        if (g.info[c].geometry === g.info[c - 1].geometry)
          expect(g.info[c].meanE).toBeGreaterThan(g.info[c - 1].meanE);
    }
  });

  it('uses all pairwise distances in the reference order', () => {
    const d = pairDistanceVector(Float64Array.from([0, 0, 0, 1, 0, 0, 0, 2, 0]), 3, 0);
    expect(Array.from(d).map((x) => +x.toFixed(12))).toEqual([1, 2, +Math.sqrt(5).toFixed(12)]);
  });
});
