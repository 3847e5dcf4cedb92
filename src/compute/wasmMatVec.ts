/**
 * A large row-major matrix that is multiplied with float64 vectors many times (the sGDML Nyström
 * preconditioner's Zᵀ, two products per CG iteration), kept in a WebAssembly memory of its own so that
 * the SIMD kernels of src/compute/wasm/matvec.wat can run over it without copying it each time. Its
 * elements are float64 or float32 (`precision`); float32 halves the memory the two passes read, which
 * is what limits them (≈ 0.6× the time at 1440 × 36 000); the products are float64 either way.
 *
 * The products equal linalg.ts's `matVecRows` and `subTransMatVecRows` bit for bit (same sums in the
 * same order, a float32 element widened to float64 exactly; the kernels take the rows in groups of
 * four, the rows left over are done here by those JavaScript functions). Where WebAssembly SIMD is
 * missing or the memory cannot be had, {@link rowMatrix} hands out a plain typed array with the
 * JavaScript products instead.
 */
import { matVecRows, subTransMatVecRows } from './linalg';
import { compiledWasmModule } from './wasmModule';
import { MATVEC_WASM_BASE64 } from './wasm/matvec.wasm';

export type RowMatrixPrecision = 'f64' | 'f32';

/** An m × n row-major matrix with its two products. */
export interface RowMatrix {
  readonly m: number;
  readonly n: number;
  readonly precision: RowMatrixPrecision;
  /** The elements (fill them before the first product); never reallocated. */
  readonly data: Float64Array | Float32Array;
  /** 'wasm-simd' when the products run in WebAssembly, else 'js'. */
  readonly kind: 'wasm-simd' | 'js';
  /** t = A·x (x: n, t: m). */
  matVec(x: Float64Array, t: Float64Array): void;
  /** z −= Aᵀ·t (t: m, z: n). */
  subTransMatVec(t: Float64Array, z: Float64Array): void;
}

type MatVec4 = (pa: number, px: number, pt: number, m4: number, n: number) => void;
type SubTransMatVec4 = (pa: number, pt: number, pz: number, m4: number, n: number) => void;

interface MatVecExports {
  matVec4: MatVec4;
  subTransMatVec4: SubTransMatVec4;
  matVec4F32: MatVec4;
  subTransMatVec4F32: SubTransMatVec4;
}

/** The compiled kernel module, or null where WebAssembly SIMD is unavailable (decided once). */
export function matVecModule(): WebAssembly.Module | null {
  return compiledWasmModule(MATVEC_WASM_BASE64);
}

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB, WebAssembly's 32-bit limit

/** The plain JavaScript matrix (the fallback, and the reference the tests compare with). */
export function jsRowMatrix(m: number, n: number, precision: RowMatrixPrecision = 'f64'): RowMatrix {
  const data = precision === 'f32' ? new Float32Array(m * n) : new Float64Array(m * n);
  return {
    m,
    n,
    precision,
    data,
    kind: 'js',
    matVec: (x, t) => matVecRows(data, m, n, x, t),
    subTransMatVec: (t, z) => subTransMatVecRows(data, m, n, t, z),
  };
}

/**
 * The matrix in its own WebAssembly memory (A, then x, t and z scratch vectors), or null when the
 * kernel or that much memory is unavailable.
 */
export function wasmRowMatrix(m: number, n: number, precision: RowMatrixPrecision = 'f64'): RowMatrix | null {
  const mod = matVecModule();
  if (!mod) return null;
  const f32 = precision === 'f32';
  const aBytes = m * n * (f32 ? 4 : 8),
    xOff = aBytes,
    tOff = xOff + n * 8,
    zOff = tOff + m * 8;
  const pages = Math.ceil((zOff + n * 8 + 16) / PAGE);
  if (pages > MAX_PAGES) return null;
  let memory: WebAssembly.Memory;
  let k: MatVecExports;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    k = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as MatVecExports;
  } catch {
    return null; // the memory could not be reserved
  }
  const buf = memory.buffer;
  const data = f32 ? new Float32Array(buf, 0, m * n) : new Float64Array(buf, 0, m * n);
  const matVec4 = f32 ? k.matVec4F32 : k.matVec4,
    subTransMatVec4 = f32 ? k.subTransMatVec4F32 : k.subTransMatVec4;
  const xs = new Float64Array(buf, xOff, n),
    ts = new Float64Array(buf, tOff, m),
    zs = new Float64Array(buf, zOff, n);
  const m4 = m - (m % 4);
  const tail = m4 < m ? data.subarray(m4 * n) : null;
  return {
    m,
    n,
    precision,
    data,
    kind: 'wasm-simd',
    matVec(x, t) {
      xs.set(x.subarray(0, n));
      matVec4(0, xOff, tOff, m4, n);
      t.set(ts.subarray(0, m4));
      if (tail) matVecRows(tail, m - m4, n, x, t.subarray(m4));
    },
    subTransMatVec(t, z) {
      ts.set(t.subarray(0, m4));
      zs.set(z.subarray(0, n));
      subTransMatVec4(0, tOff, zOff, m4, n);
      z.set(zs);
      // the leftover rows come last for every z[i], as in the JavaScript loop
      if (tail) subTransMatVecRows(tail, m - m4, n, t.subarray(m4), z);
    },
  };
}

/** An m × n matrix whose products run in WebAssembly where possible, else in JavaScript. */
export function rowMatrix(m: number, n: number, precision: RowMatrixPrecision = 'f64'): RowMatrix {
  return wasmRowMatrix(m, n, precision) ?? jsRowMatrix(m, n, precision);
}
