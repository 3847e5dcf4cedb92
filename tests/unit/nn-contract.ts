/**
 * The checks every atomistic network (SchNet, BPNN) must pass, as one parametrised vitest suite: forces
 * = −∂E/∂R (finite differences), parameter gradients of the force-training loss vs finite differences on
 * cpu and wasm, rotation / translation / permutation invariance, dense vs neighbour pairs, and a short
 * training run whose loss falls without leaking tensors, serialised bit-identically.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/dataset';
import { initNodeBackend } from '../../src/compute/tfjs-node';
import { applyTfjsFixes, restoreOriginalTfjsGradients } from '../../src/compute/tfjs-fixes';
import { fdForces, lossParamFd, lossParamGrads, toyDataset } from '../../src/models/nn-common/check';
import {
  energyStats,
  predictFrames,
  type AtomisticNet,
  type NNForceField,
} from '../../src/models/nn-common/net';
import type { NNTrainOptions } from '../../src/models/nn-common/train';
import type { TrainedNN } from '../../src/models/nn-common/trainer';
import type { SerializedModel } from '../../src/models/types';

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}

export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Rotate about the (1,1,1) axis through the origin by `angle`, then translate; a new flat frame. */
/**
 * Two nets (the same weights, different pair layouts) predict the same energies (1e-4 relative) and
 * forces (1e-5 of the largest) on `frames` of the toy set; both are disposed.
 */
export function expectSamePredictions(
  a: AtomisticNet,
  b: AtomisticNet,
  R: Float64Array,
  frames: number[],
): void {
  const pa = predictFrames(a, R, frames);
  const pb = predictFrames(b, R, frames);
  const scaleF = maxAbs(pa.F);
  pa.E.forEach((e, q) => expect(Math.abs(pb.E[q] - e)).toBeLessThan(1e-4 * Math.max(1, Math.abs(e))));
  pa.F.forEach((f, q) => expect(Math.abs(pb.F[q] - f)).toBeLessThan(1e-5 * scaleF));
  a.dispose();
  b.dispose();
}

export function transform(R1: Float64Array, angle: number, shift: number[]): Float64Array {
  const u = 1 / Math.sqrt(3);
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const M = [
    [c + u * u * (1 - c), u * u * (1 - c) - u * s, u * u * (1 - c) + u * s],
    [u * u * (1 - c) + u * s, c + u * u * (1 - c), u * u * (1 - c) - u * s],
    [u * u * (1 - c) - u * s, u * u * (1 - c) + u * s, c + u * u * (1 - c)],
  ];
  const out = new Float64Array(R1.length);
  for (let i = 0; i < R1.length / 3; i++)
    for (let r = 0; r < 3; r++)
      out[i * 3 + r] = M[r][0] * R1[i * 3] + M[r][1] * R1[i * 3 + 1] + M[r][2] * R1[i * 3 + 2] + shift[r];
  return out;
}

/** The toy dataset every network suite uses, and the statistics an untrained net is built with. */
export function nnToySetup() {
  const ds = toyDataset(40, 3);
  const all = Int32Array.from({ length: ds.nFrames }, (_, q) => q);
  // σ = 20 kcal/mol so that an untrained net already has forces of the size of the data's.
  const stats = { mu: energyStats(ds.E!, all, ds.nAtoms).mu, sigma: 20 };
  return { ds, all, stats };
}

export interface NNContract<P> {
  name: string;
  ds: Dataset;
  all: Int32Array;
  makeNet(pairMode?: 'dense' | 'neighbour', seed?: number): AtomisticNet;
  /** small hyper-parameters for the training run */
  params: P;
  trainer: { train(ds: Dataset, idx: Int32Array, p: P, o: NNTrainOptions): Promise<TrainedNN> };
  deserialize(m: SerializedModel): NNForceField;
  /** weights probed by the gradient check */
  probeWeights: string[];
  /** the gradient check must FAIL with tfjs's own gradients (true for tanh networks) */
  needsTfjsFix: boolean;
}

