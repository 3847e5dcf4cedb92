/**
 * Path search on any potential (pure, no I/O):
 *
 * - `fireMinimize`: FIRE (Bitzek et al. 2006) relaxation of one geometry.
 * - `nebRelax`: nudged elastic band with the improved tangent (Henkelman & Jónsson 2000) and a climbing
 *   image (Henkelman, Uberuaga & Jónsson 2000), optimised by FIRE on all movable images at once.
 *   The end images stay fixed (relax them first with `fireMinimize` if they are not minima of the potential).
 *
 * Units follow the app: Å, kcal/mol, kcal/mol/Å. A potential maps n geometries (flat, n·3N) to energies and
 * forces; every ForceField's `predict` is one.
 */
import { alignTo } from './geometry';

export type Potential = (R: Float64Array, n: number) => { E: Float64Array; F: Float64Array };

export class PathSearchAborted extends Error {
  constructor() {
    super('path search cancelled');
    this.name = 'AbortError';
  }
}

export interface FireOptions {
  /** Stop when the largest atomic force norm is below this (kcal/mol/Å); default 0.5. */
  fmax?: number;
  maxSteps?: number;
  /** Initial and largest time step (arbitrary FIRE units, Å²·mol/kcal); defaults 0.02 and 0.1. */
  dt?: number;
  dtMax?: number;
  /** Largest displacement of any atom per step, Å (default 0.1). */
  maxMove?: number;
}

/** Largest per-atom force norm in F[off … off+3N). */
export function maxAtomForce(F: ArrayLike<number>, nAtoms: number, off = 0): number {
  let m = 0;
  for (let i = 0; i < nAtoms; i++) {
    const o = off + 3 * i;
    m = Math.max(m, Math.hypot(F[o], F[o + 1], F[o + 2]));
  }
  return m;
}

/**
 * FIRE state machine on a flat coordinate vector x with "force" f(x) (any dimension). Returns a stepper
 * that moves x in place and reports the new force.
 */
class Fire {
  private v: Float64Array;
  private dt: number;
  private alpha = 0.1;
  private nPos = 0;
  constructor(
    n: number,
    private o: Required<FireOptions>,
  ) {
    this.v = new Float64Array(n);
    this.dt = o.dt;
  }
  step(x: Float64Array, f: Float64Array): void {
    const v = this.v;
    let vf = 0,
      vv = 0,
      ff = 0;
    for (let i = 0; i < x.length; i++) {
      vf += v[i] * f[i];
      vv += v[i] * v[i];
      ff += f[i] * f[i];
    }
    if (vf > 0) {
      const s = Math.sqrt(vv / Math.max(ff, 1e-300));
      for (let i = 0; i < x.length; i++) v[i] = (1 - this.alpha) * v[i] + this.alpha * s * f[i];
      if (++this.nPos > 5) {
        this.dt = Math.min(this.dt * 1.1, this.o.dtMax);
        this.alpha *= 0.99;
      }
    } else {
      v.fill(0);
      this.dt *= 0.5;
      this.alpha = 0.1;
      this.nPos = 0;
    }
    // semi-implicit Euler with unit masses
    for (let i = 0; i < x.length; i++) v[i] += this.dt * f[i];
    let big = 0;
    for (let i = 0; i < x.length; i += 3)
      big = Math.max(big, this.dt * Math.hypot(v[i], v[i + 1] ?? 0, v[i + 2] ?? 0));
    const scale = big > this.o.maxMove ? this.o.maxMove / big : 1;
    for (let i = 0; i < x.length; i++) x[i] += scale * this.dt * v[i];
  }
}

function fireDefaults(o: FireOptions): Required<FireOptions> {
  return {
    fmax: o.fmax ?? 0.5,
    maxSteps: o.maxSteps ?? 500,
    dt: o.dt ?? 0.02,
    dtMax: o.dtMax ?? 0.1,
    maxMove: o.maxMove ?? 0.1,
  };
}

