/**
 * Backend selection in Node (wasm, cpu; GPU backends refused with a reason) and the gather helpers
 * that replace tf.gather (whose gradient has no wasm kernel).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { backendSelfCheck, initBackend } from '../../src/compute/backend';
import {
  applyTfjsFixes,
  gatherRows,
  oneHotMatrix,
  segmentSumRows,
  tfjsFixesApplied,
} from '../../src/compute/tfjs-fixes';
import { initNodeBackend, nodeWasmDir } from '../../src/compute/tfjs-node';

describe('initBackend in Node', () => {
  it('initialises wasm (SIMD) and cpu, each passing the self-check', async () => {
    const w = await initNodeBackend('wasm');
    expect(w.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(w.adapter).toMatch(/^wasm/);
    expect(w.tried).toEqual([{ name: 'wasm', ok: true }]);
    // Node has WebAssembly SIMD, and tfjs's wasm memory is where wasmRows.ts looks for it
    expect(w.kernels.map((k) => [k.id, k.active])).toEqual([
      ['gemm', true],
      ['matvec', true],
      ['adam', true],
      ['rows', true],
    ]);
    expect(await backendSelfCheck()).toBeNull();
    const c = await initNodeBackend('cpu');
    expect(c).toMatchObject({ backend: 'cpu', adapter: 'cpu', tried: [{ name: 'cpu', ok: true }] });
    expect(c.kernels.find((k) => k.id === 'rows')).toMatchObject({
      active: false,
      instead: /only for the wasm backend/,
    });
    expect(c.kernels.find((k) => k.id === 'adam')?.active).toBe(true);
    expect(tfjsFixesApplied()).toBe(true);
  });

  it('automatic order skips webgpu/webgl in Node with reasons and picks wasm', async () => {
    const info = await initBackend({ wasmPaths: nodeWasmDir() });
    expect(info.backend).toBe('wasm');
    expect(info.tried.map((t) => t.name)).toEqual(['webgpu', 'webgl', 'wasm']);
    expect(info.tried[0].ok).toBe(false);
    expect(info.tried[0].reason).toBeTruthy();
    expect(info.tried[1].ok).toBe(false);
  });

  it('a forced backend that cannot work fails with a clear message', async () => {
    await expect(initBackend({ preferred: 'webgl' })).rejects.toThrow(/webgl compute backend is not usable/);
  });

  it('applyTfjsFixes is idempotent', () => {
    applyTfjsFixes();
    applyTfjsFixes();
    expect(tfjsFixesApplied()).toBe(true);
  });
});

describe('gatherRows / segmentSumRows', () => {
  const x = [
    [1, 2],
    [3, 4],
    [5, 6],
  ];
  const idx = [2, 0, 0, 1];

  it('equal tf.gather and its adjoint on cpu', async () => {
    await initNodeBackend('cpu');
    const X = tf.tensor2d(x);
    expect(gatherRows(X, idx).arraySync()).toEqual(tf.gather(X, idx).arraySync());
    const X3 = tf.stack([X, tf.mul(X, 10)]);
    expect(gatherRows(X3, idx).arraySync()).toEqual(tf.gather(X3, idx, 1).arraySync());
    const V = tf.tensor2d([
      [1, 1],
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
    expect(segmentSumRows(V as tf.Tensor2D, idx, 3).arraySync()).toEqual(
      tf.unsortedSegmentSum(V, tf.tensor1d(idx, 'int32'), 3).arraySync(),
    );
    expect(() => oneHotMatrix([3], 3)).toThrow(RangeError);
  });

  it('differentiate on wasm, where tf.gather’s gradient has no kernel', async () => {
    await initNodeBackend('wasm');
    const X = tf.tensor2d(x);
    // The tfjs 4.22 gap this module works around:
    expect(() => tf.grad((v: tf.Tensor) => tf.sum(tf.gather(v, idx)))(X)).toThrow();
    // Σ over gathered rows of v² → gradient 2·v·(multiplicity of each row), second order via grad of grad.
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.square(gatherRows(v, idx))))(X);
    expect(g.arraySync()).toEqual([
      [4, 8],
      [6, 8],
      [10, 12],
    ]);
    const gg = tf.grad((v: tf.Tensor) =>
      tf.sum(tf.square(tf.grad((u: tf.Tensor) => tf.sum(tf.pow(gatherRows(u, idx), 3)))(v))),
    )(X);
    // inner: 3·mult·u²; outer: Σ 9·mult²·u⁴ → 36·mult²·u³
    const mult = [2, 1, 1];
    expect(gg.arraySync()).toEqual(x.map((row, i) => row.map((v) => 36 * mult[i] ** 2 * v ** 3)));
  });
});
