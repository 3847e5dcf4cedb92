/**
 * sGDML kernel products in tfjs (float32 on every backend, GPU included) in blocks: the float32 work is cut
 * into blocks of (queries × `rowBlock` training rows), each block's partial sums are read back and
 * accumulated in float64 on the CPU ("float32 per-term blocks, float64 accumulation").
 * Measured (docs/results/sgdml-tfjs.md): enough for generic vectors (1e-7), NOT for sGDML at small λ — each
 * term's own float32 rounding is amplified by the ~10⁵ cancellation in A·α (5–31 % force error at
 * λ = 1e-10). tfjsOzaki.ts is the exact-split formulation that is accurate there.
 *
 * What enters tfjs is centred and scaled so float32 keeps its digits:
 *   x̂ = (x − μ)·√5/σ  (μ = mean of the permuted training descriptors, computed in float64), so the
 *   differences d̂ = x̂_q − x̂_r are small numbers relative to their inputs' rounding and ρ = ‖d̂‖ = √5 r/σ;
 *   â = a / max|a| (coefficients of order one).
 * With e = exp(−ρ) the per-row terms (kernel.ts, rewritten in the scaled variables) are
 *   F_x(q) = 5/(3σ²) · max|a| · Σ_r e [(d̂·â) d̂ − (1 + ρ) â],
 *   E(q)   = 5/(3σ²) · σ/√5 · max|a| · Σ_r (1 + ρ) e (d̂·â),
 * and the constants are applied in float64 after the read-back.
 *
 * The same product serves prediction (coefficients a = J_j α_j) and the CG matrix-vector product
 * A·v = −Jᵀ F_x[w] + λ v with w_j = J_j v_j (coefficients change every iteration).
 */
import * as tf from '@tensorflow/tfjs';
import type { Prediction } from '../types';
import type { Descriptor } from './descriptor';
import { jacTVecAdd, jacVec, permuteRows, type DescSet } from './kernel';
import type { SgdmlModel } from './model';

export interface TfjsKernelOptions {
  /** training rows summed in float32 before the float64 accumulation (default 64) */
  rowBlock?: number;
  /** cap on the elements of one (queries × rows × dim) block tensor (default 2²¹) */
  maxBlockElements?: number;
}

/**
 * The rows (permuted training descriptors) of one σ, resident in tfjs as float32. Call `dispose()` when
 * done; every call of `product` frees its own tensors.
 */
export class TfjsSgdmlKernel {
  readonly rows: number;
  readonly dim: number;
  readonly rowBlock: number;
  private readonly rowsPad: number;
  private readonly mu: Float64Array;
  private readonly scale: number;
  private readonly Xr: tf.Tensor2D;
  private readonly maxBlock: number;
  private disposed = false;

  /** XP: rows × dim permuted training descriptors (float64). */
  constructor(
    XP: Float64Array,
    rows: number,
    dim: number,
    readonly sigma: number,
    opts: TfjsKernelOptions = {},
  ) {
    if (XP.length !== rows * dim)
      throw new Error(`tfjs sGDML kernel: ${XP.length} values ≠ ${rows} × ${dim}`);
    if (!(sigma > 0)) throw new Error(`tfjs sGDML kernel: σ must be positive, got ${sigma}`);
    this.rows = rows;
    this.dim = dim;
    this.rowBlock = Math.max(1, Math.min(opts.rowBlock ?? 64, rows));
    this.rowsPad = Math.ceil(rows / this.rowBlock) * this.rowBlock;
    this.maxBlock = opts.maxBlockElements ?? 1 << 21;
    this.scale = Math.sqrt(5) / sigma;
    const mu = new Float64Array(dim);
    for (let r = 0; r < rows; r++) for (let k = 0; k < dim; k++) mu[k] += XP[r * dim + k];
    for (let k = 0; k < dim; k++) mu[k] /= rows;
    this.mu = mu;
    // padded rows sit at the centre with zero coefficients: their terms are exactly zero
    const xs = new Float64Array(this.rowsPad * dim);
    for (let r = 0; r < rows; r++)
      for (let k = 0; k < dim; k++) xs[r * dim + k] = (XP[r * dim + k] - mu[k]) * this.scale;
    this.Xr = tf.tensor2d(Float32Array.from(xs), [this.rowsPad, dim]);
  }

