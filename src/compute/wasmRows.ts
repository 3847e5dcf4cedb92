/**
 * Row gathers, segment sums, 2-D transposes and column sums in WebAssembly (SIMD where it helps;
 * src/compute/wasm/rows.wat) that run directly on the memory of tfjs's wasm backend: the module
 * imports that memory, so the kernels of nn-common/rowKernels.ts read and write tensors where they
 * lie, without a copy. Same arithmetic as their JavaScript loops (float32 adds in row order), so the
 * same results bit for bit.
 *
 * Where the module cannot link to the memory (WebAssembly SIMD missing, or a shared memory of
 * tfjs's multi-threaded build, which this non-shared import does not accept) `heapRowKernels`
 * returns null and the callers keep their JavaScript loops (and tfjs's own Transpose).
 */
import { ROWS_WASM_BASE64 } from './wasm/rows.wasm';
import { compiledWasmModule } from './wasmModule';

/** The module's exports; pointers are byte offsets into the imported memory. */
export interface HeapRowKernels {
  /** out[r] = x[idx[r]] (a zero row where idx[r] < 0), r < m; rows of d float32. */
  gatherRows(x: number, out: number, idx: number, m: number, d: number): void;
  /** out (rows × d) = 0, then out[idx[r]] += x[r] for r < m in order (idx[r] < 0: left out). */
  segmentSumRows(x: number, out: number, idx: number, m: number, d: number, rows: number): void;
  /** out (cols × rows) = xᵀ for x (rows × cols). */
  transpose2d(x: number, out: number, rows: number, cols: number): void;
  /** out (cols) = Σ_i x[i] for x (rows × cols), each column in row order. */
  sumRows(x: number, out: number, rows: number, cols: number): void;
}

const instances = new WeakMap<WebAssembly.Memory, HeapRowKernels | null>();

/** The WebAssembly.Memory of a tfjs wasm backend (4.x: its Emscripten module's `asm.memory`), or null. */
export function wasmBackendMemory(backend: unknown): WebAssembly.Memory | null {
  const memory = (backend as { wasm?: { asm?: { memory?: unknown } } } | null)?.wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

/** The kernels linked to `memory`, or null where they cannot run (decided once per memory). */
export function heapRowKernels(memory: WebAssembly.Memory): HeapRowKernels | null {
  const known = instances.get(memory);
  if (known !== undefined) return known;
  let kernels: HeapRowKernels | null = null;
  try {
    const mod = compiledWasmModule(ROWS_WASM_BASE64);
    if (mod)
      kernels = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as HeapRowKernels;
  } catch {
    kernels = null;
  }
  instances.set(memory, kernels);
  return kernels;
}