/** Relaxes one geometry R0 (3N) to a local minimum of the potential. */
export function fireMinimize(
  pot: Potential,
  R0: Float64Array,
  opts: FireOptions & { signal?: AbortSignal } = {},
): { R: Float64Array; E: number; fmax: number; steps: number; converged: boolean } {
  const o = fireDefaults(opts);
  const R = Float64Array.from(R0);
  const nAtoms = R.length / 3;
  const fire = new Fire(R.length, o);
  let p = pot(R, 1);
  let steps = 0;
  for (; steps < o.maxSteps && maxAtomForce(p.F, nAtoms) > o.fmax; steps++) {
    if (opts.signal?.aborted) throw new PathSearchAborted();
    fire.step(R, p.F);
    p = pot(R, 1);
  }
  const fm = maxAtomForce(p.F, nAtoms);
  return { R, E: p.E[0], fmax: fm, steps, converged: fm <= o.fmax };
}

export interface NebOptions extends FireOptions {
  /** Spring constant between images (kcal/mol/Å²), default 5. */
  springK?: number;
  /** Climbing image (default true); it starts after `climbAfter` steps (default 20) or once fmax < 3·target. */
  climb?: boolean;
  climbAfter?: number;
  signal?: AbortSignal;
  /** Called every `reportEvery` steps (default 5) with the current band. */
  onStep?: (s: NebSnapshot) => void;
  reportEvery?: number;
}

export interface NebSnapshot {
  step: number;
  /** Energies of all images (kcal/mol), ends included. */
  E: Float64Array;
  /** Largest NEB force on any atom of a movable image (kcal/mol/Å). */
  fmax: number;
  climbing: number;
}

export interface NebResult extends NebSnapshot {
  /** All images, each 3N (ends included). */
  images: Float64Array[];
  converged: boolean;
  /** Index of the highest image. */
  top: number;
  /** Barrier from the first and from the last image (kcal/mol). */
  barrierForward: number;
  barrierBackward: number;
  /** Cumulative path length at each image (Å, Cartesian). */
  arc: Float64Array;
}

function norm(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
}

/** Improved tangent at image i (unit vector) from its neighbours and energies. */
function tangent(
  prev: Float64Array,
  cur: Float64Array,
  next: Float64Array,
  Ep: number,
  Ec: number,
  En: number,
) {
  const n = cur.length;
  const tp = new Float64Array(n),
    tm = new Float64Array(n),
    t = new Float64Array(n);
  for (let q = 0; q < n; q++) {
    tp[q] = next[q] - cur[q];
    tm[q] = cur[q] - prev[q];
  }
  if (En > Ec && Ec > Ep) t.set(tp);
  else if (En < Ec && Ec < Ep) t.set(tm);
  else {
    const dMax = Math.max(Math.abs(En - Ec), Math.abs(Ep - Ec));
    const dMin = Math.min(Math.abs(En - Ec), Math.abs(Ep - Ec));
    const [a, b] = En > Ep ? [dMax, dMin] : [dMin, dMax];
    for (let q = 0; q < n; q++) t[q] = a * tp[q] + b * tm[q];
  }
  const l = norm(t) || 1;
  for (let q = 0; q < n; q++) t[q] /= l;
  return { t, dNext: norm(tp), dPrev: norm(tm) };
}

