/**
 * SOAP radial part: an orthonormalised Gaussian-type-orbital (GTO) radial basis and the radial integrals
 * of a Gaussian atom density, tabulated once and interpolated per neighbour.
 *
 * Basis (the GTO basis of librascal/dscribe): g_n(r) = r^n exp(−r²/2σ_n²), σ_n = r_c·max(√n, 1)/n_max,
 * n = 0…n_max−1, orthonormalised on [0, ∞) with weight r² by Löwdin's symmetric S^{−1/2} (S from the
 * closed form ∫ r^{n+m+2} e^{−(a_n+a_m) r²} dr = Γ((n+m+3)/2) / (2 (a_n+a_m)^{(n+m+3)/2})).
 *
 * Density of one neighbour at distance d (atom_sigma σ): exp(−|r − d|²/2σ²). Its projection on
 * h_n(r) Y_lm(r̂) is Y_lm(d̂) · I_nl(d) with
 *   I_nl(d) = 4π ∫₀^∞ h_n(r) r² exp(−(r − d)²/2σ²) s_l(r d/σ²) dr,   s_l(x) = e^{−x} i_l(x)
 * (modified spherical Bessel function, see bessel.ts). The integral is done by composite Gauss–Legendre
 * quadrature (panels of σ/2, 8 nodes each, over the window |r − d| < 9σ where the integrand lives) on a grid
 * of d with spacing `gridStep`, together with dI/dd (differentiating the integrand analytically); between
 * grid points I is a cubic Hermite interpolant and dI/dd is that interpolant's exact derivative, so forces
 * stay exact gradients of the energies.
 */

import { scaledSphericalI, scaledSphericalIDeriv } from './bessel.ts';
import { jacobiEig } from './smallLinalg.ts';

function lnGammaHalfInt(twoX: number): number {
  // ln Γ(twoX/2) for positive integer twoX
  let v = twoX % 2 === 0 ? 0 : 0.5 * Math.log(Math.PI); // Γ(1) = 1, Γ(1/2) = √π
  for (let k = twoX % 2 === 0 ? 2 : 1; k + 2 <= twoX; k += 2) v += Math.log(k / 2);
  return v;
}

/** 8-point Gauss–Legendre nodes and weights on [−1, 1]. */
const GL_X = [
  -0.9602898564975363, -0.7966664774136267, -0.525532409916329, -0.1834346424956498, 0.1834346424956498,
  0.525532409916329, 0.7966664774136267, 0.9602898564975363,
];
const GL_W = [
  0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.362683783378362, 0.362683783378362,
  0.3137066458778873, 0.2223810344533745, 0.1012285362903763,
];

export interface RadialParams {
  cutoff: number;
  nMax: number;
  lMax: number;
  atomSigma: number;
}

export class RadialBasis {
  readonly nMax: number;
  readonly lMax: number;
  readonly cutoff: number;
  readonly sigma: number;
  /** Löwdin transform: h_n = Σ_k W[n·nMax + k] ĝ_k with ĝ_k the unit-normalised raw GTOs. */
  readonly W: Float64Array;
  /** ln of the normalisation of raw GTO k (ĝ_k = g_k / √S_kk). */
  private readonly lnNorm: Float64Array;
  private readonly alpha: Float64Array;
  readonly gridStep: number;
  private readonly nGrid: number;
  /** Tabulated I and dI/dd: index (g·nMax + n)·(lMax+1) + l. */
  private readonly tabI: Float64Array;
  private readonly tabD: Float64Array;

  constructor(p: RadialParams, gridStep = 0.005) {
    const { nMax, lMax, cutoff, atomSigma } = p;
    this.nMax = nMax;
    this.lMax = lMax;
    this.cutoff = cutoff;
    this.sigma = atomSigma;
    this.gridStep = gridStep;
    this.alpha = new Float64Array(nMax);
    for (let n = 0; n < nMax; n++) {
      const sn = (cutoff * Math.max(Math.sqrt(n), 1)) / nMax;
      this.alpha[n] = 1 / (2 * sn * sn);
    }
    // overlap of raw GTOs (log space), then normalised overlap
    const lnS = (n: number, m: number): number => {
      const a = this.alpha[n] + this.alpha[m];
      const e = n + m + 3;
      return lnGammaHalfInt(e) - Math.log(2) - (e / 2) * Math.log(a);
    };
    this.lnNorm = new Float64Array(nMax);
    for (let n = 0; n < nMax; n++) this.lnNorm[n] = -0.5 * lnS(n, n);
    const S = new Float64Array(nMax * nMax);
    for (let n = 0; n < nMax; n++)
      for (let m = 0; m < nMax; m++) S[n * nMax + m] = Math.exp(lnS(n, m) + this.lnNorm[n] + this.lnNorm[m]);
    const { w, v } = jacobiEig(S, nMax);
    this.W = new Float64Array(nMax * nMax);
    for (let n = 0; n < nMax; n++)
      for (let k = 0; k < nMax; k++) {
        let s = 0;
        for (let e = 0; e < nMax; e++) s += (v[n * nMax + e] * v[k * nMax + e]) / Math.sqrt(w[e]);
        this.W[n * nMax + k] = s;
      }
    this.nGrid = Math.ceil(cutoff / gridStep) + 2;
    const L1 = lMax + 1;
    this.tabI = new Float64Array(this.nGrid * nMax * L1);
    this.tabD = new Float64Array(this.nGrid * nMax * L1);
    const I = new Float64Array(nMax * L1);
    const D = new Float64Array(nMax * L1);
    for (let g = 0; g < this.nGrid; g++) {
      this.integrate(g * gridStep, I, D);
      this.tabI.set(I, g * nMax * L1);
      this.tabD.set(D, g * nMax * L1);
    }
  }

