/**
 * Worker-side functions that are not science: the numeric self-test, the cancellable demo long
 * task and the geometry read-out. Pure functions over the active tfjs backend, so they run the same
 * in a Web Worker, on the main thread and in Node (the tests call them directly).
 */
import * as tf from '@tensorflow/tfjs';
import { backendSelfCheck } from './backend';
import type { GeometrySummary, LongTaskResult, ProgressCallback, SelfTestResult } from './workerApi';

/** Re-runs the backend's numeric self-check (matmul, gradient, second-order gradient) now. */
export async function selfTest(): Promise<SelfTestResult> {
  const problem = await backendSelfCheck();
  return { backend: tf.getBackend(), ok: problem === null, message: problem ?? undefined };
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export interface LongTaskOptions {
  /** Matrix size of each chunk's matmul (default 128). */
  size?: number;
  onProgress?: ProgressCallback;
  /** Cooperative cancellation (used in Node; in the browser the worker is terminated instead). */
  signal?: AbortSignal;
}

/**
 * Demo long job: repeated size×size float32 matmuls on the active backend for about `ms`
 * milliseconds. After every chunk it reads one value back (so the work really runs), reports
 * progress (at most every 50 ms) and yields to the event loop.
 */
export async function longTask(ms: number, opts: LongTaskOptions = {}): Promise<LongTaskResult> {
  if (!(ms > 0) || !Number.isFinite(ms))
    throw new Error(`longTask: duration must be a positive number of ms, got ${ms}`);
  const size = opts.size ?? 128;
  const a = tf.randomUniform([size, size], -1, 1, 'float32', 7);
  const b = tf.randomUniform([size, size], -1, 1, 'float32', 8);
  const t0 = performance.now();
  let chunks = 0;
  let checksum = 0;
  let lastReport = -Infinity;
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new DOMException('longTask cancelled', 'AbortError');
      const c = tf.tidy(() => tf.matMul(tf.matMul(a, b), b).slice([chunks % size, 0], [1, 1]));
      checksum += (await c.data())[0];
      c.dispose();
      chunks++;
      const elapsed = performance.now() - t0;
      const done = elapsed >= ms;
      if (opts.onProgress && (done || elapsed - lastReport >= 50)) {
        lastReport = elapsed;
        const gflops = (chunks * 4 * size ** 3) / (elapsed * 1e6);
        opts.onProgress({
          fraction: Math.min(1, elapsed / ms),
          message: `${chunks} matmul chunks`,
          metrics: { gflops, chunks },
        });
      }
      if (done) {
        return {
          backend: tf.getBackend(),
          chunks,
          elapsedMs: elapsed,
          gflops: (chunks * 4 * size ** 3) / (elapsed * 1e6),
          checksum,
        };
      }
      await yieldToEventLoop();
    }
  } finally {
    a.dispose();
    b.dispose();
  }
}

/** Shortest interatomic distance and radius of gyration of one geometry (R flat, Å), via tfjs. */
export async function geometrySummary(R: Float64Array): Promise<GeometrySummary> {
  if (R.length === 0 || R.length % 3 !== 0)
    throw new Error(`geometrySummary: expected 3·nAtoms coordinates, got ${R.length} numbers`);
  const nAtoms = R.length / 3;
  const [d2, rg] = tf.tidy(() => {
    const x = tf.tensor2d(Float32Array.from(R), [nAtoms, 3]);
    const diff = tf.sub(tf.expandDims(x, 1), tf.expandDims(x, 0));
    const dist2 = tf.sum(tf.square(diff), -1);
    const centred = tf.sub(x, tf.mean(x, 0, true));
    return [dist2, tf.sqrt(tf.mean(tf.sum(tf.square(centred), -1)))];
  });
  const dist2 = await d2.data();
  const rgValue = (await rg.data())[0];
  d2.dispose();
  rg.dispose();
  let best = Infinity;
  let pair: [number, number] = [0, 0];
  for (let i = 0; i < nAtoms; i++)
    for (let j = i + 1; j < nAtoms; j++)
      if (dist2[i * nAtoms + j] < best) {
        best = dist2[i * nAtoms + j];
        pair = [i, j];
      }
  return {
    backend: tf.getBackend(),
    nAtoms,
    minDistance: nAtoms > 1 ? Math.sqrt(best) : NaN,
    minPair: pair,
    radiusOfGyration: rgValue,
  };
}
