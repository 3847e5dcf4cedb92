/** Dataset statistics (src/data/stats.ts) against hand-computed cases. */
import { describe, expect, it } from 'vitest';
import {
  binCentres,
  checkDihedralAtoms,
  datasetFacts,
  defaultDihedral,
  dihedralHistogram,
  dihedralValues,
  distanceHistogram,
  energyHistogram,
  freedmanDiaconisWidth,
  histogram,
  quantileSorted,
  sampleFrames,
} from '../../src/data/stats.ts';
import { AZO_Z } from '../../src/chem/azobenzene.ts';
import type { Dataset } from '../../src/data/dataset.ts';

function ds(R: number[][], E: number[] | null, z: number[]): Dataset {
  return {
    name: 'test',
    theory: 'hand',
    z: Int32Array.from(z),
    nAtoms: z.length,
    nFrames: R.length,
    R: Float64Array.from(R.flat()),
    E: E ? Float64Array.from(E) : null,
    F: null,
    md5: 'abc',
  };
}

describe('histogram', () => {
  it('fixed bin count: edges and counts (last edge inclusive)', () => {
    const h = histogram([0, 1, 2, 3, 4], { bins: 2 });
    expect(h.edges).toEqual([0, 2, 4]);
    expect(h.counts).toEqual([2, 3]);
    expect(h.total).toBe(5);
    expect(binCentres(h)).toEqual([1, 3]);
  });

  it('ignores NaN/Inf and values outside a given range', () => {
    const h = histogram([NaN, -1, 0.5, 1.5, Infinity, 5], { bins: 2, range: [0, 2] });
    expect(h.counts).toEqual([1, 1]);
    expect(h.total).toBe(2);
  });

  it('quantiles interpolate linearly (numpy default)', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBeCloseTo(1.75, 12);
    expect(quantileSorted([1, 2, 3, 4], 0.75)).toBeCloseTo(3.25, 12);
  });

  it('Freedman–Diaconis: width 2·IQR/n^(1/3) and the bin count it implies', () => {
    // 0..7: q25 = 1.75, q75 = 5.25, IQR = 3.5, n = 8 → width = 2·3.5/2 = 3.5
    const v = [0, 1, 2, 3, 4, 5, 6, 7];
    expect(freedmanDiaconisWidth(v)).toBeCloseTo(3.5, 12);
    const h = histogram(v); // range 7 / 3.5 → 2 bins
    expect(h.edges).toEqual([0, 3.5, 7]);
    expect(h.counts).toEqual([4, 4]);
  });

  it('a constant sample gets one bin around the value', () => {
    const h = histogram([2, 2, 2]);
    expect(h.edges).toEqual([1.5, 2.5]);
    expect(h.counts).toEqual([3]);
  });
});

describe('energyHistogram', () => {
  const two = [
    [0, 0, 0, 1, 0, 0],
    [0, 0, 0, 1, 0, 0],
    [0, 0, 0, 1, 0, 0],
    [0, 0, 0, 1, 0, 0],
  ];
  it('is relative to the minimum and reports the absolute range', () => {
    const h = energyHistogram(ds(two, [-100, -98, -99, -96], [1, 1]), { bins: 2 });
    expect(h.reference).toBe(-100);
    expect(h.min).toBe(-100);
    expect(h.max).toBe(-96);
    expect(h.edges).toEqual([0, 2, 4]);
    expect(h.counts).toEqual([2, 2]);
  });

  it('groups share the bins and add up to the total', () => {
    const h = energyHistogram(ds(two, [0, 1, 3, 4], [1, 1]), {
      bins: 2,
      groupBy: { codes: [0, 1, 0, 1], labels: { 0: 'a' } },
    });
    expect(h.groups).toEqual([
      { label: 'a', counts: [1, 1], total: 2 },
      { label: 'group 1', counts: [1, 1], total: 2 },
    ]);
  });

  it('a given reference shifts the values', () => {
    const h = energyHistogram(ds(two, [0, 1, 3, 4], [1, 1]), { bins: 1, reference: -1 });
    expect(h.edges).toEqual([1, 5]);
  });

  it('refuses a dataset without energies', () => {
    expect(() => energyHistogram(ds(two, null, [1, 1]))).toThrow(/no energies/);
  });
});

