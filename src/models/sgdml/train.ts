/**
 * sGDML training (Chmiela et al. 2017/2018; reference: the `sgdml` package 1.0):
 *
 * - labels y = F / std (std = population standard deviation of all training force components);
 * - kernel A = −K + λI (K = symmetrised Hessian kernel, kernel.ts), λ = 1e-10 by default;
 * - solve A α′ = y, α = −α′, either exactly (tiled float64 Cholesky; memory ≈ (3N·M)²/2 · 8 bytes, one copy,
 *   lower triangle only) or matrix-free by preconditioned conjugate gradients whose every product
 *   A·v costs one "prediction" pass over the training set (memory O(M·dim)), preconditioned by a Nyström
 *   approximation built from the kernel columns of a few inducing training points;
 *   `solver: 'auto'` picks Cholesky when its memory estimate fits `memoryBudgetBytes` and the system is small
 *   enough (`choleskyMaxN`) for the O(n³) factorisation to beat CG;
 * - descriptor-space coefficients a_j = J_j α_j (the reference's `R_d_desc_alpha`);
 * - σ: fixed, or chosen from a grid by the lowest force RMSE on the validation frames, stopping once the
 *   validation error rises (sigmaSearch.ts; optionally starting from a given σ);
 * - energy constant c = mean(E_ref − E_pred) over the training frames (reference `_recov_int_const`).
 */
import type { Dataset } from '../../data/dataset';
import type { ForceField, Trainer, TrainOptions, TrainProgress } from '../types';
import {
  AbortError,
  TiledSym,
  choleskyDense,
  choleskyTiledAsync,
  choSolveTiled,
  conjugateGradientAsync,
  yieldToEventLoop,
  solveLowerDense,
  solveLowerTransDense,
  syrkRows,
  throwIfAborted,
  trsmLowerRows,
  type FactorOptions,
  gemmNNRows,
  gemmNTRows,
} from '../../compute/linalg';
import { wasmGemmKernel } from '../../compute/wasmGemm';
import { rowMatrix, type RowMatrix, type RowMatrixPrecision } from '../../compute/wasmMatVec';
import { ExtendedDescriptor, InvDistDescriptor, type Descriptor, type DescriptorKind } from './descriptor';
import {
  computeDescSet,
  jacTVecAdd,
  jacVec,
  kernelBlock,
  permuteRows,
  permuteRowsInto,
  type DescSet,
} from './kernel';
import { SgdmlModel } from './model';
import { findPerms, identityPerms } from './perms';
import { searchSigmaGrid } from './sigmaSearch';

export type SgdmlSolver = 'auto' | 'cholesky' | 'cg';

/**
 * Arithmetic of the CG solver's kernel products: 'f64' (CPU, float64) or 'tfjs-f32' (float32 blocks in tfjs
 * on any backend, partial sums accumulated in float64; tfjsKernel.ts). Measured against f64 in
 * docs/results/sgdml-tfjs.md.
 */
export type SgdmlKernelCompute = 'f64' | 'tfjs-f32';
export const KERNEL_COMPUTE_CHOICES: readonly SgdmlKernelCompute[] = ['f64', 'tfjs-f32'];

/** An alternative tiled-matrix allocator + factoriser (e.g. multi-threaded in Node; see scripts/cli). */
export interface TiledFactorizer {
  threads: number;
  alloc(n: number, T: number): TiledSym;
  factor(A: TiledSym, opts: FactorOptions): Promise<void>;
}

