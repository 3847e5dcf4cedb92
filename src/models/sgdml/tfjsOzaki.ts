/**
 * The sGDML CG product A·v with float32 tfjs matrix products that are EXACT: Ozaki-style error-free splitting.
 *
 * Why: per-term float32 rounding (tfjsKernel.ts) gives the product A·α a few per cent error at λ = 1e-10,
 * because A·α is a sum of terms ~10⁵ larger than the result (docs/results/sgdml-tfjs.md). Here every float64
 * matrix entering a product is cut, row by row, into S integer-valued slices of β bits with a common
 * power-of-two scale per row: a_i = 2^e_i Σ_s q_s,i 2^(−β(s+1)). Products of slices summed over a chunk of K
 * columns stay below 2^24 when 2β + log2 K ≤ 24, so each float32 tfjs matMul of two slices is exact; the
 * slice products are read back and combined in float64 (pairs s + t < S). The result carries ≈ βS bits
 * relative to the row/column maxima instead of float32's 24 bits relative to each term.
 *
 * The operator is the GEMM form of train.ts makeOperator, on centred descriptors (x − μ):
 *   Q = X·W′ᵀ,  G = C1 ∘ (Q − diag-free sw),  F_x = (Σ_r G) x − G·X′ − H·W′,  A v = −Jᵀ F_x + λ v,
 * with the per-pair scalars H, C1 in float64 (once per σ) and only the three matrix products in tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import type { Prediction } from '../types';
import type { Descriptor } from './descriptor';
import { jacTVecAdd, jacVec, permuteRows, type DescSet } from './kernel';
import type { SgdmlModel } from './model';

export interface OzakiOptions {
  /** bits kept per product, about β·S (default 48) */
  bits?: number;
  /** largest chunk of the summed dimension per exact float32 product (default 1024) */
  maxChunk?: number;
}

/**
 * Row-wise exact split of a (m × k) into integer-valued float32 slices. With `resident`, the slices of each
 * column chunk are uploaded to tfjs once and kept until `dispose()` (fixed matrices of a CG operator);
 * otherwise they are uploaded per product and freed with it.
 */
export class SplitRows {
  readonly slices: Float32Array[];
  readonly scale: Float64Array;
  private readonly cache = new Map<number, tf.Tensor2D[]>();
  constructor(
    a: Float64Array,
    readonly m: number,
    readonly k: number,
    readonly beta: number,
    readonly S: number,
    readonly resident = false,
  ) {
    this.scale = new Float64Array(m);
    this.slices = Array.from({ length: S }, () => new Float32Array(m * k));
    const pb = 2 ** beta;
    for (let i = 0; i < m; i++) {
      let mx = 0;
      for (let j = 0; j < k; j++) mx = Math.max(mx, Math.abs(a[i * k + j]));
      const e = mx > 0 ? 2 ** Math.ceil(Math.log2(mx)) : 1;
      this.scale[i] = e;
      for (let j = 0; j < k; j++) {
        let r = a[i * k + j] / e; // |r| ≤ 1, exact (power of two)
        for (let s = 0; s < S; s++) {
          r *= pb;
          const q = Math.trunc(r);
          this.slices[s][i * k + j] = q; // |q| ≤ 2^β: exact in float32
          r -= q;
        }
      }
    }
  }

  /** The slices of columns [c0, c0 + kc) as tensors (call inside tf.tidy; resident ones survive it). */
  chunkTensors(c0: number, kc: number): tf.Tensor2D[] {
    const hit = this.cache.get(c0);
    if (hit) return hit;
    const { m, k } = this;
    const ts = this.slices.map((x) => {
      let v = x;
      if (kc !== k) {
        v = new Float32Array(m * kc);
        for (let i = 0; i < m; i++) v.set(x.subarray(i * k + c0, i * k + c0 + kc), i * kc);
      }
      const t = tf.tensor2d(v, [m, kc]);
      return this.resident ? tf.keep(t) : t;
    });
    if (this.resident) this.cache.set(c0, ts);
    return ts;
  }

  dispose(): void {
    for (const ts of this.cache.values()) for (const t of ts) t.dispose();
    this.cache.clear();
  }
}