/** Climbing-image NEB on `images` (≥ 3, each 3N, ends fixed). Returns the relaxed band. */
export function nebRelax(pot: Potential, images: Float64Array[], opts: NebOptions = {}): NebResult {
  const nImg = images.length;
  if (nImg < 3) throw new Error('NEB needs at least 3 images (two ends and one movable image)');
  const n3 = images[0].length;
  if (images.some((im) => im.length !== n3)) throw new Error('NEB: all images must have the same atoms');
  const o = fireDefaults(opts);
  const k = opts.springK ?? 5;
  const climb = opts.climb ?? true;
  const climbAfter = opts.climbAfter ?? 20;
  const every = opts.reportEvery ?? 5;
  const nMov = nImg - 2;
  const nAtoms = n3 / 3;
  const X = new Float64Array(nMov * n3);
  for (let i = 0; i < nMov; i++) X.set(images[i + 1], i * n3);
  const ends = pot(Float64Array.from([...images[0], ...images[nImg - 1]]), 2);
  const E = new Float64Array(nImg);
  E[0] = ends.E[0];
  E[nImg - 1] = ends.E[1];
  const fire = new Fire(X.length, o);
  const G = new Float64Array(X.length);
  const img = (i: number) =>
    i === 0 ? images[0] : i === nImg - 1 ? images[nImg - 1] : X.subarray((i - 1) * n3, i * n3);
  let climbing = -1;
  let fmax = Infinity;
  let step = 0;
  const forces = () => {
    const p = pot(X, nMov);
    for (let i = 1; i <= nMov; i++) E[i] = p.E[i - 1];
    let top = 1;
    for (let i = 2; i <= nMov; i++) if (E[i] > E[top]) top = i;
    if (climb && climbing < 0 && (step >= climbAfter || fmax < 3 * o.fmax)) climbing = top;
    if (climbing > 0) climbing = top;
    fmax = 0;
    for (let i = 1; i <= nMov; i++) {
      const { t, dNext, dPrev } = tangent(img(i - 1), img(i), img(i + 1), E[i - 1], E[i], E[i + 1]);
      const off = (i - 1) * n3;
      let ft = 0;
      for (let q = 0; q < n3; q++) ft += p.F[off + q] * t[q];
      if (i === climbing) for (let q = 0; q < n3; q++) G[off + q] = p.F[off + q] - 2 * ft * t[q];
      else {
        const fs = k * (dNext - dPrev);
        for (let q = 0; q < n3; q++) G[off + q] = p.F[off + q] - ft * t[q] + fs * t[q];
      }
      fmax = Math.max(fmax, maxAtomForce(G, nAtoms, off));
    }
  };
  forces();
  const converged = () => fmax <= o.fmax && (!climb || climbing > 0);
  for (; step < o.maxSteps && !converged(); step++) {
    if (opts.signal?.aborted) throw new PathSearchAborted();
    fire.step(X, G);
    forces();
    if (opts.onStep && step % every === 0) opts.onStep({ step, E: Float64Array.from(E), fmax, climbing });
  }
  const out = Array.from({ length: nImg }, (_, i) => Float64Array.from(img(i)));
  let top = 0;
  for (let i = 1; i < nImg; i++) if (E[i] > E[top]) top = i;
  const arc = new Float64Array(nImg);
  for (let i = 1; i < nImg; i++) {
    let s = 0;
    for (let q = 0; q < n3; q++) s += (out[i][q] - out[i - 1][q]) ** 2;
    arc[i] = arc[i - 1] + Math.sqrt(s);
  }
  return {
    step,
    E: Float64Array.from(E),
    fmax,
    climbing,
    images: out,
    converged: converged(),
    top,
    barrierForward: E[top] - E[0],
    barrierBackward: E[top] - E[nImg - 1],
    arc,
  };
}

/** n images on the straight line between a and b (ends included). */
export function linearImages(a: Float64Array, b: Float64Array, n: number): Float64Array[] {
  return Array.from({ length: n }, (_, i) => {
    const t = i / (n - 1);
    return Float64Array.from(a, (x, q) => x + t * (b[q] - x));
  });
}

/** Each image rotated and translated onto the one before it (Kabsch), so the band carries no rigid motion. */
export function alignBand(images: Float64Array[]): Float64Array[] {
  const out: Float64Array[] = [Float64Array.from(images[0])];
  for (let i = 1; i < images.length; i++) out.push(alignTo(images[i], out[i - 1]));
  return out;
}
