/**
 * Float64 linear algebra on flat typed arrays, written for the sGDML solvers (and reusable elsewhere):
 *
 * - `TiledSym`: a symmetric n×n matrix stored as its lower triangle of T×T tiles (row-major inside a
 *   tile). Memory ≈ n²/2·8 bytes (plus the diagonal tiles' upper halves), i.e. half a dense matrix.
 * - `choleskyTiled`: in-place right-looking tiled Cholesky A = L Lᵀ, cache-friendly (every update is a
 *   T×T×T product on three tiles that fit in L2), with progress and abort.
 * - `choSolveTiled`: forward/back substitution with the tiled factor.
 * - dense row-major helpers (`choleskyDense`, `choSolveDense`, `solveLowerDense`, `solveLowerTransDense`)
 *   for small matrices, `symEig` (cyclic Jacobi) for small symmetric eigenproblems,
 *   `conjugateGradient` (preconditioned CG on a matrix-free operator).
 * - `gemmNTRows` (C = A·Bᵀ), through the WebAssembly SIMD kernel of ./wasmGemm where available.
 *
 * Everything is float64: the sGDML systems have λ = 1e-10 and coefficients of ~1e9, which float32 cannot carry.
 */
import { gemmNNWasm, gemmNTWasm, syrkWasm, trsmLowerRowsWasm } from './wasmGemm';

/** Thrown when the matrix is not (numerically) positive definite. */
export class NotPositiveDefiniteError extends Error {
  constructor(
    readonly index: number,
    readonly pivot: number,
  ) {
    super(`matrix is not positive definite (pivot ${pivot.toExponential(3)} at row ${index})`);
  }
}

