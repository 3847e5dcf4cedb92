import { describe, expect, it } from 'vitest';
import {
  TiledSym,
  choleskyTiled,
  choSolveTiled,
  choleskyDense,
  choSolveDense,
  symEig,
  conjugateGradient,
  NotPositiveDefiniteError,
  trsmLowerRows,
  matVecRows,
  subTransMatVecRows,
} from '../../src/compute/linalg';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random SPD matrix B Bᵀ + shift·I, dense row-major. */
function randomSpd(n: number, seed: number, shift = 1e-3): Float64Array {
  const r = rng(seed);
  const B = new Float64Array(n * n).map(() => r() - 0.5);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += B[i * n + k] * B[j * n + k];
      A[i * n + j] = A[j * n + i] = s + (i === j ? shift : 0);
    }
  return A;
}

function denseMatVec(A: Float64Array, n: number, x: Float64Array): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += A[i * n + j] * x[j];
    y[i] = s;
  }
  return y;
}

describe('tiled Cholesky', () => {
  for (const [n, T] of [
    [37, 8],
    [64, 16],
    [101, 12],
  ]) {
    it(`solves an SPD system n=${n}, T=${T} to round-off`, () => {
      const A = randomSpd(n, n);
      const t = new TiledSym(n, T);
      for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) t.set(i, j, A[i * n + j]);
      const x0 = new Float64Array(n).map((_, i) => Math.sin(i + 1));
      const b = denseMatVec(A, n, x0);
      const y = new Float64Array(n);
      t.matVec(x0, y);
      for (let i = 0; i < n; i++) expect(y[i]).toBeCloseTo(b[i], 10);
      choleskyTiled(t);
      const x = choSolveTiled(t, b);
      const res = denseMatVec(A, n, x).map((v, i) => v - b[i]);
      const rn = Math.hypot(...res) / Math.hypot(...b);
      expect(rn).toBeLessThan(1e-10);
      // dense path agrees
      const L = Float64Array.from(A);
      choleskyDense(L, n);
      const xd = choSolveDense(L, n, b);
      for (let i = 0; i < n; i++) expect(Math.abs(xd[i] - x[i])).toBeLessThan(1e-6 * (1 + Math.abs(x[i])));
    });
  }

  it('setBlock writes only the lower triangle across tile borders', () => {
    const n = 10;
    const t = new TiledSym(n, 4);
    const blk = new Float64Array(6 * 5).map((_, i) => i + 1);
    t.setBlock(3, 2, 6, 5, blk);
    for (let r = 0; r < 6; r++)
      for (let c = 0; c < 5; c++) {
        const R = 3 + r,
          C = 2 + c;
        if (C <= R) expect(t.get(R, C)).toBe(blk[r * 5 + c]);
      }
    expect(t.get(9, 0)).toBe(0);
    expect(t.get(2, 1)).toBe(0);
  });

  it('rejects an indefinite matrix', () => {
    const t = new TiledSym(4, 4);
    t.set(0, 0, 1);
    t.set(1, 1, -1);
    t.set(2, 2, 1);
    t.set(3, 3, 1);
    expect(() => choleskyTiled(t)).toThrow(NotPositiveDefiniteError);
  });
});

describe('symEig', () => {
  it('diagonalises a symmetric matrix', () => {
    const n = 12;
    const A = randomSpd(n, 5, 0);
    const { w, v } = symEig(A, n);
    for (let k = 0; k < n; k++) {
      const vk = new Float64Array(n).map((_, i) => v[i * n + k]);
      const Av = denseMatVec(A, n, vk);
      for (let i = 0; i < n; i++) expect(Av[i]).toBeCloseTo(w[k] * vk[i], 9);
    }
  });
});

