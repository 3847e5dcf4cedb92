/**
 * Langevin molecular dynamics (BAOAB splitting, Leimkuhler & Matthews 2013) in the app's units:
 * positions Å, velocities Å/fs, masses amu, energies kcal/mol, forces kcal/mol/Å, time fs.
 * The centre-of-mass velocity is removed after every thermostat step. The integrator calls `engrad`
 * exactly once per step, so the energy and forces of every visited frame come for free.
 */
import type { Rng } from './rng.ts';
import type { EngradResult } from './xtb.ts';

/** kcal/mol/Å per amu → Å/fs² */
export const ACC_UNIT = 4.184e-4;
/** Boltzmann constant, kcal/mol/K */
export const KB = 0.0019872043;
export const MASS: Record<number, number> = { 1: 1.008, 6: 12.011, 7: 14.007, 8: 15.999 };

export interface MdState {
  R: Float64Array;
  V: Float64Array;
  /** energy and forces at R */
  E: number;
  F: Float64Array;
  step: number;
}

export interface MdSettings {
  z: readonly number[];
  /** fs */
  dt: number;
  /** K */
  temperature: number;
  /** friction, 1/fs */
  gamma: number;
}

function removeComVelocity(V: Float64Array, m: Float64Array): void {
  const p = [0, 0, 0];
  let M = 0;
  for (let i = 0; i < m.length; i++) {
    M += m[i];
    for (let k = 0; k < 3; k++) p[k] += m[i] * V[3 * i + k];
  }
  for (let i = 0; i < m.length; i++) for (let k = 0; k < 3; k++) V[3 * i + k] -= p[k] / M;
}

/** Maxwell–Boltzmann velocities at temperature T (COM motion removed). */
export function maxwellBoltzmann(z: readonly number[], T: number, rng: Rng): Float64Array {
  const m = Float64Array.from(z.map((zi) => MASS[zi]));
  const V = new Float64Array(3 * z.length);
  for (let i = 0; i < z.length; i++) {
    const s = Math.sqrt((KB * T * ACC_UNIT) / m[i]);
    for (let k = 0; k < 3; k++) V[3 * i + k] = s * rng.normal();
  }
  removeComVelocity(V, m);
  return V;
}

/** Kinetic energy, kcal/mol. */
export function kineticEnergy(z: readonly number[], V: Float64Array): number {
  let ke = 0;
  for (let i = 0; i < z.length; i++) {
    const m = MASS[z[i]];
    for (let k = 0; k < 3; k++) ke += 0.5 * m * V[3 * i + k] ** 2;
  }
  return ke / ACC_UNIT;
}

/**
 * Advance `state` by `nSteps` BAOAB steps; `onStep` sees every new state (after its forces are known).
 * The state object is updated in place.
 */
export async function langevinRun(
  state: MdState,
  s: MdSettings,
  nSteps: number,
  engrad: (R: Float64Array) => Promise<EngradResult>,
  rng: Rng,
  onStep: (st: MdState) => void,
): Promise<void> {
  const n = s.z.length;
  const m = Float64Array.from(s.z.map((zi) => MASS[zi]));
  const c1 = Math.exp(-s.gamma * s.dt);
  const c2 = Math.sqrt(1 - c1 * c1);
  const h = s.dt / 2;
  const { R, V } = state;
  for (let step = 0; step < nSteps; step++) {
    let F = state.F;
    for (let i = 0; i < n; i++) {
      const a = ACC_UNIT / m[i];
      const sig = Math.sqrt((KB * s.temperature * ACC_UNIT) / m[i]);
      for (let k = 0; k < 3; k++) {
        const j = 3 * i + k;
        V[j] += h * a * F[j]; // B
        R[j] += h * V[j]; // A
        V[j] = c1 * V[j] + c2 * sig * rng.normal(); // O
      }
    }
    removeComVelocity(V, m);
    for (let j = 0; j < 3 * n; j++) R[j] += h * V[j]; // A
    const res = await engrad(R);
    F = res.F;
    for (let i = 0; i < n; i++) {
      const a = ACC_UNIT / m[i];
      for (let k = 0; k < 3; k++) V[3 * i + k] += h * a * F[3 * i + k]; // B
    }
    state.E = res.E;
    state.F = F;
    state.step++;
    onStep(state);
  }
}
