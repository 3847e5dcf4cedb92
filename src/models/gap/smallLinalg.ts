/**
 * Small dense float64 helpers used by the GAP model (kept here so the model does not depend on the
 * sGDML-oriented solvers): Jacobi eigen-decomposition, Cholesky, triangular solves, an A·Bᵀ kernel with
 * register blocking, and a streaming Householder QR update for least squares.
 * All matrices are row-major Float64Arrays unless stated otherwise.
 */
import { gemmNTStridedWasm } from '../../compute/wasmGemm';

/** Cyclic Jacobi eigen-decomposition of a small symmetric n×n matrix. Returns eigenvalues w and
 * eigenvectors as columns of v (v[i*n + k] = component i of eigenvector k). */
export function jacobiEig(aIn: Float64Array, n: number): { w: Float64Array; v: Float64Array } {
  const a = Float64Array.from(aIn);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += a[i * n + i] * a[i * n + i];
      for (let j = i + 1; j < n; j++) off += a[i * n + j] * a[i * n + j];
    }
    if (off <= 1e-30 * diag) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = a[i * n + i];
  return { w, v };
}

/** In-place lower Cholesky of an n×n SPD matrix (row-major; the upper part is zeroed).
 * Throws when a pivot is not positive. */
export function cholesky(a: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j];
    for (let k = 0; k < j; k++) d -= a[rj + k] * a[rj + k];
    if (!(d > 0)) throw new Error(`matrix not positive definite at row ${j} (pivot ${d})`);
    d = Math.sqrt(d);
    a[rj + j] = d;
    const inv = 1 / d;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      a[ri + j] = s * inv;
    }
    for (let k = j + 1; k < n; k++) a[rj + k] = 0;
  }
}

/** Solve L x = b in place (L lower, row-major). */
export function solveLower(L: Float64Array, n: number, x: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = x[i];
    const ri = i * n;
    for (let k = 0; k < i; k++) s -= L[ri + k] * x[k];
    x[i] = s / L[ri + i];
  }
}

/** Solve U x = b in place (U upper, row-major). */
export function solveUpper(U: Float64Array, n: number, x: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    const ri = i * n;
    for (let k = i + 1; k < n; k++) s -= U[ri + k] * x[k];
    x[i] = s / U[ri + i];
  }
}

/** Solve Uᵀ x = b in place (U upper, row-major), i.e. a forward substitution with Uᵀ. */
export function solveUpperTrans(U: Float64Array, n: number, x: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const xi = (x[i] /= U[i * n + i]);
    if (xi === 0) continue;
    for (let k = i + 1; k < n; k++) x[k] -= U[i * n + k] * xi;
  }
}

/**
 * C[s·ldc + c] = Σ_e A[aOff + s·D + e] · B[bOff + c·D + e] for s < M, c < P: the product A·Bᵀ of two
 * row-major matrices sharing the inner dimension D. C is overwritten.
 */
export function matABt(
  A: Float64Array,
  aOff: number,
  M: number,
  B: Float64Array,
  bOff: number,
  P: number,
  D: number,
  C: Float64Array,
  ldc: number,
): void {
  matABtStrided(A, aOff, D, M, B, bOff, D, P, D, C, 0, ldc, false);
}

/** The K-chunk of the products below: every element is summed over e in order within a chunk. */
export const MATMUL_CHUNK = 512;
const CH = MATMUL_CHUNK;

/**
 * General form: C[cOff + s·ldc + c] (+)= Σ_{e<K} A[aOff + s·lda + e] · B[bOff + c·ldb + e];
 * `accumulate` adds to C instead of overwriting it. Every element is summed over e in order, chunk by
 * chunk (chunks of 512), each chunk's sum then added to C: by the WebAssembly SIMD kernel
 * (src/compute/wasmGemm.ts) when M, P ≥ 8 and K ≥ 16, else by {@link matABtStridedJs}; the result is
 * the same bit for bit. Below those sizes copying into the kernel's memory costs more than it saves
 * (measured on GAP's shapes: 1.3–2.7× faster above them, down to 0.1× below).
 */
