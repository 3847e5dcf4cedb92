/**
 * GAP: Gaussian approximation potential with SOAP descriptors (Bartók et al., PRL 104, 136403 (2010);
 * Bartók & Csányi, IJQC 115, 1051 (2015)), trained as QUIP's `gap_fit` does, on total energies and forces.
 *
 * Model: E = Σ_i e0(Z_i) + Σ_i ε(q_i), with the local energy of atom i (species Z) a sparse GP
 *   ε(q) = Σ_{s ∈ sparse(Z)} α_s k(q, q_s),   k(q, q′) = δ² (q·q′)^ζ,   q = normalised SOAP vector.
 * Each central species has its own sparse set (per-species descriptors, as in QUIP with one `soap`
 * descriptor per Z); density channels are species-resolved (soap.ts).
 * Forces: F = −∂E/∂R = −Σ_i Σ_s α_s δ² ζ (q_i·q_s)^{ζ−1} q_s·∂q_i/∂R.
 *
 * Fit (projected process / "subset of regressors" mean, as gap_fit): with Φ the N_obs × M matrix of
 * observations of the basis functions (energy rows Σ_i k(q_i, q_s), force rows −Σ_i ∂k(q_i, q_s)/∂R),
 * Λ = diag(σ_E², σ_F²…) and K_MM the sparse-sparse kernel (+ jitter·δ² on the diagonal),
 *   α = (K_MM + Φᵀ Λ⁻¹ Φ)⁻¹ Φᵀ Λ⁻¹ y,
 * solved as the least-squares problem ‖[Λ^{−1/2}Φ; Lᵀ] α − [Λ^{−1/2} y; 0]‖ (K_MM = L Lᵀ) by a streaming
 * Householder QR in float64 (smallLinalg.ts), which QUIP also prefers over the normal equations for
 * stability; Φ is never stored whole.
 * Predictive variance of a total energy (projected-process / DTC form):
 *   var E* = k** − k*ᵀ K_MM⁻¹ k* + k*ᵀ (K_MM + ΦᵀΛ⁻¹Φ)⁻¹ k*,  k*_s = Σ_i k(q_i, q_s), k** = Σ_{i,j} k(q_i, q_j)
 * (same-species pairs only; noise not included), from L and the QR factor R.
 *
 * Energy offsets e0: 'average' (QUIP e0_method=average: mean training energy per atom, the same for every
 * element) or given isolated-atom energies per element (kcal/mol).
 */

import type { Dataset } from '../../data/dataset.ts';
import type { ForceField, ModelKind, Prediction, SerializedModel, TrainOptions, Trainer } from '../types.ts';
import { Soap, type SoapParams } from './soap.ts';
import { selectSparse, makeRng } from './sparse.ts';
import {
  StreamingQR,
  cholesky,
  matABt,
  matABtStrided,
  solveLower,
  solveUpper,
  solveUpperTrans,
} from './smallLinalg.ts';

export const EV_KCAL = 23.0605;

export interface GapParams extends SoapParams {
  /** Kernel exponent ζ. */
  zeta: number;
  /** Kernel prior scale δ, kcal/mol. */
  delta: number;
  /** Energy regulariser σ_E per configuration, kcal/mol. */
  sigmaE: number;
  /** Force regulariser σ_F per component, kcal/mol/Å. */
  sigmaF: number;
  /** Sparse points per central species (all environments when fewer). */
  nSparse: number;
  sparseMethod: 'cur' | 'random';
  /** Diagonal jitter on K_MM relative to δ² (QUIP sparse_jitter). */
  jitter: number;
  /** 'average' or isolated-atom energies by atomic number (kcal/mol). */
  e0: 'average' | Record<number, number>;
  /** At most this many environments per species are considered for sparse selection (memory bound). */
  poolCap: number;
  /** Keep the factors needed for the predictive variance (M² doubles ×2). */
  variance: boolean;
}

