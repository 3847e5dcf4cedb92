/**
 * The training loop shared by SchNet and BPNN (schnetpack's recipe, as the paper's authors used):
 * loss ρ·MSE(E) + (1 − ρ)·MSE(F) with forces F = −∂E/∂R inside the loss (so the parameter gradient
 * is a second-order gradient; see src/compute/tfjs-fixes), Adam, shuffled mini-batches, learning rate
 * × factor after `plateauPatience` epochs without a better validation loss, early stopping after
 * `earlyStopPatience` such epochs, and the weights of the best validation epoch kept.
 * Cooperative: yields to the event loop between batches, honours an AbortSignal and a pause flag.
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/dataset';
import type { TrainOptions } from '../types';
import { Adam } from './adam';
import { Rng } from './rng';
import {
  batchPositions,
  energyAndForces,
  type BatchContext,
  predictFrames,
  restoreWeights,
  snapshotWeights,
  type AtomisticNet,
  type WeightSnapshot,
} from './net';

export { Adam };

export interface NNTrainParams {
  /** Energy weight ρ in the loss (default 0.1). */
  rho?: number;
  /** Adam learning rate (default 1e-3). */
  lr?: number;
  /** Mini-batch size (default 10). */
  batchSize?: number;
  /** Upper bound on epochs (default 1000). */
  maxEpochs?: number;
  /** Wall-clock budget in seconds (default unlimited); training stops after the epoch that passes it. */
  maxSeconds?: number;
  /** Reduce-on-plateau patience in epochs (default 5) and factor (default 0.8). */
  plateauPatience?: number;
  plateauFactor?: number;
  /** Learning rate floor (default 1e-6). */
  minLr?: number;
  /** Early stopping patience in epochs (default 30). */
  earlyStopPatience?: number;
  /** Fraction of trainIdx held out for validation when no validIdx is given (default 0.1). */
  validFraction?: number;
}

export interface NNTrainControl {
  /** Set true to pause between batches, false to resume. */
  paused: boolean;
}

export interface NNTrainOptions extends TrainOptions {
  validIdx?: Int32Array;
  control?: NNTrainControl;
  /** On abort, return the best model so far instead of throwing (default false). */
  keepBestOnAbort?: boolean;
}

export interface EpochRecord {
  epoch: number;
  lr: number;
  trainLoss: number;
  trainMseE: number;
  trainMseF: number;
  validLoss: number;
  validMaeE: number;
  validMaeF: number;
  validRmseE: number;
  validRmseF: number;
  seconds: number;
  numTensors: number;
}

export interface NNTrainResult {
  history: EpochRecord[];
  bestEpoch: number;
  bestValidLoss: number;
  epochs: number;
  seconds: number;
  stoppedBy: 'maxEpochs' | 'maxSeconds' | 'earlyStopping' | 'abort' | 'minLr';
  trainSize: number;
  validSize: number;
}

export class AbortError extends Error {
  constructor() {
    super('training cancelled');
    this.name = 'AbortError';
  }
}

/** Float32 copies of E − N·μ and F for the frames `frames`. */
export function batchTargets(
  ds: Dataset,
  net: AtomisticNet,
  frames: ArrayLike<number>,
): { E: tf.Tensor1D; F: tf.Tensor3D } {
  const N = ds.nAtoms;
  const offset = N * net.stats.mu;
  const e = new Float32Array(frames.length);
  for (let b = 0; b < frames.length; b++) e[b] = ds.E![frames[b]] - offset;
  return { E: tf.tensor1d(e), F: batchPositions(ds.F!, N, frames) };
}

/**
 * The force-training loss ρ·MSE(E) + (1 − ρ)·MSE(F) with F = −∂E/∂R, and its two parts
 * [MSE(E), MSE(F)]. Differentiable in the weights (a second-order gradient in R).
 */
