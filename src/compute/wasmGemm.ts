/**
 * C = A·Bᵀ (float64) with a WebAssembly SIMD kernel (src/compute/wasm/gemm.wat): 3–4× faster than the
 * register-blocked JavaScript loop of linalg.ts on the sGDML CG products (measured 10–16 against
 * 3.1–3.7 GFLOP/s), with the *same* result bit for bit: every element is summed in the same order
 * (q-chunks of `chunk`, in order within a chunk, each chunk's sum added to C), with separate
 * multiplies and adds in both.
 *
 * The kernel covers full 4 × 4 blocks; the rows and columns left over (m, n modulo 4) are computed
 * here in JavaScript in the same order (GAP's strided products and `PackedRowsNT` pad A and B with
 * zero rows instead). A and B are copied into the module's memory for every product (B packed in
 * panels of four rows, so the kernel reads it sequentially); that copy is O(mk + nk) against the
 * product's O(mnk). `PackedRowsNT` keeps a B that many products share packed in an instance of its
 * own. The memory grows to the largest product seen and stays. Where WebAssembly SIMD is missing (or
 * the memory cannot grow) the functions return false (null) and the caller uses its JavaScript loop.
 */
import { GEMM_WASM_BASE64 } from './wasm/gemm.wasm';
import { compiledWasmModule } from './wasmModule';

/** One call of a gemm.wat kernel: byte offsets of A, B's panels and C, then the block counts and q range. */
type BlockKernel = (
  a: number,
  bp: number,
  c: number,
  m4: number,
  n4: number,
  n: number,
  k: number,
  q0: number,
  q1: number,
) => void;

interface GemmKernel {
  memory: WebAssembly.Memory;
  gemmBlocks: BlockKernel;
  /** gemmBlocks with A packed in panels of four rows too (see gemm.wat; ≈ 1.2× faster) */
  gemmPanels: BlockKernel;
}

let kernel: GemmKernel | null | undefined;

let enabled = true;

/** Whether the kernel is used where available (tests switch it off to compare with the JavaScript paths). */
export function setWasmGemmEnabled(on: boolean): void {
  enabled = on;
}

/** The instantiated kernel, or null where WebAssembly SIMD is unavailable (decided once) or switched off. */
export function wasmGemmKernel(): GemmKernel | null {
  if (!enabled) return null;
  if (kernel !== undefined) return kernel;
  kernel = null;
  try {
    const mod = compiledWasmModule(GEMM_WASM_BASE64);
    if (mod) kernel = new WebAssembly.Instance(mod, {}).exports as unknown as GemmKernel;
  } catch {
    kernel = null;
  }
  return kernel;
}

const heapViews = new WeakMap<GemmKernel, Float64Array>();

/** A float64 view of the kernel's memory, made again only after the memory grew (many small products). */
function heapOf(k: GemmKernel): Float64Array {
  const view = heapViews.get(k);
  if (view && view.buffer === k.memory.buffer) return view;
  const fresh = new Float64Array(k.memory.buffer);
  heapViews.set(k, fresh);
  return fresh;
}

/** dst[d + i] = src[s + i] for i < len: a loop for short rows (no subarray views), else a block copy. */
function copyRow(src: Float64Array, s: number, dst: Float64Array, d: number, len: number): void {
  if (len < 64) for (let i = 0; i < len; i++) dst[d + i] = src[s + i];
  else dst.set(src.subarray(s, s + len), d);
}

/**
 * Rows r < rows4 of a matrix (row r at mOff + r·ld, k entries) in the kernel's panel layout at heap
 * offset `dst` (in doubles): row 4p + ii, entry q at dst + (p·k + q)·4 + ii. Rows from `rows` on are
 * zeros (padding to a multiple of four).
 */
function packPanels(
  M: ArrayLike<number>,
  mOff: number,
  ld: number,
  rows: number,
  rows4: number,
  k: number,
  heap: Float64Array,
  dst: number,
): void {
  for (let p = 0; p < rows4 / 4; p++)
    for (let ii = 0; ii < 4; ii++) {
      const r = 4 * p + ii,
        o = dst + p * k * 4 + ii;
      if (r < rows) {
        const src = mOff + r * ld;
        for (let q = 0; q < k; q++) heap[o + q * 4] = M[src + q];
      } else for (let q = 0; q < k; q++) heap[o + q * 4] = 0;
    }
}