export interface SgdmlParams {
  /** fixed kernel length scale σ; when absent, σ is chosen from `sigmaGrid` on the validation frames */
  sigma?: number;
  /** σ candidates (default 10, 20 … 90, the reference's grid) */
  sigmaGrid?: number[];
  /**
   * where the σ search starts (the grid value nearest to it), e.g. the σ chosen for a smaller training
   * set: the search then walks up or down from there (sigmaSearch.ts); default: up from the smallest σ
   */
  sigmaStart?: number;
  /** regulariser λ (default 1e-10) */
  lambda?: number;
  /** plain GDML (identity permutation only) */
  noSym?: boolean;
  descriptor?: DescriptorKind;
  solver?: SgdmlSolver;
  /** memory the analytic solver may use (bytes); default 8 GiB */
  memoryBudgetBytes?: number;
  /**
   * `auto` also prefers CG above this system size 3N·M (default 8000, i.e. M ≈ 110 for azobenzene): the
   * Cholesky's n³/3 work in JavaScript (≈ 3–4 G multiply-adds/s per core) outgrows CG's n²·iterations there.
   */
  choleskyMaxN?: number;
  /** CG: stop at ‖r‖ ≤ tol·‖y‖ (default 1e-4, the reference's) */
  cgTol?: number;
  cgMaxIter?: number;
  /** CG: number of inducing training points of the Nyström preconditioner (default 2√M, at most 20) */
  nystromPoints?: number;
  /**
   * CG: how the Nyström preconditioner's Zᵀ is stored (default 'f32': half the memory traffic per
   * iteration, the same solution tolerance; 'f64' as before the 20th session)
   */
  precondStorage?: RowMatrixPrecision;
  maxPerms?: number;
  /** precomputed permutations (P × N); skips detection */
  perms?: Int32Array;
  /** multi-threaded Cholesky (Node CLI); the serial one when absent */
  tiled?: TiledFactorizer;
  /** arithmetic of the CG matrix-vector products (default 'f64'); 'tfjs-f32' implies the CG solver */
  kernelCompute?: SgdmlKernelCompute;
  /**
   * tfjs-f32: bits kept by the exact slice splitting of the CG matrix products (tfjsOzaki.ts; default 48);
   * 0 = plain float32 kernel blocks with float64 accumulation (tfjsKernel.ts), accurate only at large λ
   */
  kernelSplitBits?: number;
  /** tfjs-f32 with kernelSplitBits 0: training rows summed in float32 before the float64 accumulation */
  kernelRowBlock?: number;
}

export interface SigmaTrial {
  sigma: number;
  validForceRmse: number;
  validEnergyRmse: number;
}

export const DEFAULT_SIGMA_GRID = [10, 20, 30, 40, 50, 60, 70, 80, 90];

/** Estimated bytes of the analytic solver (one tiled lower-triangular kernel matrix). */
export function choleskyMemoryBytes(nAtoms: number, M: number): number {
  return TiledSym.bytes(3 * nAtoms * M, tileSizeFor(3 * nAtoms * M));
}

function tileSizeFor(n: number): number {
  return n >= 2048 ? 96 : n >= 256 ? 64 : 16;
}

function pickRows(a: Float64Array, idx: Int32Array, width: number): Float64Array {
  const out = new Float64Array(idx.length * width);
  idx.forEach((m, i) => out.set(a.subarray(m * width, (m + 1) * width), i * width));
  return out;
}

/** Everything the solvers need about the training set for one σ. */
interface SolveContext {
  desc: Descriptor;
  S: DescSet;
  maps: Int32Array[];
  lambda: number;
  y: Float64Array;
  signal?: AbortSignal;
  report: (stage: string, f: number, message?: string, metrics?: Record<string, number>) => void;
}