export function forceTrainingLoss(
  net: AtomisticNet,
  Rt: tf.Tensor3D,
  ctx: BatchContext,
  tgt: { E: tf.Tensor1D; F: tf.Tensor3D },
  rho: number,
): { loss: tf.Scalar; parts: tf.Tensor1D } {
  const { E, F } = energyAndForces(net, Rt, ctx);
  const mseE = tf.mean(tf.square(tf.sub(E, tgt.E)));
  const mseF = tf.mean(tf.square(tf.sub(F, tgt.F)));
  return {
    loss: tf.add(tf.mul(rho, mseE), tf.mul(1 - rho, mseF)) as tf.Scalar,
    parts: tf.stack([mseE, mseF]) as tf.Tensor1D,
  };
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

/** Errors of the net on frames `idx` (float64, kcal/mol and kcal/mol/Å). */
export function evaluateNet(
  net: AtomisticNet,
  ds: Dataset,
  idx: ArrayLike<number>,
  rho = 0.1,
): { loss: number; maeE: number; maeF: number; rmseE: number; rmseF: number; mseE: number; mseF: number } {
  const p = predictFrames(net, ds.R, idx);
  const N3 = ds.nAtoms * 3;
  let aE = 0;
  let sE = 0;
  let aF = 0;
  let sF = 0;
  for (let q = 0; q < idx.length; q++) {
    const d = p.E[q] - ds.E![idx[q]];
    aE += Math.abs(d);
    sE += d * d;
    for (let k = 0; k < N3; k++) {
      const df = p.F[q * N3 + k] - ds.F![idx[q] * N3 + k];
      aF += Math.abs(df);
      sF += df * df;
    }
  }
  const n = idx.length;
  const mseE = sE / n;
  const mseF = sF / (n * N3);
  return {
    loss: rho * mseE + (1 - rho) * mseF,
    maeE: aE / n,
    maeF: aF / (n * N3),
    rmseE: Math.sqrt(mseE),
    rmseF: Math.sqrt(mseF),
    mseE,
    mseF,
  };
}

/** One optimisation step on the frames `frames`; returns [loss, mseE, mseF] as a tensor of 3. */
export function trainStep(
  net: AtomisticNet,
  adam: Adam,
  ds: Dataset,
  frames: ArrayLike<number>,
  rho: number,
): tf.Tensor1D {
  const ctx = net.context(ds.R, frames);
  const Rt = batchPositions(ds.R, ds.nAtoms, frames);
  const tgt = batchTargets(ds, net, frames);
  let parts: tf.Tensor1D | null = null;
  try {
    const vars = net.weights.map((w) => w.v);
    const { value, grads } = tf.variableGrads(() => {
      const out = forceTrainingLoss(net, Rt, ctx, tgt, rho);
      parts = tf.keep(out.parts);
      return out.loss;
    }, vars);
    adam.apply(vars.map((v) => grads[v.name]));
    const p3 = parts!;
    const out = tf.tidy(() => tf.concat([tf.reshape(value, [1]), p3]) as tf.Tensor1D);
    value.dispose();
    tf.dispose(grads);
    return out;
  } finally {
    if (parts) (parts as tf.Tensor).dispose();
    Rt.dispose();
    tgt.E.dispose();
    tgt.F.dispose();
    ctx.dispose();
  }
}

/** Splits off a validation set when none is given (deterministic, seeded). */
export function splitValidation(
  trainIdx: Int32Array,
  frac: number,
  seed: number,
): { train: Int32Array; valid: Int32Array } {
  const perm = new Rng(seed + 7919).shuffle(Int32Array.from(trainIdx));
  const nv = Math.max(1, Math.round(trainIdx.length * frac));
  return { train: perm.slice(nv), valid: perm.slice(0, nv) };
}

/**
 * Trains `net` in place. On return the net holds the best-validation weights.
 */
export async function trainNet(
  net: AtomisticNet,
  ds: Dataset,
  trainIdx: Int32Array,
  validIdx: Int32Array,
  params: NNTrainParams,
  opts: NNTrainOptions = {},
): Promise<NNTrainResult> {
  if (!ds.E || !ds.F) throw new Error('training a neural network needs energies and forces in the dataset');
  const rho = params.rho ?? 0.1;
  const batchSize = params.batchSize ?? 10;
  const maxEpochs = params.maxEpochs ?? 1000;
  const maxSeconds = params.maxSeconds ?? Infinity;
  const plateauPatience = params.plateauPatience ?? 5;
  const plateauFactor = params.plateauFactor ?? 0.8;
  const minLr = params.minLr ?? 1e-6;
  const earlyStop = params.earlyStopPatience ?? 30;
  const rng = new Rng((opts.seed ?? 0) + 1);
  const adam = new Adam(
    net.weights.map((w) => w.v),
    params.lr ?? 1e-3,
  );
  const history: EpochRecord[] = [];
  let best: WeightSnapshot = snapshotWeights(net);
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let sincePlateau = 0;
  let sinceBest = 0;
  let stoppedBy: NNTrainResult['stoppedBy'] = 'maxEpochs';
  const t0 = performance.now();
  const order = Int32Array.from(trainIdx);
  try {
    for (let epoch = 1; epoch <= maxEpochs; epoch++) {
      rng.shuffle(order);
      const partials: tf.Tensor1D[] = [];
      const nb = Math.ceil(order.length / batchSize);
      for (let b = 0; b < nb; b++) {
        while (opts.control?.paused && !opts.signal?.aborted) await new Promise((r) => setTimeout(r, 50));
        if (opts.signal?.aborted) throw new AbortError();
        const frames = order.subarray(b * batchSize, Math.min(order.length, (b + 1) * batchSize));
        partials.push(trainStep(net, adam, ds, frames, rho));
        if (b % 4 === 3) await tick();
      }
      const sums = [0, 0, 0];
      for (const p of partials) {
        const d = p.dataSync();
        for (let k = 0; k < 3; k++) sums[k] += d[k] / partials.length;
        p.dispose();
      }
      const v = evaluateNet(net, ds, validIdx, rho);
      const seconds = (performance.now() - t0) / 1000;
      const rec: EpochRecord = {
        epoch,
        lr: adam.lr,
        trainLoss: sums[0],
        trainMseE: sums[1],
        trainMseF: sums[2],
        validLoss: v.loss,
        validMaeE: v.maeE,
        validMaeF: v.maeF,
        validRmseE: v.rmseE,
        validRmseF: v.rmseF,
        seconds,
        numTensors: tf.memory().numTensors,
      };
      history.push(rec);
      if (v.loss < bestLoss) {
        bestLoss = v.loss;
        bestEpoch = epoch;
        best = snapshotWeights(net);
        sinceBest = 0;
        sincePlateau = 0;
      } else {
        sinceBest++;
        sincePlateau++;
        if (sincePlateau >= plateauPatience) {
          adam.lr = Math.max(minLr, adam.lr * plateauFactor);
          sincePlateau = 0;
        }
      }
      opts.onProgress?.({
        stage: 'epoch',
        fraction: Math.min(
          1,
          Math.max(epoch / maxEpochs, Number.isFinite(maxSeconds) ? seconds / maxSeconds : 0),
        ),
        message: `epoch ${epoch}/${maxEpochs} (best ${bestEpoch}): train loss ${rec.trainLoss.toPrecision(4)}, validation loss ${rec.validLoss.toPrecision(4)}`,
        metrics: { ...rec, bestEpoch },
      });
      await tick();
      if (sinceBest >= earlyStop) {
        stoppedBy = 'earlyStopping';
        break;
      }
      if (seconds >= maxSeconds) {
        stoppedBy = 'maxSeconds';
        break;
      }
      if (adam.lr <= minLr && sinceBest >= plateauPatience) {
        stoppedBy = 'minLr';
        break;
      }
    }
  } catch (e) {
    if (!(e instanceof AbortError) || !opts.keepBestOnAbort || history.length === 0) {
      adam.dispose();
      throw e;
    }
    stoppedBy = 'abort';
  }
  adam.dispose();
  restoreWeights(net, best);
  return {
    history,
    bestEpoch,
    bestValidLoss: bestLoss,
    epochs: history.length,
    seconds: (performance.now() - t0) / 1000,
    stoppedBy,
    trainSize: trainIdx.length,
    validSize: validIdx.length,
  };
}
