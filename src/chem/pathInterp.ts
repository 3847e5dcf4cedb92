/**
 * Reaction paths for the explorer: parses a bundled path JSON (public/data/paths/*.json: 17 points
 * with R, E, F and key coordinates), superimposes the points one after the other (Kabsch, mass
 * weighted; forces rotated with their geometry), picks the driving coordinate of the slider, and gives
 * a chemically sensible geometry anywhere between two computed points.
 *
 * Interpolation between points i and i+1 at fraction t: the aligned Cartesians are interpolated
 * linearly, then every bond and every 1–3 (angle) distance is brought to the linear interpolation of
 * its two end values by iterated pairwise projection (SHAKE-like, inverse-mass weighted). Linear
 * Cartesians alone shorten bonds of rotating groups (a ring turning by 10° loses ~0.4 % of its bond
 * lengths at the midpoint); the projection keeps bond lengths and bond angles between their values at
 * the neighbouring points while the torsions move smoothly. It works through linear angles (the
 * inversion path passes θ′ = 180°) where internal-coordinate interpolation is singular.
 */
import { covalentRadius, mass } from './elements.ts';
import { kabsch, wrapDeg } from './geometry.ts';
import { keyCoordsFor, type KeyCoordDef } from './keyCoords.ts';

export interface PathPoint {
  index: number;
  /** Aligned positions, Å (flat). */
  R: Float64Array;
  /** Reference forces, kcal/mol/Å, rotated like R; null when the file has none. */
  F: Float64Array | null;
  /** Absolute reference energy, kcal/mol. */
  E: number;
  /** E − E(first point), kcal/mol. */
  dE: number;
  /** DFT single point, kcal/mol, where computed. */
  Edft: number | null;
  /** Key coordinates as stored in the file (degrees, Å). */
  coords: Record<string, number>;
}

export interface PathDriver {
  /** Key of the coordinate in the file ('phi', 'thetaPrime', 'tau1'), or 'index'. */
  key: string;
  symbol: string;
  /** Axis / slider label with unit, e.g. "φ (C–N=N–C dihedral), °". */
  label: string;
  unit: string;
  /** Note on how the value was made monotone (unwrapped, unfolded through 180°), if it was. */
  note?: string;
}

export interface ReactionPath {
  id: string;
  molecule: string;
  theory: string;
  method: string;
  startLabel: string;
  endLabel: string;
  z: Int32Array;
  nAtoms: number;
  points: PathPoint[];
  /** Slider coordinate of every point (strictly monotone, increasing or decreasing). */
  xs: Float64Array;
  driver: PathDriver;
  keyCoords: readonly KeyCoordDef[];
  /** Bonded pairs and 1–3 pairs kept at interpolated lengths between points. */
  bonds: Int32Array;
  pairs13: Int32Array;
  /** Inverse masses (for the projection). */
  invMass: Float64Array;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function numbers(v: unknown, what: string, n: number): Float64Array {
  const out = new Float64Array(n);
  let k = 0;
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (typeof x === 'number' && Number.isFinite(x)) {
      if (k < n) out[k] = x;
      k++;
    } else throw new Error(`${what}: expected numbers, found ${JSON.stringify(x)}`);
  };
  walk(v);
  if (k !== n) throw new Error(`${what}: expected ${n} numbers, found ${k}`);
  return out;
}

/** Applies a Kabsch result (rotation about the mobile centroid, then translation) to positions. */
function transform(R: Float64Array, rot: number[][], c0: readonly number[], c1: readonly number[]) {
  const out = new Float64Array(R.length);
  for (let i = 0; i < R.length / 3; i++) {
    const x = R[3 * i] - c0[0];
    const y = R[3 * i + 1] - c0[1];
    const z = R[3 * i + 2] - c0[2];
    for (let a = 0; a < 3; a++) out[3 * i + a] = rot[a][0] * x + rot[a][1] * y + rot[a][2] * z + c1[a];
  }
  return out;
}
function rotateVectors(F: Float64Array, rot: number[][]) {
  return transform(F, rot, [0, 0, 0], [0, 0, 0]);
}

/** Bonded pairs: distance below 1.25 × the sum of covalent radii in the given geometry. */
export function detectBonds(z: ArrayLike<number>, R: ArrayLike<number>): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < z.length; i++)
    for (let j = i + 1; j < z.length; j++) {
      const d = Math.hypot(R[3 * i] - R[3 * j], R[3 * i + 1] - R[3 * j + 1], R[3 * i + 2] - R[3 * j + 2]);
      if (d < 1.25 * (covalentRadius(z[i]) + covalentRadius(z[j]))) out.push([i, j]);
    }
  return out;
}

