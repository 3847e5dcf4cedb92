/**
 * Small dense float64 helpers used by the GAP model (kept here so the model does not depend on the
 * sGDML-oriented solvers): Jacobi eigen-decomposition, Cholesky, triangular solves, an A·Bᵀ kernel with
 * register blocking, and a streaming Householder QR update for least squares.
 * All matrices are row-major Float64Arrays unless stated otherwise.
 */

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
 * row-major matrices sharing the inner dimension D, with 4×2 register blocking and D-chunks for cache.
 * C is overwritten.
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
  for (let s = 0; s < M; s++) for (let c = 0; c < P; c++) C[s * ldc + c] = 0;
  const CH = 512;
  for (let e0 = 0; e0 < D; e0 += CH) {
    const e1 = Math.min(D, e0 + CH);
    let s = 0;
    for (; s + 4 <= M; s += 4) {
      const a0 = aOff + s * D;
      const a1 = a0 + D;
      const a2 = a1 + D;
      const a3 = a2 + D;
      let c = 0;
      for (; c + 2 <= P; c += 2) {
        const b0 = bOff + c * D;
        const b1 = b0 + D;
        let x00 = 0,
          x01 = 0,
          x10 = 0,
          x11 = 0,
          x20 = 0,
          x21 = 0,
          x30 = 0,
          x31 = 0;
        for (let e = e0; e < e1; e++) {
          const v0 = B[b0 + e];
          const v1 = B[b1 + e];
          const u0 = A[a0 + e];
          const u1 = A[a1 + e];
          const u2 = A[a2 + e];
          const u3 = A[a3 + e];
          x00 += u0 * v0;
          x01 += u0 * v1;
          x10 += u1 * v0;
          x11 += u1 * v1;
          x20 += u2 * v0;
          x21 += u2 * v1;
          x30 += u3 * v0;
          x31 += u3 * v1;
        }
        const r = s * ldc + c;
        C[r] += x00;
        C[r + 1] += x01;
        C[r + ldc] += x10;
        C[r + ldc + 1] += x11;
        C[r + 2 * ldc] += x20;
        C[r + 2 * ldc + 1] += x21;
        C[r + 3 * ldc] += x30;
        C[r + 3 * ldc + 1] += x31;
      }
      for (; c < P; c++) {
        const b0 = bOff + c * D;
        let x0 = 0,
          x1 = 0,
          x2 = 0,
          x3 = 0;
        for (let e = e0; e < e1; e++) {
          const v0 = B[b0 + e];
          x0 += A[a0 + e] * v0;
          x1 += A[a1 + e] * v0;
          x2 += A[a2 + e] * v0;
          x3 += A[a3 + e] * v0;
        }
        const r = s * ldc + c;
        C[r] += x0;
        C[r + ldc] += x1;
        C[r + 2 * ldc] += x2;
        C[r + 3 * ldc] += x3;
      }
    }
    for (; s < M; s++) {
      const a0 = aOff + s * D;
      for (let c = 0; c < P; c++) {
        const b0 = bOff + c * D;
        let x = 0;
        for (let e = e0; e < e1; e++) x += A[a0 + e] * B[b0 + e];
        C[s * ldc + c] += x;
      }
    }
  }
}

/**
 * Streaming least squares by Householder QR. The state (R, z) represents ‖R α − z‖² (R upper triangular
 * M×M, row-major). `update` folds in a block of rows ‖B α − y‖² without ever storing the full design
 * matrix: QR of [R; B] exploits R's triangular shape, so each block of b rows costs ≈ b·M² multiply-adds.
 * B is column-major (B[k·ldb + r] = row r, column k) and is destroyed.
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

  update(B: Float64Array, ldb: number, nRows: number, y: Float64Array): void {
    const { M, R, z } = this;
    const v = new Float64Array(nRows);
    for (let j = 0; j < M; j++) {
      const bj = j * ldb;
      let nrm2 = 0;
      for (let r = 0; r < nRows; r++) nrm2 += B[bj + r] * B[bj + r];
      if (nrm2 === 0) continue;
      const rjj = R[j * M + j];
      const norm = Math.sqrt(rjj * rjj + nrm2);
      const alpha = rjj > 0 ? -norm : norm;
      const v0 = rjj - alpha;
      for (let r = 0; r < nRows; r++) v[r] = B[bj + r];
      const vv = v0 * v0 + nrm2;
      const beta = 2 / vv;
      R[j * M + j] = alpha;
      for (let r = 0; r < nRows; r++) B[bj + r] = 0;
      const rowJ = j * M;
      for (let k = j + 1; k < M; k++) {
        const bk = k * ldb;
        let s = v0 * R[rowJ + k];
        for (let r = 0; r < nRows; r++) s += v[r] * B[bk + r];
        s *= beta;
        if (s === 0) continue;
        R[rowJ + k] -= s * v0;
        for (let r = 0; r < nRows; r++) B[bk + r] -= s * v[r];
      }
      let s = v0 * z[j];
      for (let r = 0; r < nRows; r++) s += v[r] * y[r];
      s *= beta;
      z[j] -= s * v0;
      for (let r = 0; r < nRows; r++) y[r] -= s * v[r];
    }
    for (let r = 0; r < nRows; r++) this.residual2 += y[r] * y[r];
  }
}