/** Thrown when an AbortSignal fires inside a long computation. */
export class AbortError extends Error {
  constructor() {
    super('aborted');
    this.name = 'AbortError';
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortError();
}

/** Symmetric matrix stored as lower tiles: tile (I, J), I ≥ J, at offset (I(I+1)/2 + J)·T². */
export class TiledSym {
  readonly nt: number;
  readonly data: Float64Array;
  /**
   * n: matrix order; T: tile size. Padding rows/cols (n..nt·T) hold the identity. `data` may be passed in
   * (e.g. a view of a SharedArrayBuffer for worker threads; length TiledSym.bytes(n, T)/8), used as is.
   */
  constructor(
    readonly n: number,
    readonly T: number,
    data?: Float64Array,
  ) {
    this.nt = Math.ceil(n / T);
    const nTiles = (this.nt * (this.nt + 1)) / 2;
    if (data && data.length !== nTiles * T * T) throw new Error('TiledSym: data has the wrong length');
    this.data = data ?? new Float64Array(nTiles * T * T);
    if (!data) for (let r = n; r < this.nt * T; r++) this.set(r, r, 1);
  }
  /** Bytes needed for order n and tile size T (for memory estimates, before allocating). */
  static bytes(n: number, T: number): number {
    const nt = Math.ceil(n / T);
    return ((nt * (nt + 1)) / 2) * T * T * 8;
  }
  tileOffset(I: number, J: number): number {
    return ((I * (I + 1)) / 2 + J) * this.T * this.T;
  }
  /** Element (r, c) with r ≥ c (lower triangle). */
  get(r: number, c: number): number {
    if (c > r) [r, c] = [c, r];
    const T = this.T;
    const I = Math.floor(r / T),
      J = Math.floor(c / T);
    return this.data[this.tileOffset(I, J) + (r - I * T) * T + (c - J * T)];
  }
  set(r: number, c: number, v: number): void {
    if (c > r) [r, c] = [c, r];
    const T = this.T;
    const I = Math.floor(r / T),
      J = Math.floor(c / T);
    this.data[this.tileOffset(I, J) + (r - I * T) * T + (c - J * T)] = v;
  }
  /**
   * Writes a dense row-major block (rows × cols) at (r0, c0). Only the parts on or below the diagonal are
   * stored (entries above it are ignored), so a caller may pass any block of the symmetric matrix.
   */
  setBlock(r0: number, c0: number, rows: number, cols: number, src: Float64Array): void {
    const T = this.T,
      d = this.data;
    for (let r = 0; r < rows; r++) {
      const R = r0 + r;
      const I = Math.floor(R / T),
        ii = R - I * T;
      let c = 0;
      while (c < cols) {
        const C = c0 + c;
        if (C > R) break;
        const J = Math.floor(C / T),
          jj = C - J * T;
        const len = Math.min(cols - c, T - jj, R - C + 1);
        const off = this.tileOffset(I, J) + ii * T + jj;
        const so = r * cols + c;
        for (let q = 0; q < len; q++) d[off + q] = src[so + q];
        c += len;
      }
    }
  }
  /** y = A x (uses the symmetric structure; x, y of length n). */
  matVec(x: Float64Array, y: Float64Array): void {
    const { n, T, nt, data } = this;
    const N = nt * T;
    const xp = new Float64Array(N);
    xp.set(x.subarray(0, n));
    const yp = new Float64Array(N);
    for (let I = 0; I < nt; I++) {
      for (let J = 0; J <= I; J++) {
        const off = this.tileOffset(I, J);
        for (let i = 0; i < T; i++) {
          const row = off + i * T;
          const gi = I * T + i;
          let s = 0;
          const xi = xp[gi];
          const jmax = I === J ? i : T;
          for (let j = 0; j < jmax; j++) {
            const a = data[row + j];
            s += a * xp[J * T + j];
            yp[J * T + j] += a * xi;
          }
          if (I === J) s += data[row + i] * xi;
          yp[gi] += s;
        }
      }
    }
    y.set(yp.subarray(0, n));
  }
}

/** Cholesky of one T×T tile in place (lower; the strict upper part is left untouched). */
function potrfTile(a: Float64Array, off: number, T: number, rowBase: number): void {
  for (let j = 0; j < T; j++) {
    const rj = off + j * T;
    let s = a[rj + j];
    for (let k = 0; k < j; k++) s -= a[rj + k] * a[rj + k];
    if (!(s > 0)) throw new NotPositiveDefiniteError(rowBase + j, s);
    const d = Math.sqrt(s);
    a[rj + j] = d;
    const inv = 1 / d;
    for (let i = j + 1; i < T; i++) {
      const ri = off + i * T;
      let t = a[ri + j];
      for (let k = 0; k < j; k++) t -= a[ri + k] * a[rj + k];
      a[ri + j] = t * inv;
    }
  }
}

/** B ← B · L⁻ᵀ for a T×T tile B (at ob) and lower-triangular tile L (at ol). Row-wise forward substitution. */
function trsmTile(a: Float64Array, ob: number, ol: number, T: number): void {
  for (let i = 0; i < T; i++) {
    const rb = ob + i * T;
    for (let j = 0; j < T; j++) {
      const rl = ol + j * T;
      let t = a[rb + j];
      for (let k = 0; k < j; k++) t -= a[rb + k] * a[rl + k];
      a[rb + j] = t / a[rl + j];
    }
  }
}

/**
 * C ← C − A·Bᵀ on T×T tiles (all row-major, inside the same array), 4×4 register blocking (T % 4 == 0).
 * When `lowerOnly`, only the blocks touching the lower triangle of C are updated (SYRK on a diagonal tile).
 */
function gemmNT(d: Float64Array, oc: number, oa: number, ob: number, T: number, lowerOnly: boolean): void {
  for (let r = 0; r < T; r += 4) {
    const cmax = lowerOnly ? r + 4 : T;
    for (let c = 0; c < cmax; c += 4)
      addBlock4x4(d, oa + r * T, T, d, ob + c * T, T, 0, T, d, oc + r * T + c, T, -1);
  }
}

export interface FactorOptions {
  signal?: AbortSignal;
  /** Called with the fraction (0..1) of the factorisation's work done. */
  onProgress?: (fraction: number) => void;
}

/**
 * In-place tiled Cholesky A = L Lᵀ (lower). Right-looking: factor the diagonal tile, solve the tiles
 * below it, update the trailing lower triangle with T×T×T products. Work ≈ n³/3 multiply-adds.
 * Throws NotPositiveDefiniteError on a non-positive pivot.
 */
export function choleskyTiled(A: TiledSym, opts: FactorOptions = {}): void {
  const st = choleskyState(A);
  for (let J = 0; J < A.nt; J++) choleskyColumn(A, J, st, opts);
}

/**
 * Same as choleskyTiled, but yields to the event loop (a macrotask) about every `yieldMs` ms, so that in a
 * worker an AbortSignal fired from outside is seen while the factorisation runs.
 */
export async function choleskyTiledAsync(
  A: TiledSym,
  opts: FactorOptions & { yieldMs?: number } = {},
): Promise<void> {
  const st = choleskyState(A);
  let last = Date.now();
  for (let J = 0; J < A.nt; J++) {
    choleskyColumn(A, J, st, opts);
    if (Date.now() - last > (opts.yieldMs ?? 100)) {
      await yieldToEventLoop();
      last = Date.now();
    }
  }
  throwIfAborted(opts.signal);
}

/** Resolves on the next macrotask (lets queued messages / abort events through). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((r) => setTimeout(r, 0));
}

/** Tile operations of a tiled Cholesky with nt tile rows: Σ_m (m(m+1)/2 + m + 1), m = nt−1 … 0. */
export function choleskyWork(nt: number): number {
  let t = 0;
  for (let m = 0; m < nt; m++) t += (m * (m + 1)) / 2 + m + 1;
  return t;
}

interface CholState {
  total: number;
  done: number;
  lastReport: number;
}

function choleskyState(A: TiledSym): CholState {
  if (A.T % 4 !== 0) throw new Error('tile size must be a multiple of 4');
  return { total: choleskyWork(A.nt), done: 0, lastReport: 0 };
}

/** Step J of the right-looking tiled Cholesky. */
function choleskyColumn(A: TiledSym, J: number, st: CholState, opts: FactorOptions): void {
  const { T, nt, data } = A;
  throwIfAborted(opts.signal);
  const oJJ = A.tileOffset(J, J);
  potrfTile(data, oJJ, T, J * T);
  for (let I = J + 1; I < nt; I++) trsmTile(data, A.tileOffset(I, J), oJJ, T);
  for (let I = J + 1; I < nt; I++) {
    const oIJ = A.tileOffset(I, J);
    for (let K = J + 1; K <= I; K++) {
      gemmNT(data, A.tileOffset(I, K), oIJ, A.tileOffset(K, J), T, K === I);
    }
    if ((I & 7) === 0) throwIfAborted(opts.signal);
  }
  const m = nt - J - 1;
  st.done += (m * (m + 1)) / 2 + m + 1;
  if (opts.onProgress && (st.done - st.lastReport > st.total / 200 || J === nt - 1)) {
    st.lastReport = st.done;
    opts.onProgress(Math.min(1, st.done / st.total));
  }
}

/** Parallel building blocks of step J (for worker threads sharing `A.data`): the diagonal tile… */
export function choleskyDiag(A: TiledSym, J: number): void {
  potrfTile(A.data, A.tileOffset(J, J), A.T, J * A.T);
}

/** …the panel tiles (I, J) for the given rows I > J (needs choleskyDiag(J) first)… */
export function choleskyPanel(A: TiledSym, J: number, rows: ArrayLike<number>): void {
  const oJJ = A.tileOffset(J, J);
  for (let q = 0; q < rows.length; q++) trsmTile(A.data, A.tileOffset(rows[q], J), oJJ, A.T);
}

/** …and the trailing update of tile rows I > J (needs the whole panel J first). */
export function choleskyUpdate(A: TiledSym, J: number, rows: ArrayLike<number>): void {
  for (let q = 0; q < rows.length; q++) {
    const I = rows[q];
    const oIJ = A.tileOffset(I, J);
    for (let K = J + 1; K <= I; K++)
      gemmNT(A.data, A.tileOffset(I, K), oIJ, A.tileOffset(K, J), A.T, K === I);
  }
}

/** Solves L Lᵀ x = b with the factor from choleskyTiled. Returns a new array of length n. */
export function choSolveTiled(L: TiledSym, b: Float64Array): Float64Array {
  const { n, T, nt, data } = L;
  const N = nt * T;
  const x = new Float64Array(N);
  x.set(b.subarray(0, n));
  // forward: L y = b
  for (let I = 0; I < nt; I++) {
    for (let J = 0; J < I; J++) {
      const off = L.tileOffset(I, J);
      for (let i = 0; i < T; i++) {
        let s = 0;
        const row = off + i * T;
        for (let j = 0; j < T; j++) s += data[row + j] * x[J * T + j];
        x[I * T + i] -= s;
      }
    }
    const od = L.tileOffset(I, I);
    for (let i = 0; i < T; i++) {
      const row = od + i * T;
      let s = x[I * T + i];
      for (let j = 0; j < i; j++) s -= data[row + j] * x[I * T + j];
      x[I * T + i] = s / data[row + i];
    }
  }
  // backward: Lᵀ x = y
  for (let I = nt - 1; I >= 0; I--) {
    const od = L.tileOffset(I, I);
    for (let i = T - 1; i >= 0; i--) {
      const xi = (x[I * T + i] /= data[od + i * T + i]);
      const row = od + i * T;
      for (let j = 0; j < i; j++) x[I * T + j] -= data[row + j] * xi;
    }
    for (let J = 0; J < I; J++) {
      const off = L.tileOffset(I, J);
      for (let i = 0; i < T; i++) {
        const xi = x[I * T + i];
        const row = off + i * T;
        for (let j = 0; j < T; j++) x[J * T + j] -= data[row + j] * xi;
      }
    }
  }
  return x.slice(0, n);
}

// ---------------------------------------------------------------------------------------------------------
// Dense (row-major n×n) helpers for small systems.

/** In-place dense Cholesky (lower triangle of a row-major n×n matrix; upper part zeroed). */
export function choleskyDense(a: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let s = a[rj + j];
    for (let k = 0; k < j; k++) s -= a[rj + k] * a[rj + k];
    if (!(s > 0)) throw new NotPositiveDefiniteError(j, s);
    const d = Math.sqrt(s);
    a[rj + j] = d;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let t = a[ri + j];
      for (let k = 0; k < j; k++) t -= a[ri + k] * a[rj + k];
      a[ri + j] = t / d;
    }
    for (let k = j + 1; k < n; k++) a[rj + k] = 0;
  }
}

