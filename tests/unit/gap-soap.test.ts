import { describe, expect, it } from 'vitest';
import { scaledSphericalI, scaledSphericalIDeriv, seriesLimit } from '../../src/models/gap/bessel.ts';
import { RealSph, nLM } from '../../src/models/gap/sph.ts';
import { RadialBasis } from '../../src/models/gap/radial.ts';
import { Soap, type SoapParams } from '../../src/models/gap/soap.ts';

// ethanol-like geometry (C C O H×6), Å
const Z = Int32Array.from([6, 6, 8, 1, 1, 1, 1, 1, 1]);
const R0 = Float64Array.from([
  0.4016, 0.3857, 0.0794, -0.8326, 0.6311, -0.9177, 0.429, -0.9282, 0.6915, 1.3887, 0.5941, -0.2057, 0.1711,
  1.1194, 0.9824, -0.5288, 0.1708, -1.9342, -1.6182, -0.0145, -0.509, -0.9515, 1.6993, -0.8827, -0.1363,
  -0.9539, 1.5609,
]);

const small: SoapParams = {
  cutoff: 3,
  transitionWidth: 0.5,
  nMax: 5,
  lMax: 4,
  atomSigma: 0.4,
  centralWeight: 1,
};

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Gauss–Legendre nodes/weights on [−1, 1] by Newton iteration. */
function gaussLegendre(n: number): [number[], number[]] {
  const x: number[] = [];
  const w: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5));
    let dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1;
      let p1 = t;
      for (let k = 2; k <= n; k++) {
        const p2 = ((2 * k - 1) * t * p1 - (k - 1) * p0) / k;
        p0 = p1;
        p1 = p2;
      }
      dp = (n * (t * p1 - p0)) / (t * t - 1);
      const dt = p1 / dp;
      t -= dt;
      if (Math.abs(dt) < 1e-15) break;
    }
    x.push(t);
    w.push(2 / ((1 - t * t) * dp * dp));
  }
  return [x, w];
}

function rotation(a: number, b: number, c: number): number[] {
  const [ca, sa, cb, sb, cc, sc] = [
    Math.cos(a),
    Math.sin(a),
    Math.cos(b),
    Math.sin(b),
    Math.cos(c),
    Math.sin(c),
  ];
  const Rz = [ca, -sa, 0, sa, ca, 0, 0, 0, 1];
  const Ry = [cb, 0, sb, 0, 1, 0, -sb, 0, cb];
  const Rx = [1, 0, 0, 0, cc, -sc, 0, sc, cc];
  const mul = (A: number[], B: number[]) => {
    const C = new Array(9).fill(0);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) C[i * 3 + j] += A[i * 3 + k] * B[k * 3 + j];
    return C;
  };
  return mul(Rz, mul(Ry, Rx));
}

function apply(Rm: number[], X: Float64Array, shift = [0, 0, 0]): Float64Array {
  const out = new Float64Array(X.length);
  for (let i = 0; i < X.length / 3; i++)
    for (let r = 0; r < 3; r++)
      out[3 * i + r] =
        Rm[3 * r] * X[3 * i] + Rm[3 * r + 1] * X[3 * i + 1] + Rm[3 * r + 2] * X[3 * i + 2] + shift[r];
  return out;
}

describe('scaled modified spherical Bessel functions', () => {
  it('series and recurrence agree near the switch point and match closed forms', () => {
    const lmax = 6;
    const a = new Float64Array(lmax + 2);
    const x = seriesLimit(lmax) + 1e-9;
    scaledSphericalI(lmax, x, a);
    // series evaluated at the same point (force series by a larger lmax-limit trick: compare with closed form l=0,1)
    const e2 = Math.exp(-2 * x);
    expect(a[0]).toBeCloseTo((1 - e2) / (2 * x), 14);
    // series just below the limit vs recurrence just above: smooth
    const b = new Float64Array(lmax + 2);
    scaledSphericalI(lmax, seriesLimit(lmax) - 1e-9, b);
    for (let l = 0; l <= lmax; l++) expect(Math.abs(a[l] - b[l]) / b[l]).toBeLessThan(1e-9);
    // small x closed forms
    const y = 0.7;
    scaledSphericalI(lmax, y, b);
    expect(b[0]).toBeCloseTo((Math.exp(-y) * Math.sinh(y)) / y, 14);
    expect(b[1]).toBeCloseTo(Math.exp(-y) * (Math.cosh(y) / y - Math.sinh(y) / (y * y)), 14);
  });
  it('derivative matches finite differences', () => {
    const lmax = 5;
    for (const x of [0.3, 4, 45]) {
      const s = new Float64Array(lmax + 2);
      const d = new Float64Array(lmax + 1);
      scaledSphericalI(lmax, x, s);
      scaledSphericalIDeriv(lmax, s, d);
      const h = 1e-5;
      const sp = new Float64Array(lmax + 2);
      const sm = new Float64Array(lmax + 2);
      scaledSphericalI(lmax, x + h, sp);
      scaledSphericalI(lmax, x - h, sm);
      for (let l = 0; l <= lmax; l++) {
        // d/dx[e^{-x} i_l] = s'_l − s_l
        const fd = (sp[l] - sm[l]) / (2 * h);
        expect(Math.abs(fd - (d[l] - s[l]))).toBeLessThan(1e-8 * Math.max(1, Math.abs(s[l])));
      }
    }
  });
});