/** Pairs of atoms bonded to a common atom (the ends of every bond angle). */
export function anglePairs(nAtoms: number, bonds: [number, number][]): [number, number][] {
  const nb: number[][] = Array.from({ length: nAtoms }, () => []);
  for (const [i, j] of bonds) {
    nb[i].push(j);
    nb[j].push(i);
  }
  const seen = new Set<number>();
  const out: [number, number][] = [];
  for (const list of nb)
    for (let a = 0; a < list.length; a++)
      for (let b = a + 1; b < list.length; b++) {
        const [i, j] = list[a] < list[b] ? [list[a], list[b]] : [list[b], list[a]];
        if (seen.has(i * nAtoms + j)) continue;
        seen.add(i * nAtoms + j);
        out.push([i, j]);
      }
  return out;
}

/** Monotone slider values from a coordinate sequence, or null when it cannot be made monotone. */
function monotone(v: number[]): boolean {
  if (v.length < 2) return false;
  const s = Math.sign(v[1] - v[0]);
  if (s === 0) return false;
  for (let i = 1; i < v.length; i++) if (Math.sign(v[i] - v[i - 1]) !== s) return false;
  return true;
}

/** Unwraps a dihedral sequence (no jumps > 180°) and shifts it so its midpoint lies in (−180, 180]. */
export function unwrapDihedrals(v: number[]): number[] {
  const out = [v[0]];
  for (let i = 1; i < v.length; i++) out.push(out[i - 1] + wrapDeg(v[i] - v[i - 1]));
  const mid = (out[0] + out[out.length - 1]) / 2;
  const shift = Math.round((wrapDeg(mid) - mid) / 360) * 360;
  return shift === 0 ? out : out.map((x) => x + shift);
}

/**
 * The slider coordinate of a path: φ for rotation-like azobenzene paths, θ′ for the inversion (the
 * N=N–C angle that passes through 180°, unfolded to 360° − θ′ after the crossing so it stays
 * monotone), τ1 for glycine (unwrapped); else the first monotone key coordinate; else the point index.
 */
export function chooseDriver(
  id: string,
  keyCoords: readonly KeyCoordDef[],
  coords: Record<string, number>[],
): { driver: PathDriver; xs: number[] } {
  const col = (k: string) => coords.map((c) => c[k]);
  const has = (k: string) => coords.every((c) => typeof c[k] === 'number' && Number.isFinite(c[k]));
  const mk = (k: string, xs: number[], note?: string) => {
    const d = keyCoords.find((c) => c.key === k);
    const symbol = d?.symbol ?? k;
    return {
      driver: {
        key: k,
        symbol,
        unit: d?.unit ?? '',
        label: `${symbol}${d ? ` (${d.name})` : ''}${d?.unit ? `, ${d.unit}` : ''}`,
        note,
      },
      xs,
    };
  };
  const candidates: string[] = [];
  const isInversion = /inversion/.test(id) && !/rotation/.test(id);
  if (isInversion) candidates.push('thetaPrime', 'theta');
  else candidates.push('phi', 'tau1');
  for (const c of keyCoords) if (!candidates.includes(c.key)) candidates.push(c.key);
  for (const k of candidates) {
    if (!has(k)) continue;
    const kind = keyCoords.find((c) => c.key === k)?.kind;
    let xs = col(k);
    let note: string | undefined;
    if (kind === 'dihedral') {
      const u = unwrapDihedrals(xs);
      if (u.some((x, i) => Math.abs(x - xs[i]) > 1e-9)) note = 'unwrapped across ±180°';
      xs = u;
    } else if (kind === 'angle' && has('phi')) {
      // An angle passing through 180° shows up as a turn-back with a 180° flip of φ: unfold it.
      const phi = col('phi');
      let branch = false;
      const u = xs.map((x, i) => {
        if (i > 0 && Math.abs(wrapDeg(phi[i] - phi[i - 1])) > 90) branch = !branch;
        return branch ? 360 - x : x;
      });
      if (u.some((x, i) => x !== xs[i]) && monotone(u)) {
        xs = u;
        note = 'past 180° shown as 360° − angle (the group passes the linear arrangement)';
      }
    }
    if (monotone(xs)) return mk(k, xs, note);
  }
  return {
    driver: { key: 'index', symbol: 's', unit: '', label: 'path point' },
    xs: coords.map((_, i) => i),
  };
}