/** Exact solve: tiled Cholesky of A = −K + λI (A reused across σ via `buf`). Returns α (M × 3N). */
async function solveCholesky(
  ctx: SolveContext,
  sigma: number,
  buf: { A?: TiledSym },
  tiled?: TiledFactorizer,
): Promise<Float64Array> {
  const { desc, S, maps, lambda, y } = ctx;
  const n3 = 3 * desc.nAtoms,
    M = S.M,
    n = n3 * M;
  const T = tileSizeFor(n);
  if (!buf.A) buf.A = tiled ? tiled.alloc(n, T) : new TiledSym(n, T);
  else {
    buf.A.data.fill(0);
    for (let r = n; r < buf.A.nt * T; r++) buf.A.set(r, r, 1);
  }
  const A = buf.A;
  const blk = new Float64Array(n3 * n3),
    d = new Float64Array(desc.dim),
    u = new Float64Array(n3),
    w = new Float64Array(n3);
  const pairs = (M * (M + 1)) / 2;
  let done = 0;
  let last = Date.now();
  for (let j = 0; j < M; j++) {
    throwIfAborted(ctx.signal);
    if (Date.now() - last > 100) {
      await yieldToEventLoop();
      last = Date.now();
    }
    for (let i = j; i < M; i++) {
      kernelBlock(desc, S, i, j, maps, sigma, blk, d, u, w);
      A.setBlock(i * n3, j * n3, n3, n3, blk);
    }
    done += M - j;
    if (j % 4 === 0) ctx.report('kernel', done / pairs, `kernel assembly σ=${sigma}`);
  }
  for (let r = 0; r < n; r++) A.set(r, r, A.get(r, r) + lambda);
  ctx.report('solve', 0, `Cholesky n=${n}`);
  await (tiled ? tiled.factor.bind(tiled) : choleskyTiledAsync)(A, {
    signal: ctx.signal,
    onProgress: (f) => ctx.report('solve', f, `Cholesky n=${n}`),
  });
  const a = choSolveTiled(A, y);
  for (let i = 0; i < a.length; i++) a[i] = -a[i];
  return a;
}

/**
 * Matrix-free y = (−K + λI) v in GEMM form. With w_j = J_j v_j, rows w_jp = w_j[m_p], x′_jp = x_j[m_p] and
 * the per-pair scalars h_ijp, c1_ijp (computed once per σ):
 *   d·w = x_i·w_jp − x′_jp·w_jp,  g_ijp = c1_ijp (d·w),
 *   F_i = Σ_jp [g (x_i − x′_jp) − h w_jp] = (Σ_jp g) x_i − [G | H] [X′; W],
 * so one product costs two dense (M × MP × dim) matrix products instead of M²P dim-length loops.
 */
function makeOperator(ctx: SolveContext, sigma: number): (v: Float64Array, out: Float64Array) => void {
  const { desc, S, maps, lambda } = ctx;
  const dim = desc.dim,
    n3 = 3 * desc.nAtoms,
    g3 = 3 * desc.nnz,
    M = S.M,
    P = maps.length,
    MP = M * P;
  const G = S.G as Float64Array;
  const XP = permuteRows(S.X, M, dim, maps);
  // per-pair scalars
  const Hs = new Float64Array(M * MP),
    C1 = new Float64Array(M * MP);
  const s5 = Math.sqrt(5);
  const hFact = 5 / (3 * sigma ** 3),
    c1Fact = 25 / (3 * sigma ** 4);
  for (let i = 0; i < M; i++)
    for (let r = 0; r < MP; r++) {
      let r2 = 0;
      for (let k = 0; k < dim; k++) {
        const t = S.X[i * dim + k] - XP[r * dim + k];
        r2 += t * t;
      }
      const rr = Math.sqrt(r2);
      const e = Math.exp((-s5 * rr) / sigma);
      Hs[i * MP + r] = hFact * (sigma + s5 * rr) * e;
      C1[i * MP + r] = c1Fact * e;
    }
  const W = new Float64Array(M * dim);
  const Q = new Float64Array(M * MP);
  // [G | H] (M × 2MP): the H half is fixed for this σ, the G half is rewritten by every product
  const GH = new Float64Array(M * 2 * MP);
  for (let i = 0; i < M; i++) GH.set(Hs.subarray(i * MP, (i + 1) * MP), i * 2 * MP + MP);
  // [X′; W′] (2MP × dim): X′ fixed, W′ (the permuted J v) rewritten by every product
  const XW = new Float64Array(2 * MP * dim);
  XW.set(XP);
  const WP = XW.subarray(MP * dim);
  const Fx = new Float64Array(M * dim);
  const sw = new Float64Array(MP);
  const gs = new Float64Array(M);
  return (v, out) => {
    for (let j = 0; j < M; j++) jacVec(desc, G, j * g3, v, j * n3, W, j * dim);
    permuteRowsInto(W, M, dim, maps, WP);
    for (let r = 0; r < MP; r++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += XP[r * dim + k] * WP[r * dim + k];
      sw[r] = s;
    }
    gemmNTRows(S.X, WP, M, MP, dim, Q);
    for (let i = 0; i < M; i++) {
      const o = i * MP,
        og = i * 2 * MP;
      let g = 0;
      for (let r = 0; r < MP; r++) {
        const x = C1[o + r] * (Q[o + r] - sw[r]);
        GH[og + r] = x;
        g += x;
      }
      gs[i] = g;
    }
    gemmNNRows(GH, XW, M, dim, 2 * MP, Fx); // Fx = [G | H]·[X′; W′]
    out.fill(0);
    for (let i = 0; i < M; i++) {
      const fo = i * dim;
      for (let k = 0; k < dim; k++) Fx[fo + k] = gs[i] * S.X[fo + k] - Fx[fo + k];
      jacTVecAdd(desc, G, i * g3, Fx, fo, -1, out, i * n3);
    }
    for (let r = 0; r < out.length; r++) out[r] += lambda * v[r];
  };
}

