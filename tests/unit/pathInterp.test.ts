import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  computedPointAt,
  geometryAt,
  parsePathJson,
  sAtX,
  unwrapDihedrals,
  xAtS,
  xRange,
  type InterpStats,
  type ReactionPath,
} from '../../src/chem/pathInterp';
import { measure } from '../../src/chem/keyCoords';
import { rmsd } from '../../src/chem/geometry';

const IDS = [
  'azobenzene-rotation',
  'azobenzene-optimized-rotation',
  'azobenzene-inversion',
  'azobenzene-rotation-inversion',
  'glycine',
];
const load = (id: string) =>
  parsePathJson(JSON.parse(readFileSync(`public/data/paths/${id}.json`, 'utf8')), `paths/${id}.json`);
const paths = new Map(IDS.map((id) => [id, load(id)]));

const dist = (R: ArrayLike<number>, a: number, b: number) =>
  Math.hypot(R[3 * a] - R[3 * b], R[3 * a + 1] - R[3 * b + 1], R[3 * a + 2] - R[3 * b + 2]);

/** Largest excursion of the pairs' lengths outside the [min, max] of the two neighbouring points. */
function worstExcursion(p: ReactionPath, pairs: Int32Array, interp: (s: number) => Float64Array) {
  let worst = 0;
  for (let i = 0; i + 1 < p.points.length; i++)
    for (const t of [0.1, 0.25, 0.5, 0.75, 0.9]) {
      const X = interp(i + t);
      const A = p.points[i].R;
      const B = p.points[i + 1].R;
      for (let q = 0; q < pairs.length; q += 2) {
        const [a, b] = [pairs[q], pairs[q + 1]];
        const lo = Math.min(dist(A, a, b), dist(B, a, b));
        const hi = Math.max(dist(A, a, b), dist(B, a, b));
        const d = dist(X, a, b);
        worst = Math.max(worst, lo - d, d - hi);
      }
    }
  return worst;
}

function linearCartesian(p: ReactionPath, s: number): Float64Array {
  const i = Math.min(Math.floor(s), p.points.length - 2);
  const t = s - i;
  const A = p.points[i].R;
  const B = p.points[i + 1].R;
  return A.map((v, k) => v + (B[k] - v) * t);
}

