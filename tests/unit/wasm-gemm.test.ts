/**
 * The WebAssembly SIMD GEMM (src/compute/wasm/gemm.wat via src/compute/wasmGemm.ts): the committed
 * binary is what the committed source assembles to, and its products equal the JavaScript loops'
 * bit for bit (the sGDML CG relies on that: the same model with either).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  gemmNNRows,
  gemmNTRows,
  gemmNTRowsJs,
  syrkRows,
  syrkRowsJs,
  trsmLowerRows,
  trsmLowerRowsJs,
} from '../../src/compute/linalg';
import {
  gemmNNWasm,
  gemmNTWasm,
  syrkWasm,
  trsmLowerRowsWasm,
  wasmGemmKernel,
  gemmNTStridedWasm,
  PackedRowsNT,
} from '../../src/compute/wasmGemm';
import { matABtStrided, matABtStridedJs } from '../../src/models/gap/smallLinalg';
import { mixedMagnitudeValues } from './seeded-values';

function randomArray(n: number, seed: number): Float64Array {
  return Float64Array.from(mixedMagnitudeValues(n, seed));
}

const SHAPES: [number, number, number][] = [
  [4, 4, 2048], // one block, eight k-chunks
  [37, 41, 300], // leftover rows and columns, two chunks
  [64, 9, 600],
  [3, 50, 400], // fewer than four rows: all JavaScript edges
];

describe('WebAssembly SIMD GEMM', () => {
  it('is built from the committed .wat source', async () => {
    const { assembleGemm } = await import('../../scripts/build-wasm.mjs');
    const assembled = await assembleGemm();
    const committed = readFileSync(new URL('../../src/compute/wasm/gemm.wasm.ts', import.meta.url), 'utf8');
    const b64 = /'([A-Za-z0-9+/=]+)'/.exec(committed)?.[1];
    expect(b64).toBe(Buffer.from(assembled).toString('base64'));
  });

  it('runs here (Node has WebAssembly SIMD)', () => {
    expect(wasmGemmKernel()).not.toBeNull();
  });

  it('A·Bᵀ equals the JavaScript loop bit for bit', () => {
    for (const [m, n, k] of SHAPES) {
      const A = randomArray(m * k, 11 + m);
      const B = randomArray(n * k, 17 + n);
      const ref = new Float64Array(m * n);
      gemmNTRowsJs(A, B, m, n, k, ref);
      const got = new Float64Array(m * n).fill(NaN);
      expect(gemmNTWasm(A, B, m, n, k, got, 256)).toBe(true);
      expect(Array.from(got), `${m}×${n}×${k}`).toEqual(Array.from(ref));
      const viaLinalg = new Float64Array(m * n);
      gemmNTRows(A, B, m, n, k, viaLinalg);
      expect(Array.from(viaLinalg)).toEqual(Array.from(ref));
    }
  });

  it('A·B (B not transposed) equals the JavaScript loop on Bᵀ bit for bit', () => {
    for (const [m, n, k] of SHAPES) {
      const A = randomArray(m * k, 23 + m);
      const B = randomArray(k * n, 29 + n); // k × n
      const Bt = new Float64Array(n * k);
      for (let q = 0; q < k; q++) for (let j = 0; j < n; j++) Bt[j * k + q] = B[q * n + j];
      const ref = new Float64Array(m * n);
      gemmNTRowsJs(A, Bt, m, n, k, ref);
      const got = new Float64Array(m * n).fill(NaN);
      expect(gemmNNWasm(A, B, m, n, k, got, 256)).toBe(true);
      expect(Array.from(got), `${m}×${n}×${k}`).toEqual(Array.from(ref));
      const viaLinalg = new Float64Array(m * n);
      gemmNNRows(A, B, m, n, k, viaLinalg);
      expect(Array.from(viaLinalg)).toEqual(Array.from(ref));
    }
  });

  it('B·Bᵀ (the Nyström Gram matrix) equals the JavaScript loop bit for bit', () => {
    for (const [k, n] of [
      [4, 1500], // three column slabs
      [13, 700], // leftover rows
      [40, 512],
    ]) {
      const B = randomArray(k * n, 31 + k);
      const ref = syrkRowsJs(B, k, n);
      const got = syrkWasm(B, k, n, 512);
      expect(got).not.toBeNull();
      expect(Array.from(got!), `${k}×${n}`).toEqual(Array.from(ref));
      expect(Array.from(syrkRows(B, k, n))).toEqual(Array.from(ref));
    }
  });

  it('the Gram matrix stops when cancelled', () => {
    const ac = new AbortController();
    ac.abort();
    expect(() => syrkRows(randomArray(8 * 600, 3), 8, 600, ac.signal)).toThrow();
  });

  it('L⁻¹B (the Nyström triangular solve) equals the JavaScript loop bit for bit', () => {
    for (const [k, n] of [
      [8, 64],
      [13, 150], // leftover rows, a partial strip and a partial column block
      [40, 203],
    ]) {
      const L = randomArray(k * k, 41 + k);
      for (let a = 0; a < k; a++) {
        for (let b = a + 1; b < k; b++) L[a * k + b] = 0;
        L[a * k + a] = 2 + Math.abs(L[a * k + a]);
      }
      const B = randomArray(k * n, 43 + n);
      const ref = Float64Array.from(B);
      trsmLowerRowsJs(L, k, ref, n);
      const got = Float64Array.from(B);
      expect(trsmLowerRowsWasm(L, k, got, n, 64)).toBe(true);
      expect(Array.from(got), `${k}×${n}`).toEqual(Array.from(ref));
      const viaLinalg = Float64Array.from(B);
      trsmLowerRows(L, k, viaLinalg, n);
      expect(Array.from(viaLinalg)).toEqual(Array.from(ref));
    }
  });
});

describe("GAP's strided A·Bᵀ on the kernel", () => {
  it.each([
    // m, n, k, accumulate: edges in both dimensions, two K-chunks, small and large
    [8, 8, 16, false],
    [13, 10, 37, false],
    [17, 23, 600, true],
    [9, 30, 1100, false],
  ] as [number, number, number, boolean][])(
    'm %i × n %i, k %i (accumulate %s) gives matABtStridedJs bit for bit, leaving C outside the block alone',
    (m, n, k, accumulate) => {
      const lda = k + 5,
        ldb = k + 3,
        ldc = n + 2,
        aOff = 7,
        bOff = 11,
        cOff = 4;
      const A = randomArray(aOff + m * lda, 41);
      const B = randomArray(bOff + n * ldb, 43);
      const C0 = randomArray(cOff + m * ldc, 47);
      const viaJs = Float64Array.from(C0);
      matABtStridedJs(A, aOff, lda, m, B, bOff, ldb, n, k, viaJs, cOff, ldc, accumulate);
      const viaKernel = Float64Array.from(C0);
      matABtStrided(A, aOff, lda, m, B, bOff, ldb, n, k, viaKernel, cOff, ldc, accumulate);
      expect(Array.from(viaKernel)).toEqual(Array.from(viaJs));
      const direct = Float64Array.from(C0);
      expect(gemmNTStridedWasm(A, aOff, lda, m, B, bOff, ldb, n, k, direct, cOff, ldc, accumulate, 512)).toBe(
        true,
      );
      expect(Array.from(direct)).toEqual(Array.from(viaJs));
      // the padding between rows of C is untouched
      expect(viaKernel[cOff + n]).toBe(C0[cOff + n]);
    },
  );
});

describe('packed row groups of B (PackedRowsNT) for repeated A·Bᵀ', () => {
  it.each([
    // m, n, k: A rows below and above four, B rows not a multiple of four, one and three K-chunks
    [1, 5, 20],
    [2, 500, 300],
    [12, 37, 1100],
    [10, 9, 4662],
  ] as [number, number, number][])(
    'one group: m %i × n %i, k %i gives matABtStridedJs bit for bit, product after product',
    (m, n, k) => {
      const lda = k + 5,
        ldb = k + 3,
        ldc = n + 2,
        aOff = 7,
        bOff = 11,
        cOff = 4;
      const B = randomArray(bOff + n * ldb, 43 + n);
      const packed = PackedRowsNT.of(B, bOff, ldb, n, k);
      expect(packed).not.toBeNull();
      for (const seed of [41, 53]) {
        const A = randomArray(aOff + m * lda, seed + m);
        const C0 = randomArray(cOff + m * ldc, 47);
        const viaJs = Float64Array.from(C0);
        matABtStridedJs(A, aOff, lda, m, B, bOff, ldb, n, k, viaJs, cOff, ldc, false);
        const got = Float64Array.from(C0);
        expect(packed!.multiply(0, A, aOff, lda, m, got, cOff, ldc, 512)).toBe(true);
        expect(Array.from(got), `seed ${seed}`).toEqual(Array.from(viaJs));
      }
    },
  );

  it('several groups, packed again with new rows: every group gives matABtStridedJs', () => {
    const k = 600,
      ldb = 620,
      m = 16;
    const packed = PackedRowsNT.create()!;
    for (const [seed, offs, counts] of [
      [61, [0, 3 * ldb, 20 * ldb], [3, 17, 6]],
      [67, [5 * ldb, 0], [2, 9]],
    ] as [number, number[], number[]][]) {
      const B = randomArray(40 * ldb, seed);
      expect(packed.pack(B, ldb, k, offs, counts)).toBe(true);
      const A = randomArray(m * k, seed + 1);
      counts.forEach((n, g) => {
        const viaJs = new Float64Array(m * n);
        matABtStridedJs(A, 0, k, m, B, offs[g], ldb, n, k, viaJs, 0, n, false);
        const got = new Float64Array(m * n);
        expect(packed.multiply(g, A, 0, k, m, got, 0, n, 512)).toBe(true);
        expect(Array.from(got), `group ${g}`).toEqual(Array.from(viaJs));
      });
    }
  });
});