/** Farthest-point sampling of k training points in descriptor space (deterministic, starts at point 0). */
function farthestPoints(S: DescSet, k: number): number[] {
  const { M, dim, X } = S;
  const chosen = [0];
  const dmin = new Float64Array(M).fill(Infinity);
  while (chosen.length < Math.min(k, M)) {
    const c = chosen[chosen.length - 1];
    let best = -1,
      bestD = -1;
    for (let j = 0; j < M; j++) {
      let s = 0;
      for (let q = 0; q < dim; q++) {
        const t = X[j * dim + q] - X[c * dim + q];
        s += t * t;
      }
      if (s < dmin[j]) dmin[j] = s;
      if (dmin[j] > bestD) {
        bestD = dmin[j];
        best = j;
      }
    }
    chosen.push(best);
  }
  return chosen;
}

/**
 * Nyström preconditioner from the kernel columns of k inducing training points: with C = A[:, S] (n × kc),
 * W = A[S, S] = L Lᵀ and Zᵀ = L⁻¹ Cᵀ (kc × n), P = Z Zᵀ + μI and
 * P⁻¹ r = (r − Z (μI + ZᵀZ)⁻¹ Zᵀ r)/μ, μ = max(λ, trace(A − ZZᵀ)/n) (the mean residual eigenvalue).
 * With `storage` 'f32' (the default) Zᵀ is rounded to float32 once it is computed, and ZᵀZ and μ are
 * formed from the rounded values, so P is exactly Z Zᵀ + μI for the stored Z (symmetric positive
 * definite, as CG needs); its two passes per iteration then read half the memory (≈ 0.6× their time).
 * The preconditioner only steers CG: the solution still meets the same residual tolerance.
 * Memory: kc·n doubles (f32: while it is built; then kc·n floats). Work: kc²·n (triangular solve +
 * Gram matrix, both blocked).
 */