/**
 * The settings of Vassilev-Galindo et al. (2021): cutoff 5 Å, transition 0.5 Å, n_max 12, l_max 6,
 * atom_sigma 0.3 Å, ζ = 2, δ = 0.25 eV, σ_E = 0.001 eV, σ_F = 0.2 eV/Å (converted to kcal/mol). They used
 * 4000 sparse points; our default is 500 per species so training fits in a browser tab (training cost grows
 * as M²; raise nSparse for the full setting).
 */
export const GAP_PAPER: GapParams = {
  cutoff: 5,
  transitionWidth: 0.5,
  nMax: 12,
  lMax: 6,
  atomSigma: 0.3,
  centralWeight: 1,
  zeta: 2,
  delta: 0.25 * EV_KCAL,
  sigmaE: 0.001 * EV_KCAL,
  sigmaF: 0.2 * EV_KCAL,
  nSparse: 500,
  sparseMethod: 'cur',
  jitter: 1e-8,
  e0: 'average',
  poolCap: 20000,
  variance: true,
};

/** The faster, commonly used setting: n_max 8, l_max 4, everything else as the paper. */
export const GAP_FAST: GapParams = { ...GAP_PAPER, nMax: 8, lMax: 4 };

export const GAP_PRESETS = { paper: GAP_PAPER, fast: GAP_FAST } as const;

class AbortErr extends Error {
  constructor() {
    super('aborted');
    this.name = 'AbortError';
  }
}

/** Per-species sparse set. */
interface SparseBlock {
  Z: number;
  M: number;
  /** offset of this block in the global coefficient vector */
  off: number;
  /** sparse descriptors, M × dim */
  Q: Float64Array;
}

export interface GapModelData {
  params: GapParams;
  z: Int32Array;
  species: number[];
  e0: Record<number, number>;
  blocks: SparseBlock[];
  alpha: Float64Array;
  /** Cholesky factor of K_MM (lower, M×M), for the variance. */
  Lmm?: Float64Array;
  /** R of the QR solve (upper, M×M), for the variance. */
  Rqr?: Float64Array;
}

function kernelPow(x: number, zeta: number): number {
  return zeta === 2 ? x * x : Math.pow(Math.max(x, 0), zeta);
}
function kernelPowDeriv(x: number, zeta: number): number {
  return zeta === 2 ? 2 * x : zeta * Math.pow(Math.max(x, 0), zeta - 1);
}

export class GapModel implements ForceField {
  readonly kind: ModelKind = 'gap';
  readonly z: Int32Array;
  readonly data: GapModelData;
  readonly soap: Soap;
  private readonly M: number;

  constructor(data: GapModelData) {
    this.data = data;
    this.z = data.z;
    this.soap = new Soap(data.params, data.species);
    this.M = data.blocks.reduce((s, b) => s + b.M, 0);
  }

  /** Number of sparse points, total. */
  get nSparse(): number {
    return this.M;
  }

