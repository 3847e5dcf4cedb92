/**
 * tfjs in Node (CLI, tests, benchmarks): `@tensorflow/tfjs-node` cannot be installed here, so the
 * wasm backend (SIMD, single-threaded) is the fast path and the plain JS cpu backend the fallback.
 * The wasm binaries are loaded from node_modules/@tensorflow/tfjs-backend-wasm/dist/.
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { initBackend, type BackendInfo } from './backend';

/** Absolute directory (with trailing separator) holding the tfjs-backend-wasm .wasm files. */
export function nodeWasmDir(): string {
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@tensorflow/tfjs-backend-wasm/package.json');
  return path.join(path.dirname(pkg), 'dist') + path.sep;
}

/** Initialises tfjs on `kind` (default wasm) in Node, with the fixes of ./tfjs-fixes applied. */
export async function initNodeBackend(kind: 'wasm' | 'cpu' = 'wasm'): Promise<BackendInfo> {
  return initBackend({ preferred: kind, wasmPaths: nodeWasmDir() });
}
