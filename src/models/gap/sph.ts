/**
 * Real orthonormal spherical harmonics Y_lm (l ≤ lmax, m = −l…l) and their gradients.
 *
 * Built as regular solid harmonics R_lm(x, y, z) = r^l Y_lm(r̂), homogeneous polynomials of degree l:
 *   R_lm = N_lm Q_l^m(z, ρ) Re[(x + iy)^m]   (m > 0),   R_l,−m = N_lm Q_l^m Im[(x + iy)^m],   R_l0 = N_l0 Q_l^0,
 * with ρ = x² + y² + z², Q_m^m = (2m−1)!!, Q_{m+1}^m = (2m+1) z Q_m^m and
 * (l−m) Q_l^m = (2l−1) z Q_{l−1}^m − (l+m−1) ρ Q_{l−2}^m (associated Legendre recurrence, no Condon–Shortley
 * phase), N_l0 = √((2l+1)/4π), N_lm = √(2 (2l+1)/4π · (l−m)!/(l+m)!).
 * Evaluated at a unit vector u, Y_lm(u) = R_lm(u); by Euler's theorem for homogeneous polynomials the gradient
 * of Y_lm(r/|r|) with respect to r is (∇R_lm(u) − l·Y_lm(u)·u)/|r|.
 *
 * Index of (l, m): l² + l + m.
 */

export function nLM(lmax: number): number {
  return (lmax + 1) * (lmax + 1);
}

/** Precomputed normalisation constants for a given lmax. */
export class RealSph {
  readonly lmax: number;
  private readonly norm: Float64Array; // N_lm for m ≥ 0, index l*(lmax+1)+m
  private readonly Q: Float64Array;
  private readonly Qz: Float64Array;
  private readonly Qr: Float64Array;
  private readonly A: Float64Array;
  private readonly B: Float64Array;

  constructor(lmax: number) {
    this.lmax = lmax;
    const L1 = lmax + 1;
    this.norm = new Float64Array(L1 * L1);
    for (let l = 0; l <= lmax; l++) {
      for (let m = 0; m <= l; m++) {
        let ratio = 1; // (l−m)!/(l+m)!
        for (let k = l - m + 1; k <= l + m; k++) ratio /= k;
        const base = ((2 * l + 1) / (4 * Math.PI)) * ratio;
        this.norm[l * L1 + m] = Math.sqrt(m === 0 ? base : 2 * base);
      }
    }
    this.Q = new Float64Array(L1);
    this.Qz = new Float64Array(L1);
    this.Qr = new Float64Array(L1);
    this.A = new Float64Array(L1);
    this.B = new Float64Array(L1);
  }

  /**
   * Y[lm] = Y_lm(u) for the unit vector u = (x, y, z). If G is given, G[3·lm + k] = ∂R_lm/∂u_k at u
   * (gradient of the homogeneous polynomial; see the module comment for the gradient of Y on the sphere).
   */
  eval(x: number, y: number, z: number, Y: Float64Array, G?: Float64Array): void {
    const { lmax, Q, Qz, Qr, A, B, norm } = this;
    const L1 = lmax + 1;
    const rho = x * x + y * y + z * z;
    A[0] = 1;
    B[0] = 0;
    for (let m = 1; m <= lmax; m++) {
      A[m] = x * A[m - 1] - y * B[m - 1];
      B[m] = x * B[m - 1] + y * A[m - 1];
    }
    let dfact = 1; // (2m−1)!!
    for (let m = 0; m <= lmax; m++) {
      if (m > 0) dfact *= 2 * m - 1;
      // Q_l^m for l = m..lmax (stored at index l)
      Q[m] = dfact;
      Qz[m] = 0;
      Qr[m] = 0;
      if (m + 1 <= lmax) {
        Q[m + 1] = (2 * m + 1) * z * dfact;
        Qz[m + 1] = (2 * m + 1) * dfact;
        Qr[m + 1] = 0;
      }
      for (let l = m + 2; l <= lmax; l++) {
        const a = 2 * l - 1;
        const b = l + m - 1;
        const inv = 1 / (l - m);
        Q[l] = (a * z * Q[l - 1] - b * rho * Q[l - 2]) * inv;
        Qz[l] = (a * (Q[l - 1] + z * Qz[l - 1]) - b * rho * Qz[l - 2]) * inv;
        Qr[l] = (a * z * Qr[l - 1] - b * (Q[l - 2] + rho * Qr[l - 2])) * inv;
      }
      for (let l = m; l <= lmax; l++) {
        const N = norm[l * L1 + m];
        const base = l * l + l;
        if (m === 0) {
          Y[base] = N * Q[l];
          if (G) {
            const g = 3 * base;
            const dr = 2 * N * Qr[l];
            G[g] = dr * x;
            G[g + 1] = dr * y;
            G[g + 2] = dr * z + N * Qz[l];
          }
        } else {
          const q = N * Q[l];
          Y[base + m] = q * A[m];
          Y[base - m] = q * B[m];
          if (G) {
            const dr = 2 * N * Qr[l];
            const dz = N * Qz[l];
            const am1 = A[m - 1];
            const bm1 = B[m - 1];
            let g = 3 * (base + m);
            G[g] = dr * x * A[m] + q * m * am1;
            G[g + 1] = dr * y * A[m] - q * m * bm1;
            G[g + 2] = (dr * z + dz) * A[m];
            g = 3 * (base - m);
            G[g] = dr * x * B[m] + q * m * bm1;
            G[g + 1] = dr * y * B[m] + q * m * am1;
            G[g + 2] = (dr * z + dz) * B[m];
          }
        }
      }
    }
  }
}