  predict(R: Float64Array, nConf: number): Prediction {
    const N = this.z.length;
    const nc = 3 * N;
    const D = this.soap.dim;
    const { params, blocks, alpha, e0, Lmm, Rqr } = this.data;
    const { delta, zeta } = params;
    const d2 = delta * delta;
    const E = new Float64Array(nConf);
    const F = new Float64Array(nConf * nc);
    const withVar = !!(Lmm && Rqr);
    const varE = withVar ? new Float64Array(nConf) : undefined;
    const blockOf = new Map(blocks.map((b) => [b.Z, b]));
    const Mmax = Math.max(1, ...blocks.map((b) => b.M));
    const dots = new Float64Array(Mmax);
    const g = new Float64Array(D);
    const kstar = new Float64Array(this.M);
    const buf: { q?: Float64Array; dp?: Float64Array } = {};
    const chanOf = new Map(this.soap.species.map((Z, a) => [Z, a]));
    for (let t = 0; t < nConf; t++) {
      const res = this.soap.compute(R, t * nc, this.z, 'raw', buf);
      const { q, dp, pnorm, qdp, nbr } = res;
      buf.q = q;
      buf.dp = dp;
      let e = 0;
      kstar.fill(0);
      for (let i = 0; i < N; i++) {
        const Zi = this.z[i];
        e += e0[Zi] ?? 0;
        const b = blockOf.get(Zi);
        if (!b) continue;
        matABt(b.Q, 0, b.M, q, i * D, 1, D, dots, 1);
        g.fill(0);
        for (let s = 0; s < b.M; s++) {
          const a = alpha[b.off + s];
          const x = dots[s];
          const k = d2 * kernelPow(x, zeta);
          e += a * k;
          kstar[b.off + s] += k;
          const w = a * d2 * kernelPowDeriv(x, zeta);
          if (w === 0) continue;
          const qo = s * D;
          for (let k2 = 0; k2 < D; k2++) g[k2] += w * b.Q[qo + k2];
        }
        // F_c −= g·∂q_i/∂R_c, with ∂q_i/∂R_c = (∂p_i/∂R_c − q_i (q_i·∂p_i/∂R_c))/‖p_i‖ (soap.ts, raw mode)
        let gq = 0;
        for (let k2 = 0; k2 < D; k2++) gq += g[k2] * q[i * D + k2];
        const inv = pnorm![i] > 0 ? 1 / pnorm![i] : 0;
        for (let j = 0; j < N; j++) {
          if (j === i || !nbr![i * N + j]) continue;
          const ranges = this.soap.channelRanges[chanOf.get(this.z[j])!];
          for (let k = 0; k < 3; k++) {
            const c = 3 * j + k;
            const o = (i * nc + c) * D;
            let sdp = 0;
            for (const [st, len] of ranges) for (let e2 = st; e2 < st + len; e2++) sdp += g[e2] * dp![o + e2];
            const v = (sdp - gq * qdp![i * nc + c]) * inv;
            F[t * nc + c] -= v;
            F[t * nc + 3 * i + k] += v;
          }
        }
      }
      E[t] = e;
      if (varE) {
        let kss = 0;
        for (let i = 0; i < N; i++) {
          if (!blockOf.has(this.z[i])) continue;
          for (let j = 0; j < N; j++) {
            if (this.z[j] !== this.z[i]) continue;
            let x = 0;
            for (let k2 = 0; k2 < D; k2++) x += q[i * D + k2] * q[j * D + k2];
            kss += d2 * kernelPow(x, zeta);
          }
        }
        const u = Float64Array.from(kstar);
        solveLower(Lmm!, this.M, u);
        const v = Float64Array.from(kstar);
        solveUpperTrans(Rqr!, this.M, v);
        let uu = 0;
        let vv = 0;
        for (let s = 0; s < this.M; s++) {
          uu += u[s] * u[s];
          vv += v[s] * v[s];
        }
        varE[t] = Math.max(0, kss - uu + vv);
      }
    }
    return varE ? { E, F, varE } : { E, F };
  }

  serialize(): SerializedModel {
    const d = this.data;
    return {
      kind: 'gap',
      version: 1,
      payload: {
        params: d.params,
        z: Array.from(d.z),
        species: d.species,
        e0: d.e0,
        blocks: d.blocks.map((b) => ({ Z: b.Z, M: b.M, off: b.off, Q: f64ToB64(b.Q) })),
        alpha: f64ToB64(d.alpha),
        Lmm: d.Lmm ? f64ToB64(d.Lmm) : null,
        Rqr: d.Rqr ? f64ToB64(d.Rqr) : null,
      },
    };
  }
}