export function matABtStrided(
  A: Float64Array,
  aOff: number,
  lda: number,
  M: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
  P: number,
  K: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
): void {
  if (M >= 8 && P >= 8 && K >= 16)
    if (gemmNTStridedWasm(A, aOff, lda, M, B, bOff, ldb, P, K, C, cOff, ldc, accumulate, CH)) return;
  matABtStridedJs(A, aOff, lda, M, B, bOff, ldb, P, K, C, cOff, ldc, accumulate);
}

/** {@link matABtStrided} in JavaScript, with 3 × 3 register blocking and the K-chunks for cache. */
export function matABtStridedJs(
  A: Float64Array,
  aOff: number,
  lda: number,
  M: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
  P: number,
  K: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
): void {
  if (!accumulate) for (let s = 0; s < M; s++) for (let c = 0; c < P; c++) C[cOff + s * ldc + c] = 0;
  for (let e0 = 0; e0 < K; e0 += CH) {
    const len = Math.min(K, e0 + CH) - e0;
    let s = 0;
    for (; s + 3 <= M; s += 3) {
      const a0 = aOff + s * lda + e0;
      const a1 = a0 + lda;
      const a2 = a1 + lda;
      let c = 0;
      for (; c + 3 <= P; c += 3) {
        const b0 = bOff + c * ldb + e0;
        const b1 = b0 + ldb;
        const b2 = b1 + ldb;
        let x00 = 0,
          x01 = 0,
          x02 = 0,
          x10 = 0,
          x11 = 0,
          x12 = 0,
          x20 = 0,
          x21 = 0,
          x22 = 0;
        for (let e = 0; e < len; e++) {
          const u0 = A[a0 + e];
          const u1 = A[a1 + e];
          const u2 = A[a2 + e];
          const v0 = B[b0 + e];
          const v1 = B[b1 + e];
          const v2 = B[b2 + e];
          x00 += u0 * v0;
          x01 += u0 * v1;
          x02 += u0 * v2;
          x10 += u1 * v0;
          x11 += u1 * v1;
          x12 += u1 * v2;
          x20 += u2 * v0;
          x21 += u2 * v1;
          x22 += u2 * v2;
        }
        const r = cOff + s * ldc + c;
        C[r] += x00;
        C[r + 1] += x01;
        C[r + 2] += x02;
        C[r + ldc] += x10;
        C[r + ldc + 1] += x11;
        C[r + ldc + 2] += x12;
        C[r + 2 * ldc] += x20;
        C[r + 2 * ldc + 1] += x21;
        C[r + 2 * ldc + 2] += x22;
      }
      for (; c < P; c++) {
        const b0 = bOff + c * ldb + e0;
        let x0 = 0,
          x1 = 0,
          x2 = 0;
        for (let e = 0; e < len; e++) {
          const v0 = B[b0 + e];
          x0 += A[a0 + e] * v0;
          x1 += A[a1 + e] * v0;
          x2 += A[a2 + e] * v0;
        }
        const r = cOff + s * ldc + c;
        C[r] += x0;
        C[r + ldc] += x1;
        C[r + 2 * ldc] += x2;
      }
    }
    for (; s < M; s++) {
      const a0 = aOff + s * lda + e0;
      let c = 0;
      for (; c + 3 <= P; c += 3) {
        const b0 = bOff + c * ldb + e0;
        const b1 = b0 + ldb;
        const b2 = b1 + ldb;
        let x0 = 0,
          x1 = 0,
          x2 = 0;
        for (let e = 0; e < len; e++) {
          const u = A[a0 + e];
          x0 += u * B[b0 + e];
          x1 += u * B[b1 + e];
          x2 += u * B[b2 + e];
        }
        const r = cOff + s * ldc + c;
        C[r] += x0;
        C[r + 1] += x1;
        C[r + 2] += x2;
      }
      for (; c < P; c++) {
        const b0 = bOff + c * ldb + e0;
        let x = 0;
        for (let e = 0; e < len; e++) x += A[a0 + e] * B[b0 + e];
        C[cOff + s * ldc + c] += x;
      }
    }
  }
}