/** Grows the kernel's memory to at least `bytes`; false when it cannot. */
function ensureMemory(k: GemmKernel, bytes: number): boolean {
  const have = k.memory.buffer.byteLength;
  if (have >= bytes) return true;
  if (bytes > 2 ** 32 - 65536) return false;
  try {
    k.memory.grow(Math.ceil((bytes - have) / 65536));
    return true;
  } catch {
    return false;
  }
}

/**
 * C (m × n) = A (m × k) · Bᵀ, with B given by `packPanel` (writes B's rows 4p…4p+3 as the kernel's
 * panel p, row q at heap[base + 4q + jj]) and `b(j, q)` (one element, for the leftover columns).
 * Summed in q-chunks of `chunk` as linalg.ts's JavaScript loops. False (C untouched) when the kernel
 * is unavailable.
 */
function gemmWithPackedB(
  A: Float64Array | Float32Array,
  m: number,
  n: number,
  k: number,
  C: Float64Array,
  chunk: number,
  packPanel: (heap: Float64Array, base: number, p: number) => void,
  b: (j: number, q: number) => number,
): boolean {
  const kern = wasmGemmKernel();
  if (!kern) return false;
  const m4 = m - (m % 4),
    n4 = n - (n % 4);
  const aOff = 0, // A's full panels (the rows left over are done below from A itself)
    bOff = m4 * k * 8,
    cOff = bOff + n4 * k * 8;
  if (!ensureMemory(kern, cOff + m * n * 8)) return false;
  const heap = heapOf(kern);
  packPanels(A, 0, k, m4, m4, k, heap, 0);
  for (let p = 0; p < n4 / 4; p++) packPanel(heap, bOff / 8 + p * k * 4, p);
  const c0 = cOff / 8;
  heap.fill(0, c0, c0 + m * n);
  for (let q0 = 0; q0 < k; q0 += chunk)
    kern.gemmPanels(aOff, bOff, cOff, m4, n4, n, k, q0, Math.min(k, q0 + chunk));
  C.set(heap.subarray(c0, c0 + m * n));
  // the rows and columns outside the 4 × 4 blocks, chunk by chunk as the kernel
  for (let q0 = 0; q0 < k; q0 += chunk) {
    const q1 = Math.min(k, q0 + chunk);
    for (let i = 0; i < m; i++)
      for (let j = i < m4 ? n4 : 0; j < n; j++) {
        let s = 0;
        for (let q = q0; q < q1; q++) s += A[i * k + q] * b(j, q);
        C[i * n + j] += s;
      }
  }
  return true;
}

/** C (m × n) = A (m × k) · Bᵀ for B (n × k), all row-major (see {@link gemmWithPackedB}). */
export function gemmNTWasm(
  A: Float64Array,
  B: Float64Array,
  m: number,
  n: number,
  k: number,
  C: Float64Array,
  chunk: number,
): boolean {
  return gemmWithPackedB(
    A,
    m,
    n,
    k,
    C,
    chunk,
    (heap, base, p) => {
      for (let jj = 0; jj < 4; jj++) {
        const src = (4 * p + jj) * k;
        for (let q = 0; q < k; q++) heap[base + q * 4 + jj] = B[src + q];
      }
    },
    (j, q) => B[j * k + q],
  );
}

/**
 * C[cOff + i·ldc + j] (+)= Σ_{q<k} A[aOff + i·lda + q] · B[bOff + j·ldb + q] for i < m, j < n: the
 * strided A·Bᵀ of the GAP code's matABtStrided (src/models/gap/smallLinalg.ts), which zeroes C first
 * unless `accumulate`, with the same sums in the same order (q-chunks of `chunk`, each chunk's sum
 * added to C). C passes through the module's memory, so accumulating starts from its old values. The
 * rows of A and B are padded with zeros to multiples of four, so the kernel computes every element.
 * False (C untouched) when the kernel is unavailable.
 */
