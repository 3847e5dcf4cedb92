/**
 * Adam's host updates (WebAssembly SIMD and JavaScript; what the wasm and cpu backends run) against its
 * tensor ops (what the GPU backends run): the same weights bit for bit, step after step, with gradients
 * of mixed magnitudes and a learning rate that changes.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../src/compute/tfjs-node';
import { Adam } from '../../src/models/nn-common/adam';
import { mixedMagnitudeValues } from './seeded-values';

const SHAPES = [[7, 5], [13], [3, 4, 2]];

function run(engine: 'tensors' | 'wasm' | 'js'): number[][] {
  const vars = SHAPES.map((s, q) =>
    tf.tidy(() =>
      tf.variable(
        tf.tensor(
          mixedMagnitudeValues(
            s.reduce((a, b) => a * b, 1),
            11 + q,
            5,
          ),
          s,
        ),
        true,
      ),
    ),
  );
  const adam = new Adam(vars, 1e-3, 0.9, 0.999, 1e-8, engine);
  for (let step = 0; step < 6; step++) {
    if (step === 4) adam.lr = 3e-4; // the plateau schedule changes it between steps
    const grads = vars.map((v, q) => tf.tensor(mixedMagnitudeValues(v.size, 100 * step + q + 1, 9), v.shape));
    adam.apply(grads);
    tf.dispose(grads);
  }
  const out = vars.map((v) => Array.from(v.dataSync()));
  adam.dispose();
  tf.dispose(vars);
  return out;
}

describe('Adam', () => {
  for (const kind of ['wasm', 'cpu'] as const)
    it(`the host updates (SIMD, JavaScript) give the tensor ops' weights bit for bit on ${kind}`, async () => {
      await initNodeBackend(kind);
      const before = tf.memory().numTensors;
      const tensors = run('tensors');
      expect(run('wasm')).toEqual(tensors);
      expect(run('js')).toEqual(tensors);
      expect(tensors.flat().every(Number.isFinite)).toBe(true);
      expect(tf.memory().numTensors).toBe(before);
    });

  it('runs its SIMD loop built from the committed adam.wat', async () => {
    const { assembleWat } = await import('../../scripts/build-wasm.mjs');
    const assembled = await assembleWat('adam');
    const committed = readFileSync(new URL('../../src/compute/wasm/adam.wasm.ts', import.meta.url), 'utf8');
    expect(/'([A-Za-z0-9+/=]+)'/.exec(committed)?.[1]).toBe(Buffer.from(assembled).toString('base64'));
  });

  it('walks down a quadratic', async () => {
    await initNodeBackend('wasm');
    const x = tf.variable(tf.tensor1d([3, -2]));
    const adam = new Adam([x], 0.1);
    for (let k = 0; k < 200; k++) {
      const g = tf.mul(2, x);
      adam.apply([g]);
      g.dispose();
    }
    expect(Math.max(...Array.from(x.dataSync()).map(Math.abs))).toBeLessThan(0.05);
    adam.dispose();
    x.dispose();
  });
});