describe('conjugate gradients', () => {
  it('converges on an SPD system, faster with a Jacobi preconditioner on a badly scaled one', () => {
    const n = 60;
    const A = randomSpd(n, 9, 0.5);
    const s = new Float64Array(n).map((_, i) => 10 ** ((i % 6) - 2));
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] *= s[i] * s[j];
    const b = new Float64Array(n).map((_, i) => Math.cos(i));
    const apply = (x: Float64Array, y: Float64Array) => y.set(denseMatVec(A, n, x));
    const plain = conjugateGradient(apply, b, { tol: 1e-10, maxIter: 5000 });
    const jac = conjugateGradient(apply, b, {
      tol: 1e-10,
      maxIter: 5000,
      precond: (r, z) => {
        for (let i = 0; i < n; i++) z[i] = r[i] / A[i * n + i];
      },
    });
    expect(jac.converged).toBe(true);
    expect(jac.iterations).toBeLessThan(plain.iterations);
    const res = denseMatVec(A, n, jac.x).map((v, i) => v - b[i]);
    expect(Math.hypot(...res) / Math.hypot(...b)).toBeLessThan(1e-9);
  });
});

describe('parallel tiled Cholesky (worker threads, Node CLI)', () => {
  it('gives a bitwise identical factor to the serial one', async () => {
    const { createParallelCholesky } = await import('../../scripts/cli/commands/parallel-cholesky.ts');
    const par = createParallelCholesky(2);
    expect(par).toBeDefined();
    const n = 300,
      T = 32;
    const A = par!.alloc(n, T);
    const B = new TiledSym(n, T);
    for (let i = 0; i < n; i++)
      for (let j = 0; j <= i; j++) {
        const v = Math.exp(-Math.abs(i - j) / 20) + (i === j ? 0.5 : 0);
        A.set(i, j, v);
        B.set(i, j, v);
      }
    choleskyTiled(B);
    let frac = 0;
    await par!.factor(A, { onProgress: (f) => (frac = f) });
    expect(frac).toBe(1);
    let d = 0;
    for (let i = 0; i < A.data.length; i++) d = Math.max(d, Math.abs(A.data[i] - B.data[i]));
    expect(d).toBe(0);
  }, 60_000);
});

describe('trsmLowerRows (Nyström preconditioner)', () => {
  it('solves L X = B for every column, whatever k and n modulo the blocks', () => {
    let seed = 3;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (const [k, n] of [
      [1, 1],
      [3, 5],
      [4, 64],
      [11, 150],
      [37, 131],
    ]) {
      const L = new Float64Array(k * k);
      for (let a = 0; a < k; a++) {
        for (let b = 0; b < a; b++) L[a * k + b] = rand() / Math.sqrt(k);
        L[a * k + a] = 1.5 + rand() * 0.5;
      }
      const B = Float64Array.from({ length: k * n }, rand);
      const X = Float64Array.from(B);
      trsmLowerRows(L, k, X, n);
      let worst = 0;
      for (let a = 0; a < k; a++)
        for (let c = 0; c < n; c++) {
          let s = 0;
          for (let b = 0; b <= a; b++) s += L[a * k + b] * X[b * n + c];
          worst = Math.max(worst, Math.abs(s - B[a * n + c]));
        }
      expect(worst, `k=${k} n=${n}`).toBeLessThan(1e-12);
    }
  });

  it('stops when cancelled', () => {
    const ac = new AbortController();
    ac.abort();
    expect(() => trsmLowerRows(new Float64Array([1]), 1, new Float64Array(4), 4, ac.signal)).toThrow();
  });
});

describe('matVecRows / subTransMatVecRows (Nyström preconditioner apply)', () => {
  it('equal the plain row loops bit for bit, whatever m modulo 4', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1;
    for (const [m, n] of [
      [1, 5],
      [4, 9],
      [7, 13],
      [10, 101],
    ]) {
      const A = Float64Array.from({ length: m * n }, () => rand() * 1e3);
      const x = Float64Array.from({ length: n }, rand);
      const t = Float64Array.from({ length: m }, rand);
      const tRef = new Float64Array(m);
      for (let a = 0; a < m; a++) for (let i = 0; i < n; i++) tRef[a] += A[a * n + i] * x[i];
      const tGot = new Float64Array(m);
      matVecRows(A, m, n, x, tGot);
      expect(Array.from(tGot), `A·x, m=${m}`).toEqual(Array.from(tRef));
      const zRef = Float64Array.from(x);
      for (let a = 0; a < m; a++) for (let i = 0; i < n; i++) zRef[i] -= A[a * n + i] * t[a];
      const zGot = Float64Array.from(x);
      subTransMatVecRows(A, m, n, t, zGot);
      expect(Array.from(zGot), `z − Aᵀt, m=${m}`).toEqual(Array.from(zRef));
    }
  });
});