/** x ← L⁻¹ x (in place) for a dense lower-triangular L. */
export function solveLowerDense(L: Float64Array, n: number, x: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = x[i];
    const r = i * n;
    for (let k = 0; k < i; k++) s -= L[r + k] * x[k];
    x[i] = s / L[r + i];
  }
}

/** x ← L⁻ᵀ x (in place) for a dense lower-triangular L. */
export function solveLowerTransDense(L: Float64Array, n: number, x: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    const xi = (x[i] /= L[i * n + i]);
    const r = i * n;
    for (let k = 0; k < i; k++) x[k] -= L[r + k] * xi;
  }
}

/** Solves (L Lᵀ) x = b for a dense factor; returns a new array. */
export function choSolveDense(L: Float64Array, n: number, b: Float64Array): Float64Array {
  const x = Float64Array.from(b);
  solveLowerDense(L, n, x);
  solveLowerTransDense(L, n, x);
  return x;
}

/**
 * Eigen-decomposition of a small symmetric n×n matrix (row-major) by cyclic Jacobi rotations.
 * Returns eigenvalues w (unsorted) and eigenvectors as the columns of v (row-major n×n).
 */
export function symEig(aIn: Float64Array, n: number): { w: Float64Array; v: Float64Array } {
  const a = Float64Array.from(aIn);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0,
      diag = 0;
    for (let p = 0; p < n; p++) {
      diag += a[p * n + p] * a[p * n + p];
      for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p],
          aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1),
          s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p],
            akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k],
            aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p],
            vkq = v[k * n + q];
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