describe('real spherical harmonics', () => {
  it('are orthonormal on the sphere', () => {
    const lmax = 4;
    const sph = new RealSph(lmax);
    const n = nLM(lmax);
    const gram = new Float64Array(n * n);
    const Y = new Float64Array(n);
    // Gauss–Legendre in cosθ × uniform φ: exact for these polynomial degrees
    const [gx, gw] = gaussLegendre(12);
    const np = 16;
    for (let a = 0; a < gx.length; a++) {
      const ct = gx[a];
      const st = Math.sqrt(1 - ct * ct);
      for (let b = 0; b < np; b++) {
        const ph = (2 * Math.PI * b) / np;
        sph.eval(st * Math.cos(ph), st * Math.sin(ph), ct, Y);
        const w = gw[a] * ((2 * Math.PI) / np);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) gram[i * n + j] += w * Y[i] * Y[j];
      }
    }
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) expect(Math.abs(gram[i * n + j] - (i === j ? 1 : 0))).toBeLessThan(1e-12);
  });
  it('gradient of the solid harmonics matches finite differences', () => {
    const lmax = 5;
    const sph = new RealSph(lmax);
    const n = nLM(lmax);
    const Y = new Float64Array(n);
    const G = new Float64Array(3 * n);
    const u = [0.3, -0.5, 0.81];
    sph.eval(u[0], u[1], u[2], Y, G);
    const h = 1e-6;
    for (let k = 0; k < 3; k++) {
      const up = [...u];
      const um = [...u];
      up[k] += h;
      um[k] -= h;
      const Yp = new Float64Array(n);
      const Ym = new Float64Array(n);
      sph.eval(up[0], up[1], up[2], Yp);
      sph.eval(um[0], um[1], um[2], Ym);
      for (let i = 0; i < n; i++)
        expect(Math.abs((Yp[i] - Ym[i]) / (2 * h) - G[3 * i + k])).toBeLessThan(1e-6);
    }
  });
});