/** Unblocked Householder QR of the panel columns j0…j1 of [R; B] (reflector j: R-part v0[j − j0] on row j,
 * B-part in VB row j − j0, coefficient beta), applied to the rest of the panel. */
function panelHouseholder(
  B: Float64Array,
  ldb: number,
  nRows: number,
  R: Float64Array,
  M: number,
  j0: number,
  j1: number,
  VB: Float64Array,
  v0: Float64Array,
  beta: Float64Array,
): void {
  const pb = j1 - j0;
  for (let jj = 0; jj < pb; jj++) {
    const j = j0 + jj;
    const bj = j * ldb;
    const vo = jj * nRows;
    let nrm2 = 0;
    for (let r = 0; r < nRows; r++) nrm2 += B[bj + r] * B[bj + r];
    if (nrm2 === 0) {
      beta[jj] = 0;
      v0[jj] = 0;
      for (let r = 0; r < nRows; r++) VB[vo + r] = 0;
      continue;
    }
    const rjj = R[j * M + j];
    const norm = Math.sqrt(rjj * rjj + nrm2);
    const alpha = rjj > 0 ? -norm : norm;
    v0[jj] = rjj - alpha;
    for (let r = 0; r < nRows; r++) {
      VB[vo + r] = B[bj + r];
      B[bj + r] = 0;
    }
    beta[jj] = 2 / (v0[jj] * v0[jj] + nrm2);
    R[j * M + j] = alpha;
    for (let k = j + 1; k < j1; k++) {
      const bk = k * ldb;
      let s = v0[jj] * R[j * M + k];
      for (let r = 0; r < nRows; r++) s += VB[vo + r] * B[bk + r];
      s *= beta[jj];
      if (s === 0) continue;
      R[j * M + k] -= s * v0[jj];
      for (let r = 0; r < nRows; r++) B[bk + r] -= s * VB[vo + r];
    }
  }
}

/**
 * sign = 1: W[kk·ldw + i] += v_i R[rOff + i·M + kk]; sign = −1: R[rOff + i·M + kk] −= W[kk·ldw + i] v_i
 * (i < pb, kk < ncol): the R-parts of the block reflectors.
 */
function addRowsTimes(
  W: Float64Array,
  ldw: number,
  R: Float64Array,
  rOff: number,
  M: number,
  v: Float64Array,
  pb: number,
  ncol: number,
  sign: 1 | -1,
): void {
  for (let i = 0; i < pb; i++) {
    const ro = rOff + i * M;
    const vi = v[i];
    if (sign === 1) for (let kk = 0; kk < ncol; kk++) W[kk * ldw + i] += vi * R[ro + kk];
    else for (let kk = 0; kk < ncol; kk++) R[ro + kk] -= W[kk * ldw + i] * vi;
  }
}

/** B_k −= Σ_i W[k·nb + i] v_i for the ncol columns k = j1…, reflectors v_i = V[i·nRows …] (i < pb); two columns at
 * a time, per column the same arithmetic as one at a time. */