// ---------------------------------------------------------------------------------------------------------
// Conjugate gradients.

export interface CgOptions {
  /** Stop when ‖r‖ ≤ tol·‖b‖. */
  tol: number;
  maxIter: number;
  /** z = M⁻¹ r (preconditioner); identity when absent. */
  precond?: (r: Float64Array, z: Float64Array) => void;
  x0?: Float64Array;
  signal?: AbortSignal;
  onIter?: (iter: number, relRes: number) => void;
}

export interface CgResult {
  x: Float64Array;
  iterations: number;
  relResidual: number;
  converged: boolean;
}

/** Preconditioned conjugate gradients for a symmetric positive definite operator y = A x. */
export function conjugateGradient(
  apply: (x: Float64Array, y: Float64Array) => void,
  b: Float64Array,
  opts: CgOptions,
): CgResult {
  const it = cgIterator(apply, b, opts);
  let r = it.next();
  while (!r.done) r = it.next();
  return r.value;
}

/** conjugateGradient that yields to the event loop about every `yieldMs` ms (abortable inside workers). */
export async function conjugateGradientAsync(
  apply: (x: Float64Array, y: Float64Array) => void,
  b: Float64Array,
  opts: CgOptions & { yieldMs?: number },
): Promise<CgResult> {
  const it = cgIterator(apply, b, opts);
  let last = Date.now();
  let r = it.next();
  while (!r.done) {
    if (Date.now() - last > (opts.yieldMs ?? 100)) {
      await yieldToEventLoop();
      last = Date.now();
    }
    r = it.next();
  }
  return r.value;
}