function betaFor(chunk: number): number {
  return Math.floor((24 - Math.ceil(Math.log2(Math.max(2, chunk)))) / 2);
}

/**
 * C = A·Bᵀ (m × n) in float64 from exact float32 products of the slices of A (m × k) and B (n × k), both split
 * row-wise with the same β and S. Column chunks of ≤ `chunk` keep every float32 sum exact.
 */
async function exactMatMulNT(A: SplitRows, B: SplitRows, chunk: number): Promise<Float64Array> {
  const { m, k, beta, S } = A;
  const n = B.m;
  if (B.k !== k || B.beta !== beta || B.S !== S) throw new Error('exactMatMulNT: mismatched splits');
  const C = new Float64Array(m * n);
  const pairs: [number, number][] = [];
  for (let s = 0; s < S; s++) for (let t = 0; s + t < S; t++) pairs.push([s, t]);
  for (let c0 = 0; c0 < k; c0 += chunk) {
    const kc = Math.min(chunk, k - c0);
    const prod = tf.tidy(() => {
      const As = A.chunkTensors(c0, kc);
      const Bs = B.chunkTensors(c0, kc);
      return tf.stack(pairs.map(([s, t]) => tf.matMul(As[s], Bs[t], false, true)));
    });
    let v: Float32Array;
    try {
      v = (await prod.data()) as Float32Array;
    } finally {
      prod.dispose();
    }
    for (let p = 0; p < pairs.length; p++) {
      const f = 2 ** (-beta * (pairs[p][0] + pairs[p][1] + 2));
      const o = p * m * n;
      for (let i = 0; i < m; i++) {
        const si = A.scale[i] * f;
        for (let j = 0; j < n; j++) C[i * n + j] += si * B.scale[j] * v[o + i * n + j];
      }
    }
  }
  return C;
}

function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

/** The CG operator y = (−K + λI) v with exact-split float32 tfjs matrix products (see the file comment). */
export function tfjsOzakiOperator(
  desc: Descriptor,
  S: DescSet,
  maps: Int32Array[],
  sigma: number,
  lambda: number,
  opts: OzakiOptions = {},
): { apply(v: Float64Array, out: Float64Array): Promise<void>; dispose(): void } {
  const dim = desc.dim,
    n3 = 3 * desc.nAtoms,
    g3 = 3 * desc.nnz,
    M = S.M,
    MP = M * maps.length;
  if (!S.G) throw new Error('tfjs sGDML operator: the training set needs Jacobians');
  const G = S.G;
  const maxChunk = opts.maxChunk ?? 1024;
  const bits = opts.bits ?? 48;
  // centred descriptors; μ is the mean of the permuted rows, so it is symmetric and x_i − x′_r is unchanged
  const XP = permuteRows(S.X, M, dim, maps);
  const mu = new Float64Array(dim);
  for (let r = 0; r < MP; r++) for (let k = 0; k < dim; k++) mu[k] += XP[r * dim + k] / MP;
  const Xc = S.X.map((x, q) => x - mu[q % dim]);
  const XPc = XP.map((x, q) => x - mu[q % dim]);
  // per-pair scalars in float64 (as makeOperator)
  const Hs = new Float64Array(M * MP),
    C1 = new Float64Array(M * MP);
  const s5 = Math.sqrt(5),
    hFact = 5 / (3 * sigma ** 3),
    c1Fact = 25 / (3 * sigma ** 4);
  for (let i = 0; i < M; i++)
    for (let r = 0; r < MP; r++) {
      let r2 = 0;
      for (let k = 0; k < dim; k++) r2 += (Xc[i * dim + k] - XPc[r * dim + k]) ** 2;
      const rr = Math.sqrt(r2);
      const e = Math.exp((-s5 * rr) / sigma);
      Hs[i * MP + r] = hFact * (sigma + s5 * rr) * e;
      C1[i * MP + r] = c1Fact * e;
    }
  // fixed splits: products over dim (Q) and over MP (G·X′, H·W′)
  const cDim = Math.min(dim, maxChunk),
    cMP = Math.min(MP, maxChunk);
  const bDim = betaFor(cDim),
    bMP = betaFor(cMP);
  const sDim = Math.ceil(bits / bDim),
    sMP = Math.ceil(bits / bMP);
  const XcSplit = new SplitRows(Xc, M, dim, bDim, sDim, true);
  const XPtSplit = new SplitRows(transpose(XPc, MP, dim), dim, MP, bMP, sMP, true);
  const HSplit = new SplitRows(Hs, M, MP, bMP, sMP, true);
  const W = new Float64Array(M * dim);
  const Gm = new Float64Array(M * MP);
  const Fx = new Float64Array(M * dim);
  return {
    async apply(v, out) {
      for (let j = 0; j < M; j++) jacVec(desc, G, j * g3, v, j * n3, W, j * dim);
      const WP = permuteRows(W, M, dim, maps);
      const Q = await exactMatMulNT(XcSplit, new SplitRows(WP, MP, dim, bDim, sDim), cDim); // M × MP
      const sw = new Float64Array(MP);
      for (let r = 0; r < MP; r++) {
        let s = 0;
        for (let k = 0; k < dim; k++) s += XPc[r * dim + k] * WP[r * dim + k];
        sw[r] = s;
      }
      for (let i = 0; i < M; i++)
        for (let r = 0; r < MP; r++) Gm[i * MP + r] = C1[i * MP + r] * (Q[i * MP + r] - sw[r]);
      const WPt = new SplitRows(transpose(WP, MP, dim), dim, MP, bMP, sMP);
      const GX = await exactMatMulNT(new SplitRows(Gm, M, MP, bMP, sMP), XPtSplit, cMP); // M × dim
      const HW = await exactMatMulNT(HSplit, WPt, cMP); // M × dim
      for (let i = 0; i < M; i++) {
        let gs = 0;
        for (let r = 0; r < MP; r++) gs += Gm[i * MP + r];
        for (let k = 0; k < dim; k++) {
          const q = i * dim + k;
          Fx[q] = gs * Xc[q] - GX[q] - HW[q];
        }
      }
      out.fill(0);
      for (let i = 0; i < M; i++) jacTVecAdd(desc, G, i * g3, Fx, i * dim, -1, out, i * n3);
      for (let r = 0; r < out.length; r++) out[r] += lambda * v[r];
    },
    dispose: () => {
      XcSplit.dispose();
      XPtSplit.dispose();
      HSplit.dispose();
    },
  };
}

