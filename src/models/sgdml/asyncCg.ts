/**
 * Preconditioned conjugate gradients whose operator is asynchronous (a tfjs kernel product that reads its
 * partial sums back from a GPU cannot be synchronous). Same iteration and stopping rule as
 * src/compute/linalg.ts `conjugateGradientAsync`: stop at ‖r‖ ≤ tol·‖b‖ (recursive residual) or maxIter.
 */
import { throwIfAborted, yieldToEventLoop } from '../../compute/linalg';

export interface AsyncCgOptions {
  tol: number;
  maxIter: number;
  precond?: (r: Float64Array, z: Float64Array) => void;
  signal?: AbortSignal;
  onIter?: (iteration: number, relResidual: number) => void;
}

export interface AsyncCgResult {
  x: Float64Array;
  iterations: number;
  relResidual: number;
  converged: boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

export async function conjugateGradientAsyncOp(
  apply: (x: Float64Array, y: Float64Array) => Promise<void>,
  b: Float64Array,
  opts: AsyncCgOptions,
): Promise<AsyncCgResult> {
  const n = b.length;
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const Ap = new Float64Array(n);
  const z = new Float64Array(n);
  const pre = opts.precond ?? ((a: Float64Array, o: Float64Array) => o.set(a));
  pre(r, z);
  const p = Float64Array.from(z);
  let rz = dot(r, z);
  const bn = Math.sqrt(dot(b, b)) || 1;
  let rel = Math.sqrt(dot(r, r)) / bn;
  let it = 0;
  let last = Date.now();
  while (rel > opts.tol && it < opts.maxIter) {
    throwIfAborted(opts.signal);
    await apply(p, Ap);
    const pAp = dot(p, Ap);
    if (!(pAp > 0)) break; // the (float32) operator lost definiteness along p: stop with the best x so far
    const alpha = rz / pAp;
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * Ap[i];
    }
    pre(r, z);
    const rzNew = dot(r, z);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
    it++;
    rel = Math.sqrt(dot(r, r)) / bn;
    opts.onIter?.(it, rel);
    if (Date.now() - last > 100) {
      await yieldToEventLoop();
      last = Date.now();
    }
  }
  return { x, iterations: it, relResidual: rel, converged: rel <= opts.tol };
}
