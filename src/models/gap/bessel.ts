/**
 * Exponentially scaled modified spherical Bessel functions of the first kind,
 * s_l(x) = e^{−x} i_l(x), and their derivatives s'_l(x) = e^{−x} di_l/dx, for l = 0…lmax, x ≥ 0.
 *
 * They appear in the SOAP radial integrals: the angular projection of a Gaussian atom density gives
 * exp(−(r² + d²)/2σ²) i_l(r d/σ²) = exp(−(r − d)²/2σ²) · s_l(r d/σ²), and the scaled form never overflows.
 *
 * - x < X_SERIES: the power series i_l(x) = x^l Σ_k (x²/2)^k / (k! (2l+2k+1)!!), all terms positive, so no
 *   cancellation; the prefactor e^{−x} x^l/(2l+1)!! is taken in log space.
 * - x ≥ X_SERIES: closed forms for s_0, s_1 and the upward recurrence s_{l+1} = s_{l−1} − (2l+1)/x · s_l,
 *   which loses little precision once x exceeds l² (X_SERIES is chosen above that for the l we use).
 * - derivative: i'_l = (l·i_{l−1} + (l+1)·i_{l+1})/(2l+1) (i'_0 = i_1), no division by x.
 */

/** Switch point between the series and the recurrence. */
export function seriesLimit(lmax: number): number {
  return Math.max(30, (lmax + 1) * (lmax + 1));
}

const LN_DFACT: number[] = [];
/** ln((2l+1)!!) */
function lnDoubleFactOdd(l: number): number {
  while (LN_DFACT.length <= l) {
    const k = LN_DFACT.length;
    LN_DFACT.push((k === 0 ? 0 : LN_DFACT[k - 1]) + Math.log(2 * k + 1));
  }
  return LN_DFACT[l];
}

/**
 * Fill out[0..lmax+1] with s_l(x) (one extra order, needed for the derivative).
 * Requires out.length ≥ lmax + 2.
 */
export function scaledSphericalI(lmax: number, x: number, out: Float64Array): void {
  const L = lmax + 1;
  if (x === 0) {
    out[0] = 1;
    for (let l = 1; l <= L; l++) out[l] = 0;
    return;
  }
  if (x < seriesLimit(lmax)) {
    const h = 0.5 * x * x;
    const lnx = Math.log(x);
    for (let l = 0; l <= L; l++) {
      let term = Math.exp(l * lnx - x - lnDoubleFactOdd(l));
      let sum = term;
      for (let k = 0; k < 500; k++) {
        term *= h / ((k + 1) * (2 * l + 2 * k + 3));
        sum += term;
        if (term < 1e-17 * sum) break;
      }
      out[l] = sum;
    }
    return;
  }
  const e2 = Math.exp(-2 * x);
  out[0] = (1 - e2) / (2 * x);
  if (L >= 1) out[1] = (1 + e2) / (2 * x) - (1 - e2) / (2 * x * x);
  for (let l = 1; l < L; l++) out[l + 1] = out[l - 1] - ((2 * l + 1) / x) * out[l];
}

/** From s_0..s_{lmax+1} (as filled by scaledSphericalI) write s'_0..s'_lmax into d. */
export function scaledSphericalIDeriv(lmax: number, s: Float64Array, d: Float64Array): void {
  d[0] = s[1];
  for (let l = 1; l <= lmax; l++) d[l] = (l * s[l - 1] + (l + 1) * s[l + 1]) / (2 * l + 1);
}
