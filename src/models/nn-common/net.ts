/**
 * What SchNet and BPNN share: a tfjs network for one fixed molecule that maps positions to energy,
 * energy standardisation, batched prediction (forces = −∂E/∂R by autodiff), weight snapshots and the
 * ForceField / serialisation wrapper.
 */
import * as tf from '@tensorflow/tfjs';
import type { ForceField, ModelKind, Prediction, SerializedModel } from '../types';
import { base64ToFloat32, float32ToBase64 } from './serialize';

/**
 * Energy standardisation (as schnetpack): the network's atom-wise outputs y_i are mapped to
 * σ·y_i + μ with μ = mean over training frames of E/N and σ = std of E/N. The constant part N·μ is
 * added in float64 outside the network, so float32 only ever sees energies relative to it
 * (absolute energies of ~10⁵ kcal/mol would otherwise lose 0.01 kcal/mol to rounding).
 */
export interface EnergyStats {
  /** Mean energy per atom, kcal/mol. */
  mu: number;
  /** Scale of the atom-wise outputs, kcal/mol. */
  sigma: number;
}

export function energyStats(E: Float64Array, idx: ArrayLike<number>, nAtoms: number): EnergyStats {
  let s = 0;
  for (let q = 0; q < idx.length; q++) s += E[idx[q]] / nAtoms;
  const mu = s / idx.length;
  let v = 0;
  for (let q = 0; q < idx.length; q++) v += (E[idx[q]] / nAtoms - mu) ** 2;
  const sigma = Math.sqrt(v / Math.max(1, idx.length - 1));
  return { mu, sigma: sigma > 1e-6 ? sigma : 1 };
}

/** Per-batch constants (pair selectors …) a network needs; dispose after the batch. */
export interface BatchContext {
  dispose(): void;
}

export interface AtomisticNet {
  readonly kind: 'schnet' | 'bpnn';
  readonly z: Int32Array;
  readonly stats: EnergyStats;
  /** Trainable weights, in a fixed order, with stable names for serialisation. */
  readonly weights: { name: string; v: tf.Variable }[];
  /** Constants for a batch of frames `frames` of R (flat, Å). */
  context(R: Float64Array, frames: ArrayLike<number>): BatchContext;
  /**
   * Energy per frame in kcal/mol *without* the constant nAtoms·μ (see EnergyStats); R is [B, N, 3]
   * float32 in Å. Differentiable in R and the weights to second order.
   */
  energy(R: tf.Tensor3D, ctx: BatchContext): tf.Tensor1D;
  /** JSON-safe configuration from which the factory rebuilds the same architecture. */
  config(): Record<string, unknown>;
  dispose(): void;
}

/** The batch's positions as a float32 tensor [B, N, 3]. */
export function batchPositions(R: Float64Array, nAtoms: number, frames: ArrayLike<number>): tf.Tensor3D {
  const n3 = nAtoms * 3;
  const buf = new Float32Array(frames.length * n3);
  for (let b = 0; b < frames.length; b++) buf.set(R.subarray(frames[b] * n3, frames[b] * n3 + n3), b * n3);
  return tf.tensor3d(buf, [frames.length, nAtoms, 3]);
}

/** Energies (relative to N·μ) and forces of the batch; the caller disposes both. */
export function energyAndForces(
  net: AtomisticNet,
  Rt: tf.Tensor3D,
  ctx: BatchContext,
): { E: tf.Tensor1D; F: tf.Tensor3D } {
  const { value, grad } = tf.valueAndGrad((r: tf.Tensor) => net.energy(r as tf.Tensor3D, ctx))(Rt);
  const F = tf.neg(grad) as tf.Tensor3D;
  grad.dispose();
  return { E: value as tf.Tensor1D, F };
}