  /** Queries per block so that one (queries × rows × dim) tensor stays under the cap. */
  get queryBlock(): number {
    return Math.max(1, Math.floor(this.maxBlock / (this.rowsPad * this.dim)));
  }

  /**
   * Descriptor-space forces fx (nQ × dim) and, with `withEnergy`, energies e (nQ) of the queries Q
   * (nQ × dim descriptors) against the rows with coefficients A (rows × dim), in kernel.ts's units:
   * fx = Σ_r [c1 (d·a) d − h a], e = Σ_r h (d·a).
   */
  async product(
    Q: Float64Array,
    nQ: number,
    A: Float64Array,
    withEnergy: boolean,
  ): Promise<{ fx: Float64Array; e: Float64Array | null }> {
    if (this.disposed) throw new Error('tfjs sGDML kernel used after dispose()');
    const { dim, rows, rowsPad, rowBlock, scale, mu } = this;
    if (Q.length < nQ * dim)
      throw new Error(`tfjs sGDML kernel: queries hold ${Q.length} values < ${nQ} × ${dim}`);
    if (A.length !== rows * dim)
      throw new Error(`tfjs sGDML kernel: coefficients ${A.length} ≠ ${rows} × ${dim}`);
    let amax = 0;
    for (let i = 0; i < A.length; i++) amax = Math.max(amax, Math.abs(A[i]));
    const fx = new Float64Array(nQ * dim);
    const e = withEnergy ? new Float64Array(nQ) : null;
    if (amax === 0 || nQ === 0) return { fx, e };
    if (!Number.isFinite(amax)) throw new Error('tfjs sGDML kernel: coefficients are not finite');
    const as = new Float32Array(rowsPad * dim);
    for (let i = 0; i < A.length; i++) as[i] = A[i] / amax;
    const fFact = (5 / (3 * this.sigma * this.sigma)) * amax;
    const eFact = fFact / scale;
    const nRB = rowsPad / rowBlock;
    const qb = this.queryBlock;
    const At = tf.tensor2d(as, [rowsPad, dim]);
    try {
      for (let q0 = 0; q0 < nQ; q0 += qb) {
        const bq = Math.min(qb, nQ - q0);
        const qs = new Float64Array(bq * dim);
        for (let i = 0; i < bq; i++)
          for (let k = 0; k < dim; k++) qs[i * dim + k] = (Q[(q0 + i) * dim + k] - mu[k]) * scale;
        const out = tf.tidy(() => {
          const D = tf.sub(tf.tensor3d(Float32Array.from(qs), [bq, 1, dim]), this.Xr.expandDims(0)); // bq × rowsPad × dim
          const rho = tf.sqrt(tf.sum(tf.square(D), 2)); // bq × rowsPad
          const ex = tf.exp(tf.neg(rho));
          const da = tf.sum(tf.mul(D, At.expandDims(0)), 2);
          const h = tf.mul(ex, tf.add(rho, 1));
          const g = tf.mul(ex, da);
          const term = tf.sub(tf.mul(g.expandDims(2), D), tf.mul(h.expandDims(2), At.expandDims(0)));
          const f = tf.sum(tf.reshape(term, [bq, nRB, rowBlock, dim]), 2); // bq × nRB × dim
          return withEnergy ? [f, tf.sum(tf.reshape(tf.mul(h, da), [bq, nRB, rowBlock]), 2)] : [f];
        });
        const [pf, pe] = out;
        try {
          const fv = await pf.data();
          for (let i = 0; i < bq; i++) {
            const o = (q0 + i) * dim;
            for (let b = 0; b < nRB; b++) {
              const s = (i * nRB + b) * dim;
              for (let k = 0; k < dim; k++) fx[o + k] += fv[s + k];
            }
            for (let k = 0; k < dim; k++) fx[o + k] *= fFact;
          }
          if (pe && e) {
            const ev = await pe.data();
            for (let i = 0; i < bq; i++) {
              let s = 0;
              for (let b = 0; b < nRB; b++) s += ev[i * nRB + b];
              e[q0 + i] = s * eFact;
            }
          }
        } finally {
          for (const t of out) t.dispose();
        }
      }
    } finally {
      At.dispose();
    }
    return { fx, e };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.Xr.dispose();
  }
}