function applyBlockReflectors(
  B: Float64Array,
  ldb: number,
  j1: number,
  ncol: number,
  VB: Float64Array,
  nRows: number,
  pb: number,
  Wt2: Float64Array,
  nb: number,
): void {
  let kk = 0;
  for (; kk + 2 <= ncol; kk += 2) {
    const bo = (j1 + kk) * ldb;
    const bo1 = bo + ldb;
    let i = 0;
    for (; i + 4 <= pb; i += 4) {
      const w0 = kk * nb + i;
      const c0 = Wt2[w0];
      const c1 = Wt2[w0 + 1];
      const c2 = Wt2[w0 + 2];
      const c3 = Wt2[w0 + 3];
      const d0 = Wt2[w0 + nb];
      const d1 = Wt2[w0 + nb + 1];
      const d2 = Wt2[w0 + nb + 2];
      const d3 = Wt2[w0 + nb + 3];
      const a0 = i * nRows;
      const a1 = a0 + nRows;
      const a2 = a1 + nRows;
      const a3 = a2 + nRows;
      for (let r = 0; r < nRows; r++) {
        const v0r = VB[a0 + r];
        const v1r = VB[a1 + r];
        const v2r = VB[a2 + r];
        const v3r = VB[a3 + r];
        B[bo + r] -= c0 * v0r + c1 * v1r + c2 * v2r + c3 * v3r;
        B[bo1 + r] -= d0 * v0r + d1 * v1r + d2 * v2r + d3 * v3r;
      }
    }
    for (; i < pb; i++) {
      const c = Wt2[kk * nb + i];
      const d = Wt2[(kk + 1) * nb + i];
      const a = i * nRows;
      for (let r = 0; r < nRows; r++) {
        const v = VB[a + r];
        B[bo + r] -= c * v;
        B[bo1 + r] -= d * v;
      }
    }
  }
  for (; kk < ncol; kk++) {
    const bo = (j1 + kk) * ldb;
    let i = 0;
    for (; i + 4 <= pb; i += 4) {
      const w0 = kk * nb + i;
      const c0 = Wt2[w0];
      const c1 = Wt2[w0 + 1];
      const c2 = Wt2[w0 + 2];
      const c3 = Wt2[w0 + 3];
      const a0 = i * nRows;
      const a1 = a0 + nRows;
      const a2 = a1 + nRows;
      const a3 = a2 + nRows;
      for (let r = 0; r < nRows; r++)
        B[bo + r] -= c0 * VB[a0 + r] + c1 * VB[a1 + r] + c2 * VB[a2 + r] + c3 * VB[a3 + r];
    }
    for (; i < pb; i++) {
      const c = Wt2[kk * nb + i];
      const a = i * nRows;
      for (let r = 0; r < nRows; r++) B[bo + r] -= c * VB[a + r];
    }
  }
}

/**
 * Streaming least squares by Householder QR. The state (R, z) represents ‖R α − z‖² (R upper triangular
 * M×M, row-major). `update` folds in a block of rows ‖B α − y‖² without ever storing the full design
 * matrix: QR of [R; B] exploits R's triangular shape, so each block of b rows costs ≈ b·M² multiply-adds.
 * B is column-major (B[k·ldb + r] = row r, column k) and is destroyed; rows from nRows to ldb are zeroed.
 */
export class StreamingQR {
  readonly R: Float64Array;
  readonly z: Float64Array;
  /** Σ of squared residual parts eliminated so far (‖Q₂ᵀ b‖²), i.e. the final least-squares residual. */
  residual2 = 0;
  constructor(
    readonly M: number,
    R0?: Float64Array,
    z0?: Float64Array,
  ) {
    this.R = R0 ? Float64Array.from(R0) : new Float64Array(M * M);
    this.z = z0 ? Float64Array.from(z0) : new Float64Array(M);
  }

