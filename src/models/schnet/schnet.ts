/**
 * SchNet (Schütt et al. 2017/2018; reference code schnetpack) for one molecule, in tfjs.
 *
 *   x⁰_i = embedding(Z_i)                                     (F features)
 *   for t = 1…T interaction blocks (own weights each, as schnetpack's default):
 *     W_ij = Dense(F)(ssp(Dense(F)(rbf(r_ij)))) · f_c(r_ij)   filter network on Gaussian RBFs
 *     v_i  = Dense(F)(ssp(Dense(F)( Σ_{j≠i} W_ij ⊙ Dense_nobias(F)(x_j) )))   cfconv + atom-wise
 *     x_i ← x_i + v_i                                          residual update
 *   y_i = Dense(1)(ssp(Dense(F/2)(x_i)));  E = Σ_i (σ·y_i + μ)
 *
 * rbf_k(r) = exp(−(r − μ_k)² / (2 w²)) with μ_k evenly spaced on [0, r_c] and w the spacing
 * (schnetpack GaussianRBF); f_c is the cosine cutoff; ssp(x) = ln(½eˣ + ½) (shifted softplus).
 * Defaults as the paper's authors used: F = 64, 25 Gaussians, T = 6, r_c = 5 Å.
 * Forces are −∂E/∂R by autodiff; training on them differentiates that again (second order through
 * exp/sigmoid/softplus, correct only with applyTfjsFixes()).
 *
 * Layout: atom features are [N·B, F] rows (atom-major, then frame) so that pair gathers/scatters work
 * on the [N, B·F] view: our row kernels on wasm, matmuls with constant one-hot selectors [P, N]
 * elsewhere (no tf.gather: see tfjs-fixes and nn-common/rowKernels). Pair rows hold each unordered
 * pair i < j once: W_ij depends on r_ij alone, so one filter row serves the message to i and the
 * message to j, and the filter network (most of the work) runs on half the rows; on wasm, only the
 * frames where the pair is within the cutoff (pairRows.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { glorotUniform, Rng } from '../nn-common/rng';
import {
  allPairs,
  cosineCutoff,
  isAllPairs,
  neighbourPairs,
  pairsOnce,
  pairTensors,
  type PairMode,
  type PairTensors,
} from '../nn-common/pairs';
import { rowKernelsActive } from '../nn-common/rowKernels';
import { perFrameRows, rectangularRows, type PairRows } from './pairRows';
import type { AtomisticNet, BatchContext, EnergyStats } from '../nn-common/net';

export interface SchNetConfig {
  /** Feature dimension F (default 64). */
  features: number;
  /** Number of Gaussian radial basis functions (default 25). */
  nGaussians: number;
  /** Interaction blocks (default 6). */
  interactions: number;
  /** Cutoff radius, Å (default 5). */
  cutoff: number;
  /** 'dense' all pairs, per-batch 'neighbour' list, or 'auto' (default; see nn-common/pairs). */
  pairMode: PairMode;
}

export const SCHNET_DEFAULTS: SchNetConfig = {
  features: 64,
  nGaussians: 25,
  interactions: 6,
  cutoff: 5,
  pairMode: 'auto',
};

const LN2 = Math.log(2);
/** Shifted softplus ln(½eˣ + ½) = softplus(x) − ln 2. */
export const ssp = (x: tf.Tensor): tf.Tensor => tf.sub(tf.softplus(x), LN2);

/** Exponents below this are flushed to zero by {@link gaussianRbf} (e⁻⁸⁰ ≈ 1.8·10⁻³⁵). */
export const RBF_FLUSH_EXPONENT = -80;

/**
 * Gaussian radial basis exp(−γ (r − μ_k)²), [P·B, 1] distances × [1, K] centres → [P·B, K], with
 * every value below e⁻⁸⁰ set to exactly 0. Without the flush, centres 2.8–3 Å from a distance give
 * float32 subnormals (below 1.2·10⁻³⁸), which the CPU handles in microcode: a matmul whose input
 * is all subnormal ran 30× slower on wasm, and these ≈ 4 % of the entries made the filter network's
 * matmuls and their gradients several times slower. The flushed values are 10⁻³⁵ of the largest,
 * far below float32 resolution of any sum they enter.
 */
export function gaussianRbf(dist: tf.Tensor2D, centers: tf.Tensor2D, gamma: number): tf.Tensor2D {
  const exponent = tf.mul(-gamma, tf.square(tf.sub(dist, centers)));
  const kept = tf.step(tf.sub(exponent, RBF_FLUSH_EXPONENT)); // 1 where kept, 0 where flushed
  return tf.mul(tf.exp(tf.maximum(exponent, RBF_FLUSH_EXPONENT)), kept) as tf.Tensor2D;
}

interface Dense {
  W: tf.Variable;
  b: tf.Variable | null;
}

interface PairCtx extends BatchContext {
  rows: PairRows;
}

export class SchNetNet implements AtomisticNet {
  readonly kind = 'schnet' as const;
  readonly weights: { name: string; v: tf.Variable }[] = [];
  readonly cfg: SchNetConfig;
  private readonly elements: number[];
  private readonly atomElement: tf.Tensor2D; // [N, nElements] one-hot
  private dense: PairTensors | null = null;
  private readonly centers: tf.Tensor2D; // [1, K]
  private readonly gamma: number;
  private readonly emb: tf.Variable;
  private readonly blocks: { f1: Dense; f2: Dense; in2f: Dense; o1: Dense; o2: Dense }[] = [];
  private readonly out1: Dense;
  private readonly out2: Dense;