function nystromPreconditioner(
  ctx: SolveContext,
  sigma: number,
  kPts: number,
  storage: RowMatrixPrecision,
): { apply: (r: Float64Array, z: Float64Array) => void; kernel: RowMatrix['kind'] } {
  const { desc, S, maps, lambda } = ctx;
  const n3 = 3 * desc.nAtoms,
    M = S.M,
    n = n3 * M;
  const pts = farthestPoints(S, kPts);
  const kc = pts.length * n3;
  const blk = new Float64Array(n3 * n3),
    d = new Float64Array(desc.dim),
    u = new Float64Array(n3),
    w = new Float64Array(n3);
  // Zt (kc × n), first Cᵀ: row (q, a), column (i, b) = A[(pts[q], a), (i, b)]. In float64 it is built
  // where it will stay, in WebAssembly memory where possible (the two SIMD products per CG iteration);
  // for float32 storage it is built in float64 here and copied there once rounded.
  let Zm: RowMatrix | null = storage === 'f64' ? rowMatrix(kc, n, 'f64') : null;
  const Zt = Zm ? (Zm.data as Float64Array) : new Float64Array(kc * n);
  let diagSum = 0;
  for (let i = 0; i < M; i++) {
    throwIfAborted(ctx.signal);
    for (let q = 0; q < pts.length; q++) {
      kernelBlock(desc, S, pts[q], i, maps, sigma, blk, d, u, w);
      for (let a = 0; a < n3; a++) Zt.set(blk.subarray(a * n3, (a + 1) * n3), (q * n3 + a) * n + i * n3);
    }
    kernelBlock(desc, S, i, i, maps, sigma, blk, d, u, w);
    for (let a = 0; a < n3; a++) diagSum += blk[a * n3 + a] + lambda;
    if (i % 8 === 0) ctx.report('precond', (0.3 * (i + 1)) / M, 'Nyström columns');
  }
  for (let q = 0; q < kc; q++) Zt[q * n + pts[Math.floor(q / n3)] * n3 + (q % n3)] += lambda;
  // W = C[S, :] (+ jitter for round-off)
  const Wm = new Float64Array(kc * kc);
  for (let a = 0; a < kc; a++)
    for (let q = 0; q < pts.length; q++)
      for (let b = 0; b < n3; b++) Wm[a * kc + q * n3 + b] = Zt[a * n + pts[q] * n3 + b];
  let trW = 0;
  for (let a = 0; a < kc; a++) trW += Wm[a * kc + a];
  for (let a = 0; a < kc; a++) {
    for (let b = 0; b < a; b++) Wm[a * kc + b] = Wm[b * kc + a] = 0.5 * (Wm[a * kc + b] + Wm[b * kc + a]);
    Wm[a * kc + a] += 1e-13 * (trW / kc);
  }
  choleskyDense(Wm, kc);
  ctx.report('precond', 0.4, 'Nyström triangular solve');
  trsmLowerRows(Wm, kc, Zt, n, ctx.signal);
  if (!Zm) {
    // round first, so that the Gram matrix and μ below are those of the stored Z
    for (let i = 0; i < Zt.length; i++) Zt[i] = Math.fround(Zt[i]);
    Zm = rowMatrix(kc, n, storage);
    Zm.data.set(Zt); // exact: the values are float32 already
  }
  ctx.report('precond', 0.6, 'Nyström Gram matrix');
  const inner = syrkRows(Zt, kc, n, ctx.signal);
  let zNorm = 0;
  for (let a = 0; a < kc; a++) zNorm += inner[a * kc + a];
  const mu = Math.max(lambda, (diagSum - zNorm) / n);
  for (let a = 0; a < kc; a++) inner[a * kc + a] += mu;
  choleskyDense(inner, kc);
  ctx.report('precond', 1, `Nyström rank ${kc}, μ=${mu.toExponential(2)}`);
  const Z = Zm;
  const t = new Float64Array(kc);
  const apply = (r: Float64Array, z: Float64Array) => {
    Z.matVec(r, t); // t = Zᵀ r
    solveLowerDense(inner, kc, t);
    solveLowerTransDense(inner, kc, t);
    z.set(r);
    Z.subTransMatVec(t, z); // z = r − Z t
    const im = 1 / mu;
    for (let i = 0; i < n; i++) z[i] *= im;
  };
  return { apply, kernel: Z.kind };
}

