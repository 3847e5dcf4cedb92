/** Types of build-wasm.mjs (assembles src/compute/wasm/gemm.wat). */
export function assembleGemm(): Promise<Uint8Array>;