function* cgIterator(
  apply: (x: Float64Array, y: Float64Array) => void,
  b: Float64Array,
  opts: CgOptions,
): Generator<number, CgResult> {
  const n = b.length;
  const x = opts.x0 ? Float64Array.from(opts.x0) : new Float64Array(n);
  const r = Float64Array.from(b);
  const Ap = new Float64Array(n);
  if (opts.x0) {
    apply(x, Ap);
    for (let i = 0; i < n; i++) r[i] -= Ap[i];
  }
  const z = new Float64Array(n);
  const pre = opts.precond ?? ((a: Float64Array, o: Float64Array) => o.set(a));
  pre(r, z);
  const p = Float64Array.from(z);
  let rz = dot(r, z);
  const bn = Math.sqrt(dot(b, b)) || 1;
  let rel = Math.sqrt(dot(r, r)) / bn;
  let it = 0;
  while (rel > opts.tol && it < opts.maxIter) {
    throwIfAborted(opts.signal);
    apply(p, Ap);
    const alpha = rz / dot(p, Ap);
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * Ap[i];
    }
    pre(r, z);
    const rzNew = dot(r, z);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
    it++;
    rel = Math.sqrt(dot(r, r)) / bn;
    opts.onIter?.(it, rel);
    yield it;
  }
  return { x, iterations: it, relResidual: rel, converged: rel <= opts.tol };
}

export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

// ---------------------------------------------------------------------------------------------------------
// Row-panel kernels for tall-skinny work (Nyström preconditioner): matrices with few rows (k) and many
// columns (n), row-major k × n.

/**
 * B ← L⁻¹ B in place, for a dense lower-triangular L (k × k, row-major) and B (k × n, row-major):
 * forward substitution on all n columns. Each pass copies a strip of columns transposed (one column of B
 * per row, length k), so that, for four unknowns of four columns at a time, the sum over the unknowns
 * already solved is a 4 × 4 register block of contiguous dot products (as in the matrix products here);
 * only the small 4 × 4 triangle is then solved one by one. Those blocks run in the WebAssembly kernel
 * of ./wasmGemm where available (the same result bit for bit).
 */
export function trsmLowerRows(
  L: Float64Array,
  k: number,
  B: Float64Array,
  n: number,
  signal?: AbortSignal,
): void {
  if (k >= 8 && trsmLowerRowsWasm(L, k, B, n, TRSM_STRIP, () => throwIfAborted(signal))) return;
  trsmLowerRowsJs(L, k, B, n, signal);
}

/** trsmLowerRows's strip of columns (both implementations). */
const TRSM_STRIP = 64;

