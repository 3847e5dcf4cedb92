/**
 * Which of the project's own WebAssembly kernels (src/compute/wasm/*.wat) run in this context, for
 * the backend badge and `pes` diagnostics. Each has a JavaScript (or tfjs) fallback that gives the
 * same numbers where it is missing; only the speed differs.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_WASM_BASE64 } from './wasm/adam.wasm';
import { wasmGemmKernel } from './wasmGemm';
import { matVecModule } from './wasmMatVec';
import { compiledWasmModule } from './wasmModule';
import { heapRowKernels, wasmBackendMemory } from './wasmRows';

export interface WasmKernelState {
  /** The .wat file's name. */
  id: 'gemm' | 'matvec' | 'adam' | 'rows';
  /** What it computes, in a few words. */
  what: string;
  active: boolean;
  /** What runs instead, when not active. */
  instead?: string;
}

const NO_SIMD = 'WebAssembly SIMD is not available here';

/** The state of each kernel under the active tfjs backend. */
export function wasmKernelStates(): WasmKernelState[] {
  const backend = tf.getBackend();
  const simd = (id: WasmKernelState['id'], what: string, ok: boolean, instead: string): WasmKernelState =>
    ok ? { id, what, active: true } : { id, what, active: false, instead };
  const onHost = backend === 'wasm' || backend === 'cpu';
  const memory = backend === 'wasm' ? wasmBackendMemory(tf.backend()) : null;
  return [
    simd(
      'gemm',
      'float64 kernel-matrix products (sGDML, GAP)',
      wasmGemmKernel() !== null,
      `${NO_SIMD}: JavaScript loops`,
    ),
    simd(
      'matvec',
      'preconditioner passes of the CG solver (sGDML)',
      matVecModule() !== null,
      `${NO_SIMD}: JavaScript loops`,
    ),
    onHost
      ? simd(
          'adam',
          'Adam updates (SchNet, BPNN)',
          compiledWasmModule(ADAM_WASM_BASE64) !== null,
          `${NO_SIMD}: a JavaScript loop`,
        )
      : {
          id: 'adam',
          what: 'Adam updates (SchNet, BPNN)',
          active: false,
          instead: `tensor ops on ${backend}`,
        },
    backend !== 'wasm'
      ? {
          id: 'rows',
          what: "row gathers and sums on tfjs's wasm memory (SchNet, BPNN)",
          active: false,
          instead: `only for the wasm backend; ${backend} runs its own kernels`,
        }
      : simd(
          'rows',
          "row gathers and sums on tfjs's wasm memory (SchNet, BPNN)",
          memory !== null && heapRowKernels(memory) !== null,
          memory
            ? `${NO_SIMD}, or the memory is shared: JavaScript loops`
            : "tfjs's wasm memory was not found: JavaScript loops",
        ),
  ];
}
