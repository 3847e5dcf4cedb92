/**
 * Choice of sparse (representative) environments for the GAP sparse GP.
 *
 * - 'cur': CUR row selection by statistical leverage (Mahoney & Drineas, PNAS 106, 697 (2009)), the idea
 *   behind QUIP's `sparse_method=CUR_POINTS`: the top-k left singular vectors U of the descriptor matrix X
 *   (rows = environments) give leverage scores π_i = Σ_{j<k} U_ij² / k; M rows are then drawn without
 *   replacement with probability ∝ π (Efraimidis–Spirakis keys, seeded, so the choice is reproducible).
 *   The SVD is a randomised range finder (Halko et al. 2011) with oversampling 10 and one power iteration,
 *   rank k = min(M, 100, n, D).
 * - 'random': M rows uniformly without replacement.
 */

import { gemmNNWasm } from '../../compute/wasmGemm.ts';
import { jacobiEig } from './smallLinalg.ts';

/** Small seeded PRNG (mulberry32). */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(rng: () => number): number {
  const u = Math.max(rng(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** Orthonormalise the columns of Y (column-major, n × k) in place by two passes of modified Gram–Schmidt. */
function orthonormaliseColumns(Y: Float64Array, n: number, k: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < k; j++) {
      const cj = j * n;
      for (let i = 0; i < j; i++) {
        const ci = i * n;
        let s = 0;
        for (let r = 0; r < n; r++) s += Y[ci + r] * Y[cj + r];
        for (let r = 0; r < n; r++) Y[cj + r] -= s * Y[ci + r];
      }
      let nrm = 0;
      for (let r = 0; r < n; r++) nrm += Y[cj + r] * Y[cj + r];
      nrm = Math.sqrt(nrm);
      const inv = nrm > 1e-300 ? 1 / nrm : 0;
      for (let r = 0; r < n; r++) Y[cj + r] *= inv;
    }
  }
}

/** Leverage scores of the rows of X (n × D row-major) for rank k. */
export function leverageScores(
  X: ArrayLike<number>,
  n: number,
  D: number,
  k: number,
  rng: () => number,
): Float64Array {
  const kp = Math.min(k + 10, n, D);
  // Y = X Ω  (column-major n × kp)
  const Om = new Float64Array(D * kp);
  for (let i = 0; i < Om.length; i++) Om[i] = gaussian(rng);
  const Y = new Float64Array(n * kp);
  // Both products keep every output's sum in row/column order (so the scores do not depend on the blocking);
  // rows are taken four at a time so that each row of V (or Q) is loaded once per four rows of X.
  const rows4 = new Float64Array(4 * kp);
  // With the WebAssembly kernel each product is one GEMM with a single K-chunk: every output is the same
  // running sum from 0 in the same order, so the same bits (adding the JavaScript loops' skipped zero
  // products changes no sum). X goes into the kernel's memory as float64 for each product.
  const typedX = X instanceof Float32Array || X instanceof Float64Array ? X : null;
  const viaKernel = new Float64Array(typedX ? n * kp : 0);
  const mulX = (V: Float64Array, out: Float64Array) => {
    // out (n × kp, col-major) = X · V (V: D × kp, row-major)
    if (typedX && gemmNNWasm(typedX, V, n, kp, D, viaKernel, D)) {
      for (let r = 0; r < n; r++) for (let j = 0; j < kp; j++) out[j * n + r] = viaKernel[r * kp + j];
      return;
    }
    out.fill(0);
    let r = 0;
    for (; r + 4 <= n; r += 4) {
      rows4.fill(0);
      const x0o = r * D;
      for (let e = 0; e < D; e++) {
        const x0 = X[x0o + e];
        const x1 = X[x0o + D + e];
        const x2 = X[x0o + 2 * D + e];
        const x3 = X[x0o + 3 * D + e];
        if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
        const vo = e * kp;
        for (let j = 0; j < kp; j++) {
          const v = V[vo + j];
          rows4[j] += x0 * v;
          rows4[kp + j] += x1 * v;
          rows4[2 * kp + j] += x2 * v;
          rows4[3 * kp + j] += x3 * v;
        }
      }
      for (let q = 0; q < 4; q++) for (let j = 0; j < kp; j++) out[j * n + r + q] = rows4[q * kp + j];
    }
    const row = rows4.subarray(0, kp);
    for (; r < n; r++) {
      row.fill(0);
      const xo = r * D;
      for (let e = 0; e < D; e++) {
        const x = X[xo + e];
        if (x === 0) continue;
        const vo = e * kp;
        for (let j = 0; j < kp; j++) row[j] += x * V[vo + j];
      }
      for (let j = 0; j < kp; j++) out[j * n + r] = row[j];
    }
  };
  const viaKernelT = new Float64Array(typedX ? kp * D : 0);
  const mulXt = (Q: Float64Array, out: Float64Array) => {
    // out (D × kp, row-major) = Xᵀ Q  (Q col-major n × kp); each out element accumulates over r in order
    if (typedX && gemmNNWasm(Q, typedX, kp, D, n, viaKernelT, n)) {
      // (Qᵀ X)ᵀ: Q column-major is Qᵀ row-major
      for (let j = 0; j < kp; j++) for (let e = 0; e < D; e++) out[e * kp + j] = viaKernelT[j * D + e];
      return;
    }
    out.fill(0);
    let r = 0;
    for (; r + 4 <= n; r += 4) {
      for (let q = 0; q < 4; q++) for (let j = 0; j < kp; j++) rows4[q * kp + j] = Q[j * n + r + q];
      const x0o = r * D;
      for (let e = 0; e < D; e++) {
        const x0 = X[x0o + e];
        const x1 = X[x0o + D + e];
        const x2 = X[x0o + 2 * D + e];
        const x3 = X[x0o + 3 * D + e];
        if (x0 === 0 && x1 === 0 && x2 === 0 && x3 === 0) continue;
        const oo = e * kp;
        for (let j = 0; j < kp; j++) {
          let o = out[oo + j];
          o += x0 * rows4[j];
          o += x1 * rows4[kp + j];
          o += x2 * rows4[2 * kp + j];
          o += x3 * rows4[3 * kp + j];
          out[oo + j] = o;
        }
      }
    }
    for (; r < n; r++) {
      for (let j = 0; j < kp; j++) rows4[j] = Q[j * n + r];
      const xo = r * D;
      for (let e = 0; e < D; e++) {
        const x = X[xo + e];
        if (x === 0) continue;
        const oo = e * kp;
        for (let j = 0; j < kp; j++) out[oo + j] += x * rows4[j];
      }
    }
  };
  mulX(Om, Y);
  orthonormaliseColumns(Y, n, kp);
  const Bt = new Float64Array(D * kp);
  mulXt(Y, Bt); // one power iteration
  mulX(Bt, Y);
  orthonormaliseColumns(Y, n, kp);
  mulXt(Y, Bt); // Bᵀ = Xᵀ Q  (D × kp)
  // B Bᵀ (kp × kp)
  const G = new Float64Array(kp * kp);
  for (let e = 0; e < D; e++) {
    const o = e * kp;
    for (let i = 0; i < kp; i++) {
      const bi = Bt[o + i];
      if (bi === 0) continue;
      for (let j = 0; j < kp; j++) G[i * kp + j] += bi * Bt[o + j];
    }
  }
  const { w, v } = jacobiEig(G, kp);
  const order = Array.from({ length: kp }, (_, i) => i).sort((a, b) => w[b] - w[a]);
  const kk = Math.min(k, kp);
  const lev = new Float64Array(n);
  const Yt = new Float64Array(n * kp); // Q row-major
  for (let j = 0; j < kp; j++) for (let r = 0; r < n; r++) Yt[r * kp + j] = Y[j * n + r];
  const vc = new Float64Array(kp);
  for (let t = 0; t < kk; t++) {
    const col = order[t];
    if (!(w[col] > 1e-12 * w[order[0]])) continue;
    // U[:, t] = Q · v[:, col]
    for (let j = 0; j < kp; j++) vc[j] = v[j * kp + col];
    for (let r = 0; r < n; r++) {
      let s = 0;
      const ro = r * kp;
      for (let j = 0; j < kp; j++) s += Yt[ro + j] * vc[j];
      lev[r] += (s * s) / kk;
    }
  }
  return lev;
}

/** Choose M of n rows. X: n × D row-major descriptors (float32 or float64). Returns sorted row indices. */
export function selectSparse(
  X: ArrayLike<number>,
  n: number,
  D: number,
  M: number,
  method: 'cur' | 'random',
  seed: number,
): Int32Array {
  if (M >= n) return Int32Array.from({ length: n }, (_, i) => i);
  const rng = makeRng(seed);
  let weights: Float64Array;
  if (method === 'random') weights = new Float64Array(n).fill(1);
  else {
    const k = Math.max(1, Math.min(M, 100, n, D));
    weights = leverageScores(X, n, D, k, rng);
  }
  // Efraimidis–Spirakis: key = u^(1/w), take the M largest (log form: ln(u)/w)
  const keys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const w = Math.max(weights[i], 1e-300);
    keys[i] = Math.log(Math.max(rng(), 1e-300)) / w;
  }
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[b] - keys[a]);
  return Int32Array.from(idx.slice(0, M).sort((a, b) => a - b));
}