/**
 * The CG operator y = (−K + λI) v over the symmetrised training set S with the kernel products in tfjs
 * (float32 blocks, float64 accumulation). `dispose()` frees the tensors.
 */
export function tfjsKernelOperator(
  desc: Descriptor,
  S: DescSet,
  maps: Int32Array[],
  sigma: number,
  lambda: number,
  opts: TfjsKernelOptions = {},
): { apply(v: Float64Array, out: Float64Array): Promise<void>; dispose(): void } {
  const dim = desc.dim,
    n3 = 3 * desc.nAtoms,
    g3 = 3 * desc.nnz,
    M = S.M;
  if (!S.G) throw new Error('tfjs sGDML operator: the training set needs Jacobians');
  const G = S.G;
  const kernel = new TfjsSgdmlKernel(permuteRows(S.X, M, dim, maps), M * maps.length, dim, sigma, opts);
  const W = new Float64Array(M * dim);
  return {
    async apply(v, out) {
      for (let j = 0; j < M; j++) jacVec(desc, G, j * g3, v, j * n3, W, j * dim);
      const { fx } = await kernel.product(S.X, M, permuteRows(W, M, dim, maps), false);
      out.fill(0);
      for (let i = 0; i < M; i++) jacTVecAdd(desc, G, i * g3, fx, i * dim, -1, out, i * n3);
      for (let r = 0; r < out.length; r++) out[r] += lambda * v[r];
    },
    dispose: () => kernel.dispose(),
  };
}

/** Energies and forces of a trained model with the kernel products in tfjs (float32 blocks). */
export async function predictSgdmlTfjs(
  model: SgdmlModel,
  R: Float64Array,
  nConf: number,
  opts: TfjsKernelOptions = {},
): Promise<Prediction> {
  const { descriptor: desc, sigma, std, c, Xtrain, Atrain } = model.data;
  const dim = desc.dim,
    n3 = 3 * desc.nAtoms,
    g3 = 3 * desc.nnz;
  if (R.length < nConf * n3)
    throw new Error(`sGDML tfjs prediction: R holds ${R.length} values < ${nConf} × ${n3}`);
  const X = new Float64Array(nConf * dim),
    Gq = new Float64Array(nConf * g3);
  for (let m = 0; m < nConf; m++)
    desc.compute(R, m * n3, X.subarray(m * dim, (m + 1) * dim), Gq.subarray(m * g3, (m + 1) * g3));
  const rows = model.M * model.maps.length;
  const kernel = new TfjsSgdmlKernel(permuteRows(Xtrain, model.M, dim, model.maps), rows, dim, sigma, opts);
  try {
    const { fx, e } = await kernel.product(X, nConf, permuteRows(Atrain, model.M, dim, model.maps), true);
    const E = new Float64Array(nConf);
    const F = new Float64Array(nConf * n3);
    for (let m = 0; m < nConf; m++) {
      E[m] = std * (e as Float64Array)[m] + c;
      jacTVecAdd(desc, Gq, m * g3, fx, m * dim, std, F, m * n3);
    }
    return { E, F };
  } finally {
    kernel.dispose();
  }
}