async function solveCg(
  ctx: SolveContext,
  sigma: number,
  params: SgdmlParams,
): Promise<{
  alpha: Float64Array;
  iterations: number;
  relResidual: number;
  exactApplies?: number;
  fellBackAt?: number | null;
  precondKernel: RowMatrix['kind'];
}> {
  const M = ctx.S.M;
  const kPts = params.nystromPoints ?? Math.min(20, Math.max(2, Math.round(2 * Math.sqrt(M))));
  const { apply: pre, kernel: precondKernel } = nystromPreconditioner(
    ctx,
    sigma,
    kPts,
    params.precondStorage ?? 'f32',
  );
  const tol = params.cgTol ?? 1e-4;
  const maxIter = params.cgMaxIter ?? 2000;
  const cgOpts = {
    tol,
    maxIter,
    precond: pre,
    signal: ctx.signal,
    onIter: (it: number, rel: number) =>
      ctx.report('solve', Math.min(1, Math.log(rel) / Math.log(tol)), `CG iteration ${it}`, {
        cgResidual: rel,
        cgIteration: it,
      }),
  };
  let res: {
    x: Float64Array;
    iterations: number;
    relResidual: number;
    exactApplies?: number;
    fellBackAt?: number | null;
  };
  if ((params.kernelCompute ?? 'f64') === 'tfjs-f32') {
    // float32 tfjs products drive the search; float64 products replace the residual now and then
    const [
      { ensureTfjsBackend },
      { tfjsKernelOperator },
      { tfjsOzakiOperator, assertExactFloat32Products },
      { mixedPrecisionCg },
    ] = await Promise.all([
      import('../../compute/tfjs-ready'),
      import('./tfjsKernel'),
      import('./tfjsOzaki'),
      import('./asyncCg'),
    ]);
    await ensureTfjsBackend();
    const bits = params.kernelSplitBits ?? 48;
    if (bits > 0) await assertExactFloat32Products();
    const op =
      bits > 0
        ? tfjsOzakiOperator(ctx.desc, ctx.S, ctx.maps, sigma, ctx.lambda, { bits })
        : tfjsKernelOperator(ctx.desc, ctx.S, ctx.maps, sigma, ctx.lambda, {
            rowBlock: params.kernelRowBlock,
          });
    try {
      res = await mixedPrecisionCg(op.apply, makeOperator(ctx, sigma), ctx.y, cgOpts);
    } finally {
      op.dispose();
    }
  } else res = await conjugateGradientAsync(makeOperator(ctx, sigma), ctx.y, cgOpts);
  const a = res.x;
  for (let i = 0; i < a.length; i++) a[i] = -a[i];
  return {
    alpha: a,
    iterations: res.iterations,
    relResidual: res.relResidual,
    exactApplies: res.exactApplies,
    fellBackAt: res.fellBackAt,
    precondKernel,
  };
}

/**
 * The float64 CG operator y = (−K + λI) v (what the 'f64' solver multiplies with), for checks and benchmarks.
 */
export function sgdmlOperatorF64(
  desc: Descriptor,
  S: DescSet,
  maps: Int32Array[],
  sigma: number,
  lambda: number,
): (v: Float64Array, out: Float64Array) => void {
  return makeOperator({ desc, S, maps, lambda, y: new Float64Array(0), report: () => {} }, sigma);
}

function rmse(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}

export class SgdmlTrainer implements Trainer<SgdmlParams> {
  readonly kind = 'sgdml' as const;

  async train(
    ds: Dataset,
    trainIdx: Int32Array,
    params: SgdmlParams,
    opts: TrainOptions & { validIdx?: Int32Array } = {},
  ): Promise<ForceField> {
    return this.trainModel(ds, trainIdx, params, opts);
  }