/** trsmLowerRows in plain JavaScript (the same result bit for bit). */
export function trsmLowerRowsJs(
  L: Float64Array,
  k: number,
  B: Float64Array,
  n: number,
  signal?: AbortSignal,
): void {
  const CH = TRSM_STRIP;
  const T = new Float64Array(CH * k);
  const acc = new Float64Array(16);
  for (let c0 = 0; c0 < n; c0 += CH) {
    throwIfAborted(signal);
    const w = Math.min(CH, n - c0);
    for (let a = 0; a < k; a++) {
      const ra = a * n + c0;
      for (let j = 0; j < w; j++) T[j * k + a] = B[ra + j];
    }
    for (let j0 = 0; j0 < w; j0 += 4) {
      const jn = Math.min(4, w - j0);
      for (let a0 = 0; a0 < k; a0 += 4) {
        const an = Math.min(4, k - a0);
        // acc[r][c] = Σ_{b < a0} L[a0 + r][b] · x_{j0 + c}[b], over the unknowns already solved
        acc.fill(0);
        if (a0 > 0) {
          if (an === 4 && jn === 4) addBlock4x4(L, a0 * k, k, T, j0 * k, k, 0, a0, acc, 0, 4);
          else
            for (let r = 0; r < an; r++)
              for (let c = 0; c < jn; c++) {
                let sum = 0;
                const lr = (a0 + r) * k,
                  tc = (j0 + c) * k;
                for (let b = 0; b < a0; b++) sum += L[lr + b] * T[tc + b];
                acc[r * 4 + c] = sum;
              }
        }
        // the 4 × 4 triangle
        for (let c = 0; c < jn; c++) {
          const tc = (j0 + c) * k;
          for (let r = 0; r < an; r++) {
            const a = a0 + r,
              la = a * k;
            let x = T[tc + a] - acc[r * 4 + c];
            for (let b = a0; b < a; b++) x -= L[la + b] * T[tc + b];
            T[tc + a] = x / L[la + a];
          }
        }
      }
    }
    for (let a = 0; a < k; a++) {
      const ra = a * n + c0;
      for (let j = 0; j < w; j++) B[ra + j] = T[j * k + a];
    }
  }
}

/**
 * The 4 × 4 register block of every matrix product here (tiled Cholesky update, row-panel products): adds
 * to out[o + r·os + c] (r, c < 4) the sums scale · Σ_{q0 ≤ q < q1} X[x + r·xs + q] · Y[y + c·ys + q], i.e.
 * four rows of X against four rows of Y (scale ±1 keeps the results bit for bit those of += / −=).
 */
function addBlock4x4(
  X: Float64Array,
  x: number,
  xs: number,
  Y: Float64Array,
  y: number,
  ys: number,
  q0: number,
  q1: number,
  out: Float64Array,
  o: number,
  os: number,
  scale = 1,
): void {
  const a0 = x,
    a1 = a0 + xs,
    a2 = a1 + xs,
    a3 = a2 + xs;
  const b0 = y,
    b1 = b0 + ys,
    b2 = b1 + ys,
    b3 = b2 + ys;
  let s00 = 0,
    s01 = 0,
    s02 = 0,
    s03 = 0,
    s10 = 0,
    s11 = 0,
    s12 = 0,
    s13 = 0,
    s20 = 0,
    s21 = 0,
    s22 = 0,
    s23 = 0,
    s30 = 0,
    s31 = 0,
    s32 = 0,
    s33 = 0;
  for (let q = q0; q < q1; q++) {
    const x0 = X[a0 + q],
      x1 = X[a1 + q],
      x2 = X[a2 + q],
      x3 = X[a3 + q];
    const y0 = Y[b0 + q],
      y1 = Y[b1 + q],
      y2 = Y[b2 + q],
      y3 = Y[b3 + q];
    s00 += x0 * y0;
    s01 += x0 * y1;
    s02 += x0 * y2;
    s03 += x0 * y3;
    s10 += x1 * y0;
    s11 += x1 * y1;
    s12 += x1 * y2;
    s13 += x1 * y3;
    s20 += x2 * y0;
    s21 += x2 * y1;
    s22 += x2 * y2;
    s23 += x2 * y3;
    s30 += x3 * y0;
    s31 += x3 * y1;
    s32 += x3 * y2;
    s33 += x3 * y3;
  }
  const c0 = o,
    c1 = c0 + os,
    c2 = c1 + os,
    c3 = c2 + os;
  out[c0] += scale * s00;
  out[c0 + 1] += scale * s01;
  out[c0 + 2] += scale * s02;
  out[c0 + 3] += scale * s03;
  out[c1] += scale * s10;
  out[c1 + 1] += scale * s11;
  out[c1 + 2] += scale * s12;
  out[c1 + 3] += scale * s13;
  out[c2] += scale * s20;
  out[c2 + 1] += scale * s21;
  out[c2 + 2] += scale * s22;
  out[c2 + 3] += scale * s23;
  out[c3] += scale * s30;
  out[c3 + 1] += scale * s31;
  out[c3 + 2] += scale * s32;
  out[c3 + 3] += scale * s33;
}

