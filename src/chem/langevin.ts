/**
 * Short Langevin molecular dynamics on any potential (pure): BAOAB splitting (Leimkuhler & Matthews 2013),
 * the scheme of the project's data generator (scripts/generate-data/md.ts), written here against a batch
 * potential so it runs on trained models in a worker. Units: Å, fs, amu, kcal/mol, kcal/mol/Å, K.
 * One potential call per step; the centre-of-mass velocity is removed after each thermostat step.
 */
import { createRng, type Rng } from '../data/sample';
import { mass } from './elements';
import type { Potential } from './neb';

/** kcal/mol/Å per amu → Å/fs² */
export const ACC_UNIT = 4.184e-4;
/** Boltzmann constant, kcal/mol/K */
export const KB = 0.0019872043;

export interface LangevinOptions {
  /** Time step, fs (default 0.5). */
  dt?: number;
  /** Temperature, K (default 300). */
  temperature?: number;
  /** Friction, 1/fs (default 0.01). */
  gamma?: number;
  steps: number;
  /** Keep every k-th frame (default 10). */
  keepEvery?: number;
  seed?: number;
  signal?: AbortSignal;
  /** Called after every kept frame. */
  onFrame?: (f: LangevinFrame) => void;
}

export interface LangevinFrame {
  step: number;
  /** fs */
  time: number;
  R: Float64Array;
  /** Potential energy, kcal/mol. */
  E: number;
  /** Kinetic energy, kcal/mol. */
  Ekin: number;
  /** Instantaneous temperature, K. */
  T: number;
}

/** Standard normal deviate (Box–Muller). */
function normal(rng: Rng): number {
  let u = 0;
  while (u === 0) u = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
}

function removeCom(V: Float64Array, m: Float64Array): void {
  const p = [0, 0, 0];
  let M = 0;
  for (let i = 0; i < m.length; i++) {
    M += m[i];
    for (let k = 0; k < 3; k++) p[k] += m[i] * V[3 * i + k];
  }
  for (let i = 0; i < m.length; i++) for (let k = 0; k < 3; k++) V[3 * i + k] -= p[k] / M;
}

export function kineticEnergy(masses: Float64Array, V: Float64Array): number {
  let ke = 0;
  for (let i = 0; i < masses.length; i++)
    for (let k = 0; k < 3; k++) ke += 0.5 * masses[i] * V[3 * i + k] ** 2;
  return ke / ACC_UNIT;
}

/** Runs Langevin MD from R0 (3N, Å) with Maxwell–Boltzmann start velocities; returns the kept frames. */
export function langevinMd(
  pot: Potential,
  z: ArrayLike<number>,
  R0: Float64Array,
  o: LangevinOptions,
): LangevinFrame[] {
  const n = z.length;
  if (R0.length !== 3 * n) throw new Error(`Langevin MD: ${R0.length / 3} atoms in R, ${n} in z`);
  if (!(o.steps > 0)) throw new Error('Langevin MD: steps must be > 0');
  const dt = o.dt ?? 0.5,
    T = o.temperature ?? 300,
    gamma = o.gamma ?? 0.01,
    keep = Math.max(1, o.keepEvery ?? 10);
  if (!(dt > 0 && dt <= 5)) throw new Error(`Langevin MD: time step ${dt} fs is outside 0…5 fs`);
  if (!(T >= 0)) throw new Error('Langevin MD: temperature must be ≥ 0 K');
  const rng = createRng(o.seed ?? 1);
  const m = Float64Array.from({ length: n }, (_, i) => mass(z[i]));
  const R = Float64Array.from(R0);
  const V = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const s = Math.sqrt((KB * T * ACC_UNIT) / m[i]);
    for (let k = 0; k < 3; k++) V[3 * i + k] = s * normal(rng);
  }
  removeCom(V, m);
  const c1 = Math.exp(-gamma * dt),
    c2 = Math.sqrt(1 - c1 * c1),
    h = dt / 2;
  const dof = Math.max(1, 3 * n - 3);
  let p = pot(R, 1);
  const frames: LangevinFrame[] = [];
  const record = (step: number) => {
    const Ekin = kineticEnergy(m, V);
    const f = { step, time: step * dt, R: Float64Array.from(R), E: p.E[0], Ekin, T: (2 * Ekin) / (dof * KB) };
    frames.push(f);
    o.onFrame?.(f);
  };
  record(0);
  for (let step = 1; step <= o.steps; step++) {
    if (o.signal?.aborted) throw new DOMException('Langevin MD cancelled', 'AbortError');
    const F = p.F;
    for (let i = 0; i < n; i++) {
      const a = ACC_UNIT / m[i];
      const sig = Math.sqrt((KB * T * ACC_UNIT) / m[i]);
      for (let k = 0; k < 3; k++) {
        const j = 3 * i + k;
        V[j] += h * a * F[j]; // B
        R[j] += h * V[j]; // A
        V[j] = c1 * V[j] + c2 * sig * normal(rng); // O
      }
    }
    removeCom(V, m);
    for (let j = 0; j < 3 * n; j++) R[j] += h * V[j]; // A
    p = pot(R, 1);
    if (!Number.isFinite(p.E[0]))
      throw new Error(`Langevin MD: the model's energy is not finite at step ${step}`);
    for (let i = 0; i < n; i++) {
      const a = ACC_UNIT / m[i];
      for (let k = 0; k < 3; k++) V[3 * i + k] += h * a * p.F[3 * i + k]; // B
    }
    if (step % keep === 0) record(step);
  }
  return frames;
}
