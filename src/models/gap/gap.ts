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
import type {
  ForceField,
  ModelKind,
  Prediction,
  PredictOptions,
  SerializedModel,
  TrainOptions,
  Trainer,
} from '../types.ts';
import { gemmNTStridedWasm, PackedRowsNT } from '../../compute/wasmGemm.ts';
import { Soap, type SoapExpansion } from './soap.ts';
import { GAP_PAPER, type GapParams } from './params.ts';
import { selectSparse, makeRng } from './sparse.ts';
import { SparseSourceBuilder, sparseDescriptors, type SparseSource } from './sparseSource.ts';
import {
  StreamingQR,
  cholesky,
  matABt,
  matABtStrided,
  matABtStridedJs,
  MATMUL_CHUNK,
  solveLower,
  solveUpper,
  solveUpperTrans,
} from './smallLinalg.ts';

export { EV_KCAL, GAP_PAPER, GAP_FAST, GAP_PRESETS } from './params.ts';
export type { GapParams } from './params.ts';

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
  /** The frames and atoms the sparse points come from (for the compact form of `serialize`). */
  sparseSource?: SparseSource;
}

function kernelPow(x: number, zeta: number): number {
  return zeta === 2 ? x * x : Math.pow(Math.max(x, 0), zeta);
}
function kernelPowDeriv(x: number, zeta: number): number {
  return zeta === 2 ? 2 * x : zeta * Math.pow(Math.max(x, 0), zeta - 1);
}

/** Geometries per batch of {@link GapModel.predict} (the slider predicts one at a time). */
const PREDICT_BATCH = 8;

/** What prediction keeps per species block of a model. */
interface BlockCache {
  /** the atoms of the block's species */
  atoms: Int32Array;
  /** the sparse points' descriptors transposed, Qᵀ (dim × M) */
  Qt: Float64Array;
  /** Q and Qᵀ packed in WebAssembly memory for the two products per geometry; null without SIMD */
  resident: { dots: PackedRowsNT; grads: PackedRowsNT } | null;
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

  /** Per block, built on first use: see {@link BlockCache}. */
  private blockCache?: BlockCache[];

  private cache(): BlockCache[] {
    if (this.blockCache) return this.blockCache;
    const D = this.soap.dim;
    this.blockCache = this.data.blocks.map((b) => {
      const atoms = Int32Array.from(
        Array.from(this.z, (zz, i) => (zz === b.Z ? i : -1)).filter((i) => i >= 0),
      );
      const Qt = new Float64Array(D * b.M);
      for (let s = 0; s < b.M; s++) for (let e = 0; e < D; e++) Qt[e * b.M + s] = b.Q[s * D + e];
      const dots = PackedRowsNT.of(b.Q, 0, D, b.M, D);
      const grads = dots && PackedRowsNT.of(Qt, 0, b.M, D, b.M);
      return { atoms, Qt, resident: dots && grads ? { dots, grads } : null };
    });
    return this.blockCache;
  }

