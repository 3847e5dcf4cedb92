/**
 * Finite-difference checks for the neural networks (used by the unit tests; also handy when a new
 * layer is added): forces against the energy, and parameter gradients of the force-training loss
 * (a second-order gradient) against central differences of the loss.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/dataset';
import { batchPositions, predictFrames, type AtomisticNet } from './net';
import { batchTargets, forceTrainingLoss } from './train';

/** Loss of the net on `frames` (float32 computation, returned as a JS number). */
export function lossValue(net: AtomisticNet, ds: Dataset, frames: ArrayLike<number>, rho: number): number {
  const ctx = net.context(ds.R, frames);
  const Rt = batchPositions(ds.R, ds.nAtoms, frames);
  const tgt = batchTargets(ds, net, frames);
  try {
    return tf.tidy(() => forceTrainingLoss(net, Rt, ctx, tgt, rho).loss.dataSync()[0]);
  } finally {
    Rt.dispose();
    tgt.E.dispose();
    tgt.F.dispose();
    ctx.dispose();
  }
}

/** Autodiff gradient of the loss w.r.t. every weight, as Float32Arrays in net.weights order. */
export function lossParamGrads(
  net: AtomisticNet,
  ds: Dataset,
  frames: ArrayLike<number>,
  rho: number,
): Float32Array[] {
  const ctx = net.context(ds.R, frames);
  const Rt = batchPositions(ds.R, ds.nAtoms, frames);
  const tgt = batchTargets(ds, net, frames);
  try {
    const vars = net.weights.map((w) => w.v);
    const { value, grads } = tf.variableGrads(() => forceTrainingLoss(net, Rt, ctx, tgt, rho).loss, vars);
    value.dispose();
    const out = vars.map((v) => grads[v.name].dataSync().slice() as Float32Array);
    tf.dispose(grads);
    return out;
  } finally {
    Rt.dispose();
    tgt.E.dispose();
    tgt.F.dispose();
    ctx.dispose();
  }
}

/** Sets weight entry (w, k) to value. */
function setEntry(net: AtomisticNet, w: number, k: number, value: number): void {
  const v = net.weights[w].v;
  const data = v.dataSync().slice();
  data[k] = value;
  const t = tf.tensor(data, v.shape, 'float32');
  v.assign(t);
  t.dispose();
}

/**
 * Central finite differences of the loss w.r.t. the weight entries `probes` ([weight index, flat
 * entry]) with step h; the weights are restored afterwards.
 */
export function lossParamFd(
  net: AtomisticNet,
  ds: Dataset,
  frames: ArrayLike<number>,
  rho: number,
  probes: [number, number][],
  h: number,
): number[] {
  return probes.map(([w, k]) => {
    const x0 = net.weights[w].v.dataSync()[k];
    setEntry(net, w, k, x0 + h);
    const lp = lossValue(net, ds, frames, rho);
    setEntry(net, w, k, x0 - h);
    const lm = lossValue(net, ds, frames, rho);
    setEntry(net, w, k, x0);
    return (lp - lm) / (2 * h);
  });
}

/** Central finite-difference forces −ΔE/Δx (float64 arithmetic on the model's energies) for one frame. */
export function fdForces(net: AtomisticNet, R1: Float64Array, h: number): Float64Array {
  const out = new Float64Array(R1.length);
  for (let q = 0; q < R1.length; q++) {
    const Rp = R1.slice();
    const Rm = R1.slice();
    Rp[q] += h;
    Rm[q] -= h;
    const ep = predictFrames(net, Rp, [0]).E[0];
    const em = predictFrames(net, Rm, [0]).E[0];
    out[q] = -(ep - em) / (2 * h);
  }
  return out;
}

/**
 * A small synthetic dataset for tests: a 6-atom C2OH3 fragment, frames displaced by N(0, (0.06 Å)²)
 * noise, energy E = Σ_{i<j} k_ij (r_ij − r⁰_ij)² with k_ij = 40·exp(−(r⁰_ij − 1)) kcal/mol/Å² plus
 * −300 kcal/mol, and its exact forces.
 */
export function toyDataset(nFrames: number, seed = 1): Dataset {
  const z = Int32Array.from([6, 6, 8, 1, 1, 1]);
  const base = [0, 0, 0, 1.52, 0, 0, 2.0, 1.25, 0, -0.38, 1.02, 0.05, -0.37, -0.52, 0.9, -0.36, -0.5, -0.88];
  const N = z.length;
  let s = seed >>> 0;
  const unif = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(unif())) * Math.cos(2 * Math.PI * unif());
  const dist = (r: ArrayLike<number>, o: number, i: number, j: number) =>
    Math.hypot(
      r[o + i * 3] - r[o + j * 3],
      r[o + i * 3 + 1] - r[o + j * 3 + 1],
      r[o + i * 3 + 2] - r[o + j * 3 + 2],
    );
  const R = new Float64Array(nFrames * N * 3);
  const E = new Float64Array(nFrames);
  const F = new Float64Array(nFrames * N * 3);
  for (let m = 0; m < nFrames; m++) {
    const o = m * N * 3;
    for (let q = 0; q < N * 3; q++) R[o + q] = base[q] + 0.06 * gauss();
    let e = -300;
    for (let i = 0; i < N; i++)
      for (let j = i + 1; j < N; j++) {
        const r0 = dist(base, 0, i, j);
        const k = 40 * Math.exp(-(r0 - 1));
        const r = dist(R, o, i, j);
        e += k * (r - r0) ** 2;
        const dEdr = 2 * k * (r - r0);
        for (let c = 0; c < 3; c++) {
          const u = (R[o + i * 3 + c] - R[o + j * 3 + c]) / r;
          F[o + i * 3 + c] -= dEdr * u;
          F[o + j * 3 + c] += dEdr * u;
        }
      }
    E[m] = e;
  }
  return { name: 'toy C2OH3', theory: 'harmonic pair potential', z, nAtoms: N, nFrames, R, E, F };
}
