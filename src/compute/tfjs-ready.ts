/**
 * Makes tfjs ready wherever the calling code runs, for code that may run in a browser worker or in Node
 * (model loading, sGDML's tfjs kernel products, network training).
 *
 * A browser worker has chosen its backend already (./backend.ts, which also applies ./tfjs-fixes).
 * In Node (CLI, study, tests) the wasm backend is set up here, as `pes train` does, unless a backend was
 * already initialised with the fixes. The Node-only module (./tfjs-node.ts uses node:module and
 * node:path) is imported through a variable so that the browser bundle never contains it.
 */
import * as tf from '@tensorflow/tfjs';
import { applyTfjsFixes, tfjsFixesApplied } from './tfjs-fixes';

function runningInNode(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; window?: unknown };
  return typeof g.process?.versions?.node === 'string' && typeof g.window === 'undefined';
}

/** Ready tfjs with the gradient fixes applied; returns the backend's name. */
export async function ensureTfjsBackend(): Promise<string> {
  if (runningInNode() && !tfjsFixesApplied()) {
    const nodeModule = './tfjs-node.ts';
    const m = (await import(/* @vite-ignore */ nodeModule)) as {
      initNodeBackend(kind: 'wasm' | 'cpu'): Promise<unknown>;
    };
    await m.initNodeBackend('wasm');
  }
  applyTfjsFixes();
  await tf.ready();
  return tf.getBackend();
}