  constructor(
    readonly z: Int32Array,
    readonly stats: EnergyStats,
    cfg: Partial<SchNetConfig> = {},
    seed = 0,
  ) {
    this.cfg = { ...SCHNET_DEFAULTS, ...cfg };
    const { features: F, nGaussians: K, interactions: T, cutoff: rc } = this.cfg;
    const rng = new Rng(seed);
    this.elements = [...new Set(Array.from(z))].sort((a, b) => a - b);
    const N = z.length;
    const oh = new Float32Array(N * this.elements.length);
    z.forEach((zi, i) => (oh[i * this.elements.length + this.elements.indexOf(zi)] = 1));
    this.atomElement = tf.tensor2d(oh, [N, this.elements.length]);
    const spacing = rc / (K - 1);
    this.centers = tf.tensor2d(
      Array.from({ length: K }, (_, k) => k * spacing),
      [1, K],
    );
    this.gamma = 0.5 / (spacing * spacing);
    // schnetpack's embedding: N(0, 1) init; we use uniform with the same variance (±√3).
    const e = new Float32Array(this.elements.length * F);
    for (let q = 0; q < e.length; q++) e[q] = rng.uniform(-Math.sqrt(3), Math.sqrt(3));
    this.emb = this.add('embedding', tf.tensor2d(e, [this.elements.length, F]));
    const dense = (name: string, fin: number, fout: number, bias = true): Dense => ({
      W: this.add(`${name}.W`, tf.tensor2d(glorotUniform(rng, fin, fout), [fin, fout])),
      b: bias ? this.add(`${name}.b`, tf.zeros([fout])) : null,
    });
    for (let t = 0; t < T; t++)
      this.blocks.push({
        f1: dense(`int${t}.filter1`, K, F),
        f2: dense(`int${t}.filter2`, F, F),
        in2f: dense(`int${t}.in2f`, F, F, false),
        o1: dense(`int${t}.f2out1`, F, F),
        o2: dense(`int${t}.f2out2`, F, F),
      });
    this.out1 = dense('out1', F, F / 2);
    this.out2 = dense('out2', F / 2, 1);
  }

  private add(name: string, init: tf.Tensor): tf.Variable {
    const v = tf.variable(init, true);
    init.dispose();
    this.weights.push({ name, v });
    return v;
  }

  private apply(d: Dense, x: tf.Tensor2D): tf.Tensor2D {
    const y = tf.matMul(x, d.W as tf.Tensor2D) as tf.Tensor2D;
    return d.b ? (tf.add(y, d.b) as tf.Tensor2D) : y;
  }

  /**
   * The batch's pair rows (pairRows.ts): the cached rectangular layout of every pair ('dense', or
   * 'auto' when the batch's list holds every pair), else the batch's neighbour list, per frame on
   * wasm and rectangular elsewhere.
   */
  context(R: Float64Array, frames: ArrayLike<number>): PairCtx {
    const mode = this.cfg.pairMode;
    const B = frames.length;
    const pl = mode === 'dense' ? null : neighbourPairs(R, this.z.length, frames, this.cfg.cutoff);
    if (!pl || (mode === 'auto' && isAllPairs(pl))) {
      this.dense ??= pairTensors(pairsOnce(allPairs(this.z.length)));
      return { rows: rectangularRows(this.dense, B), dispose: () => {} };
    }
    if (rowKernelsActive())
      return { rows: perFrameRows(R, pairsOnce(pl), frames, this.cfg.cutoff), dispose: () => {} };
    const pt = pairTensors(pairsOnce(pl));
    return { rows: rectangularRows(pt, B), dispose: () => pt.dispose() };
  }

  energy(R: tf.Tensor3D, ctx: BatchContext): tf.Tensor1D {
    const { rows } = ctx as PairCtx;
    const [B, N] = R.shape;
    const F = this.cfg.features;
    // [N, F] embeddings of the molecule's atoms, repeated for each frame → [N·B, F]
    const x0 = tf.matMul(this.atomElement, this.emb as tf.Tensor2D);
    let x = tf.reshape(tf.tile(tf.expandDims(x0, 1), [1, B, 1]), [N * B, F]) as tf.Tensor2D;
    if (rows.nRows > 0) {
      const dist = rows.distances(R); // [rows, 1]
      const rbf = gaussianRbf(dist, this.centers, this.gamma); // [rows, K]
      const fc = cosineCutoff(dist, this.cfg.cutoff); // [rows, 1]
      for (const blk of this.blocks) {
        const W = tf.mul(this.apply(blk.f2, ssp(this.apply(blk.f1, rbf)) as tf.Tensor2D), fc); // [rows, F]
        const agg = rows.aggregate(this.apply(blk.in2f, x), W as tf.Tensor2D); // Σ_j h_j ⊙ W_ij, [N·B, F]
        const v = this.apply(blk.o2, ssp(this.apply(blk.o1, agg)) as tf.Tensor2D);
        x = tf.add(x, v) as tf.Tensor2D;
      }
    }
    const y = this.apply(this.out2, ssp(this.apply(this.out1, x)) as tf.Tensor2D); // [N·B, 1]
    return tf.mul(tf.sum(tf.reshape(y, [N, B]), 0), this.stats.sigma) as tf.Tensor1D;
  }

  config(): Record<string, unknown> {
    return { ...this.cfg };
  }

  dispose(): void {
    for (const w of this.weights) w.v.dispose();
    this.atomElement.dispose();
    this.centers.dispose();
    this.dense?.dispose();
  }
}