/**
 * Energies and forces of a trained model with the same exact-split float32 tfjs products: the distances
 * r² = ‖x_q‖² + ‖x′_r‖² − 2 x_q·x′_r (centred), d·a = x_q·a_r − x′_r·a_r and F_x = (Σ_r g) x_q − G·X′ − H·A′
 * come from exact float32 slice products; the per-pair scalars (√, exp) are float64 on the CPU.
 */
export async function predictSgdmlTfjsExact(
  model: SgdmlModel,
  R: Float64Array,
  nConf: number,
  opts: OzakiOptions = {},
): Promise<Prediction> {
  const { descriptor: desc, sigma, std, c, Xtrain, Atrain } = model.data;
  const dim = desc.dim,
    n3 = 3 * desc.nAtoms,
    g3 = 3 * desc.nnz,
    MP = model.M * model.maps.length;
  if (R.length < nConf * n3)
    throw new Error(`sGDML tfjs prediction: R holds ${R.length} values < ${nConf} × ${n3}`);
  const maxChunk = opts.maxChunk ?? 1024;
  const bits = opts.bits ?? 48;
  const XP = permuteRows(Xtrain, model.M, dim, model.maps);
  const AP = permuteRows(Atrain, model.M, dim, model.maps);
  const mu = new Float64Array(dim);
  for (let r = 0; r < MP; r++) for (let k = 0; k < dim; k++) mu[k] += XP[r * dim + k] / MP;
  const XPc = XP.map((x, q) => x - mu[q % dim]);
  const X = new Float64Array(nConf * dim),
    Gq = new Float64Array(nConf * g3);
  for (let m = 0; m < nConf; m++)
    desc.compute(R, m * n3, X.subarray(m * dim, (m + 1) * dim), Gq.subarray(m * g3, (m + 1) * g3));
  const Xc = X.map((x, q) => x - mu[q % dim]);
  const cDim = Math.min(dim, maxChunk),
    cMP = Math.min(MP, maxChunk);
  const bDim = betaFor(cDim),
    bMP = betaFor(cMP);
  const sDim = Math.ceil(bits / bDim),
    sMP = Math.ceil(bits / bMP);
  const XqSplit = new SplitRows(Xc, nConf, dim, bDim, sDim);
  const cross = await exactMatMulNT(XqSplit, new SplitRows(XPc, MP, dim, bDim, sDim), cDim); // nQ × MP
  const Qa = await exactMatMulNT(XqSplit, new SplitRows(AP, MP, dim, bDim, sDim), cDim);
  const nx = (a: Float64Array, i: number) => {
    let s = 0;
    for (let k = 0; k < dim; k++) s += a[i * dim + k] ** 2;
    return s;
  };
  const nr = Float64Array.from({ length: MP }, (_, r) => nx(XPc, r));
  const sa = new Float64Array(MP);
  for (let r = 0; r < MP; r++) {
    let s = 0;
    for (let k = 0; k < dim; k++) s += XPc[r * dim + k] * AP[r * dim + k];
    sa[r] = s;
  }
  const s5 = Math.sqrt(5),
    hFact = 5 / (3 * sigma ** 3),
    c1Fact = 25 / (3 * sigma ** 4);
  const Gm = new Float64Array(nConf * MP),
    Hm = new Float64Array(nConf * MP);
  const E = new Float64Array(nConf),
    gs = new Float64Array(nConf);
  for (let q = 0; q < nConf; q++) {
    const nq = nx(Xc, q);
    let e0 = 0,
      g0 = 0;
    for (let r = 0; r < MP; r++) {
      const o = q * MP + r;
      const rr = Math.sqrt(Math.max(0, nq + nr[r] - 2 * cross[o]));
      const ex = Math.exp((-s5 * rr) / sigma);
      const h = hFact * (sigma + s5 * rr) * ex;
      const da = Qa[o] - sa[r];
      Hm[o] = h;
      Gm[o] = c1Fact * ex * da;
      e0 += h * da;
      g0 += Gm[o];
    }
    E[q] = std * e0 + c;
    gs[q] = g0;
  }
  const GX = await exactMatMulNT(
    new SplitRows(Gm, nConf, MP, bMP, sMP),
    new SplitRows(transpose(XPc, MP, dim), dim, MP, bMP, sMP),
    cMP,
  );
  const HA = await exactMatMulNT(
    new SplitRows(Hm, nConf, MP, bMP, sMP),
    new SplitRows(transpose(AP, MP, dim), dim, MP, bMP, sMP),
    cMP,
  );
  const fx = new Float64Array(nConf * dim);
  for (let q = 0; q < nConf; q++)
    for (let k = 0; k < dim; k++) {
      const o = q * dim + k;
      fx[o] = gs[q] * Xc[o] - GX[o] - HA[o];
    }
  const F = new Float64Array(nConf * n3);
  for (let m = 0; m < nConf; m++) jacTVecAdd(desc, Gq, m * g3, fx, m * dim, std, F, m * n3);
  return { E, F };
}

/**
 * Throws unless the active tfjs backend sums float32 integer products exactly up to 2^24 (what the splitting
 * relies on; a GPU that stores or multiplies in half precision does not).
 */
export async function assertExactFloat32Products(): Promise<void> {
  const K = 1024,
    q = 127; // K·q² = 16 516 096 < 2^24
  const a = new Float32Array(K).fill(q);
  a[0] = q - 1; // odd total: a lost low bit shows
  const t = tf.tidy(() =>
    tf.matMul(tf.tensor2d(a, [1, K]), tf.tensor2d(new Float32Array(K).fill(q), [K, 1])),
  );
  try {
    const got = (await t.data())[0];
    const want = (K * q - 1) * q;
    if (got !== want)
      throw new Error(
        `the tfjs ${tf.getBackend()} backend does not multiply float32 integers exactly (${got} ≠ ${want}); ` +
          "use the float64 kernel arithmetic ('f64')",
      );
  } finally {
    t.dispose();
  }
}
