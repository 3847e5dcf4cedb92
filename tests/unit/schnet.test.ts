/** SchNet: the network contract shared with BPNN (tests/unit/nn-contract.ts). */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../src/compute/tfjs-node';
import { deserializeSchNet, SchNetNet, schnetTrainer } from '../../src/models/schnet/index';
import { gaussianRbf, RBF_FLUSH_EXPONENT } from '../../src/models/schnet/schnet';
import { neighbourPairs, pairsOnce } from '../../src/models/nn-common/pairs';
import { perFrameRows } from '../../src/models/schnet/pairRows';
import { describeNNContract, expectSamePredictions, nnToySetup } from './nn-contract';

const { ds, all, stats } = nnToySetup();
const small = { features: 16, nGaussians: 10, interactions: 2, cutoff: 5 };

describeNNContract({
  name: 'SchNet',
  ds,
  all,
  makeNet: (pairMode = 'dense', seed = 5) => new SchNetNet(ds.z, stats, { ...small, pairMode }, seed),
  params: small,
  trainer: schnetTrainer,
  deserialize: deserializeSchNet,
  probeWeights: [
    'embedding',
    'int0.filter1.W',
    'int0.filter2.W',
    'int0.in2f.W',
    'int1.f2out1.W',
    'out1.W',
    'out2.W',
  ],
  // Unlike BPNN (tanh), SchNet's force-loss parameter gradients are right even with tfjs's own
  // gradients: its θ-dependent nonlinearity is softplus, whose gradient is input-based, and exp only
  // acts on distances. The fix still matters for its ∂F/∂R (see tfjs-fixes.test.ts).
  needsTfjsFix: false,
});

describe('SchNet Gaussian radial basis', () => {
  it('equals exp(−γ(r − μ)²), with exact zeros instead of float32 subnormals, and the same gradient', async () => {
    await initNodeBackend('wasm');
    const spacing = 5 / 24; // the default basis: 25 centres on [0, 5] Å
    const gamma = 0.5 / spacing ** 2;
    const r = Array.from({ length: 61 }, (_, q) => 0.5 + q * 0.08); // 0.5 … 5.3 Å
    const mu = Array.from({ length: 25 }, (_, k) => k * spacing);
    const dist = tf.tensor2d(r, [r.length, 1]);
    const centers = tf.tensor2d(mu, [1, mu.length]);
    const rbf = gaussianRbf(dist, centers, gamma).dataSync();
    // d/dr Σ_k rbf_k(r) per distance
    const grad = tf
      .grad((d: tf.Tensor) => tf.sum(gaussianRbf(d as tf.Tensor2D, centers, gamma)))(dist)
      .dataSync();
    let subnormal = 0;
    let flushed = 0;
    let worst = 0;
    let worstGrad = 0;
    r.forEach((ri, i) => {
      let g = 0;
      mu.forEach((m, k) => {
        const ex = -gamma * (ri - m) ** 2;
        const got = rbf[i * mu.length + k];
        if (got !== 0 && Math.abs(got) < 2 ** -126) subnormal++;
        if (ex < RBF_FLUSH_EXPONENT) {
          if (got === 0 && Math.exp(ex) > 0) flushed++;
          expect(got).toBe(0);
        } else {
          worst = Math.max(worst, Math.abs(got - Math.exp(ex)) / Math.exp(ex));
          g += -2 * gamma * (ri - m) * Math.exp(ex);
        }
      });
      worstGrad = Math.max(worstGrad, Math.abs(grad[i] - g) / Math.max(1, Math.abs(g)));
    });
    expect(subnormal).toBe(0);
    expect(flushed).toBeGreaterThan(0); // the grid does reach the flushed range
    expect(worst).toBeLessThan(5e-5); // float32 exponents up to 80 carry ≈ 5·10⁻⁶
    expect(worstGrad).toBeLessThan(1e-4);
    dist.dispose();
    centers.dispose();
  });
});

describe('SchNet pairs', () => {
  it('pairsOnce keeps every unordered pair of a neighbour list exactly once, as (i < j)', () => {
    const list = neighbourPairs(ds.R as Float64Array, ds.nAtoms, [0, 1], 2.5);
    const once = pairsOnce(list);
    expect(once.i.length * 2).toBe(list.i.length);
    const keys = new Set<string>();
    once.i.forEach((a, q) => {
      expect(a).toBeLessThan(once.j[q]);
      keys.add(`${a},${once.j[q]}`);
    });
    list.i.forEach((a, q) =>
      expect(keys.has(`${Math.min(a, list.j[q])},${Math.max(a, list.j[q])}`)).toBe(true),
    );
    expect(keys.size).toBe(once.i.length);
  });

  it('per-frame pair rows (wasm) drop the rows beyond the cutoff and give the dense energies and forces', async () => {
    await initNodeBackend('wasm');
    const cutoff = 2.5; // short, so that some pairs of the batch's list are beyond it in some frames
    const frames = [0, 1, 2, 3, 4];
    const list = pairsOnce(neighbourPairs(ds.R, ds.nAtoms, frames, cutoff));
    const rows = perFrameRows(ds.R, list, frames, cutoff);
    expect(rows.nRows).toBeGreaterThan(0);
    expect(rows.nRows).toBeLessThan(list.i.length * frames.length);
    const dense = new SchNetNet(ds.z, stats, { ...small, cutoff, pairMode: 'dense' }, 5);
    const perFrame = new SchNetNet(ds.z, stats, { ...small, cutoff, pairMode: 'neighbour' }, 5);
    expectSamePredictions(dense, perFrame, ds.R, frames);
  });
});