/** Parses and prepares a path JSON document (throws with the source name on malformed input). */
export function parsePathJson(doc: unknown, source: string): ReactionPath {
  if (!isObj(doc)) throw new Error(`${source}: not a JSON object`);
  if (!Array.isArray(doc.z) || doc.z.length === 0) throw new Error(`${source}: no atom list "z"`);
  const z = Int32Array.from(doc.z as number[]);
  if (z.some((v) => !Number.isInteger(v) || v < 1))
    throw new Error(`${source}: "z" must hold atomic numbers`);
  const n = z.length;
  if (!Array.isArray(doc.points) || doc.points.length < 2)
    throw new Error(`${source}: expected at least 2 path points in "points"`);
  const molecule = typeof doc.molecule === 'string' ? doc.molecule : 'molecule';
  const keyCoords = keyCoordsFor(molecule);
  const raw = (doc.points as unknown[]).map((p, k) => {
    if (!isObj(p)) throw new Error(`${source}: point ${k} is not an object`);
    const R = numbers(p.R, `${source} point ${k} R`, 3 * n);
    const F = p.F === undefined || p.F === null ? null : numbers(p.F, `${source} point ${k} F`, 3 * n);
    if (typeof p.E !== 'number' || !Number.isFinite(p.E))
      throw new Error(`${source}: point ${k} has no energy E`);
    const coords: Record<string, number> = {};
    for (const [key, v] of Object.entries(p))
      if (typeof v === 'number' && !['index', 'E', 'dE_start', 'dE_end', 'E_dft'].includes(key))
        coords[key] = v;
    return { R, F, E: p.E, Edft: typeof p.E_dft === 'number' ? p.E_dft : null, coords };
  });
  // Superimpose: centre the first point, then each point onto the previous aligned one.
  const w = Float64Array.from(z, (zi) => mass(zi));
  const points: PathPoint[] = [];
  let prev: Float64Array | null = null;
  for (const [k, p] of raw.entries()) {
    let R: Float64Array;
    let F = p.F;
    if (!prev) {
      const { cMobile } = kabsch(p.R, p.R, w);
      R = transform(p.R, [[1, 0, 0], [0, 1, 0], [0, 0, 1]], cMobile, [0, 0, 0]); // prettier-ignore
    } else {
      const { rot, cMobile, cTarget } = kabsch(p.R, prev, w);
      R = transform(p.R, rot, cMobile, cTarget);
      if (F) F = rotateVectors(F, rot);
    }
    prev = R;
    points.push({ index: k, R, F, E: p.E, dE: p.E - raw[0].E, Edft: p.Edft, coords: p.coords });
  }
  const { driver, xs } = chooseDriver(
    typeof doc.id === 'string' ? doc.id : source,
    keyCoords,
    raw.map((p) => p.coords),
  );
  const bonds = detectBonds(z, points[0].R);
  const pairs13 = anglePairs(n, bonds);
  return {
    id: typeof doc.id === 'string' ? doc.id : source,
    molecule,
    theory: typeof doc.theory === 'string' ? doc.theory : '',
    method: typeof doc.method === 'string' ? doc.method : '',
    startLabel: typeof doc.startLabel === 'string' ? doc.startLabel : 'start',
    endLabel: typeof doc.endLabel === 'string' ? doc.endLabel : 'end',
    z,
    nAtoms: n,
    points,
    xs: Float64Array.from(xs),
    driver,
    keyCoords,
    bonds: Int32Array.from(bonds.flat()),
    pairs13: Int32Array.from(pairs13.flat()),
    invMass: w.map((m) => 1 / m),
  };
}

/** Slider range [min, max] of a path. */
export function xRange(path: ReactionPath): [number, number] {
  const a = path.xs[0];
  const b = path.xs[path.xs.length - 1];
  return a < b ? [a, b] : [b, a];
}

/** Fractional point index s ∈ [0, nPoints − 1] of a slider value (clamped; piecewise linear). */
export function sAtX(path: ReactionPath, x: number): number {
  const xs = path.xs;
  const n = xs.length;
  const inc = xs[n - 1] > xs[0];
  const before = (a: number, b: number) => (inc ? a <= b : a >= b);
  if (before(x, xs[0])) return 0;
  if (before(xs[n - 1], x)) return n - 1;
  let lo = 0;
  let hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (before(xs[mid], x)) lo = mid;
    else hi = mid;
  }
  return lo + (x - xs[lo]) / (xs[hi] - xs[lo]);
}

