/**
 * The symmetric-GDML kernel in descriptor space (Chmiela et al. 2018/2019; reference: `sgdml` 1.0).
 *
 * Matérn ν = 5/2 on d = x − P x′, r = ‖d‖, σ:  k = (1 + √5 r/σ + 5r²/(3σ²)) e^(−√5 r/σ).
 * With e = e^(−√5 r/σ) the two scalars that appear everywhere are
 *   h(r)  = 5 (σ + √5 r) e / (3σ³)     (∂k/∂x′ = h d; the energy kernel)
 *   c1(r) = 25 e / (3σ⁴)               (−h′(r)/r)
 * Energy of a query x:  E(x) = Σ_{j,p} h (d · a_jp),   a_j = J_j α_j (descriptor-space coefficients),
 * and its negative descriptor gradient  F_x = −∂E/∂x = Σ_{j,p} [c1 (d · a_jp) d − h a_jp]; Cartesian forces
 * F = Jᵀ F_x, so F = −∇_R E exactly. The training matrix is K_ij = J_iᵀ (∂F_x/∂a) J_j, i.e.
 *   K_ij = Σ_p [c1 (J_iᵀ d_p)(J_jᵖᵀ d_p)ᵀ − h J_iᵀ J_jᵖ],     J_jᵖ row k = J_j row m_p[k],
 * which is negative definite; the solvers work on A = −K + λI. Each block is built from rank-1 updates and the
 * sparse 3×3 pieces of the Jacobians — never a dense dim×dim Hessian.
 */
import type { Descriptor } from './descriptor';

/** Descriptors (and Jacobian values) of a set of geometries. */
export interface DescSet {
  M: number;
  dim: number;
  /** M × dim */
  X: Float64Array;
  /** M × 3·nnz Jacobian values (null when only descriptors are needed) */
  G: Float64Array | null;
}

export function computeDescSet(desc: Descriptor, R: Float64Array, nConf: number, withGrad: boolean): DescSet {
  const dim = desc.dim,
    n3 = 3 * desc.nAtoms,
    g3 = 3 * desc.nnz;
  const X = new Float64Array(nConf * dim);
  const G = withGrad ? new Float64Array(nConf * g3) : null;
  for (let m = 0; m < nConf; m++) {
    desc.compute(R, m * n3, X.subarray(m * dim, (m + 1) * dim), G ? G.subarray(m * g3, (m + 1) * g3) : null);
  }
  return { M: nConf, dim, X, G };
}

/** a = J v for one geometry (descriptor-space image of a Cartesian vector). */
export function jacVec(
  desc: Descriptor,
  G: Float64Array,
  gOff: number,
  v: Float64Array,
  vOff: number,
  out: Float64Array,
  outOff: number,
): void {
  const { rowPtr, rowAtoms, dim } = desc;
  for (let k = 0; k < dim; k++) {
    let s = 0;
    for (let e = rowPtr[k]; e < rowPtr[k + 1]; e++) {
      const a = vOff + 3 * rowAtoms[e],
        g = gOff + 3 * e;
      s += G[g] * v[a] + G[g + 1] * v[a + 1] + G[g + 2] * v[a + 2];
    }
    out[outOff + k] = s;
  }
}

/** out += s·Jᵀ f for one geometry (Cartesian image of a descriptor-space vector). */
export function jacTVecAdd(
  desc: Descriptor,
  G: Float64Array,
  gOff: number,
  f: Float64Array,
  fOff: number,
  s: number,
  out: Float64Array,
  outOff: number,
): void {
  const { rowPtr, rowAtoms, dim } = desc;
  for (let k = 0; k < dim; k++) {
    const fk = s * f[fOff + k];
    if (fk === 0) continue;
    for (let e = rowPtr[k]; e < rowPtr[k + 1]; e++) {
      const a = outOff + 3 * rowAtoms[e],
        g = gOff + 3 * e;
      out[a] += fk * G[g];
      out[a + 1] += fk * G[g + 1];
      out[a + 2] += fk * G[g + 2];
    }
  }
}

/** Rows (j, p) of permuted training descriptors: out[(j·P + p)·dim + k] = src[j·dim + maps[p][k]]. */
export function permuteRows(src: Float64Array, M: number, dim: number, maps: Int32Array[]): Float64Array {
  const out = new Float64Array(M * maps.length * dim);
  permuteRowsInto(src, M, dim, maps, out);
  return out;
}

/** {@link permuteRows} into `out` (M·P·dim entries). */
export function permuteRowsInto(
  src: Float64Array,
  M: number,
  dim: number,
  maps: Int32Array[],
  out: Float64Array,
): void {
  const P = maps.length;
  for (let j = 0; j < M; j++)
    for (let p = 0; p < P; p++) {
      const mp = maps[p],
        o = (j * P + p) * dim,
        s = j * dim;
      for (let k = 0; k < dim; k++) out[o + k] = src[s + mp[k]];
    }
}

/**
 * Descriptor-space forces and energy of one query x against the rows (XP, AP) (already permuted, nRows × dim):
 * fx ← Σ [c1 (d·a) d − h a] (overwritten), returns Σ h (d·a). Rows [r0, r1).
 */
