/** Types of build-wasm.mjs (assembles the .wat modules of src/compute/wasm/). */
export const WASM_MODULES: Record<string, string>;
export function assembleWat(name: string): Promise<Uint8Array>;
export function assembleGemm(): Promise<Uint8Array>;