export function gemmNTStridedWasm(
  A: Float64Array,
  aOff: number,
  lda: number,
  m: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
  n: number,
  k: number,
  C: Float64Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
  chunk: number,
): boolean {
  const kern = wasmGemmKernel();
  if (!kern) return false;
  const m4 = Math.ceil(m / 4) * 4,
    n4 = Math.ceil(n / 4) * 4;
  const b0 = m4 * k, // doubles: A at 0, B's panels at b0, C at c0
    c0 = b0 + n4 * k;
  if (!ensureMemory(kern, (c0 + m4 * n4) * 8)) return false;
  const heap = heapOf(kern);
  packPanels(A, aOff, lda, m, m4, k, heap, 0);
  packPanels(B, bOff, ldb, n, n4, k, heap, b0);
  heap.fill(0, c0, c0 + m4 * n4);
  if (accumulate) for (let i = 0; i < m; i++) copyRow(C, cOff + i * ldc, heap, c0 + i * n4, n);
  for (let q0 = 0; q0 < k; q0 += chunk)
    kern.gemmPanels(0, b0 * 8, c0 * 8, m4, n4, n4, k, q0, Math.min(k, q0 + chunk));
  for (let i = 0; i < m; i++) copyRow(heap, c0 + i * n4, C, cOff + i * ldc, n);
  return true;
}

/**
 * C (m × n) = A (m × k) · B for B (k × n), all row-major: the same sums as {@link gemmNTWasm} with
 * Bᵀ, but B's panels are plain copies of four adjacent entries per row, so no transpose is needed.
 */
export function gemmNNWasm(
  A: Float64Array | Float32Array,
  B: Float64Array | Float32Array,
  m: number,
  n: number,
  k: number,
  C: Float64Array,
  chunk: number,
): boolean {
  return gemmWithPackedB(
    A,
    m,
    n,
    k,
    C,
    chunk,
    (heap, base, p) => {
      for (let q = 0; q < k; q++) {
        const src = q * n + 4 * p,
          dst = base + q * 4;
        heap[dst] = B[src];
        heap[dst + 1] = B[src + 1];
        heap[dst + 2] = B[src + 2];
        heap[dst + 3] = B[src + 3];
      }
    },
    (j, q) => B[q * n + j],
  );
}

/**
 * G = B·Bᵀ (k × k, full) for B (k × n, row-major), summed over B's columns in chunks of `chunk`
 * exactly as linalg.ts's syrkRows (whose upper triangle mirrors its lower one; products commute, so
 * the full product here is the same matrix). B goes into the module one column slab at a time, so
 * the memory holds two k × chunk slabs and G, not B. `beforeChunk` runs before each slab (e.g. to
 * honour an abort). Null when the kernel is unavailable.
 */
export function syrkWasm(
  B: Float64Array,
  k: number,
  n: number,
  chunk: number,
  beforeChunk?: () => void,
): Float64Array | null {
  const kern = wasmGemmKernel();
  if (!kern) return null;
  const k4 = k - (k % 4);
  const aOff = 0,
    bOff = k * chunk * 8,
    cOff = bOff + k4 * chunk * 8;
  if (!ensureMemory(kern, cOff + k * k * 8)) return null;
  const heap = new Float64Array(kern.memory.buffer);
  const c0 = cOff / 8;
  heap.fill(0, c0, c0 + k * k);
  for (let col0 = 0; col0 < n; col0 += chunk) {
    beforeChunk?.();
    const len = Math.min(n, col0 + chunk) - col0;
    for (let i = 0; i < k; i++) heap.set(B.subarray(i * n + col0, i * n + col0 + len), i * len);
    for (let p = 0; p < k4 / 4; p++) {
      const base = bOff / 8 + p * len * 4;
      for (let jj = 0; jj < 4; jj++) {
        const src = (4 * p + jj) * n + col0;
        for (let q = 0; q < len; q++) heap[base + q * 4 + jj] = B[src + q];
      }
    }
    kern.gemmBlocks(aOff, bOff, cOff, k4, k4, k, len, 0, len);
    for (let i = 0; i < k; i++)
      for (let j = i < k4 ? k4 : 0; j < k; j++) {
        let s = 0;
        for (let q = col0; q < col0 + len; q++) s += B[i * n + q] * B[j * n + q];
        heap[c0 + i * k + j] += s;
      }
  }
  return heap.slice(c0, c0 + k * k);
}