  /**
   * Fold in rows B (nRows × M, column-major with leading dimension ldb) and right-hand side y (both
   * destroyed). Blocked Householder: reflectors of a panel of `nb` columns are formed on the panel alone,
   * then applied to the trailing columns at once in compact-WY form (I − V Tᵀ Vᵀ), so each column of B is
   * streamed once per panel instead of once per reflector. Because R is triangular, every reflector touches a
   * single row of R (its own) plus the rows of B.
   */
  update(B: Float64Array, ldb: number, nRowsIn: number, y: Float64Array, nb = 16): void {
    const { M, R, z } = this;
    // rows nRowsIn..ldb of B and y must be zero; treating them as rows keeps B's columns contiguous
    for (let k = 0; k < M; k++) for (let r = nRowsIn; r < ldb; r++) B[k * ldb + r] = 0;
    for (let r = nRowsIn; r < ldb; r++) y[r] = 0;
    const nRows = ldb;
    let Wt = new Float64Array(0); // Wt[i·ncol + kk]: reflector i, trailing column kk
    let Wt2 = new Float64Array(0);
    const Tt = new Float64Array(nb * nb);
    const VB = new Float64Array(nb * nRows); // B-parts of the panel's reflectors, row i = reflector i
    const v0 = new Float64Array(nb);
    const beta = new Float64Array(nb);
    const T = new Float64Array(nb * nb); // upper triangular
    const w = new Float64Array(nb);
    const w2 = new Float64Array(nb);
    for (let j0 = 0; j0 < M; j0 += nb) {
      const j1 = Math.min(M, j0 + nb);
      const pb = j1 - j0;
      // 1. unblocked Householder on the panel columns
      panelHouseholder(B, ldb, nRows, R, M, j0, j1, VB, v0, beta);
      // 2. T of the compact WY form H_0 H_1 … = I − V T Vᵀ (reflector R-parts are on distinct rows)
      T.fill(0);
      for (let jj = 0; jj < pb; jj++) {
        T[jj * nb + jj] = beta[jj];
        if (beta[jj] === 0) continue;
        // u_i = v_iᵀ v_jj for i < jj (B-parts only)
        for (let i = 0; i < jj; i++) {
          let s = 0;
          const a = i * nRows;
          const b = jj * nRows;
          for (let r = 0; r < nRows; r++) s += VB[a + r] * VB[b + r];
          w[i] = s;
        }
        // T[0:jj, jj] = −β T[0:jj, 0:jj] u
        for (let i = 0; i < jj; i++) {
          let s = 0;
          for (let k = i; k < jj; k++) s += T[i * nb + k] * w[k];
          T[i * nb + jj] = -beta[jj] * s;
        }
      }
      // 3. apply Qᵀ = I − V Tᵀ Vᵀ to the trailing columns (as two matrix products) and to the rhs
      const ncol = M - j1;
      if (ncol > 0) {
        if (Wt.length < ncol * nb) Wt = new Float64Array(ncol * nb);
        if (Wt2.length < ncol * nb) Wt2 = new Float64Array(ncol * nb);
        // Wt[kk·nb + i] = B_kᵀ v_i (B-parts; needs ldb = nRows), then + the R-part v0_i R[j0+i, k]
        matABt(B, j1 * ldb, ncol, VB, 0, pb, nRows, Wt, nb);
        addRowsTimes(Wt, nb, R, j0 * M + j1, M, v0, pb, ncol, 1);
        // Wt2 = Wt T (per trailing column: w_i ← Σ_{q ≤ i} T[q, i] w_q), as a product with Tᵀ (zeros above)
        for (let i = 0; i < pb; i++) for (let q = 0; q < pb; q++) Tt[i * pb + q] = q <= i ? T[q * nb + i] : 0;
        matABtStrided(Wt, 0, nb, ncol, Tt, 0, pb, pb, pb, Wt2, 0, nb, false);
        addRowsTimes(Wt2, nb, R, j0 * M + j1, M, v0, pb, ncol, -1);
        applyBlockReflectors(B, ldb, j1, ncol, VB, nRows, pb, Wt2, nb);
      }
      for (let i = 0; i < pb; i++) {
        let s = v0[i] * z[j0 + i];
        const a = i * nRows;
        for (let r = 0; r < nRows; r++) s += VB[a + r] * y[r];
        w[i] = s;
      }
      for (let i = 0; i < pb; i++) {
        let s = 0;
        for (let q = 0; q <= i; q++) s += T[q * nb + i] * w[q];
        w2[i] = s;
      }
      for (let i = 0; i < pb; i++) {
        z[j0 + i] -= w2[i] * v0[i];
        const a = i * nRows;
        for (let r = 0; r < nRows; r++) y[r] -= w2[i] * VB[a + r];
      }
    }
    for (let r = 0; r < nRows; r++) this.residual2 += y[r] * y[r];
  }
}
