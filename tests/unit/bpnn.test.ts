/**
 * BPNN: forces = −∂E/∂R (finite differences), parameter gradients of the force-training loss vs
 * finite differences on cpu and wasm (and that they would be wrong without the tfjs fix), rotation /
 * translation / permutation invariance, dense vs neighbour pairs, serialisation round trip, and a
 * short training run whose loss falls without leaking tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../src/compute/tfjs-node';
import { fdForces, lossParamFd, lossParamGrads, toyDataset } from '../../src/models/nn-common/check';
import { energyStats, predictFrames } from '../../src/models/nn-common/net';
import { BpnnNet, bpnnTrainer, deserializeBpnn } from '../../src/models/bpnn/index';
import { NNTrainingJob } from '../../src/models/nn-common/job';
import {
  symmetryFunctions,
  sfContext,
  tripletsFromPairs,
  DEFAULT_RADIAL,
  DEFAULT_ANGULAR,
} from '../../src/models/bpnn/symmetry';
import { allPairs, pairTensors } from '../../src/models/nn-common/pairs';
import { applyTfjsFixes, restoreOriginalTfjsGradients } from '../../src/compute/tfjs-fixes';

const ds = toyDataset(40, 3);
const all = Int32Array.from({ length: ds.nFrames }, (_, q) => q);
const small = { hidden: [12, 12] };
// σ = 20 kcal/mol so that an untrained net already has forces of the size of the data's.
const stats = { mu: energyStats(ds.E!, all, ds.nAtoms).mu, sigma: 20 };
const makeNet = (pairMode: 'dense' | 'neighbour' = 'dense', seed = 5) =>
  new BpnnNet(ds.z, stats, { ...small, pairMode }, seed, ds, all);

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

describe('BPNN', () => {
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
        'Z1.layer0.W',
        'Z1.layer1.W',
        'Z1.layer2.W',
        'Z6.layer0.W',
        'Z6.layer1.b',
        'Z8.layer0.W',
        'Z8.layer2.W',
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
      // The same check fails with tfjs's own (output-based) tanh gradient: the test can fail.
      restoreOriginalTfjsGradients();
      try {
        expect(maxDiff(check(), fd)).toBeGreaterThan(0.05 * maxAbs(fd));
      } finally {
        applyTfjsFixes();
      }
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
    const ff = await bpnnTrainer.train(
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
    const back = deserializeBpnn(json);
    const p1 = ff.predict(ds.R.slice(0, 5 * 18), 5);
    const p2 = back.predict(ds.R.slice(0, 5 * 18), 5);
    expect(Array.from(p2.E)).toEqual(Array.from(p1.E));
    expect(Array.from(p2.F)).toEqual(Array.from(p1.F));
    ff.dispose();
    (back as unknown as { dispose(): void }).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('symmetry functions equal a direct float64 evaluation of G2 and G4', async () => {
    await initNodeBackend('cpu');
    const z = ds.z;
    const N = ds.nAtoms;
    const R1 = ds.R.slice(0, N * 3);
    const elements = [1, 6, 8];
    const pl = allPairs(N);
    const ctx = sfContext(z, elements, pairTensors(pl), tripletsFromPairs(pl));
    const rc = 5;
    const G = tf.tidy(() =>
      symmetryFunctions(
        tf.tensor3d(Float32Array.from(R1), [1, N, 3]),
        ctx,
        DEFAULT_RADIAL,
        DEFAULT_ANGULAR,
        rc,
      ).arraySync(),
    ) as number[][][];
    ctx.dispose();
    const fc = (r: number) => (r < rc ? 0.5 * (Math.cos((Math.PI * r) / rc) + 1) : 0);
    const vec = (a: number, b: number) => [0, 1, 2].map((c) => R1[b * 3 + c] - R1[a * 3 + c]);
    const norm = (v: number[]) => Math.hypot(v[0], v[1], v[2]);
    const nR = DEFAULT_RADIAL.length;
    const nA = DEFAULT_ANGULAR.length;
    const pairs: [number, number][] = [];
    for (let a = 0; a < 3; a++) for (let b = a; b < 3; b++) pairs.push([elements[a], elements[b]]);
    let worst = 0;
    for (let i = 0; i < N; i++) {
      const ref: number[] = [];
      for (const e of elements)
        for (const s of DEFAULT_RADIAL) {
          let g = 0;
          for (let j = 0; j < N; j++) {
            if (j === i || z[j] !== e) continue;
            const r = norm(vec(i, j));
            g += Math.exp(-s.eta * (r - s.rs) ** 2) * fc(r);
          }
          ref.push(g);
        }
      for (const [e1, e2] of pairs)
        for (const s of DEFAULT_ANGULAR) {
          let g = 0;
          for (let j = 0; j < N; j++)
            for (let k = j + 1; k < N; k++) {
              if (j === i || k === i) continue;
              const ok = (z[j] === e1 && z[k] === e2) || (z[j] === e2 && z[k] === e1);
              if (!ok) continue;
              const vij = vec(i, j);
              const vik = vec(i, k);
              const rij = norm(vij);
              const rik = norm(vik);
              const rjk = norm(vec(j, k));
              const cos = (vij[0] * vik[0] + vij[1] * vik[1] + vij[2] * vik[2]) / (rij * rik);
              g +=
                2 ** (1 - s.zeta) *
                (1 + s.lambda * cos) ** s.zeta *
                Math.exp(-s.eta * (rij * rij + rik * rik + rjk * rjk)) *
                fc(rij) *
                fc(rik) *
                fc(rjk);
            }
          ref.push(g);
        }
      expect(G[i][0].length).toBe(3 * nR + 6 * nA);
      for (let f = 0; f < ref.length; f++)
        worst = Math.max(worst, Math.abs(G[i][0][f] - ref[f]) / Math.max(1, Math.abs(ref[f])));
    }
    expect(worst).toBeLessThan(1e-5);
  });
});

describe('NNTrainingJob (worker-side control)', () => {
  it('pauses, resumes and cancels with the best model kept', async () => {
    await initNodeBackend('wasm');
    const job = new NNTrainingJob();
    const epochs: number[] = [];
    let pausedAt = -1;
    const p = job.start(
      'bpnn',
      ds,
      all.slice(0, 20),
      { ...small, maxEpochs: 50, batchSize: 10 },
      {
        validIdx: all.slice(20, 30),
        keepBestOnCancel: true,
        onProgress: (q) => {
          const e = q.metrics!.epoch;
          epochs.push(e);
          if (e === 2) {
            job.pause();
            pausedAt = epochs.length;
            setTimeout(() => {
              // nothing ran while paused
              expect(epochs.length).toBe(pausedAt);
              job.resume();
            }, 300);
          }
          if (e === 4) job.cancel();
        },
      },
    );
    const res = await p;
    expect(res.stoppedBy).toBe('abort');
    expect(res.history.length).toBe(4);
    expect(res.model.kind).toBe('bpnn');
    const ff = deserializeBpnn(res.model);
    expect(ff.predict(ds.R.slice(0, 18), 1).E[0]).toBeTypeOf('number');
    (ff as unknown as { dispose(): void }).dispose();
  });
});