/** Slider value at fractional point index s. */
export function xAtS(path: ReactionPath, s: number): number {
  const n = path.xs.length;
  const c = Math.min(Math.max(s, 0), n - 1);
  const i = Math.min(Math.floor(c), n - 2);
  const t = c - i;
  return path.xs[i] + (path.xs[i + 1] - path.xs[i]) * t;
}

/** Nearest computed point to s, or -1 when s is not within `tol` of one. */
export function computedPointAt(s: number, tol = 1e-6): number {
  const k = Math.round(s);
  return Math.abs(s - k) <= tol ? k : -1;
}

export interface InterpStats {
  iterations: number;
  /** Largest remaining |d − d_target| over the kept pairs, Å. */
  maxError: number;
}

/**
 * Geometry at fractional point index s (flat, Å). Writes into `out` when given. See the module doc
 * for the method; `stats` receives the projection's convergence.
 */
export function geometryAt(
  path: ReactionPath,
  s: number,
  out?: Float64Array,
  stats?: InterpStats,
): Float64Array {
  const n = path.points.length;
  const c = Math.min(Math.max(s, 0), n - 1);
  const i = Math.min(Math.floor(c), n - 2);
  const t = c - i;
  const A = path.points[i].R;
  const B = path.points[i + 1].R;
  const X = out ?? new Float64Array(A.length);
  if (t === 0 || t === 1) X.set(t === 0 ? A : B);
  else for (let k = 0; k < A.length; k++) X[k] = A[k] + (B[k] - A[k]) * t;
  if (t === 0 || t === 1) {
    if (stats) {
      stats.iterations = 0;
      stats.maxError = 0;
    }
    return X;
  }
  const lists = [path.bonds, path.pairs13];
  const np = (path.bonds.length + path.pairs13.length) / 2;
  const I = new Int32Array(np);
  const J = new Int32Array(np);
  const target = new Float64Array(np);
  let q = 0;
  const dist = (R: Float64Array, a: number, b: number) =>
    Math.hypot(R[3 * a] - R[3 * b], R[3 * a + 1] - R[3 * b + 1], R[3 * a + 2] - R[3 * b + 2]);
  for (const list of lists)
    for (let p = 0; p < list.length; p += 2) {
      const a = list[p];
      const b = list[p + 1];
      I[q] = a;
      J[q] = b;
      target[q] = dist(A, a, b) * (1 - t) + dist(B, a, b) * t;
      q++;
    }
  const im = path.invMass;
  const nBonds = path.bonds.length / 2;
  // Phase 1: bonds and 1–3 pairs together (the 1–3 set of planar centres is redundant, so this
  // settles on a compromise); phase 2: bonds alone, which converge exactly.
  let iter = 0;
  let maxErr = Infinity;
  const sweep = (count: number) => {
    maxErr = 0;
    for (let p = 0; p < count; p++) {
      const a = I[p];
      const b = J[p];
      const dx = X[3 * b] - X[3 * a];
      const dy = X[3 * b + 1] - X[3 * a + 1];
      const dz = X[3 * b + 2] - X[3 * a + 2];
      const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
      const err = d - target[p];
      if (Math.abs(err) > maxErr) maxErr = Math.abs(err);
      const g = err / d / (im[a] + im[b]);
      X[3 * a] += im[a] * g * dx;
      X[3 * a + 1] += im[a] * g * dy;
      X[3 * a + 2] += im[a] * g * dz;
      X[3 * b] -= im[b] * g * dx;
      X[3 * b + 1] -= im[b] * g * dy;
      X[3 * b + 2] -= im[b] * g * dz;
    }
  };
  for (let k = 0; k < 100 && maxErr > 1e-9; k++, iter++) sweep(np);
  maxErr = Infinity;
  for (let k = 0; k < 1000 && maxErr > 1e-10; k++, iter++) sweep(nBonds);
  if (stats) {
    stats.iterations = iter;
    stats.maxError = maxErr;
  }
  return X;
}

/** `count` evenly spaced fractional indices from 0 to nPoints − 1 (both ends included). */
export function sampleS(path: ReactionPath, count: number): Float64Array {
  const n = path.points.length;
  return Float64Array.from({ length: count }, (_, k) => ((n - 1) * k) / (count - 1));
}

/** Geometries at the given fractional indices, concatenated (nConf × nAtoms × 3). */
export function geometriesAt(path: ReactionPath, ss: ArrayLike<number>): Float64Array {
  const n3 = 3 * path.nAtoms;
  const out = new Float64Array(ss.length * n3);
  for (let k = 0; k < ss.length; k++) geometryAt(path, ss[k], out.subarray(k * n3, (k + 1) * n3));
  return out;
}
