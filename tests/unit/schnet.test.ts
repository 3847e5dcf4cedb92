/**
 * SchNet: forces = −∂E/∂R (finite differences), parameter gradients of the force-training loss vs
 * finite differences on cpu and wasm (and that they would be wrong without the tfjs fix), rotation /
 * translation / permutation invariance, dense vs neighbour pairs, serialisation round trip, and a
 * short training run whose loss falls without leaking tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../src/compute/tfjs-node';
import { fdForces, lossParamFd, lossParamGrads, toyDataset } from '../../src/models/nn-common/check';
import { energyStats, predictFrames } from '../../src/models/nn-common/net';
import { deserializeSchNet, SchNetNet, schnetTrainer } from '../../src/models/schnet/index';

const ds = toyDataset(40, 3);
const all = Int32Array.from({ length: ds.nFrames }, (_, q) => q);
const small = { features: 16, nGaussians: 10, interactions: 2, cutoff: 5 };
// σ = 20 kcal/mol so that an untrained net already has forces of the size of the data's.
const stats = { mu: energyStats(ds.E!, all, ds.nAtoms).mu, sigma: 20 };
const makeNet = (pairMode: 'dense' | 'neighbour' = 'dense', seed = 5) =>
  new SchNetNet(ds.z, stats, { ...small, pairMode }, seed);

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Rotate (about an axis through the origin), translate and return a new flat frame. */
function transform(R1: Float64Array, angle: number, shift: number[]): Float64Array {
  const [ux, uy, uz] = [1 / Math.sqrt(3), 1 / Math.sqrt(3), 1 / Math.sqrt(3)];
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const M = [
    [c + ux * ux * (1 - c), ux * uy * (1 - c) - uz * s, ux * uz * (1 - c) + uy * s],
    [uy * ux * (1 - c) + uz * s, c + uy * uy * (1 - c), uy * uz * (1 - c) - ux * s],
    [uz * ux * (1 - c) - uy * s, uz * uy * (1 - c) + ux * s, c + uz * uz * (1 - c)],
  ];
  const out = new Float64Array(R1.length);
  for (let i = 0; i < R1.length / 3; i++)
    for (let r = 0; r < 3; r++)
      out[i * 3 + r] = M[r][0] * R1[i * 3] + M[r][1] * R1[i * 3 + 1] + M[r][2] * R1[i * 3 + 2] + shift[r];
  return out;
}

describe('SchNet', () => {
  it('forces equal −∂E/∂R by finite differences', async () => {
    await initNodeBackend('wasm');
    const net = makeNet();
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
      const net = makeNet();
      const frames = [0, 1, 2, 3];
      const names = [
        'embedding',
        'int0.filter1.W',
        'int0.filter2.W',
        'int0.in2f.W',
        'int1.f2out1.W',
        'out1.W',
        'out2.W',
      ];
      const probes: [number, number][] = names.map((n, q) => {
        const w = net.weights.findIndex((x) => x.name === n);
        expect(w).toBeGreaterThanOrEqual(0);
        return [w, (3 + 5 * q) % net.weights[w].v.size];
      });
      const fd = lossParamFd(net, ds, frames, 0.1, probes, 1e-2);
      const check = () => {
        const g = lossParamGrads(net, ds, frames, 0.1);
        return probes.map(([w, k]) => g[w][k]);
      };
      const got = check();
      expect(maxAbs(fd)).toBeGreaterThan(0.1);
      expect(maxDiff(got, fd)).toBeLessThan(0.02 * maxAbs(fd));
      // Note: unlike BPNN (tanh), SchNet's force-loss parameter gradients are right even with tfjs's
      // own gradients: its θ-dependent nonlinearity is softplus, whose gradient is input-based, and
      // exp only acts on distances. The fix still matters for its ∂F/∂R (see tfjs-fixes.test.ts).
      net.dispose();
    });

  it('is invariant to rotation, translation and permutation of like atoms', async () => {
    await initNodeBackend('wasm');
    const net = makeNet();
    const R1 = ds.R.slice(0, ds.nAtoms * 3);
    const p0 = predictFrames(net, R1, [0]);
    const R2 = transform(R1, 0.9, [1.5, -2, 0.7]);
    const p2 = predictFrames(net, R2, [0]);
    expect(Math.abs(p2.E[0] - p0.E[0])).toBeLessThan(2e-3);
    // Forces rotate with the molecule.
    const Frot = transform(p0.F, 0.9, [0, 0, 0]);
    expect(maxDiff(p2.F, Frot)).toBeLessThan(2e-3 * maxAbs(p0.F) + 1e-3);
    // Swap the two H atoms 4 and 5: E unchanged, forces swap.
    const Rp = R1.slice();
    for (let c = 0; c < 3; c++) [Rp[12 + c], Rp[15 + c]] = [R1[15 + c], R1[12 + c]];
    const pp = predictFrames(net, Rp, [0]);
    expect(Math.abs(pp.E[0] - p0.E[0])).toBeLessThan(2e-3);
    for (let c = 0; c < 3; c++)
      expect(Math.abs(pp.F[12 + c] - p0.F[15 + c])).toBeLessThan(1e-3 * maxAbs(p0.F) + 1e-4);
    net.dispose();
  });

  it('dense pairs and per-batch neighbour lists give the same energies and forces', async () => {
    await initNodeBackend('wasm');
    const a = makeNet('dense');
    const b = makeNet('neighbour');
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
    const ff = await schnetTrainer.train(
      ds,
      all.slice(0, 30),
      { ...small, batchSize: 10, maxEpochs: 6, lr: 3e-3 },
      { seed: 2, validIdx: all.slice(30), onProgress: (p) => progress.push(p.metrics!.trainLoss) },
    );
    const h = ff.result.history;
    expect(h.length).toBe(6);
    expect(progress.length).toBe(6);
    expect(h[5].trainLoss).toBeLessThan(h[0].trainLoss);
    expect(ff.result.bestValidLoss).toBeLessThan(h[0].validLoss);
    // tensor count flat across epochs
    expect(new Set(h.map((r) => r.numTensors)).size).toBe(1);
    const json = JSON.parse(JSON.stringify(ff.serialize()));
    const back = deserializeSchNet(json);
    const p1 = ff.predict(ds.R.slice(0, 5 * 18), 5);
    const p2 = back.predict(ds.R.slice(0, 5 * 18), 5);
    expect(Array.from(p2.E)).toEqual(Array.from(p1.E));
    expect(Array.from(p2.F)).toEqual(Array.from(p1.F));
    ff.dispose();
    (back as unknown as { dispose(): void }).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
