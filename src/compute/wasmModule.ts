/**
 * The embedded WebAssembly modules (src/compute/wasm/*.wat, built into base64 strings by
 * scripts/build-wasm.mjs): decoded and compiled once each. A module that does not validate here
 * (WebAssembly or its SIMD instructions missing) or fails to compile is null, and its callers run
 * their JavaScript paths instead.
 */

/** The bytes of a base64 string. */
export function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const compiled = new Map<string, WebAssembly.Module | null>();

/** The compiled module of base64-encoded WebAssembly, or null where it cannot run (decided once). */
export function compiledWasmModule(base64: string): WebAssembly.Module | null {
  const known = compiled.get(base64);
  if (known !== undefined) return known;
  let mod: WebAssembly.Module | null = null;
  try {
    const bytes = decodeBase64(base64);
    // synchronous compile is allowed for modules under 4 kB, also on a browser's main thread
    if (typeof WebAssembly === 'object' && WebAssembly.validate(bytes)) mod = new WebAssembly.Module(bytes);
  } catch {
    mod = null;
  }
  compiled.set(base64, mod);
  return mod;
}