/**
 * G = B Bᵀ (k × k, full symmetric, row-major) for B (k × n, row-major): the WebAssembly kernel of
 * ./wasmGemm where available, else {@link syrkRowsJs}; the same result bit for bit.
 */
export function syrkRows(B: Float64Array, k: number, n: number, signal?: AbortSignal): Float64Array {
  if (k >= 4) {
    const G = syrkWasm(B, k, n, SYRK_CHUNK, () => throwIfAborted(signal));
    if (G) return G;
  }
  return syrkRowsJs(B, k, n, signal);
}

/** syrkRows's column chunk (both implementations sum each chunk, then add it to G). */
const SYRK_CHUNK = 512;

/** syrkRows in plain JavaScript: 4×4 register blocks over column chunks (the same result bit for bit). */
export function syrkRowsJs(B: Float64Array, k: number, n: number, signal?: AbortSignal): Float64Array {
  const G = new Float64Array(k * k);
  const CH = SYRK_CHUNK;
  const k4 = k - (k % 4);
  for (let c0 = 0; c0 < n; c0 += CH) {
    throwIfAborted(signal);
    const c1 = Math.min(n, c0 + CH);
    for (let a = 0; a < k; a += 4) {
      for (let b = 0; b <= a; b += 4) {
        if (a < k4 && b < k4) addBlock4x4(B, a * n, n, B, b * n, n, c0, c1, G, a * k + b, k);
        else {
          for (let i = a; i < Math.min(a + 4, k); i++)
            for (let j = b; j < Math.min(b + 4, k); j++) {
              let s = 0;
              for (let c = c0; c < c1; c++) s += B[i * n + c] * B[j * n + c];
              G[i * k + j] += s;
            }
        }
      }
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) G[b * k + a] = G[a * k + b];
  return G;
}

/** The k-chunk of gemmNTRows (both implementations sum each chunk, then add it to C). */
const GEMM_NT_CHUNK = 256;

/** Whether a product is big enough for the WebAssembly kernel (its copies cost O(mk + nk)). */
const wasmWorthIt = (m: number, n: number, k: number) => m >= 4 && n >= 4 && m * n * k >= 32768;

/**
 * C = A Bᵀ for row-major A (m × k) and B (n × k); C is m × n row-major (overwritten). Uses the
 * WebAssembly SIMD kernel (./wasmGemm) where it is available and the product is not tiny, else
 * {@link gemmNTRowsJs}; both give the same result bit for bit.
 */
export function gemmNTRows(
  A: Float64Array,
  B: Float64Array,
  m: number,
  n: number,
  k: number,
  C: Float64Array,
): void {
  if (wasmWorthIt(m, n, k) && gemmNTWasm(A, B, m, n, k, C, GEMM_NT_CHUNK)) return;
  gemmNTRowsJs(A, B, m, n, k, C);
}

/**
 * C = A B for row-major A (m × k) and B (k × n); C is m × n row-major (overwritten). The same sums,
 * bit for bit, as gemmNTRows with Bᵀ: the WebAssembly kernel where available, else B is transposed
 * and {@link gemmNTRowsJs} does it.
 */
export function gemmNNRows(
  A: Float64Array,
  B: Float64Array,
  m: number,
  n: number,
  k: number,
  C: Float64Array,
): void {
  if (wasmWorthIt(m, n, k) && gemmNNWasm(A, B, m, n, k, C, GEMM_NT_CHUNK)) return;
  const Bt = new Float64Array(n * k);
  for (let q = 0; q < k; q++) for (let j = 0; j < n; j++) Bt[j * k + q] = B[q * n + j];
  gemmNTRowsJs(A, Bt, m, n, k, C);
}

/**
 * gemmNTRows in plain JavaScript: 4×4 register blocks, k in chunks so the eight rows in flight stay
 * in L1.
 */
export function gemmNTRowsJs(
  A: Float64Array,
  B: Float64Array,
  m: number,
  n: number,
  k: number,
  C: Float64Array,
): void {
  C.fill(0, 0, m * n);
  const CH = GEMM_NT_CHUNK;
  const m4 = m - (m % 4),
    n4 = n - (n % 4);
  for (let q0 = 0; q0 < k; q0 += CH) {
    const q1 = Math.min(k, q0 + CH);
    for (let i = 0; i < m4; i += 4)
      for (let j = 0; j < n4; j += 4) addBlock4x4(A, i * k, k, B, j * k, k, q0, q1, C, i * n + j, n);
    // edges
    for (let i = 0; i < m; i++)
      for (let j = i < m4 ? n4 : 0; j < n; j++) {
        let s = 0;
        for (let q = q0; q < q1; q++) s += A[i * k + q] * B[j * k + q];
        C[i * n + j] += s;
      }
  }
}

/**
 * t = A·x for A (m × n, row-major): four rows per pass over x, so each x[i] is loaded once for four
 * rows and four independent sums run at once (2.5–3× faster than one row at a time for the sGDML
 * preconditioner's 1440 × 21 600 matrix). Each t[a] is summed in the same order as a plain loop, so
 * the result is bit-identical to it.
 */
export function matVecRows(
  A: Float64Array | Float32Array,
  m: number,
  n: number,
  x: Float64Array,
  t: Float64Array,
): void {
  let a = 0;
  for (; a + 4 <= m; a += 4) {
    const o0 = a * n,
      o1 = o0 + n,
      o2 = o1 + n,
      o3 = o2 + n;
    let s0 = 0,
      s1 = 0,
      s2 = 0,
      s3 = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i];
      s0 += A[o0 + i] * xi;
      s1 += A[o1 + i] * xi;
      s2 += A[o2 + i] * xi;
      s3 += A[o3 + i] * xi;
    }
    t[a] = s0;
    t[a + 1] = s1;
    t[a + 2] = s2;
    t[a + 3] = s3;
  }
  for (; a < m; a++) {
    const o = a * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += A[o + i] * x[i];
    t[a] = s;
  }
}

/**
 * z −= Aᵀ·t for A (m × n, row-major): four rows per pass over z, so z is read and written once per
 * four rows. Each z[i] takes the subtractions in the same order as a plain loop over the rows, so
 * the result is bit-identical to it.
 */
export function subTransMatVecRows(
  A: Float64Array | Float32Array,
  m: number,
  n: number,
  t: Float64Array,
  z: Float64Array,
): void {
  let a = 0;
  for (; a + 4 <= m; a += 4) {
    const o0 = a * n,
      o1 = o0 + n,
      o2 = o1 + n,
      o3 = o2 + n;
    const t0 = t[a],
      t1 = t[a + 1],
      t2 = t[a + 2],
      t3 = t[a + 3];
    for (let i = 0; i < n; i++) {
      let zi = z[i];
      zi -= A[o0 + i] * t0;
      zi -= A[o1 + i] * t1;
      zi -= A[o2 + i] * t2;
      zi -= A[o3 + i] * t3;
      z[i] = zi;
    }
  }
  for (; a < m; a++) {
    const ta = t[a],
      o = a * n;
    for (let i = 0; i < n; i++) z[i] -= A[o + i] * ta;
  }
}