/** Batched float64 prediction E (kcal/mol, absolute) and F (kcal/mol/Å) for frames `frames` of R. */
export function predictFrames(
  net: AtomisticNet,
  R: Float64Array,
  frames: ArrayLike<number>,
  batchSize = 64,
): Prediction {
  const N = net.z.length;
  const n = frames.length;
  const E = new Float64Array(n);
  const F = new Float64Array(n * N * 3);
  const offset = N * net.stats.mu;
  for (let s = 0; s < n; s += batchSize) {
    const idx = Array.from({ length: Math.min(batchSize, n - s) }, (_, q) => frames[s + q]);
    const ctx = net.context(R, idx);
    const Rt = batchPositions(R, N, idx);
    const out = energyAndForces(net, Rt, ctx);
    const e = out.E.dataSync();
    const f = out.F.dataSync();
    for (let b = 0; b < idx.length; b++) E[s + b] = e[b] + offset;
    F.set(f, s * N * 3);
    out.E.dispose();
    out.F.dispose();
    Rt.dispose();
    ctx.dispose();
  }
  return { E, F };
}

export type WeightSnapshot = Float32Array[];

export function snapshotWeights(net: AtomisticNet): WeightSnapshot {
  return net.weights.map((w) => w.v.dataSync().slice() as Float32Array);
}

export function restoreWeights(net: AtomisticNet, snap: WeightSnapshot): void {
  net.weights.forEach((w, q) => {
    const t = tf.tensor(snap[q], w.v.shape, 'float32');
    w.v.assign(t);
    t.dispose();
  });
}

/** Serialised payload shared by SchNet and BPNN. */
export interface NNPayload {
  config: Record<string, unknown>;
  z: number[];
  stats: EnergyStats;
  weights: { name: string; shape: number[]; data: string }[];
  /** Free-form training summary (epochs, time, final metrics). */
  training?: Record<string, unknown>;
}

export const NN_FORMAT_VERSION = 1;

export function serializeNet(net: AtomisticNet, training?: Record<string, unknown>): SerializedModel {
  const payload: NNPayload = {
    config: net.config(),
    z: Array.from(net.z),
    stats: { ...net.stats },
    weights: net.weights.map((w) => ({
      name: w.name,
      shape: w.v.shape.slice(),
      data: float32ToBase64(w.v.dataSync() as Float32Array),
    })),
    training,
  };
  return { kind: net.kind, version: NN_FORMAT_VERSION, payload };
}

/** Copies serialised weights into a freshly built net of the same architecture (by name). */
export function loadWeights(net: AtomisticNet, payload: NNPayload): void {
  const byName = new Map(payload.weights.map((w) => [w.name, w]));
  for (const w of net.weights) {
    const s = byName.get(w.name);
    if (!s) throw new Error(`serialised ${net.kind} model lacks weight "${w.name}"`);
    if (s.shape.join('x') !== w.v.shape.join('x'))
      throw new Error(`weight "${w.name}" has shape ${s.shape.join('×')}, expected ${w.v.shape.join('×')}`);
    const data = base64ToFloat32(s.data);
    const t = tf.tensor(data, w.v.shape, 'float32');
    w.v.assign(t);
    t.dispose();
  }
}

/** A trained SchNet/BPNN as a ForceField. `dispose()` frees its tensors. */
export class NNForceField implements ForceField {
  readonly kind: ModelKind;
  readonly z: Int32Array;
  constructor(
    readonly net: AtomisticNet,
    readonly training?: Record<string, unknown>,
  ) {
    this.kind = net.kind;
    this.z = net.z;
  }
  predict(R: Float64Array, nConf: number): Prediction {
    const N = this.z.length;
    if (R.length !== nConf * N * 3) throw new Error(`R has ${R.length} values, expected ${nConf}×${N}×3`);
    return predictFrames(
      this.net,
      R,
      Array.from({ length: nConf }, (_, q) => q),
    );
  }
  serialize(): SerializedModel {
    return serializeNet(this.net, this.training);
  }
  dispose(): void {
    this.net.dispose();
  }
}

/**
 * Rebuilds a serialised network bit-identically. `build` makes the untrained net of the payload's
 * architecture; `name` is what error messages call the model.
 */
export function deserializeNet(
  m: SerializedModel,
  kind: ModelKind,
  name: string,
  build: (p: NNPayload) => AtomisticNet,
): NNForceField {
  if (m.kind !== kind) throw new Error(`not a ${name} model (kind "${m.kind}")`);
  if (m.version !== NN_FORMAT_VERSION) throw new Error(`unsupported ${name} model version ${m.version}`);
  const p = m.payload as NNPayload;
  const net = build(p);
  loadWeights(net, p);
  return new NNForceField(net, p.training);
}