/** Rebuild a GapModel from `serialize()` output. */
export function deserializeGap(m: SerializedModel): GapModel {
  if (m.kind !== 'gap') throw new Error(`not a GAP model (kind ${m.kind})`);
  if (m.version !== 1) throw new Error(`unsupported GAP model version ${m.version}`);
  const p = m.payload as {
    params: GapParams;
    z: number[];
    species: number[];
    e0: Record<number, number>;
    blocks: { Z: number; M: number; off: number; Q: string }[];
    alpha: string;
    Lmm: string | null;
    Rqr: string | null;
  };
  return new GapModel({
    params: p.params,
    z: Int32Array.from(p.z),
    species: p.species,
    e0: p.e0,
    blocks: p.blocks.map((b) => ({ Z: b.Z, M: b.M, off: b.off, Q: b64ToF64(b.Q) })),
    alpha: b64ToF64(p.alpha),
    Lmm: p.Lmm ? b64ToF64(p.Lmm) : undefined,
    Rqr: p.Rqr ? b64ToF64(p.Rqr) : undefined,
  });
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function f64ToB64(a: Float64Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i];
    const b1 = i + 1 < bytes.length ? bytes[i + 1] : 0;
    const b2 = i + 2 < bytes.length ? bytes[i + 2] : 0;
    chunk += B64[b0 >> 2] + B64[((b0 & 3) << 4) | (b1 >> 4)];
    chunk += i + 1 < bytes.length ? B64[((b1 & 15) << 2) | (b2 >> 6)] : '=';
    chunk += i + 2 < bytes.length ? B64[b2 & 63] : '=';
    if (chunk.length > 8192) {
      out.push(chunk);
      chunk = '';
    }
  }
  out.push(chunk);
  return out.join('');
}
function b64ToF64(s: string): Float64Array {
  const lut = new Int16Array(128).fill(-1);
  for (let i = 0; i < 64; i++) lut[B64.charCodeAt(i)] = i;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const nBytes = (s.length / 4) * 3 - pad;
  const bytes = new Uint8Array(nBytes);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    const v =
      (lut[s.charCodeAt(i)] << 18) |
      (lut[s.charCodeAt(i + 1)] << 12) |
      ((lut[s.charCodeAt(i + 2)] & 63) << 6) |
      (lut[s.charCodeAt(i + 3)] & 63);
    if (o < nBytes) bytes[o++] = (v >> 16) & 255;
    if (o < nBytes) bytes[o++] = (v >> 8) & 255;
    if (o < nBytes) bytes[o++] = v & 255;
  }
  return new Float64Array(bytes.buffer);
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

export class GapTrainer implements Trainer<Partial<GapParams>> {
  readonly kind: ModelKind = 'gap';

  async train(
    ds: Dataset,
    trainIdx: Int32Array,
    paramsIn: Partial<GapParams>,
    opts: TrainOptions & { validIdx?: Int32Array } = {},
  ): Promise<ForceField> {
    return trainGap(ds, trainIdx, paramsIn, opts);
  }
}