export function descForceEnergy(
  x: Float64Array,
  xOff: number,
  XP: Float64Array,
  AP: Float64Array,
  r0: number,
  r1: number,
  dim: number,
  sigma: number,
  fx: Float64Array,
): number {
  const s5 = Math.sqrt(5);
  const hFact = 5 / (3 * sigma * sigma * sigma);
  const c1Fact = 25 / (3 * sigma * sigma * sigma * sigma);
  const d = new Float64Array(dim);
  fx.fill(0);
  let E = 0;
  for (let r = r0; r < r1; r++) {
    const o = r * dim;
    let r2 = 0,
      da = 0;
    for (let k = 0; k < dim; k++) {
      const dk = x[xOff + k] - XP[o + k];
      d[k] = dk;
      r2 += dk * dk;
      da += dk * AP[o + k];
    }
    const rr = Math.sqrt(r2);
    const e = Math.exp((-s5 * rr) / sigma);
    const h = hFact * (sigma + s5 * rr) * e;
    const c = c1Fact * e * da;
    E += h * da;
    for (let k = 0; k < dim; k++) fx[k] += c * d[k] - h * AP[o + k];
  }
  return E;
}

/**
 * The (3N × 3N) block A_ij = −K_ij = Σ_p [h J_iᵀ J_jᵖ − c1 (J_iᵀ d_p)(J_jᵖᵀ d_p)ᵀ] into blk (row-major),
 * with d_p = x_i − P_p x_j. Scratch buffers are passed in to avoid allocation in the hot loop.
 */
export function kernelBlock(
  desc: Descriptor,
  S: DescSet,
  i: number,
  j: number,
  maps: Int32Array[],
  sigma: number,
  blk: Float64Array,
  d: Float64Array,
  u: Float64Array,
  w: Float64Array,
): void {
  const { rowPtr, rowAtoms, dim, nnz } = desc;
  const n3 = 3 * desc.nAtoms;
  const X = S.X,
    G = S.G as Float64Array;
  const xi = i * dim,
    xj = j * dim,
    gi = i * 3 * nnz,
    gj = j * 3 * nnz;
  const s5 = Math.sqrt(5);
  const hFact = 5 / (3 * sigma * sigma * sigma);
  const c1Fact = 25 / (3 * sigma * sigma * sigma * sigma);
  blk.fill(0);
  for (let p = 0; p < maps.length; p++) {
    const mp = maps[p];
    let r2 = 0;
    for (let k = 0; k < dim; k++) {
      const dk = X[xi + k] - X[xj + mp[k]];
      d[k] = dk;
      r2 += dk * dk;
    }
    const rr = Math.sqrt(r2);
    const e = Math.exp((-s5 * rr) / sigma);
    const h = hFact * (sigma + s5 * rr) * e;
    const c1 = c1Fact * e;
    u.fill(0);
    w.fill(0);
    for (let k = 0; k < dim; k++) {
      const dk = d[k];
      const m = mp[k];
      // u += d_k · J_i[k]; w += d_k · J_j[m]
      for (let e1 = rowPtr[k]; e1 < rowPtr[k + 1]; e1++) {
        const a = 3 * rowAtoms[e1],
          g = gi + 3 * e1;
        u[a] += dk * G[g];
        u[a + 1] += dk * G[g + 1];
        u[a + 2] += dk * G[g + 2];
      }
      const m0 = rowPtr[m],
        m1 = rowPtr[m + 1];
      for (let e2 = m0; e2 < m1; e2++) {
        const a = 3 * rowAtoms[e2],
          g = gj + 3 * e2;
        w[a] += dk * G[g];
        w[a + 1] += dk * G[g + 1];
        w[a + 2] += dk * G[g + 2];
      }
      // h · J_i[k]ᵀ J_j[m]: 3×3 outer products into the atom blocks
      for (let e1 = rowPtr[k]; e1 < rowPtr[k + 1]; e1++) {
        const s = 3 * rowAtoms[e1],
          g1 = gi + 3 * e1;
        const p0 = h * G[g1],
          p1 = h * G[g1 + 1],
          p2 = h * G[g1 + 2];
        for (let e2 = m0; e2 < m1; e2++) {
          const t = 3 * rowAtoms[e2],
            g2 = gj + 3 * e2;
          const q0 = G[g2],
            q1 = G[g2 + 1],
            q2 = G[g2 + 2];
          let o = s * n3 + t;
          blk[o] += p0 * q0;
          blk[o + 1] += p0 * q1;
          blk[o + 2] += p0 * q2;
          o += n3;
          blk[o] += p1 * q0;
          blk[o + 1] += p1 * q1;
          blk[o + 2] += p1 * q2;
          o += n3;
          blk[o] += p2 * q0;
          blk[o + 1] += p2 * q1;
          blk[o + 2] += p2 * q2;
        }
      }
    }
    // − c1 u wᵀ
    for (let a = 0; a < n3; a++) {
      const ua = c1 * u[a];
      if (ua === 0) continue;
      const o = a * n3;
      for (let b = 0; b < n3; b++) blk[o + b] -= ua * w[b];
    }
  }
}