/**
 * B ← L⁻¹ B in place (L lower-triangular k × k, B k × n, row-major): linalg.ts's trsmLowerRows with
 * its 4 × 4 sums over the unknowns already solved done by the kernel, and everything else (the
 * strips, the small triangles, the blocks at the edges) in the same order as there, so the result is
 * the same bit for bit. Per strip of `strip` columns, the strip lives in the module's memory as
 * panels of four columns (panel p: row a at ((p·k + a)·4 + c)), which is the kernel's B layout.
 * False (B untouched) when the kernel is unavailable.
 */
export function trsmLowerRowsWasm(
  L: Float64Array,
  k: number,
  B: Float64Array,
  n: number,
  strip: number,
  beforeStrip?: () => void,
): boolean {
  const kern = wasmGemmKernel();
  if (!kern || strip % 4 !== 0) return false;
  const lOff = 0,
    tOff = k * k * 8,
    accOff = tOff + strip * k * 8;
  if (!ensureMemory(kern, accOff + 16 * 8)) return false;
  const heap = new Float64Array(kern.memory.buffer);
  heap.set(L.subarray(0, k * k), 0);
  const T = tOff / 8,
    acc = accOff / 8;
  const at = (col: number, a: number) => T + ((col >> 2) * k + a) * 4 + (col & 3); // strip column col, row a
  for (let c0 = 0; c0 < n; c0 += strip) {
    beforeStrip?.();
    const w = Math.min(strip, n - c0);
    for (let a = 0; a < k; a++) {
      const ra = a * n + c0;
      for (let j = 0; j < w; j++) heap[at(j, a)] = B[ra + j];
    }
    for (let j0 = 0; j0 < w; j0 += 4) {
      const jn = Math.min(4, w - j0);
      for (let a0 = 0; a0 < k; a0 += 4) {
        const an = Math.min(4, k - a0);
        heap.fill(0, acc, acc + 16);
        if (a0 > 0) {
          if (an === 4 && jn === 4)
            // acc[r][c] = Σ_{b < a0} L[a0 + r][b] · x_{j0 + c}[b]
            kern.gemmBlocks(lOff + a0 * k * 8, (T + (j0 >> 2) * k * 4) * 8, accOff, 4, 4, 4, k, 0, a0);
          else
            for (let r = 0; r < an; r++)
              for (let c = 0; c < jn; c++) {
                let sum = 0;
                const lr = (a0 + r) * k;
                for (let b = 0; b < a0; b++) sum += L[lr + b] * heap[at(j0 + c, b)];
                heap[acc + r * 4 + c] = sum;
              }
        }
        // the 4 × 4 triangle
        for (let c = 0; c < jn; c++)
          for (let r = 0; r < an; r++) {
            const a = a0 + r,
              la = a * k;
            let x = heap[at(j0 + c, a)] - heap[acc + r * 4 + c];
            for (let b = a0; b < a; b++) x -= L[la + b] * heap[at(j0 + c, b)];
            heap[at(j0 + c, a)] = x / L[la + a];
          }
      }
    }
    for (let a = 0; a < k; a++) {
      const ra = a * n + c0;
      for (let j = 0; j < w; j++) B[ra + j] = heap[at(j, a)];
    }
  }
  return true;
}

/**
 * Row groups of a matrix B (each a block of consecutive rows, k columns) kept packed in a WebAssembly
 * memory of its own, for many products C = A·Bᵀ_g with a small A that changes: B is packed once (per
 * `pack`), not at every product. GAP multiplies the sparse points' descriptors with every geometry's
 * atoms (one group, packed for the whole training or model), and each geometry's density derivatives
 * with 16 sparse points at a time (a group per atom and neighbour species, packed per geometry). Rows
 * of A and of every group are padded with zeros to multiples of four, so the SIMD kernel computes every
 * element (no JavaScript loop for the edges). Same sums as {@link gemmNTStridedWasm} without
 * `accumulate` (q-chunks of `chunk`, q in order within each, each chunk's sum added to C from 0): the
 * same results bit for bit.
 */