describe('radial integrals', () => {
  it('orthonormal basis, and I_nl·Y_lm equals the brute-force 3D projection of a Gaussian density', () => {
    const rb = new RadialBasis({ cutoff: 3, nMax: 4, lMax: 3, atomSigma: 0.4 });
    // orthonormality by radial quadrature
    const dr = 0.002;
    for (let n = 0; n < 4; n++)
      for (let m = 0; m < 4; m++) {
        let s = 0;
        for (let r = dr / 2; r < 12; r += dr) s += rb.basis(n, r) * rb.basis(m, r) * r * r * dr;
        expect(Math.abs(s - (n === m ? 1 : 0))).toBeLessThan(1e-6);
      }
    // brute-force projection: ∫ h_n(r) Y_lm(r̂) exp(−|r − d|²/2σ²) d³r for a neighbour at d
    const dvec = [0.6, -0.9, 1.1];
    const d = Math.hypot(dvec[0], dvec[1], dvec[2]);
    const sph = new RealSph(3);
    const Y = new Float64Array(16);
    const proj = new Float64Array(4 * 16);
    const nr = 300;
    const rmax = 6;
    const nt = 60;
    const np = 60;
    const hb = new Float64Array(4);
    for (let a = 0; a < nr; a++) {
      const r = ((a + 0.5) * rmax) / nr;
      for (let n = 0; n < 4; n++) hb[n] = rb.basis(n, r);
      for (let b = 0; b < nt; b++) {
        const ct = -1 + (2 * (b + 0.5)) / nt;
        const st = Math.sqrt(1 - ct * ct);
        for (let c = 0; c < np; c++) {
          const ph = (2 * Math.PI * c) / np;
          const ux = st * Math.cos(ph);
          const uy = st * Math.sin(ph);
          sph.eval(ux, uy, ct, Y);
          const dx = r * ux - dvec[0];
          const dy = r * uy - dvec[1];
          const dz = r * ct - dvec[2];
          const g = Math.exp(-(dx * dx + dy * dy + dz * dz) / (2 * 0.16));
          const w = r * r * (rmax / nr) * (2 / nt) * ((2 * Math.PI) / np) * g;
          for (let n = 0; n < 4; n++) for (let lm = 0; lm < 16; lm++) proj[n * 16 + lm] += w * hb[n] * Y[lm];
        }
      }
    }
    const I = new Float64Array(16);
    const D = new Float64Array(16);
    rb.evaluate(d, I, D);
    sph.eval(dvec[0] / d, dvec[1] / d, dvec[2] / d, Y);
    for (let n = 0; n < 4; n++)
      for (let l = 0; l <= 3; l++)
        for (let m = -l; m <= l; m++) {
          const lm = l * l + l + m;
          expect(Math.abs(I[n * 4 + l] * Y[lm] - proj[n * 16 + lm])).toBeLessThan(
            2e-3 * Math.max(1, Math.abs(proj[n * 16 + lm])),
          );
        }
  });
  it('interpolated values and derivatives match direct quadrature', () => {
    const rb = new RadialBasis({ cutoff: 5, nMax: 8, lMax: 4, atomSigma: 0.3 });
    const I = new Float64Array(40);
    const D = new Float64Array(40);
    const I2 = new Float64Array(40);
    const D2 = new Float64Array(40);
    let maxI = 0;
    for (const d of [0.73, 1.4567, 3.333, 4.9]) {
      rb.evaluate(d, I, D);
      rb.integrate(d, I2, D2);
      for (let k = 0; k < 40; k++) maxI = Math.max(maxI, Math.abs(I2[k]));
      for (let k = 0; k < 40; k++) {
        expect(Math.abs(I[k] - I2[k])).toBeLessThan(1e-7 * maxI + 1e-12);
        expect(Math.abs(D[k] - D2[k])).toBeLessThan(1e-5 * maxI + 1e-10);
      }
      // dI/dd by finite differences of the direct quadrature
      const Ip = new Float64Array(40);
      const Im = new Float64Array(40);
      rb.integrate(d + 1e-5, Ip, D2);
      rb.integrate(d - 1e-5, Im, D2);
      rb.integrate(d, I2, D2);
      for (let k = 0; k < 40; k++) expect(Math.abs((Ip[k] - Im[k]) / 2e-5 - D2[k])).toBeLessThan(1e-6 * maxI);
    }
  });
});

