/**
 * Mixed-precision conjugate gradients for sGDML's float32 tfjs kernel products: the inexact operator is
 * asynchronous (a tfjs product that reads its partial sums back from a GPU cannot be synchronous), the
 * exact float64 one synchronous. The plain float64 solver is src/compute/linalg.ts `conjugateGradientAsync`.
 */
import { dot, throwIfAborted, yieldToEventLoop } from '../../compute/linalg';

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

export interface MixedCgResult extends AsyncCgResult {
  /** products with the exact (float64) operator: residual replacements, fallbacks, the final check */
  exactApplies: number;
  /** iteration at which the inexact operator was abandoned (the true residual grew), or null */
  fellBackAt: number | null;
}

/**
 * Mixed-precision preconditioned CG with reliable updates (residual replacement; Sleijpen & van der Vorst
 * 1996, Clark et al. 2010): the search runs on the fast inexact operator `applyLow` (float32 blocks), x is
 * accumulated in float64, and whenever the recursive residual has dropped by `delta` since the last
 * replacement it is replaced by the true residual b − A x of the exact operator `applyHigh`, keeping the
 * search direction (also every `checkEvery` iterations). A direction along which the inexact operator is
 * not positive is multiplied exactly. When a replacement finds the true residual 10× above the best one so
 * far, or 8 replacements in a row fail to halve it (round-off of the inexact operator swamps the system's
 * small eigenvalues, e.g. sGDML with λ = 1e-10), the solver returns to the best x and goes on with the
 * exact operator only. Stops on the TRUE residual: ‖b − A x‖ ≤ tol·‖b‖.
 */
export async function mixedPrecisionCg(
  applyLow: (x: Float64Array, y: Float64Array) => Promise<void>,
  applyHigh: (x: Float64Array, y: Float64Array) => void,
  b: Float64Array,
  opts: AsyncCgOptions & { delta?: number; checkEvery?: number },
): Promise<MixedCgResult> {
  const n = b.length;
  const delta = opts.delta ?? 0.1;
  const checkEvery = opts.checkEvery ?? 25;
  let sinceReplace = 0,
    stalled = 0;
  const x = new Float64Array(n);
  const xBest = new Float64Array(n);
  const r = Float64Array.from(b);
  const Ap = new Float64Array(n);
  const z = new Float64Array(n);
  const pre = opts.precond ?? ((a: Float64Array, o: Float64Array) => o.set(a));
  pre(r, z);
  const p = Float64Array.from(z);
  let rz = dot(r, z);
  const bn = Math.sqrt(dot(b, b)) || 1;
  let rel = Math.sqrt(dot(r, r)) / bn;
  let rMax = rel;
  let trueRel = rel;
  let best = rel;
  let it = 0,
    exact = 0;
  let fellBackAt: number | null = null;
  let last = Date.now();
  const replace = () => {
    applyHigh(x, Ap);
    exact++;
    for (let i = 0; i < n; i++) r[i] = b[i] - Ap[i];
    rel = trueRel = Math.sqrt(dot(r, r)) / bn;
    rMax = rel;
    sinceReplace = 0;
    stalled = rel < 0.5 * best ? 0 : stalled + 1;
    if (rel < best) {
      best = rel;
      xBest.set(x);
    }
    if ((rel > 10 * best || stalled >= 8) && fellBackAt === null) {
      fellBackAt = it;
      x.set(xBest);
      applyHigh(x, Ap);
      exact++;
      for (let i = 0; i < n; i++) r[i] = b[i] - Ap[i];
      rel = trueRel = rMax = Math.sqrt(dot(r, r)) / bn;
      pre(r, z);
      p.set(z);
      rz = dot(r, z);
      return true;
    }
    return false;
  };
  while (it < opts.maxIter) {
    if (rel <= opts.tol) {
      if (trueRel === rel) break; // already the true residual
      replace();
      if (rel <= opts.tol) break;
    }
    throwIfAborted(opts.signal);
    let pAp = NaN;
    if (fellBackAt === null) {
      await applyLow(p, Ap);
      pAp = dot(p, Ap);
    }
    if (!(pAp > 0)) {
      applyHigh(p, Ap);
      exact++;
      pAp = dot(p, Ap);
      if (!(pAp > 0)) break; // not positive definite even in float64
    }
    const alpha = rz / pAp;
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * Ap[i];
    }
    it++;
    rel = Math.sqrt(dot(r, r)) / bn;
    trueRel = NaN;
    sinceReplace++;
    const restarted =
      fellBackAt === null &&
      rel > opts.tol &&
      (rel < delta * rMax || sinceReplace >= checkEvery) &&
      replace();
    if (!restarted) {
      pre(r, z);
      const rzNew = dot(r, z);
      const beta = rzNew / rz;
      rz = rzNew;
      for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
    }
    opts.onIter?.(it, rel);
    if (Date.now() - last > 100) {
      await yieldToEventLoop();
      last = Date.now();
    }
  }
  if (Number.isNaN(trueRel)) replace();
  return {
    x,
    iterations: it,
    relResidual: trueRel,
    converged: trueRel <= opts.tol,
    exactApplies: exact,
    fellBackAt,
  };
}