export class PackedRowsNT {
  private k = 0;
  /** per group: its first panel (in doubles) and its rows */
  private starts: number[] = [];
  private rows: number[] = [];
  private end = 0;

  private constructor(private readonly kern: GemmKernel) {}

  /** An empty set on a fresh instance of the kernel; null where the kernel is unavailable. */
  static create(): PackedRowsNT | null {
    const mod = wasmGemmKernel() ? compiledWasmModule(GEMM_WASM_BASE64) : null;
    if (!mod) return null;
    try {
      return new PackedRowsNT(new WebAssembly.Instance(mod, {}).exports as unknown as GemmKernel);
    } catch {
      return null;
    }
  }

  /** A set holding rows bOff + j·ldb (j < n) of B as its group 0, or null (no kernel, no memory). */
  static of(B: Float64Array, bOff: number, ldb: number, n: number, k: number): PackedRowsNT | null {
    const packed = PackedRowsNT.create();
    return packed?.pack(B, ldb, k, [bOff], [n]) ? packed : null;
  }

  /**
   * Replaces the groups: group g is rows offs[g] + j·ldb (j < counts[g]) of B, k columns. False (and
   * no groups) when the memory cannot grow.
   */
  pack(B: Float64Array, ldb: number, k: number, offs: ArrayLike<number>, counts: ArrayLike<number>): boolean {
    this.k = k;
    this.starts = [];
    this.rows = [];
    let end = 0;
    for (let g = 0; g < counts.length; g++) end += Math.ceil(counts[g] / 4) * 4 * k;
    if (!ensureMemory(this.kern, end * 8)) {
      this.end = 0;
      return false;
    }
    const heap = heapOf(this.kern);
    let start = 0;
    for (let g = 0; g < counts.length; g++) {
      const n = counts[g],
        n4 = Math.ceil(n / 4) * 4;
      packPanels(B, offs[g], ldb, n, n4, k, heap, start);
      this.starts.push(start);
      this.rows.push(n);
      start += n4 * k;
    }
    this.end = end;
    return true;
  }

  /**
   * C[cOff + i·ldc + j] = Σ_{q<k} A[aOff + i·lda + q] · B_g[j, q] for i < m and the rows j of group g.
   * False (C untouched) when the memory cannot grow for A and C.
   */
  multiply(
    g: number,
    A: Float64Array,
    aOff: number,
    lda: number,
    m: number,
    C: Float64Array,
    cOff: number,
    ldc: number,
    chunk: number,
  ): boolean {
    const { kern, k } = this;
    const n = this.rows[g],
      n4 = Math.ceil(n / 4) * 4,
      m4 = Math.ceil(m / 4) * 4;
    const a0 = this.end, // doubles: the groups' panels below a0, A at a0, C at c0
      c0 = a0 + m4 * k;
    if (!ensureMemory(kern, (c0 + m4 * n4) * 8)) return false;
    const heap = heapOf(kern);
    packPanels(A, aOff, lda, m, m4, k, heap, a0);
    heap.fill(0, c0, c0 + m4 * n4);
    // A group larger than a core's cache goes one panel at a time through all rows of A, so that each
    // panel is read from memory once, not once per four rows of A (the kernel's own order).
    const b0 = this.starts[g];
    const step = n4 * k > 65536 ? 4 : n4;
    for (let q0 = 0; q0 < k; q0 += chunk) {
      const q1 = Math.min(k, q0 + chunk);
      for (let j = 0; j < n4; j += step)
        kern.gemmPanels(a0 * 8, (b0 + j * k) * 8, (c0 + j) * 8, m4, step, n4, k, q0, q1);
    }
    for (let i = 0; i < m; i++) copyRow(heap, c0 + i * n4, C, cOff + i * ldc, n);
    return true;
  }
}