describe('SOAP descriptor', () => {
  const soap = new Soap(small, [1, 6, 8]);
  it('has the documented dimension and unit norm', () => {
    const S = 3;
    const nn = small.nMax;
    const L1 = small.lMax + 1;
    expect(soap.dim).toBe(S * ((nn * (nn + 1)) / 2) * L1 + ((S * (S - 1)) / 2) * nn * nn * L1);
    const { q } = soap.compute(R0, 0, Z, false);
    for (let i = 0; i < 9; i++) {
      let s = 0;
      for (let e = 0; e < soap.dim; e++) s += q[i * soap.dim + e] ** 2;
      expect(s).toBeCloseTo(1, 12);
    }
  });
  it('is invariant to rotation, translation and permutation of like atoms', () => {
    const D = soap.dim;
    const { q } = soap.compute(R0, 0, Z, false);
    const rand = rng(7);
    for (let t = 0; t < 3; t++) {
      const Rm = rotation(rand() * 6, rand() * 6, rand() * 6);
      const X = apply(Rm, R0, [rand() * 10 - 5, rand() * 10 - 5, rand() * 10 - 5]);
      const { q: q2 } = soap.compute(X, 0, Z, false);
      for (let k = 0; k < q.length; k++) expect(Math.abs(q[k] - q2[k])).toBeLessThan(1e-10);
    }
    // improper rotation (reflection) too: SOAP power spectrum is invariant to it
    const refl = Float64Array.from(R0);
    for (let i = 0; i < 9; i++) refl[3 * i] *= -1;
    const { q: qr } = soap.compute(refl, 0, Z, false);
    for (let k = 0; k < q.length; k++) expect(Math.abs(q[k] - qr[k])).toBeLessThan(1e-10);
    // swap H atoms 3 and 7, and the two carbons' roles are different so keep them
    const perm = [0, 1, 2, 7, 4, 5, 6, 3, 8];
    const P = new Float64Array(27);
    for (let i = 0; i < 9; i++) for (let k = 0; k < 3; k++) P[3 * i + k] = R0[3 * perm[i] + k];
    const { q: qp } = soap.compute(P, 0, Z, false);
    for (let i = 0; i < 9; i++)
      for (let e = 0; e < D; e++) expect(Math.abs(qp[i * D + e] - q[perm[i] * D + e])).toBeLessThan(1e-12);
    // and it is not trivially constant: different geometry → different descriptor
    const moved = Float64Array.from(R0);
    moved[0] += 0.1;
    const { q: qm } = soap.compute(moved, 0, Z, false);
    let diff = 0;
    for (let k = 0; k < q.length; k++) diff = Math.max(diff, Math.abs(qm[k] - q[k]));
    expect(diff).toBeGreaterThan(1e-4);
  });
  it('analytic derivatives match central finite differences (including atoms crossing the transition region)', () => {
    const D = soap.dim;
    // stretch so that some pairs lie in the cutoff transition region (2.5–3 Å)
    const X = Float64Array.from(R0, (v) => v * 1.45);
    const { dq } = soap.compute(X, 0, Z, true);
    const h = 1e-5;
    let maxErr = 0;
    let maxVal = 0;
    for (let c = 0; c < 27; c++) {
      const Xp = Float64Array.from(X);
      const Xm = Float64Array.from(X);
      Xp[c] += h;
      Xm[c] -= h;
      const qp = soap.compute(Xp, 0, Z, false).q.slice();
      const qm = soap.compute(Xm, 0, Z, false).q;
      for (let i = 0; i < 9; i++)
        for (let e = 0; e < D; e++) {
          const fd = (qp[i * D + e] - qm[i * D + e]) / (2 * h);
          const an = dq![(i * 27 + c) * D + e];
          maxErr = Math.max(maxErr, Math.abs(fd - an));
          maxVal = Math.max(maxVal, Math.abs(an));
        }
    }
    expect(maxVal).toBeGreaterThan(1e-2);
    expect(maxErr).toBeLessThan(1e-7);
  });
  it("raw derivatives (training path) reconstruct the normalised Jacobian on each channel's entries", () => {
    const D = soap.dim;
    const X = Float64Array.from(R0, (v) => v * 1.3);
    const { q, dq } = soap.compute(X, 0, Z, true);
    const raw = soap.compute(X, 0, Z, 'raw');
    const chan = (zz: number) => soap.species.indexOf(zz);
    let checked = 0;
    for (let i = 0; i < 9; i++) {
      const centre = new Float64Array(3 * D);
      for (let j = 0; j < 9; j++) {
        if (j === i) continue;
        for (let k = 0; k < 3; k++) {
          const c = 3 * j + k;
          const row = new Float64Array(D);
          if (raw.nbr![i * 9 + j]) {
            for (const [st, len] of soap.channelRanges[chan(Z[j])])
              for (let e = st; e < st + len; e++) row[e] = raw.dp![(i * 27 + c) * D + e];
            for (let e = 0; e < D; e++)
              row[e] = (row[e] - q[i * D + e] * raw.qdp![i * 27 + c]) / raw.pnorm![i];
          }
          for (let e = 0; e < D; e++) {
            expect(Math.abs(row[e] - dq![(i * 27 + c) * D + e])).toBeLessThan(1e-12);
            centre[k * D + e] -= row[e];
          }
          checked++;
        }
      }
      for (let k = 0; k < 3; k++)
        for (let e = 0; e < D; e++)
          expect(Math.abs(centre[k * D + e] - dq![(i * 27 + 3 * i + k) * D + e])).toBeLessThan(1e-12);
    }
    expect(checked).toBe(9 * 8 * 3);
  });
  it('expansion: q bit-for-bit as compute(), neighbour slots grouped by species, and the pullback of any x through the coefficient derivatives equals x·∂p/∂R of the raw derivative rows', () => {
    const D = soap.dim;
    const S = soap.species.length;
    const cs = soap.chanSize;
    const X = Float64Array.from(R0, (v) => v * 1.3); // some pairs beyond the cutoff, some in the transition
    const raw = soap.compute(X, 0, Z, 'raw');
    const ex = soap.expand(X, 0, Z, true);
    for (let k = 0; k < 9 * D; k++) expect(ex.q[k]).toBe(raw.q[k]);
    for (let i = 0; i < 9; i++) expect(ex.pnorm[i]).toBe(raw.pnorm![i]);
    const chan = (zz: number) => soap.species.indexOf(zz);
    const r = rng(5);
    const x = Float64Array.from({ length: D }, () => r() - 0.5);
    const h = new Float64Array(soap.cSize);
    let checked = 0;
    let maxVal = 0;
    for (let i = 0; i < 9; i++) {
      const so = i * (S + 1);
      const seen = new Set<number>();
      soap.pullback(ex.c, i * soap.cSize, x, 0, h);
      for (let a = 0; a < S; a++)
        for (let t = ex.nbStart[so + a]; t < ex.nbStart[so + a + 1]; t++) {
          const j = ex.nb[i * 9 + t];
          expect(chan(Z[j])).toBe(a);
          expect(raw.nbr![i * 9 + j]).toBe(1);
          if (t > ex.nbStart[so + a]) expect(j).toBeGreaterThan(ex.nb[i * 9 + t - 1]);
          seen.add(j);
          for (let k = 0; k < 3; k++) {
            let ref = 0;
            for (const [st, len] of soap.channelRanges[a])
              for (let e = st; e < st + len; e++) ref += x[e] * raw.dp![(i * 27 + 3 * j + k) * D + e];
            let v = 0;
            const o = ((i * 9 + t) * 3 + k) * cs;
            for (let u = 0; u < cs; u++) v += ex.dc[o + u] * h[a * cs + u];
            expect(Math.abs(v - ref)).toBeLessThan(1e-12 * (1 + Math.abs(ref)));
            maxVal = Math.max(maxVal, Math.abs(ref));
            checked++;
          }
        }
      let nNb = 0;
      for (let j = 0; j < 9; j++) nNb += raw.nbr![i * 9 + j];
      expect(seen.size).toBe(nNb);
    }
    expect(checked).toBeGreaterThan(60);
    expect(checked).toBeLessThan(9 * 8 * 3); // the stretched geometry has pairs beyond the cutoff
    expect(maxVal).toBeGreaterThan(1e-3);
  });

  it('pullback matrix equals the pullback, and for a power spectrum it is κ_l c cᵀ/‖p‖ (low rank)', () => {
    const D = soap.dim;
    const nlm = soap.nLM;
    const K = soap.species.length * small.nMax;
    const L1 = small.lMax + 1;
    const ex = soap.expand(R0, 0, Z, false);
    const r = rng(9);
    const x = Float64Array.from({ length: D }, () => r() - 0.5);
    const W = new Float64Array(L1 * K * K);
    soap.pullbackMatrix(x, 0, W, 0, K * K);
    const h = new Float64Array(soap.cSize);
    for (let i = 0; i < 9; i++) {
      soap.pullback(ex.c, i * soap.cSize, x, 0, h);
      for (let l = 0; l < L1; l++)
        for (let A = 0; A < K; A++)
          for (let m = 0; m < 2 * l + 1; m++) {
            let v = 0;
            for (let B = 0; B < K; B++)
              v += W[l * K * K + A * K + B] * ex.c[i * soap.cSize + B * nlm + l * l + m];
            expect(Math.abs(v - h[A * nlm + l * l + m])).toBeLessThan(1e-12 * (1 + Math.abs(v)));
          }
    }
    // x = q_s of atom 1: W^l[A, B] = 16π²/(2l+1) Σ_m c_s[A, lm] c_s[B, lm] / ‖p_s‖
    const s = 1;
    soap.pullbackMatrix(ex.q, s * D, W, 0, K * K);
    let maxW = 0;
    for (let l = 0; l < L1; l++)
      for (let A = 0; A < K; A++)
        for (let B = 0; B < K; B++) {
          let v = 0;
          for (let m = 0; m < 2 * l + 1; m++)
            v += ex.c[s * soap.cSize + A * nlm + l * l + m] * ex.c[s * soap.cSize + B * nlm + l * l + m];
          v *= (16 * Math.PI * Math.PI) / (2 * l + 1) / ex.pnorm[s];
          const w = W[l * K * K + A * K + B];
          maxW = Math.max(maxW, Math.abs(w));
          expect(Math.abs(v - w)).toBeLessThan(1e-13 * (1 + Math.abs(w)));
        }
    expect(maxW).toBeGreaterThan(1e-3);
  });
});
