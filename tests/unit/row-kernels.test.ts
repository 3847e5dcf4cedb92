/**
 * The row gather / segment sum kernels of nn-common/rowKernels.ts (SchNet's pair gathers and
 * scatters, BPNN's neighbour sums, on wasm): the same numbers, bit for bit, as the one-hot selector
 * matmuls they replace — forward, in first and second derivatives, and through whole training steps.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initNodeBackend } from '../../src/compute/tfjs-node';
import { oneHotMatrix } from '../../src/compute/tfjs-fixes';
import {
  gatherRowsKernel,
  rowKernelsActive,
  segmentSumRowsKernel,
  setRowKernelsEnabled,
  setRowKernelsSimd,
  sumRowsInto,
} from '../../src/models/nn-common/rowKernels';
import { SchNetNet } from '../../src/models/schnet/index';
import { BpnnNet } from '../../src/models/bpnn/index';
import { Adam, trainStep } from '../../src/models/nn-common/train';
import {
  pairTensors,
  rowsOfFirstAtom,
  rowsOfSecondAtom,
  sumIntoFirstAtom,
  sumIntoSecondAtom,
} from '../../src/models/nn-common/pairs';
import { heapRowKernels } from '../../src/compute/wasmRows';
import { nnToySetup } from './nn-contract';
import { mixedMagnitudeValues } from './seeded-values';

function values(n: number, seed: number): Float32Array {
  return Float32Array.from(mixedMagnitudeValues(n, seed, 5));
}

// 9 pairs over 5 atoms, first atoms ascending (as pair lists are), atom 3 in no pair as first atom
const first = Int32Array.from([0, 0, 1, 1, 1, 2, 4, 4, 4]);
const second = Int32Array.from([1, 4, 0, 2, 3, 1, 0, 2, 3]);
const N = 5,
  C = 7;

describe('row kernels on wasm', () => {
  beforeAll(async () => {
    await initNodeBackend('wasm');
    setRowKernelsEnabled(true);
  });

  it('are active on wasm only while enabled', () => {
    expect(rowKernelsActive()).toBe(true);
    setRowKernelsEnabled(false);
    expect(rowKernelsActive()).toBe(false);
    setRowKernelsEnabled(true);
  });

  it('gather and segment sum equal the selector matmuls bit for bit', () => {
    const h = tf.tensor2d(values(N * C, 3), [N, C]);
    const m = tf.tensor2d(values(first.length * C, 5), [first.length, C]);
    const Sj = oneHotMatrix(second, N);
    const SiT = tf.transpose(oneHotMatrix(first, N)) as tf.Tensor2D;
    expect(Array.from(gatherRowsKernel(h, second, N).dataSync())).toEqual(
      Array.from(tf.matMul(Sj, h).dataSync()),
    );
    const summed = segmentSumRowsKernel(m, first, N);
    expect(summed.shape).toEqual([N, C]);
    expect(Array.from(summed.dataSync())).toEqual(Array.from(tf.matMul(SiT, m).dataSync()));
    // the row no pair sums into is zero
    expect(Array.from(summed.dataSync().slice(3 * C, 4 * C))).toEqual(new Array(C).fill(0));
  });

  it("pair helpers (each atom's rows and sums into either atom) give the same with kernels as with selectors", () => {
    const pt = pairTensors({ nAtoms: N, i: first, j: second });
    const h = tf.tensor2d(values(N * C, 19), [N, C]);
    const m = tf.tensor2d(values(first.length * C, 23), [first.length, C]);
    const all = () =>
      [
        rowsOfFirstAtom(pt, h),
        rowsOfSecondAtom(pt, h),
        sumIntoFirstAtom(pt, m),
        sumIntoSecondAtom(pt, m),
      ].map((t) => Array.from(t.dataSync()));
    const withKernels = all();
    setRowKernelsEnabled(false);
    const withMatmuls = all();
    setRowKernelsEnabled(true);
    expect(withKernels).toEqual(withMatmuls);
    // pair 2 is (1, 0): its first atom's row is h[1], and atom 0 receives it as a second atom
    expect(withKernels[0].slice(2 * C, 3 * C)).toEqual(Array.from(h.dataSync().slice(C, 2 * C)));
    pt.dispose();
  });

  it('a negative index is a zero column of the selector: left out of the sums, a zero row gathered', () => {
    const seg = Int32Array.from([2, -1, 0, 2, -1, 4]);
    const x = tf.tensor2d(values(seg.length * C, 13), [seg.length, C]);
    const S = tf.tensor2d(
      Float32Array.from({ length: N * seg.length }, (_, q) =>
        seg[q % seg.length] === Math.floor(q / seg.length) ? 1 : 0,
      ),
      [N, seg.length],
    );
    expect(Array.from(sumRowsInto(S, seg, x).dataSync())).toEqual(Array.from(tf.matMul(S, x).dataSync()));
    const h = tf.tensor2d(values(N * C, 17), [N, C]);
    const back = gatherRowsKernel(h, seg, N);
    expect(Array.from(back.dataSync())).toEqual(Array.from(tf.matMul(S, h, true, false).dataSync()));
    expect(Array.from(back.dataSync().slice(C, 2 * C))).toEqual(new Array(C).fill(0));
  });

  it('differentiate like the matmuls, to second order', () => {
    const h = tf.tensor2d(values(N * C, 7), [N, C]);
    const w = tf.tensor2d(values(first.length * C, 9), [first.length, C]);
    const Sj = oneHotMatrix(second, N);
    const SiT = tf.transpose(oneHotMatrix(first, N)) as tf.Tensor2D;
    // a message-passing step and a scalar of it; then the gradient of a function of its gradient
    const viaKernels = (x: tf.Tensor) =>
      tf.sum(
        tf.sin(
          segmentSumRowsKernel(
            tf.mul(gatherRowsKernel(x as tf.Tensor2D, second, N), w) as tf.Tensor2D,
            first,
            N,
          ),
        ),
      );
    const viaMatmul = (x: tf.Tensor) =>
      tf.sum(tf.sin(tf.matMul(SiT, tf.mul(tf.matMul(Sj, x as tf.Tensor2D), w) as tf.Tensor2D)));
    const g1k = tf.grad(viaKernels)(h).dataSync();
    const g1m = tf.grad(viaMatmul)(h).dataSync();
    expect(Array.from(g1k)).toEqual(Array.from(g1m));
    const second2 = (f: (x: tf.Tensor) => tf.Tensor) =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.grad(f)(x))));
    const g2k = second2(viaKernels)(h).dataSync();
    const g2m = second2(viaMatmul)(h).dataSync();
    expect(Array.from(g2k)).toEqual(Array.from(g2m));
    expect(g2k.some((v) => v !== 0)).toBe(true);
  });

  it.each(['SchNet', 'BPNN'])('%s trains to the same weights with them as with the matmuls', (model) => {
    const { ds, all, stats } = nnToySetup();
    const run = (kernels: boolean) => {
      setRowKernelsEnabled(kernels);
      const net =
        model === 'SchNet'
          ? new SchNetNet(ds.z, stats, { features: 16, nGaussians: 10, interactions: 2, cutoff: 5 }, 3)
          : new BpnnNet(ds.z, stats, {}, 3, ds, all);
      const adam = new Adam(net.weights.map((w) => w.v));
      const frames = Array.from(all).slice(0, 6);
      for (let s = 0; s < 4; s++) trainStep(net, adam, ds, frames, 0.1).dispose();
      const out = net.weights.map((w) => Array.from(w.v.dataSync()));
      net.dispose();
      return out;
    };
    const withKernels = run(true);
    const withMatmuls = run(false);
    setRowKernelsEnabled(true);
    expect(withKernels).toEqual(withMatmuls);
  });

  it('run in WebAssembly SIMD on the backend memory here, built from the committed rows.wat', async () => {
    const memory = (tf.backend() as unknown as { wasm: { asm: { memory: WebAssembly.Memory } } }).wasm.asm
      .memory;
    expect(heapRowKernels(memory)).not.toBeNull();
    const { assembleWat } = await import('../../scripts/build-wasm.mjs');
    const assembled = await assembleWat('rows');
    const committed = readFileSync(new URL('../../src/compute/wasm/rows.wasm.ts', import.meta.url), 'utf8');
    expect(/'([A-Za-z0-9+/=]+)'/.exec(committed)?.[1]).toBe(Buffer.from(assembled).toString('base64'));
  });

  it.each([1, 3, 4, 7, 16, 64, 66])(
    'SIMD and JavaScript loops give the same bits (rows of %i, repeated and negative indices)',
    (d) => {
      const m = 41,
        rows = 10;
      const idx = Int32Array.from({ length: m }, (_, r) => ((r * 7) % 11) - 2); // −2 … 8, repeats
      const x = tf.tensor2d(values(m * d, 29 + d), [m, d]);
      const h = tf.tensor2d(values(rows * d, 31 + d), [rows, d]);
      const both = () => [
        Array.from(segmentSumRowsKernel(x, idx, rows).dataSync()),
        Array.from(gatherRowsKernel(h, idx, rows).dataSync()),
      ];
      const simd = both();
      setRowKernelsSimd(false);
      const js = both();
      setRowKernelsSimd(true);
      expect(simd).toEqual(js);
      expect(simd[0].some((v) => v !== 0)).toBe(true);
      // segment 9 receives no row; indices −1, −2 gather zero rows (row 0: index −2)
      expect(simd[0].slice(9 * d, 10 * d)).toEqual(new Array(d).fill(0));
      expect(simd[1].slice(0, d)).toEqual(new Array(d).fill(0));
    },
  );

  it.each([
    [64, 64],
    [1789, 64],
    [7, 5],
    [1, 9],
    [9, 1],
    [0, 4],
  ])('rank-2 transposes (%i × %i) on the module equal tfjs’s own kernel', (rows, cols) => {
    rowKernelsActive(); // registers the kernels (and the transpose)
    const x = tf.tensor2d(values(rows * cols, 37 + rows), [rows, cols]);
    const viaModule = tf.transpose(x);
    setRowKernelsSimd(false);
    const viaTfjs = tf.transpose(x);
    setRowKernelsSimd(true);
    expect(viaModule.shape).toEqual([cols, rows]);
    expect(Array.from(viaModule.dataSync())).toEqual(Array.from(viaTfjs.dataSync()));
    const xs = x.dataSync();
    if (rows * cols > 0)
      expect(viaModule.dataSync()[(cols - 1) * rows + (rows - 1)]).toBe(xs[rows * cols - 1]);
    if (rows > 1 && cols > 1) expect(viaModule.dataSync()[1]).toBe(xs[cols]); // out[0, 1] = x[1, 0]
    // other ranks and permutations still go to tfjs's kernel
    const t3 = tf.transpose(tf.reshape(x, [1, rows, cols]), [0, 2, 1]);
    expect(Array.from(t3.dataSync())).toEqual(Array.from(viaTfjs.dataSync()));
  });

  it.each([
    [1789, 64],
    [240, 64],
    [7, 5],
    [1, 3],
  ])('axis-0 sums (%i × %i) on the module give tfjs’s own bits', (rows, cols) => {
    rowKernelsActive();
    const x = tf.tensor2d(values(rows * cols, 41 + rows), [rows, cols]);
    const sums = () =>
      [
        tf.sum(x, 0),
        tf.sum(x, [0], true),
        tf.sum(x, -2),
        tf.sum(x, 1), // not axis 0: tfjs's kernel either way
        tf.sum(x),
      ].map((t) => [t.shape, Array.from(t.dataSync())]);
    const viaModule = sums();
    setRowKernelsSimd(false);
    const viaTfjs = sums();
    setRowKernelsSimd(true);
    expect(viaModule).toEqual(viaTfjs);
    expect(viaModule[1][0]).toEqual([1, cols]);
    if (rows > 0 && cols > 0) expect(viaModule[0][1]).not.toEqual(new Array(cols).fill(0));
  });

  it('an axis-0 sum over no rows is zero (tfjs 4.22’s wasm Sum returns uninitialised memory there)', () => {
    rowKernelsActive();
    expect(Array.from(tf.sum(tf.zeros([0, 4]), 0).dataSync())).toEqual([0, 0, 0, 0]);
  });
});
