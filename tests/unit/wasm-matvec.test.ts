/**
 * The WebAssembly SIMD matrix-vector products of the sGDML preconditioner (src/compute/wasm/matvec.wat
 * via src/compute/wasmMatVec.ts): the committed binary is what its source assembles to, and both
 * products equal the JavaScript loops of linalg.ts bit for bit, for any shape (odd columns, rows left
 * over from the groups of four, fewer than four rows).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsRowMatrix, matVecModule, rowMatrix, wasmRowMatrix } from '../../src/compute/wasmMatVec';
import { mixedMagnitudeValues } from './seeded-values';

function randomArray(n: number, seed: number): Float64Array {
  return Float64Array.from(mixedMagnitudeValues(n, seed));
}

const SHAPES: [number, number][] = [
  [4, 2], // one group, one column pair
  [8, 1001], // odd column count
  [37, 300], // a row left over
  [42, 513], // two rows left over and an odd column
  [3, 50], // fewer than four rows: all JavaScript
];

describe('WebAssembly SIMD matrix-vector products', () => {
  it('is built from the committed .wat source', async () => {
    const { assembleWat } = await import('../../scripts/build-wasm.mjs');
    const assembled = await assembleWat('matvec');
    const committed = readFileSync(new URL('../../src/compute/wasm/matvec.wasm.ts', import.meta.url), 'utf8');
    expect(/'([A-Za-z0-9+/=]+)'/.exec(committed)?.[1]).toBe(Buffer.from(assembled).toString('base64'));
  });

  it('runs here (Node has WebAssembly SIMD)', () => {
    expect(matVecModule()).not.toBeNull();
    expect(rowMatrix(8, 8).kind).toBe('wasm-simd');
  });

  const CASES = (['f64', 'f32'] as const).flatMap((p) => SHAPES.map(([m, n]) => [p, m, n] as const));

  it.each(CASES)(
    '%s A: A·x and z − Aᵀ·t equal the JavaScript loops bit for bit (%i × %i)',
    (precision, m, n) => {
      const w = wasmRowMatrix(m, n, precision);
      const j = jsRowMatrix(m, n, precision);
      expect(w).not.toBeNull();
      if (!w) return;
      const A = randomArray(m * n, 7 + m);
      if (precision === 'f32') for (let i = 0; i < A.length; i++) A[i] = Math.fround(A[i]);
      w.data.set(A);
      j.data.set(A);
      expect(w.data).toBeInstanceOf(precision === 'f32' ? Float32Array : Float64Array);
      const x = randomArray(n, 11 + n);
      const tw = new Float64Array(m),
        tj = new Float64Array(m);
      w.matVec(x, tw);
      j.matVec(x, tj);
      expect(Array.from(tw)).toEqual(Array.from(tj));
      // a plain dot product agrees to rounding (the products are right, not only equal to each other)
      for (let a = 0; a < m; a++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += A[a * n + i] * x[i];
        expect(tw[a]).toBe(s);
      }
      const zw = randomArray(n, 5),
        zj = zw.slice();
      w.subTransMatVec(tj, zw);
      j.subTransMatVec(tj, zj);
      expect(Array.from(zw)).toEqual(Array.from(zj));
      const z0 = randomArray(n, 5);
      for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 7))) {
        let zi = z0[i];
        for (let a = 0; a < m; a++) zi -= A[a * n + i] * tj[a];
        expect(zw[i]).toBe(zi);
      }
      // the inputs are left as they were
      expect(Array.from(x)).toEqual(Array.from(randomArray(n, 11 + n)));
    },
  );

  it('keeps its matrix across many products (no reallocation)', () => {
    const w = wasmRowMatrix(12, 40);
    if (!w) throw new Error('no kernel');
    const view = w.data;
    w.data.set(randomArray(480, 3));
    const t = new Float64Array(12);
    for (let r = 0; r < 5; r++) w.matVec(randomArray(40, r + 1), t);
    expect(w.data).toBe(view);
    expect(view.length).toBe(480);
  });
});