  /** Same as train(), typed as SgdmlModel. */
  async trainModel(
    ds: Dataset,
    trainIdx: Int32Array,
    params: SgdmlParams,
    opts: TrainOptions & { validIdx?: Int32Array } = {},
  ): Promise<SgdmlModel> {
    if (!ds.F) throw new Error('sGDML training needs forces');
    if (!ds.E) throw new Error('sGDML training needs energies (for the integration constant)');
    const N = ds.nAtoms,
      n3 = 3 * N,
      M = trainIdx.length;
    if (M < 1) throw new Error('sGDML: empty training set');
    const lambda = params.lambda ?? 1e-10;
    const t0 = Date.now();
    let stageBase = 0,
      stageSpan = 0.05;
    const report = (stage: string, f: number, message?: string, metrics?: Record<string, number>) => {
      const p: TrainProgress = { stage, fraction: Math.min(1, stageBase + stageSpan * f), message, metrics };
      opts.onProgress?.(p);
    };
    const signal = opts.signal;
    const tick = async () => {
      // let the event loop deliver abort signals / progress in workers
      await new Promise((r) => setTimeout(r, 0));
      if (signal?.aborted) throw new AbortError();
    };
    const Rt = pickRows(ds.R, trainIdx, n3);
    const Ft = pickRows(ds.F, trainIdx, n3);
    const Et = Float64Array.from(trainIdx, (m) => (ds.E as Float64Array)[m]);

    // descriptor
    const desc: Descriptor =
      params.descriptor === 'inv+ang'
        ? ExtendedDescriptor.fromGeometry(ds.z, Rt.subarray(0, n3))
        : new InvDistDescriptor(N);

    // permutations
    const warnings: string[] = [];
    let perms: Int32Array;
    if (params.perms) perms = params.perms;
    else if (params.noSym) perms = identityPerms(N);
    else {
      report('perms', 0, 'permutation detection');
      const r = findPerms(Rt, M, ds.z, {
        maxPerms: params.maxPerms ?? 100,
        signal,
        onProgress: (f) => report('perms', f, 'permutation detection'),
      });
      perms = r.perms;
      warnings.push(...r.warnings);
    }
    const maps: Int32Array[] = [];
    const keptPerms: number[] = [];
    for (let p = 0; p < perms.length / N; p++) {
      const m = desc.permIndex(perms.subarray(p * N, (p + 1) * N));
      if (m) {
        maps.push(m);
        keptPerms.push(...perms.subarray(p * N, (p + 1) * N));
      } else warnings.push(`permutation ${p} breaks the bonded descriptor and is dropped`);
    }
    perms = Int32Array.from(keptPerms);
    await tick();

    const S = computeDescSet(desc, Rt, M, true);
    let mean = 0;
    for (let i = 0; i < Ft.length; i++) mean += Ft[i];
    mean /= Ft.length;
    let v = 0;
    for (let i = 0; i < Ft.length; i++) v += (Ft[i] - mean) ** 2;
    const std = Math.sqrt(v / Ft.length);
    const y = Ft.map((f) => f / std);

    const budget = params.memoryBudgetBytes ?? 8 * 1024 ** 3;
    const memChol = choleskyMemoryBytes(N, M);
    const kernelCompute = params.kernelCompute ?? 'f64';
    if (!KERNEL_COMPUTE_CHOICES.includes(kernelCompute))
      throw new Error(
        `sGDML: kernel arithmetic must be ${KERNEL_COMPUTE_CHOICES.join(' or ')}, got '${kernelCompute}'`,
      );
    if (kernelCompute === 'tfjs-f32' && params.solver === 'cholesky')
      throw new Error(
        "sGDML: float32 tfjs kernel products need the CG solver (solver 'cg' or 'auto'), not Cholesky",
      );
    const solver: 'cholesky' | 'cg' =
      kernelCompute === 'tfjs-f32'
        ? 'cg'
        : params.solver === 'cholesky' || params.solver === 'cg'
          ? params.solver
          : memChol <= budget && n3 * M <= (params.choleskyMaxN ?? 8000)
            ? 'cholesky'
            : 'cg';

    const sigmas = params.sigma !== undefined ? [params.sigma] : (params.sigmaGrid ?? DEFAULT_SIGMA_GRID);
    const validIdx = opts.validIdx;
    if (sigmas.length > 1 && (!validIdx || validIdx.length === 0))
      throw new Error('choosing σ from a grid needs validation frames');
    const Rv = validIdx ? pickRows(ds.R, validIdx, n3) : null;
    const Fv = validIdx ? pickRows(ds.F, validIdx, n3) : null;
    const Ev = validIdx ? Float64Array.from(validIdx, (m) => (ds.E as Float64Array)[m]) : null;

    const ctx: SolveContext = { desc, S, maps, lambda, y, signal, report };
    const buf: { A?: TiledSym } = {};
    const trials: SigmaTrial[] = [];
    const solverInfo: Record<string, number> = {};
    let precondKernel: RowMatrix['kind'] | undefined;
    // progress: each trial gets an equal share of 5…95 %, sized for the trials the search expects
    const expectedTrials =
      sigmas.length === 1 ? 1 : params.sigmaStart !== undefined ? Math.min(3, sigmas.length) : sigmas.length;
    const trainAt = async (sigma: number, trial: number): Promise<SgdmlModel> => {
      stageSpan = 0.9 / expectedTrials;
      stageBase = 0.05 + Math.min(trial, expectedTrials - 1) * stageSpan;
      await tick();
      let alpha: Float64Array;
      if (solver === 'cholesky') alpha = await solveCholesky(ctx, sigma, buf, params.tiled);
      else {
        const r = await solveCg(ctx, sigma, params);
        alpha = r.alpha;
        precondKernel = r.precondKernel;
        solverInfo[`cgIterations_sigma${sigma}`] = r.iterations;
        solverInfo[`cgRelResidual_sigma${sigma}`] = r.relResidual;
        if (r.exactApplies !== undefined) solverInfo[`cgExactProducts_sigma${sigma}`] = r.exactApplies;
        // float32 products abandoned at this iteration (their round-off swamped the system), -1: never
        if (r.fellBackAt !== undefined) solverInfo[`cgF32FellBackAt_sigma${sigma}`] = r.fellBackAt ?? -1;
      }
      const A = new Float64Array(M * desc.dim);
      for (let j = 0; j < M; j++)
        jacVec(desc, S.G as Float64Array, j * 3 * desc.nnz, alpha, j * n3, A, j * desc.dim);
      const model0 = new SgdmlModel({
        z: ds.z,
        descriptor: desc,
        sigma,
        lambda,
        c: 0,
        std,
        perms,
        Xtrain: S.X,
        Atrain: A,
        alphas: alpha,
      });
      // c = mean(E_ref − E_pred) over the training frames
      const Etp = model0.predict(Rt, M).E;
      let c = 0;
      for (let i = 0; i < M; i++) c += Et[i] - Etp[i];
      c /= M;
      return new SgdmlModel({
        ...model0.data,
        c,
        idxsTrain: trainIdx,
        idxsValid: validIdx,
        solver: solver === 'cholesky' ? 'analytic' : 'cg',
      });
    };
    let chosenModel: SgdmlModel;
    if (sigmas.length === 1) chosenModel = await trainAt(sigmas[0], 0);
    else {
      const search = await searchSigmaGrid(
        sigmas,
        async (sigma, trial) => {
          const model = await trainAt(sigma, trial);
          const pv = model.predict(Rv as Float64Array, (validIdx as Int32Array).length);
          const fErr = rmse(pv.F, Fv as Float64Array),
            eErr = rmse(pv.E, Ev as Float64Array);
          trials.push({ sigma, validForceRmse: fErr, validEnergyRmse: eErr });
          report('sigma', 1, `σ=${sigma}: validation force RMSE ${fErr.toFixed(4)}`, {
            sigma,
            validForceRmse: fErr,
            validEnergyRmse: eErr,
          });
          return { err: fErr, value: model };
        },
        params.sigmaStart,
      );
      chosenModel = search.value;
    }
    buf.A = undefined;
    chosenModel.data.info = {
      trainSeconds: (Date.now() - t0) / 1000,
      solver,
      choleskyMemoryBytes: memChol,
      nPerms: maps.length,
      sigmaTrials: trials,
      warnings,
      descriptor: desc.kind,
      linalg: wasmGemmKernel() ? 'wasm-simd' : 'js',
      // where the CG preconditioner's products ran (from the 18th session: 'wasm-simd' is faster)
      ...(precondKernel ? { precondLinalg: precondKernel } : {}),
      // how its Zᵀ was stored (from the 20th session: 'f32' by default; before, float64)
      ...(precondKernel ? { precondStorage: params.precondStorage ?? 'f32' } : {}),
      ...(solver === 'cg' ? { kernelCompute } : {}),
      ...solverInfo,
    };
    stageBase = 1;
    stageSpan = 0;
    report('done', 1, `σ=${chosenModel.data.sigma}, ${maps.length} permutations, ${solver}`);
    return chosenModel;
  }
}