  /**
   * Energies, forces and (with the stored factors, unless `options.variance` is false) the energy variance. Per geometry: the SOAP expansion of
   * every atom (soap.ts `expand`), then per species block the kernel values of all its atoms against the
   * sparse points (one matrix product), the descriptor-space gradients g_i = Σ_s α_s ∂k/∂q (another), and
   * the forces from g_i pulled back to the density coefficients: F_c −= (J_iᵀ g′_i)·∂c_i/∂R_c with
   * g′_i = (g_i − q_i (g_i·q_i))/‖p_i‖ (the derivative of the normalisation).
   */
  predict(R: Float64Array, nConf: number, options: PredictOptions = {}): Prediction {
    const N = this.z.length;
    const nc = 3 * N;
    const soap = this.soap;
    const D = soap.dim;
    const S = soap.species.length;
    const chanSize = soap.chanSize;
    const cSize = soap.cSize;
    const { params, blocks, alpha, e0, Lmm, Rqr } = this.data;
    const { delta, zeta } = params;
    const d2 = delta * delta;
    const E = new Float64Array(nConf);
    const F = new Float64Array(nConf * nc);
    const withVar = !!(Lmm && Rqr) && options.variance !== false;
    const varE = withVar ? new Float64Array(nConf) : undefined;
    const cache = this.cache();
    // Geometries go through the two products in batches: the sparse points are read from memory once
    // per batch, not once per geometry. Every number is computed as one geometry at a time would.
    const batch = Math.min(PREDICT_BATCH, nConf);
    const maxAtoms = Math.max(1, ...cache.map((c) => c.atoms.length));
    const Mmax = Math.max(1, ...blocks.map((b) => b.M));
    const qb = new Float64Array(batch * maxAtoms * D);
    const dots = new Float64Array(batch * maxAtoms * Mmax);
    const wts = new Float64Array(batch * maxAtoms * Mmax);
    const gb = new Float64Array(batch * maxAtoms * D);
    const gp = new Float64Array(D);
    const h = new Float64Array(cSize);
    const eAtom = new Float64Array(batch * N);
    const kstar = new Float64Array(batch * this.M);
    const ws: (SoapExpansion | undefined)[] = new Array(batch);
    for (let t0 = 0; t0 < nConf; t0 += batch) {
      const nt = Math.min(batch, nConf - t0);
      for (let u = 0; u < nt; u++) ws[u] = soap.expand(R, (t0 + u) * nc, this.z, true, ws[u]);
      kstar.fill(0);
      eAtom.fill(0);
      blocks.forEach((b, bi) => {
        const { atoms, Qt, resident } = cache[bi];
        const nA = atoms.length;
        if (nA === 0) return;
        const rows = nt * nA; // row u·nA + ii: atom ii of geometry t0 + u
        for (let u = 0; u < nt; u++) {
          const q = ws[u]!.q;
          for (let ii = 0; ii < nA; ii++)
            qb.set(q.subarray(atoms[ii] * D, (atoms[ii] + 1) * D), (u * nA + ii) * D);
        }
        // dots[row·M + s] = q_i·Q_s
        if (!resident?.dots.multiply(0, qb, 0, D, rows, dots, 0, b.M, MATMUL_CHUNK))
          matABt(qb, 0, rows, b.Q, 0, b.M, D, dots, b.M);
        for (let u = 0; u < nt; u++)
          for (let ii = 0; ii < nA; ii++) {
            const row = u * nA + ii;
            let e = 0;
            for (let s = 0; s < b.M; s++) {
              const a = alpha[b.off + s];
              const x = dots[row * b.M + s];
              const k = d2 * kernelPow(x, zeta);
              e += a * k;
              kstar[u * this.M + b.off + s] += k;
              wts[row * b.M + s] = a * d2 * kernelPowDeriv(x, zeta);
            }
            eAtom[u * N + atoms[ii]] = e;
          }
        // gb[row·D + e] = Σ_s w_is Q_s[e]
        if (!resident?.grads.multiply(0, wts, 0, b.M, rows, gb, 0, D, MATMUL_CHUNK))
          matABt(wts, 0, rows, Qt, 0, D, b.M, gb, D);
        for (let u = 0; u < nt; u++) {
          const { q, pnorm, c, nb, nbStart, dc } = ws[u]!;
          const fo = (t0 + u) * nc;
          for (let ii = 0; ii < nA; ii++) {
            const i = atoms[ii];
            const go = (u * nA + ii) * D;
            const qo = i * D;
            let gq = 0;
            for (let e = 0; e < D; e++) gq += gb[go + e] * q[qo + e];
            const inv = pnorm[i] > 0 ? 1 / pnorm[i] : 0;
            for (let e = 0; e < D; e++) gp[e] = (gb[go + e] - gq * q[qo + e]) * inv;
            soap.pullback(c, i * cSize, gp, 0, h);
            // F_c −= g′·∂p_i/∂R_c for every neighbour c; the centre gets minus their sum
            const so = i * (S + 1);
            for (let a = 0; a < S; a++) {
              const ho = a * chanSize;
              for (let sl = nbStart[so + a]; sl < nbStart[so + a + 1]; sl++) {
                const j = nb[i * N + sl];
                for (let k = 0; k < 3; k++) {
                  const o = ((i * N + sl) * 3 + k) * chanSize;
                  let v = 0;
                  for (let w = 0; w < chanSize; w++) v += dc[o + w] * h[ho + w];
                  F[fo + 3 * j + k] -= v;
                  F[fo + 3 * i + k] += v;
                }
              }
            }
          }
        }
      });
      for (let u = 0; u < nt; u++) {
        const t = t0 + u;
        let e = 0;
        for (let i = 0; i < N; i++) e += (e0[this.z[i]] ?? 0) + eAtom[u * N + i];
        E[t] = e;
        if (varE) {
          const q = ws[u]!.q;
          let kss = 0;
          for (let i = 0; i < N; i++) {
            if (!blocks.some((b) => b.Z === this.z[i])) continue;
            for (let j = 0; j < N; j++) {
              if (this.z[j] !== this.z[i]) continue;
              let x = 0;
              for (let k2 = 0; k2 < D; k2++) x += q[i * D + k2] * q[j * D + k2];
              kss += d2 * kernelPow(x, zeta);
            }
          }
          const ks = kstar.subarray(u * this.M, (u + 1) * this.M);
          const uu0 = Float64Array.from(ks);
          solveLower(Lmm!, this.M, uu0);
          const v = Float64Array.from(ks);
          solveUpperTrans(Rqr!, this.M, v);
          let uu = 0;
          let vv = 0;
          for (let s = 0; s < this.M; s++) {
            uu += uu0[s] * uu0[s];
            vv += v[s] * v[s];
          }
          varE[t] = Math.max(0, kss - uu + vv);
        }
      }
    }
    return varE ? { E, F, varE } : { E, F };
  }