/** Train a GAP model; see the module comment for the method. */
export async function trainGap(
  ds: Dataset,
  trainIdx: Int32Array,
  paramsIn: Partial<GapParams>,
  opts: TrainOptions = {},
): Promise<GapModel> {
  const params: GapParams = { ...GAP_PAPER, ...paramsIn };
  const { signal, onProgress } = opts;
  const seed = opts.seed ?? 1;
  if (!ds.E) throw new Error('GAP training needs energies');
  const useF = !!ds.F;
  const N = ds.nAtoms;
  const nc = 3 * N;
  const z = ds.z;
  const nT = trainIdx.length;
  if (nT < 1) throw new Error('no training frames');
  const species = [...new Set(Array.from(z))].sort((a, b) => a - b);
  const soap = new Soap(params, species);
  const D = soap.dim;
  const check = () => {
    if (signal?.aborted) throw new AbortErr();
  };
  const report = (stage: string, fraction: number, message?: string) =>
    onProgress?.({ stage, fraction: Math.min(1, Math.max(0, fraction)), message });

  // energy offsets
  const e0: Record<number, number> = {};
  if (params.e0 === 'average') {
    let s = 0;
    for (let t = 0; t < nT; t++) s += ds.E[trainIdx[t]];
    const perAtom = s / nT / N;
    for (const Z of species) e0[Z] = perAtom;
  } else {
    for (const Z of species) {
      const v = params.e0[Z];
      if (v === undefined) throw new Error(`no isolated-atom energy for Z=${Z}`);
      e0[Z] = v;
    }
  }

  // 1. descriptors of candidate environments, per species (float32 pool)
  const rng = makeRng(seed);
  const atomsOf = species.map((Z) => Array.from(z, (zz, i) => (zz === Z ? i : -1)).filter((i) => i >= 0));
  const pools = species.map((_, si) => {
    const nEnv = nT * atomsOf[si].length;
    let envs = Int32Array.from({ length: nEnv }, (_, k) => k);
    if (nEnv > params.poolCap) {
      for (let k = nEnv - 1; k > 0; k--) {
        const r = Math.floor(rng() * (k + 1));
        const tmp = envs[k];
        envs[k] = envs[r];
        envs[r] = tmp;
      }
      envs = envs.slice(0, params.poolCap).sort();
    }
    return { envs, X: new Float32Array(envs.length * D), fill: 0 };
  });
  // env k of species si ↔ frame trainIdx[floor(k / nA)], atom atomsOf[si][k % nA]
  const ptr = species.map(() => 0);
  for (let t = 0; t < nT; t++) {
    if (t % 20 === 0) {
      check();
      report('descriptors', 0.1 * (t / nT), `SOAP descriptors ${t}/${nT}`);
      await tick();
    }
    const { q } = soap.compute(ds.R, trainIdx[t] * nc, z, false);
    species.forEach((_, si) => {
      const nA = atomsOf[si].length;
      const pool = pools[si];
      while (ptr[si] < pool.envs.length && Math.floor(pool.envs[ptr[si]] / nA) === t) {
        const a = atomsOf[si][pool.envs[ptr[si]] % nA];
        pool.X.set(q.subarray(a * D, (a + 1) * D), pool.fill * D);
        pool.fill++;
        ptr[si]++;
      }
    });
  }

  // 2. sparse points per species
  report('sparse', 0.1, 'choosing sparse points');
  await tick();
  const blocks: SparseBlock[] = [];
  let off = 0;
  for (let si = 0; si < species.length; si++) {
    check();
    const pool = pools[si];
    const nA = atomsOf[si].length;
    const sel = selectSparse(
      pool.X,
      pool.envs.length,
      D,
      params.nSparse,
      params.sparseMethod,
      seed + 17 * si,
    );
    const M = sel.length;
    const Q = new Float64Array(M * D);
    // recompute in float64, frame by frame
    let lastFrame = -1;
    let qf: Float64Array | null = null;
    for (let k = 0; k < M; k++) {
      const env = pool.envs[sel[k]];
      const t = Math.floor(env / nA);
      const a = atomsOf[si][env % nA];
      if (t !== lastFrame) {
        qf = soap.compute(ds.R, trainIdx[t] * nc, z, false).q;
        lastFrame = t;
      }
      Q.set(qf!.subarray(a * D, (a + 1) * D), k * D);
    }
    blocks.push({ Z: species[si], M, off, Q });
    off += M;
    pool.X = new Float32Array(0);
  }
  const M = off;

  // 3. K_MM and its Cholesky factor
  report('kernel', 0.15, `K_MM (${M} sparse points)`);
  await tick();
  const d2 = params.delta * params.delta;
  const { zeta } = params;
  const Kmm = new Float64Array(M * M);
  for (const b of blocks) {
    const tmp = new Float64Array(b.M * b.M);
    matABt(b.Q, 0, b.M, b.Q, 0, b.M, D, tmp, b.M);
    for (let s = 0; s < b.M; s++)
      for (let u = 0; u < b.M; u++) Kmm[(b.off + s) * M + b.off + u] = d2 * kernelPow(tmp[s * b.M + u], zeta);
  }
  for (let s = 0; s < M; s++) Kmm[s * M + s] += params.jitter * d2;
  cholesky(Kmm, M);
  const L = Kmm;
  const R0 = new Float64Array(M * M);
  for (let s = 0; s < M; s++) for (let u = 0; u <= s; u++) R0[u * M + s] = L[s * M + u];
  const qr = new StreamingQR(M, R0);

  // 4. stream the observations through the QR
  const rowsPerFrame = 1 + (useF ? nc : 0);
  const framesPerBlock = Math.max(1, Math.floor(96 / rowsPerFrame));
  const ldb = framesPerBlock * rowsPerFrame;
  const Bblk = new Float64Array(ldb * M);
  const yblk = new Float64Array(ldb);
  let rows = 0;
  const Mmax = Math.max(...blocks.map((b) => b.M));
  const T = new Float64Array(Mmax * nc);
  const dots = new Float64Array(Mmax);
  const buf: { q?: Float64Array; dp?: Float64Array } = {};
  const chanOf = new Map(species.map((Z, a) => [Z, a]));
  /**
   * T[s·nc + c] = q_s · ∂q_i/∂R_c for every sparse point s of block b, from the raw derivatives: only the
   * entry ranges of neighbour j's channel are multiplied, the normalisation is applied afterwards and the
   * centre's column is minus the sum of the neighbours' (translation invariance).
   */
  const forceColumns = (
    b: SparseBlock,
    i: number,
    res: ReturnType<Soap['compute']>,
    dotsI: Float64Array,
    Tout: Float64Array,
  ) => {
    const { dp, pnorm, qdp, nbr } = res;
    Tout.fill(0, 0, b.M * nc);
    const inv = pnorm![i] > 0 ? 1 / pnorm![i] : 0;
    for (let j = 0; j < N; j++) {
      if (j === i || !nbr![i * N + j]) continue;
      const rowJ = (i * nc + 3 * j) * D;
      for (const [st, len] of soap.channelRanges[chanOf.get(z[j])!])
        matABtStrided(b.Q, st, D, b.M, dp!, rowJ + st, D, 3, len, Tout, 3 * j, nc, true);
      for (let k = 0; k < 3; k++) {
        const c = 3 * j + k;
        const qd = qdp![i * nc + c];
        for (let s = 0; s < b.M; s++) {
          const o = s * nc;
          const v = (Tout[o + c] - dotsI[s] * qd) * inv;
          Tout[o + c] = v;
          Tout[o + 3 * i + k] -= v;
        }
      }
    }
  };
  const invE = 1 / params.sigmaE;
  const invF = 1 / params.sigmaF;
  const flush = () => {
    if (rows === 0) return;
    qr.update(Bblk, ldb, rows, yblk);
    Bblk.fill(0);
    yblk.fill(0);
    rows = 0;
  };
  for (let t = 0; t < nT; t++) {
    if (t % 5 === 0) {
      check();
      report('fit', 0.15 + 0.83 * (t / nT), `energies and forces ${t}/${nT}`);
      await tick();
    }
    const f = trainIdx[t];
    const res = soap.compute(ds.R, f * nc, z, useF ? 'raw' : false, buf);
    const { q } = res;
    buf.q = q;
    buf.dp = res.dp;
    const rE = rows;
    let eRef = ds.E[f];
    for (let i = 0; i < N; i++) eRef -= e0[z[i]];
    yblk[rE] = eRef * invE;
    if (useF) for (let c = 0; c < nc; c++) yblk[rE + 1 + c] = ds.F![f * nc + c] * invF;
    for (const b of blocks) {
      for (let i = 0; i < N; i++) {
        if (z[i] !== b.Z) continue;
        matABt(b.Q, 0, b.M, q, i * D, 1, D, dots, 1);
        if (useF) forceColumns(b, i, res, dots, T);
        for (let s = 0; s < b.M; s++) {
          const col = (b.off + s) * ldb;
          const x = dots[s];
          Bblk[col + rE] += d2 * kernelPow(x, zeta) * invE;
          if (!useF) continue;
          const w = -d2 * kernelPowDeriv(x, zeta) * invF;
          const to = s * nc;
          for (let c = 0; c < nc; c++) Bblk[col + rE + 1 + c] += w * T[to + c];
        }
      }
    }
    rows += rowsPerFrame;
    if (rows + rowsPerFrame > ldb) flush();
  }
  flush();
  check();
  report('solve', 0.98, 'back substitution');
  const alpha = Float64Array.from(qr.z);
  solveUpper(qr.R, M, alpha);
  report('done', 1, `M = ${M}`);
  return new GapModel({
    params,
    z: Int32Array.from(z),
    species,
    e0,
    blocks,
    alpha,
    Lmm: params.variance ? L : undefined,
    Rqr: params.variance ? qr.R : undefined,
  });
}