export function describeNNContract<P extends object>(c: NNContract<P>): void {
  const { ds, all } = c;
  describe(`${c.name} (network contract)`, () => {
    it('forces equal −∂E/∂R by finite differences', async () => {
      await initNodeBackend('wasm');
      const net = c.makeNet();
      const R1 = ds.R.slice(0, ds.nAtoms * 3);
      const F = predictFrames(net, R1, [0]).F;
      const fd = fdForces(net, R1, 2e-3);
      expect(maxAbs(F)).toBeGreaterThan(0.1);
      expect(maxDiff(F, fd)).toBeLessThan(2e-3 * maxAbs(F) + 2e-3);
      net.dispose();
    });

    for (const kind of ['cpu', 'wasm'] as const)
      it(`parameter gradients of the force loss match finite differences on ${kind}`, async () => {
        await initNodeBackend(kind);
        const net = c.makeNet();
        const frames = [0, 1, 2, 3];
        const probes: [number, number][] = c.probeWeights.map((n, q) => {
          const w = net.weights.findIndex((x) => x.name === n);
          expect(w).toBeGreaterThanOrEqual(0);
          return [w, (3 + 5 * q) % net.weights[w].v.size];
        });
        const fd = lossParamFd(net, ds, frames, 0.1, probes, 1e-2);
        const check = () => {
          const g = lossParamGrads(net, ds, frames, 0.1);
          return probes.map(([w, k]) => g[w][k]);
        };
        expect(maxAbs(fd)).toBeGreaterThan(0.1);
        expect(maxDiff(check(), fd)).toBeLessThan(0.02 * maxAbs(fd));
        if (c.needsTfjsFix) {
          // the same check fails with tfjs's own (output-based) gradients: the test can fail
          restoreOriginalTfjsGradients();
          try {
            expect(maxDiff(check(), fd)).toBeGreaterThan(0.05 * maxAbs(fd));
          } finally {
            applyTfjsFixes();
          }
        }
        net.dispose();
      });

    it('is invariant to rotation, translation and permutation of like atoms', async () => {
      await initNodeBackend('wasm');
      const net = c.makeNet();
      const R1 = ds.R.slice(0, ds.nAtoms * 3);
      const p0 = predictFrames(net, R1, [0]);
      const p2 = predictFrames(net, transform(R1, 0.9, [1.5, -2, 0.7]), [0]);
      expect(Math.abs(p2.E[0] - p0.E[0])).toBeLessThan(2e-3);
      // forces rotate with the molecule
      expect(maxDiff(p2.F, transform(p0.F, 0.9, [0, 0, 0]))).toBeLessThan(2e-3 * maxAbs(p0.F) + 1e-3);
      // swap the two H atoms 4 and 5: E unchanged, forces swap
      const Rp = R1.slice();
      for (let k = 0; k < 3; k++) [Rp[12 + k], Rp[15 + k]] = [R1[15 + k], R1[12 + k]];
      const pp = predictFrames(net, Rp, [0]);
      expect(Math.abs(pp.E[0] - p0.E[0])).toBeLessThan(2e-3);
      for (let k = 0; k < 3; k++)
        expect(Math.abs(pp.F[12 + k] - p0.F[15 + k])).toBeLessThan(1e-3 * maxAbs(p0.F) + 1e-4);
      net.dispose();
    });

    it('dense pairs and per-batch neighbour lists give the same energies and forces', async () => {
      await initNodeBackend('wasm');
      const a = c.makeNet('dense');
      const b = c.makeNet('neighbour');
      const pa = predictFrames(a, ds.R, [0, 1, 2, 3, 4]);
      const pb = predictFrames(b, ds.R, [0, 1, 2, 3, 4]);
      expect(maxDiff(pa.E, pb.E)).toBeLessThan(1e-3);
      expect(maxDiff(pa.F, pb.F)).toBeLessThan(1e-3);
      a.dispose();
      b.dispose();
    });

    it('trains (loss falls, no tensor leak) and serialises bit-identically', async () => {
      await initNodeBackend('wasm');
      const before = tf.memory().numTensors;
      const progress: number[] = [];
      const ff = await c.trainer.train(
        ds,
        all.slice(0, 30),
        { ...c.params, batchSize: 10, maxEpochs: 6, lr: 3e-3 },
        { seed: 2, validIdx: all.slice(30), onProgress: (p) => progress.push(p.metrics!.trainLoss) },
      );
      const h = ff.result.history;
      expect(h.length).toBe(6);
      expect(progress.length).toBe(6);
      expect(h[5].trainLoss).toBeLessThan(h[0].trainLoss);
      expect(ff.result.bestValidLoss).toBeLessThan(h[0].validLoss);
      // tensor count flat across epochs
      expect(new Set(h.map((r) => r.numTensors)).size).toBe(1);
      const back = c.deserialize(JSON.parse(JSON.stringify(ff.serialize())));
      const p1 = ff.predict(ds.R.slice(0, 5 * 18), 5);
      const p2 = back.predict(ds.R.slice(0, 5 * 18), 5);
      expect(Array.from(p2.E)).toEqual(Array.from(p1.E));
      expect(Array.from(p2.F)).toEqual(Array.from(p1.F));
      ff.dispose();
      (back as unknown as { dispose(): void }).dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}
