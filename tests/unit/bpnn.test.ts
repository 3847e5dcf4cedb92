/**
 * BPNN: the network contract shared with SchNet (tests/unit/nn-contract.ts: finite-difference forces and
 * parameter gradients — which must fail without the tfjs tanh fix —, invariances, pair modes, training
 * and serialisation), its symmetry functions against a float64 evaluation, and the worker-side
 * training job's pause / resume / cancel.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../src/compute/tfjs-node';
import { BpnnNet, bpnnTrainer, deserializeBpnn } from '../../src/models/bpnn/index';
import { NNTrainingJob } from '../../src/models/nn-common/job';
import {
  columnsSideBySide,
  frameTriplets,
  symmetryFunctions,
  sfContext,
  tripletsFromPairs,
  DEFAULT_RADIAL,
  DEFAULT_ANGULAR,
} from '../../src/models/bpnn/symmetry';
import { allPairs, neighbourPairs, pairTensors } from '../../src/models/nn-common/pairs';
import { describeNNContract, expectSamePredictions, nnToySetup } from './nn-contract';

const { ds, all, stats } = nnToySetup();
const small = { hidden: [12, 12] };
const makeNet = (pairMode: 'dense' | 'neighbour' = 'dense', seed = 5) =>
  new BpnnNet(ds.z, stats, { ...small, pairMode }, seed, ds, all);

describeNNContract({
  name: 'BPNN',
  ds,
  all,
  makeNet,
  params: small,
  trainer: bpnnTrainer,
  deserialize: deserializeBpnn,
  probeWeights: [
    'Z1.layer0.W',
    'Z1.layer1.W',
    'Z1.layer2.W',
    'Z6.layer0.W',
    'Z6.layer1.b',
    'Z8.layer0.W',
    'Z8.layer2.W',
  ],
  needsTfjsFix: true,
});

describe('BPNN symmetry functions', () => {
  it('puts column vectors side by side exactly as concat along axis 1, gradient included', async () => {
    await initNodeBackend('wasm');
    const cols = [0, 1, 2, 3].map((c) =>
      tf.tensor2d(
        Array.from({ length: 7 }, (_, q) => Math.sin(q + 10 * c)),
        [7, 1],
      ),
    );
    const weights = tf.tensor2d(
      Array.from({ length: 28 }, (_, q) => Math.cos(q)),
      [7, 4],
    );
    const ours = columnsSideBySide(cols);
    expect(ours.shape).toEqual([7, 4]);
    expect(Array.from(ours.dataSync())).toEqual(Array.from(tf.concat(cols, 1).dataSync()));
    // the gradient reaches each column as that column of the upstream gradient
    const grads = tf.grads((...c: tf.Tensor[]) => tf.sum(tf.mul(columnsSideBySide(c), weights)))(cols);
    grads.forEach((g, c) => {
      expect(g.shape).toEqual([7, 1]);
      expect(Array.from(g.dataSync())).toEqual(Array.from(weights.slice([0, c], [7, 1]).dataSync()));
    });
  });

  it.each([
    ['every pair', 5],
    ['a neighbour list, triplets with r_jk beyond the cutoff left out', 2.5],
  ])('symmetry functions from %s equal a direct float64 evaluation of G2 and G4', async (lists, rc) => {
    await initNodeBackend('cpu');
    const z = ds.z;
    const N = ds.nAtoms;
    const R1 = ds.R.slice(0, N * 3);
    const elements = [1, 6, 8];
    const pl = lists === 'every pair' ? allPairs(N) : neighbourPairs(ds.R, N, [0], rc);
    const triplets = tripletsFromPairs(pl);
    if (lists !== 'every pair') {
      // the case this tests: some centre has two neighbours that are not neighbours of each other
      const neighbours = Array.from({ length: N }, (_, i) => pl.j.filter((_, q) => pl.i[q] === i).length);
      expect(triplets.i.length).toBeLessThan(neighbours.reduce((t, m) => t + (m * (m - 1)) / 2, 0));
    }
    const ctx = sfContext(z, elements, pairTensors(pl), triplets);
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

describe('BPNN per-frame angular rows (wasm)', () => {
  it('drop the triplet rows beyond the cutoff and give the dense energies and forces', async () => {
    await initNodeBackend('wasm');
    const cutoff = 2.4; // short, so that some triplets of the batch's list are beyond it in some frames
    const frames = [0, 7, 14, 21, 28];
    const trip = tripletsFromPairs(neighbourPairs(ds.R, ds.nAtoms, frames, cutoff));
    const rows = frameTriplets(ds.R, ds.z, [1, 6, 8], trip, frames, cutoff);
    expect(rows.nRows).toBeGreaterThan(0);
    expect(rows.nRows).toBeLessThan(trip.i.length * frames.length);
    const net = (pairMode: 'dense' | 'neighbour') =>
      new BpnnNet(ds.z, stats, { ...small, cutoff, pairMode }, 5, ds, all);
    const dense = net('dense');
    const perFrame = net('neighbour');
    expectSamePredictions(dense, perFrame, ds.R, frames);
  });
});