  /** Unit-normalised raw GTO ĝ_k(r). */
  rawBasis(k: number, r: number): number {
    if (r === 0) return k === 0 ? Math.exp(this.lnNorm[0]) : 0;
    return Math.exp(k * Math.log(r) - this.alpha[k] * r * r + this.lnNorm[k]);
  }

  /** Orthonormal basis function h_n(r). */
  basis(n: number, r: number): number {
    let s = 0;
    for (let k = 0; k < this.nMax; k++) s += this.W[n * this.nMax + k] * this.rawBasis(k, r);
    return s;
  }

  /** Direct quadrature of I_nl(d) and dI_nl/dd (no interpolation); out index n·(lMax+1) + l. */
  integrate(d: number, I: Float64Array, D: Float64Array): void {
    const { nMax, lMax, sigma } = this;
    const L1 = lMax + 1;
    const s2 = sigma * sigma;
    const lo = Math.max(0, d - 9 * sigma);
    const hi = d + 9 * sigma;
    const panel = sigma / 2;
    const nPanels = Math.ceil((hi - lo) / panel);
    const h = (hi - lo) / nPanels;
    const rawI = new Float64Array(nMax * L1);
    const rawD = new Float64Array(nMax * L1);
    const bs = new Float64Array(lMax + 2);
    const bd = new Float64Array(lMax + 1);
    const g = new Float64Array(nMax);
    for (let p = 0; p < nPanels; p++) {
      const a = lo + p * h;
      for (let q = 0; q < 8; q++) {
        const r = a + 0.5 * h * (GL_X[q] + 1);
        const wq = 0.5 * h * GL_W[q];
        const gauss = Math.exp(-((r - d) * (r - d)) / (2 * s2));
        const x = (r * d) / s2;
        scaledSphericalI(lMax, x, bs);
        scaledSphericalIDeriv(lMax, bs, bd);
        for (let k = 0; k < nMax; k++) g[k] = this.rawBasis(k, r);
        const common = 4 * Math.PI * wq * r * r * gauss;
        for (let l = 0; l <= lMax; l++) {
          const fv = common * bs[l];
          const fd = common * ((-d / s2) * bs[l] + (r / s2) * bd[l]);
          for (let k = 0; k < nMax; k++) {
            rawI[k * L1 + l] += g[k] * fv;
            rawD[k * L1 + l] += g[k] * fd;
          }
        }
      }
    }
    for (let n = 0; n < nMax; n++)
      for (let l = 0; l <= lMax; l++) {
        let si = 0;
        let sd = 0;
        for (let k = 0; k < nMax; k++) {
          si += this.W[n * nMax + k] * rawI[k * L1 + l];
          sd += this.W[n * nMax + k] * rawD[k * L1 + l];
        }
        I[n * L1 + l] = si;
        D[n * L1 + l] = sd;
      }
  }

  /** Interpolated I_nl(d) and dI_nl/dd for 0 ≤ d ≤ cutoff; out index n·(lMax+1) + l. */
  evaluate(d: number, I: Float64Array, D: Float64Array): void {
    const h = this.gridStep;
    let k = Math.floor(d / h);
    if (k > this.nGrid - 2) k = this.nGrid - 2;
    if (k < 0) k = 0;
    const t = d / h - k;
    const t2 = t * t;
    const t3 = t2 * t;
    const h00 = 2 * t3 - 3 * t2 + 1;
    const h10 = (t3 - 2 * t2 + t) * h;
    const h01 = -2 * t3 + 3 * t2;
    const h11 = (t3 - t2) * h;
    const d00 = (6 * t2 - 6 * t) / h;
    const d10 = 3 * t2 - 4 * t + 1;
    const d01 = (-6 * t2 + 6 * t) / h;
    const d11 = 3 * t2 - 2 * t;
    const n = this.nMax * (this.lMax + 1);
    const o0 = k * n;
    const o1 = o0 + n;
    const { tabI, tabD } = this;
    for (let i = 0; i < n; i++) {
      const f0 = tabI[o0 + i];
      const f1 = tabI[o1 + i];
      const m0 = tabD[o0 + i];
      const m1 = tabD[o1 + i];
      I[i] = h00 * f0 + h10 * m0 + h01 * f1 + h11 * m1;
      D[i] = d00 * f0 + d10 * m0 + d01 * f1 + d11 * m1;
    }
  }
}