  /**
   * The model as JSON-safe data. `compact`: the sparse points as their source frames and atoms instead
   * of their descriptors, and no variance factors (deserializeGap recomputes the descriptors; the
   * predictions are the same, without the variance) — kB instead of 100+ MB with the paper preset.
   */
  serialize(opts: { compact?: boolean } = {}): SerializedModel {
    const d = this.data;
    const src = d.sparseSource;
    const compact = Boolean(opts.compact && src);
    return {
      kind: 'gap',
      version: 1,
      payload: {
        params: d.params,
        z: Array.from(d.z),
        species: d.species,
        e0: d.e0,
        blocks: d.blocks.map((b) => ({
          Z: b.Z,
          M: b.M,
          off: b.off,
          ...(compact ? {} : { Q: f64ToB64(b.Q) }),
        })),
        alpha: f64ToB64(d.alpha),
        Lmm: d.Lmm && !compact ? f64ToB64(d.Lmm) : null,
        Rqr: d.Rqr && !compact ? f64ToB64(d.Rqr) : null,
        ...(src
          ? { sparseSource: { R: f64ToB64(src.R), frame: Array.from(src.frame), atom: Array.from(src.atom) } }
          : {}),
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
    blocks: { Z: number; M: number; off: number; Q?: string }[];
    alpha: string;
    Lmm: string | null;
    Rqr: string | null;
    sparseSource?: { R: string; frame: number[]; atom: number[] };
  };
  const z = Int32Array.from(p.z);
  const src: SparseSource | undefined = p.sparseSource && {
    R: b64ToF64(p.sparseSource.R),
    frame: Int32Array.from(p.sparseSource.frame),
    atom: Int32Array.from(p.sparseSource.atom),
  };
  // compact form: the descriptors of the sparse points from their source frames
  const soap = p.blocks.some((b) => b.Q === undefined) ? new Soap(p.params, p.species) : undefined;
  const descriptors = (b: { M: number; off: number; Q?: string }) => {
    if (b.Q !== undefined) return b64ToF64(b.Q);
    if (!src || !soap) throw new Error('GAP model: sparse points have neither descriptors nor source frames');
    return sparseDescriptors(soap, z, src, b.off, b.M);
  };
  return new GapModel({
    params: p.params,
    z,
    species: p.species,
    e0: p.e0,
    blocks: p.blocks.map((b) => ({ Z: b.Z, M: b.M, off: b.off, Q: descriptors(b) })),
    alpha: b64ToF64(p.alpha),
    Lmm: p.Lmm ? b64ToF64(p.Lmm) : undefined,
    Rqr: p.Rqr ? b64ToF64(p.Rqr) : undefined,
    sparseSource: src,
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
  const sources = new SparseSourceBuilder(ds.R, nc);
  const sparseCoeffs: { C: Float64Array; pn: Float64Array }[] = [];
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
    // recompute in float64, frame by frame; keep the density coefficients and ‖p‖ of each sparse point for
    // the force rows (step 4)
    const cs = soap.cSize;
    const Cs = new Float64Array(M * cs);
    const pns = new Float64Array(M);
    let lastFrame = -1;
    let ex: SoapExpansion | undefined;
    for (let k = 0; k < M; k++) {
      const env = pool.envs[sel[k]];
      const t = Math.floor(env / nA);
      const a = atomsOf[si][env % nA];
      if (t !== lastFrame) {
        ex = soap.expand(ds.R, trainIdx[t] * nc, z, false, ex);
        lastFrame = t;
      }
      Q.set(ex!.q.subarray(a * D, (a + 1) * D), k * D);
      sources.add(trainIdx[t], a);
      Cs.set(ex!.c.subarray(a * cs, (a + 1) * cs), k * cs);
      pns[k] = ex!.pnorm[a];
    }
    blocks.push({ Z: species[si], M, off, Q });
    sparseCoeffs.push({ C: Cs, pn: pns });
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
  const S = species.length;
  const nlm = soap.nLM;
  const K = S * params.nMax; // density channels (species, n)
  const L1 = params.lMax + 1;
  const chanSize = soap.chanSize;
  const cSize = soap.cSize;
  const atomsOfBlock = blocks.map((b) => atomsOf[species.indexOf(b.Z)]);
  const maxAtoms = Math.max(1, ...atomsOfBlock.map((a) => a.length));
  const Mmax = Math.max(...blocks.map((b) => b.M));
  /**
   * Force rows without the D-long derivative rows of the power spectrum: q_s·∂p_i/∂R_c = H_s·∂c_i/∂R_c with
   * H_s = J_iᵀ q_s (soap.ts `pullback`). The pullback of a power spectrum is low-rank: as q_s = p(c_s)/‖p(c_s)‖,
   *   H_s[A, l m] = κ_l/‖p_s‖ Σ_m′ c_s[A, l m′] O^l[m′, m],  O^l[m′, m] = Σ_B c_s[B, l m′] c_i[B, l m],
   * κ_l = 16π²/(2l+1) (A, B: channels (species, n)), which costs 2K(2l+1)² per l instead of K²(2l+1).
   * O for a chunk of sc sparse points and all atoms of the species is one matrix product per l.
   */
  const KAPPA = Array.from({ length: L1 }, (_, l) => (16 * Math.PI * Math.PI) / (2 * l + 1));
  const sq = Array.from({ length: L1 + 1 }, (_, l) => ((l * (2 * l - 1) * (2 * l + 1)) / 3) | 0); // Σ_{l'<l} (2l'+1)²
  // c_s transposed per l: CsT[bi][M·l²·K + (s·(2l+1) + m′)·K + B]
  const CsT = useF
    ? blocks.map((b, bi) => {
        const C = sparseCoeffs[bi].C;
        const T = new Float64Array(b.M * nlm * K);
        for (let l = 0; l < L1; l++)
          for (let s = 0; s < b.M; s++)
            for (let m = 0; m < 2 * l + 1; m++)
              for (let B = 0; B < K; B++)
                T[b.M * l * l * K + (s * (2 * l + 1) + m) * K + B] = C[s * cSize + B * nlm + l * l + m];
        return T;
      })
    : [];
  // c_s scaled by κ_l/‖p_s‖ (the factor of H_s), same layout as SoapExpansion.c
  const CsScaled = useF
    ? blocks.map((b, bi) => {
        const { C, pn } = sparseCoeffs[bi];
        const F = new Float64Array(b.M * cSize);
        for (let s = 0; s < b.M; s++) {
          const ok = pn[s] > 0; // q_s = 0 when p_s = 0 (as in soap.ts)
          for (let A = 0; A < K; A++)
            for (let l = 0; l < L1; l++)
              for (let m = 0; m < 2 * l + 1; m++) {
                const o = s * cSize + A * nlm + l * l + m;
                F[o] = ok ? (KAPPA[l] / pn[s]) * C[o] : 0;
              }
        }
        return F;
      })
    : [];
  const sc = 16;
  const qb = new Float64Array(maxAtoms * D);
  const dotsB = new Float64Array(maxAtoms * Mmax);
  // the sparse points' descriptors packed once for the kernel values of every geometry (null: no SIMD)
  const residentQ = blocks.map((b) => PackedRowsNT.of(b.Q, 0, D, b.M, D));
  // each geometry's ∂c/∂R, packed per atom i and neighbour species a (group dcGroup[i·S + a])
  let dcPacked = useF ? PackedRowsNT.create() : null;
  const dcGroup = new Int32Array(N * S);
  const Hq = new Float64Array(cSize);
  const qdp = new Float64Array(maxAtoms * nc); // q_i·∂p_i/∂R_(slot,k), index ii·nc + 3·slot + k
  const CiT = new Float64Array(maxAtoms * nlm * K); // atoms' c transposed per l: [nA·l²·K + (ii·(2l+1) + m)·K + B]
  const O = new Float64Array(sc * maxAtoms * sq[L1]);
  const Hall = new Float64Array(maxAtoms * sc * cSize); // H_s of every atom for the chunk
  const Hl = new Float64Array(K * maxAtoms * (2 * L1 - 1)); // H_s of one l for every atom
  const T2 = new Float64Array(sc * nc); // Q_s·∂p_i/∂R_(slot,k), [s·nc + 3·slot + k]
  let ws: SoapExpansion | undefined;
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
    ws = soap.expand(ds.R, f * nc, z, useF, ws);
    const { q, pnorm, c, nb, nbStart, dc } = ws;
    if (dcPacked) {
      // this geometry's ∂c/∂R of every atom and neighbour species, packed once for its force rows
      const offs: number[] = [];
      const counts: number[] = [];
      for (let i = 0; i < N; i++)
        for (let a = 0; a < S; a++) {
          const t0 = nbStart[i * (S + 1) + a];
          const t1 = nbStart[i * (S + 1) + a + 1];
          dcGroup[i * S + a] = t1 > t0 ? offs.length : -1;
          if (t1 > t0) {
            offs.push((i * N + t0) * 3 * chanSize);
            counts.push(3 * (t1 - t0));
          }
        }
      if (!dcPacked.pack(dc, chanSize, chanSize, offs, counts)) dcPacked = null;
    }
    const rE = rows;
    let eRef = ds.E[f];
    for (let i = 0; i < N; i++) eRef -= e0[z[i]];
    yblk[rE] = eRef * invE;
    if (useF) for (let c2 = 0; c2 < nc; c2++) yblk[rE + 1 + c2] = ds.F![f * nc + c2] * invF;
    blocks.forEach((b, bi) => {
      const atoms = atomsOfBlock[bi];
      const nA = atoms.length;
      if (nA === 0) return;
      for (let ii = 0; ii < nA; ii++) qb.set(q.subarray(atoms[ii] * D, (atoms[ii] + 1) * D), ii * D);
      // dotsB[ii·M + s] = q_i·Q_s
      if (!residentQ[bi]?.multiply(0, qb, 0, D, nA, dotsB, 0, b.M, MATMUL_CHUNK))
        matABt(qb, 0, nA, b.Q, 0, b.M, D, dotsB, b.M);
      for (let ii = 0; ii < nA; ii++)
        for (let s = 0; s < b.M; s++)
          Bblk[(b.off + s) * ldb + rE] += d2 * kernelPow(dotsB[ii * b.M + s], zeta) * invE;
      if (!useF) return;
      // per atom: q_i·∂p_i/∂R for every neighbour slot, and the transposed coefficients
      for (let ii = 0; ii < nA; ii++) {
        const i = atoms[ii];
        soap.pullback(c, i * cSize, q, i * D, Hq);
        const so = i * (S + 1);
        for (let a = 0; a < S; a++)
          for (let sl = nbStart[so + a]; sl < nbStart[so + a + 1]; sl++)
            for (let k = 0; k < 3; k++) {
              const o = ((i * N + sl) * 3 + k) * chanSize;
              let v = 0;
              for (let u = 0; u < chanSize; u++) v += dc[o + u] * Hq[a * chanSize + u];
              qdp[ii * nc + 3 * sl + k] = v;
            }
        const co = i * cSize;
        for (let l = 0; l < L1; l++)
          for (let m = 0; m < 2 * l + 1; m++)
            for (let B = 0; B < K; B++)
              CiT[nA * l * l * K + (ii * (2 * l + 1) + m) * K + B] = c[co + B * nlm + l * l + m];
      }
      const CsTb = CsT[bi];
      const CsF = CsScaled[bi];
      for (let s0 = 0; s0 < b.M; s0 += sc) {
        const ns = Math.min(sc, b.M - s0);
        // Oᵀ^l[(ii, m), (s, m′)] for the chunk, at ns·nA·sq[l] (leading dimension ns·(2l+1))
        for (let l = 0; l < L1; l++) {
          const L = 2 * l + 1;
          matABtStrided(
            CiT,
            nA * l * l * K,
            K,
            nA * L,
            CsTb,
            (b.M * l * l + s0 * L) * K,
            K,
            ns * L,
            K,
            O,
            ns * nA * sq[l],
            ns * L,
            false,
          );
        }
        // H_s = (κ_l/‖p_s‖ c_s^l) O^l for every atom into Hall[(ii·ns + s)·cSize + A·nlm + lm]: per s
        // and l one product over all atoms (O's rows (ii, m) are evenly spaced) into Hl[A, (ii, m)]
        for (let s = 0; s < ns; s++)
          for (let l = 0; l < L1; l++) {
            const L = 2 * l + 1;
            const aOff = (s0 + s) * cSize + l * l;
            const bOff = ns * nA * sq[l] + s * L;
            if (
              !gemmNTStridedWasm(
                CsF,
                aOff,
                nlm,
                K,
                O,
                bOff,
                ns * L,
                nA * L,
                L,
                Hl,
                0,
                nA * L,
                false,
                MATMUL_CHUNK,
              )
            )
              matABtStridedJs(CsF, aOff, nlm, K, O, bOff, ns * L, nA * L, L, Hl, 0, nA * L, false);
            for (let ii = 0; ii < nA; ii++) {
              const h0 = (ii * ns + s) * cSize + l * l;
              for (let A = 0; A < K; A++)
                for (let m = 0; m < L; m++) Hall[h0 + A * nlm + m] = Hl[A * nA * L + ii * L + m];
            }
          }
        for (let ii = 0; ii < nA; ii++) {
          const i = atoms[ii];
          const so = i * (S + 1);
          const nNb = nbStart[so + S];
          if (nNb === 0) continue;
          for (let a = 0; a < S; a++) {
            const t0 = nbStart[so + a];
            const t1 = nbStart[so + a + 1];
            if (t1 === t0) continue;
            const g = dcGroup[i * S + a];
            if (
              !dcPacked?.multiply(
                g,
                Hall,
                ii * ns * cSize + a * chanSize,
                cSize,
                ns,
                T2,
                3 * t0,
                nc,
                MATMUL_CHUNK,
              )
            )
              matABtStrided(
                Hall,
                ii * ns * cSize + a * chanSize,
                cSize,
                ns,
                dc,
                (i * N + t0) * 3 * chanSize,
                chanSize,
                3 * (t1 - t0),
                chanSize,
                T2,
                3 * t0,
                nc,
                false,
              );
          }
          const inv = pnorm[i] > 0 ? 1 / pnorm[i] : 0;
          for (let s = 0; s < ns; s++) {
            const x = dotsB[ii * b.M + s0 + s];
            const w = -d2 * kernelPowDeriv(x, zeta) * invF;
            const col = (b.off + s0 + s) * ldb + rE + 1;
            let a0 = 0;
            let a1 = 0;
            let a2 = 0;
            for (let sl = 0; sl < nNb; sl++) {
              const j3 = 3 * nb[i * N + sl];
              const r = s * nc + 3 * sl;
              const qo = ii * nc + 3 * sl;
              const v0 = (T2[r] - x * qdp[qo]) * inv;
              const v1 = (T2[r + 1] - x * qdp[qo + 1]) * inv;
              const v2 = (T2[r + 2] - x * qdp[qo + 2]) * inv;
              Bblk[col + j3] += w * v0;
              Bblk[col + j3 + 1] += w * v1;
              Bblk[col + j3 + 2] += w * v2;
              a0 += v0;
              a1 += v1;
              a2 += v2;
            }
            Bblk[col + 3 * i] -= w * a0;
            Bblk[col + 3 * i + 1] -= w * a1;
            Bblk[col + 3 * i + 2] -= w * a2;
          }
        }
      }
    });
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
    sparseSource: sources.build(),
  });
}