describe('distanceHistogram', () => {
  // an equilateral-free triangle: 3-4-5 right triangle → distances 3, 4, 5 (Å)
  const tri = [0, 0, 0, 3, 0, 0, 0, 4, 0];
  it('counts every pair, from 0 Å, with the share beyond the cutoff', () => {
    const h = distanceHistogram(ds([tri, tri], null, [6, 6, 6]), { binWidth: 1, cutoff: 4.5 });
    expect(h.total).toBe(6);
    expect(h.edges[0]).toBe(0);
    expect(h.counts).toEqual([0, 0, 0, 2, 2, 2]); // 3 → bin [3,4), 4 → [4,5), 5 → [5,6)
    expect(h.beyondCutoff).toBe(2);
    expect(h.fractionBeyondCutoff).toBeCloseTo(1 / 3, 12);
    expect(h.maxDistance).toBe(5);
    expect(h.framesUsed).toBe(2);
  });

  it('samples frames evenly and reports progress up to 1', () => {
    expect(sampleFrames(10, 4)).toEqual([0, 2, 5, 7]);
    expect(sampleFrames(3, 10)).toEqual([0, 1, 2]);
    const seen: number[] = [];
    const frames = Array.from({ length: 10 }, () => tri);
    const h = distanceHistogram(ds(frames, null, [6, 6, 6]), {
      maxFrames: 4,
      binWidth: 1,
      chunk: 2,
      onProgress: (f) => seen.push(f),
    });
    expect(h.framesUsed).toBe(4);
    expect(h.total).toBe(12);
    expect(seen).toEqual([0.5, 1]);
  });
});

describe('dihedrals', () => {
  // H–C–C–H style: atoms at (1,0,0) (0,0,0) (0,0,1) and (cos t, sin t, 1) → dihedral t
  const frame = (t: number) => [
    1,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    1,
    Math.cos((t * Math.PI) / 180),
    Math.sin((t * Math.PI) / 180),
    1,
  ];
  const d = ds([frame(90), frame(-90), frame(180), frame(10)], null, [1, 6, 6, 1]);

  it('computes the signed dihedral of each frame', () => {
    const v = dihedralValues(d, [0, 1, 2, 3]);
    expect(Math.abs(v[0])).toBeCloseTo(90, 9);
    expect(v[0]).toBeCloseTo(-v[1], 9);
    expect(Math.abs(v[2])).toBeCloseTo(180, 9);
    expect(Math.abs(v[3])).toBeCloseTo(10, 9);
  });

  it('bins over (−180, 180] in fixed-width bins', () => {
    const h = dihedralHistogram(d, [0, 1, 2, 3], 90);
    expect(h.edges).toEqual([-180, -90, 0, 90, 180]);
    expect(h.total).toBe(4);
    // ±90 land in the bins starting at −90 and 90; 180 in the last; ±10 in (−90,0) or (0,90)
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(h.counts[3]).toBeGreaterThanOrEqual(1);
  });

  it('rejects bad atom choices with a precise message', () => {
    expect(checkDihedralAtoms([0, 1, 2], 4)).toMatch(/needs 4 atoms/);
    expect(checkDihedralAtoms([0, 1, 2, 4], 4)).toMatch(/atom 5 is not in the molecule \(atoms 1–4\)/);
    expect(checkDihedralAtoms([0, 1, 1, 2], 4)).toMatch(/different/);
    expect(() => dihedralValues(d, [0, 1, 2, 9])).toThrow(/atom 10/);
  });

  it('defaults to φ = C–N=N–C for azobenzene and the first four atoms otherwise', () => {
    expect(defaultDihedral(AZO_Z)).toEqual({ atoms: [2, 0, 1, 8], label: 'φ (C–N=N–C)' });
    expect(defaultDihedral([6, 1, 1, 1, 1])?.atoms).toEqual([0, 1, 2, 3]);
    expect(defaultDihedral([6, 1])).toBeNull();
  });

  it('finds C–N=N–C by bonding when azobenzene comes in another atom order', () => {
    // a planar C–N=N–C core (other atoms far away): C0 N1 N2 C3, listed as N, C, …
    const z = [7, 6, 6, 7, ...Array(10).fill(6), ...Array(10).fill(1)];
    const R = new Array(24 * 3).fill(0).map((_, i) => 10 + i); // far-away filler atoms
    const put = (k: number, x: number, y: number) => R.splice(3 * k, 3, x, y, 0);
    put(0, 0, 0); // N
    put(3, 1.25, 0); // N
    put(1, -0.7, 1.2); // C on the first N
    put(2, 1.95, -1.2); // C on the second N (trans)
    expect(defaultDihedral(z, R)).toEqual({ atoms: [1, 0, 3, 2], label: 'φ (C–N=N–C)' });
    expect(defaultDihedral(z)?.atoms).toEqual([0, 1, 2, 3]);
  });
});

describe('datasetFacts', () => {
  it('formula, counts, energy range and md5', () => {
    const f = datasetFacts(ds([[0, 0, 0, 1, 0, 0, 0, 1, 0]], [-5], [8, 1, 1]));
    expect(f).toMatchObject({ formula: 'H2O', nFrames: 1, nAtoms: 3, eMin: -5, eMax: -5, md5: 'abc' });
    expect(f.hasForces).toBe(false);
  });
});