describe('path interpolation', () => {
  it('reads every bundled path with its driving coordinate', () => {
    const drivers = Object.fromEntries([...paths].map(([id, p]) => [id, p.driver.key]));
    expect(drivers).toEqual({
      'azobenzene-rotation': 'phi',
      'azobenzene-optimized-rotation': 'phi',
      'azobenzene-inversion': 'thetaPrime',
      'azobenzene-rotation-inversion': 'phi',
      glycine: 'tau1',
    });
    for (const p of paths.values()) {
      expect(p.points).toHaveLength(17);
      expect(p.points[0].dE).toBe(0);
      // slider values strictly monotone
      const d = Math.sign(p.xs[1] - p.xs[0]);
      for (let i = 1; i < p.xs.length; i++) expect(Math.sign(p.xs[i] - p.xs[i - 1])).toBe(d);
    }
    const [lo, hi] = xRange(paths.get('azobenzene-rotation')!);
    expect(lo).toBeCloseTo(8.3024, 9);
    expect(hi).toBeCloseTo(180, 9);
    // glycine τ1 runs from 180° (Ip; stored as −180°) down to 0° (IIIp)
    const g = paths.get('glycine')!;
    expect(g.xs[0]).toBeCloseTo(180, 6);
    expect(g.xs[16]).toBeCloseTo(0, 6);
    // inversion: θ′ unfolded through 180° ends at 360° − θ′(trans)
    const inv = paths.get('azobenzene-inversion')!;
    expect(inv.xs[16]).toBeCloseTo(360 - 113.745, 3);
    expect(inv.xs[8]).toBeGreaterThan(180);
  });

  it('superimposes the points without changing their shapes; forces turn with them', () => {
    const p = paths.get('azobenzene-rotation')!;
    const doc = JSON.parse(readFileSync('public/data/paths/azobenzene-rotation.json', 'utf8')) as {
      points: { R: number[][]; F: number[][] }[];
    };
    for (const k of [0, 8, 16]) {
      const orig = Float64Array.from(doc.points[k].R.flat());
      expect(rmsd(p.points[k].R, orig)).toBeLessThan(1e-9);
      // |F| per atom is unchanged by the rotation
      const F0 = doc.points[k].F.flat();
      for (let i = 0; i < 24; i++) {
        const n0 = Math.hypot(F0[3 * i], F0[3 * i + 1], F0[3 * i + 2]);
        const F = p.points[k].F!;
        expect(Math.hypot(F[3 * i], F[3 * i + 1], F[3 * i + 2])).toBeCloseTo(n0, 9);
      }
    }
    // neighbours are superimposed: consecutive points are close
    for (let k = 1; k < 17; k++) {
      let s = 0;
      for (let j = 0; j < 72; j++) s += (p.points[k].R[j] - p.points[k - 1].R[j]) ** 2;
      expect(Math.sqrt(s / 24)).toBeLessThan(1.0);
    }
  });

  it('maps slider values to point indices and back', () => {
    for (const p of paths.values()) {
      for (const s of [0, 0.5, 3.3, 8, 15.99, 16]) expect(sAtX(p, xAtS(p, s))).toBeCloseTo(s, 9);
      expect(sAtX(p, p.xs[0] - 100 * Math.sign(p.xs[16] - p.xs[0]))).toBe(0);
      expect(sAtX(p, p.xs[16] + 100 * Math.sign(p.xs[16] - p.xs[0]))).toBe(16);
    }
    expect(computedPointAt(8)).toBe(8);
    expect(computedPointAt(8.5)).toBe(-1);
  });

  it('returns the computed points exactly at integer positions and is continuous across them', () => {
    for (const p of paths.values())
      for (let k = 0; k < 17; k++) {
        expect(Array.from(geometryAt(p, k))).toEqual(Array.from(p.points[k].R));
        if (k > 0) expect(rmsd(geometryAt(p, k - 1e-6), p.points[k].R)).toBeLessThan(1e-4);
        if (k < 16) expect(rmsd(geometryAt(p, k + 1e-6), p.points[k].R)).toBeLessThan(1e-4);
      }
  });

  it('keeps bond lengths between their values at the neighbouring points (and bond angles nearly)', () => {
    for (const [id, p] of paths) {
      const stats: InterpStats = { iterations: 0, maxError: 0 };
      const bondOut = worstExcursion(p, p.bonds, (s) => geometryAt(p, s, undefined, stats));
      expect(bondOut, `${id} bonds`).toBeLessThan(1e-6);
      expect(stats.maxError).toBeLessThan(1e-8);
      const angleOut = worstExcursion(p, p.pairs13, (s) => geometryAt(p, s));
      expect(angleOut, `${id} 1–3 distances`).toBeLessThan(5e-3);
    }
    // Plain linear Cartesians shorten the bonds of the turning ring: the test above would catch it.
    const rot = paths.get('azobenzene-rotation')!;
    expect(worstExcursion(rot, rot.bonds, (s) => linearCartesian(rot, s))).toBeGreaterThan(5e-4);
    expect(rot.bonds.length / 2).toBe(25); // 12 C–C, 10 C–H, 2 C–N, 1 N=N
  });

  it('moves the driving coordinate monotonically between points', () => {
    for (const id of ['azobenzene-rotation', 'azobenzene-optimized-rotation', 'glycine']) {
      const p = paths.get(id)!;
      const d = p.keyCoords.find((c) => c.key === p.driver.key)!;
      const vals = unwrapDihedrals(Array.from({ length: 161 }, (_, k) => measure(geometryAt(p, k / 10), d)));
      const sign = Math.sign(vals[160] - vals[0]);
      for (let k = 1; k < vals.length; k++)
        expect((vals[k] - vals[k - 1]) * sign, `${id} at ${k / 10}`).toBeGreaterThan(0);
    }
  });

  it('rejects malformed path files with the reason', () => {
    expect(() => parsePathJson([], 'x.json')).toThrow(/x.json: not a JSON object/);
    expect(() => parsePathJson({ points: [] }, 'x.json')).toThrow(/no atom list/);
    expect(() => parsePathJson({ z: [1, 1], points: [{ R: [0, 0, 0], E: 1 }, {}] }, 'x.json')).toThrow(
      /point 0 R: expected 6 numbers, found 3/,
    );
    expect(() =>
      parsePathJson(
        { z: [1, 1], points: [{ R: [0, 0, 0, 0, 0, 0.7] }, { R: [0, 0, 0, 0, 0, 0.8] }] },
        'x.json',
      ),
    ).toThrow(/point 0 has no energy/);
  });
});
