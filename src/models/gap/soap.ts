/**
 * SOAP power spectrum (Bartók, Kondor & Csányi, PRB 87, 184115 (2013)), species-resolved, with analytic
 * derivatives with respect to every atom position.
 *
 * For a centre i, the neighbour density of species a is ρ_a(r) = Σ_{j∈a, r_ij<r_c} f_c(r_ij) exp(−|r − r_ij|²/2σ²)
 * plus, for the centre's own species, `centralWeight`·exp(−r²/2σ²) (QUIP's central_weight, default 1).
 * Its expansion coefficients on h_n(r) Y_lm(r̂) are c^a_nlm = Σ_j f_c(r_ij) I_nl(r_ij) Y_lm(r̂_ij)
 * (radial.ts, sph.ts). Cutoff (as QUIP): f_c = 1 below r_c − w, ½(1 + cos(π(r − r_c + w)/w)) up to r_c, 0 beyond.
 *
 * Power spectrum p^{ab}_{nn'l} = π√(8/(2l+1)) Σ_m c^a_nlm c^b_n'lm (the prefactor makes p·p′ the
 * rotation-averaged density overlap). Stored once per unordered pair: species pairs a ≤ b, and n ≤ n' when
 * a = b; the entries that stand for two of the full tensor are scaled by √2, so the dot product of two
 * stored vectors equals that of the full tensors. Finally q = p/‖p‖.
 *
 * Derivatives: ∂c/∂r_j from ∂f_c, ∂I/∂d and ∇Y; ∂p through the product rule (only the channel of atom j
 * moves), the centre gets −Σ_j (translation invariance), and ∂q = (∂p − q (q·∂p))/‖p‖.
 */

import { RadialBasis } from './radial.ts';
import { RealSph, nLM } from './sph.ts';

export interface SoapParams {
  /** Cutoff radius r_c, Å. */
  cutoff: number;
  /** Width w of the cosine transition region below r_c, Å. */
  transitionWidth: number;
  nMax: number;
  lMax: number;
  /** Gaussian width of each atom's density, Å. */
  atomSigma: number;
  /** Weight of the centre atom's own Gaussian (QUIP central_weight). */
  centralWeight: number;
}

export interface SoapResult {
  /** Normalised power spectra, nAtoms × dim. */
  q: Float64Array;
  /** If requested: ∂q_i/∂R_c for every centre i and Cartesian coordinate c, layout [(i·3N + c)·dim + e]. */
  dq?: Float64Array;
  /**
   * With grad = 'raw' (used by training): un-normalised ∂p_i/∂R_j for neighbours j ≠ i only, same layout as
   * dq, valid on the entry ranges `channelRanges[species channel of j]` (elsewhere zero or stale), with
   * pnorm[i] = ‖p_i‖, qdp[i·3N + c] = q_i·∂p_i/∂R_c and nbr[i·N + j] = 1 for neighbours; then
   * ∂q_i/∂R_c = (∂p_i/∂R_c − q_i qdp)/pnorm and the centre's column is minus the sum of the others.
   */
  dp?: Float64Array;
  pnorm?: Float64Array;
  qdp?: Float64Array;
  nbr?: Uint8Array;
}

/**
 * Density coefficients of every centre and their neighbour derivatives (`Soap.expand`), the compact form of
 * the Jacobian used by the GAP model: any derivative x·∂p_i/∂R_j is (J_iᵀx)·∂c_i/∂R_j (`Soap.pullback`), so
 * the D-long derivative rows of the power spectrum are never formed. Buffers are reused across calls.
 */
export interface SoapExpansion {
  nAtoms: number;
  /** Normalised power spectra, nAtoms × dim (identical to `compute(…).q`). */
  q: Float64Array;
  /** ‖p_i‖ per centre. */
  pnorm: Float64Array;
  /** Coefficients c of centre i: c[i·cSize + (a·nMax + n)·nlm + lm], cSize = species·nMax·nlm. */
  c: Float64Array;
  /** Neighbours of centre i: nb[i·nAtoms + t], t < nbStart[i·(S+1) + S], grouped by species channel a in
   * slots nbStart[i·(S+1) + a] … nbStart[i·(S+1) + a + 1], ascending atom index within a channel. */
  nb: Int32Array;
  nbStart: Int32Array;
  /** dc[((i·nAtoms + t)·3 + k)·chanSize + n·nlm + lm] = ∂c^{a}_{n lm}(centre i)/∂R_{nb,k}, a = channel of the
   * neighbour in slot t, chanSize = nMax·nlm. */
  dc: Float64Array;
}

export class Soap {
  readonly params: SoapParams;
  /** Sorted species (atomic numbers) that own a density channel. */
  readonly species: number[];
  readonly dim: number;
  readonly radial: RadialBasis;
  private readonly sph: RealSph;
  private readonly nlm: number;
  // entry tables
  private readonly eA: Int32Array;
  private readonly eB: Int32Array;
  private readonly eN: Int32Array;
  private readonly eN2: Int32Array;
  private readonly eL: Int32Array;
  private readonly eS: Float64Array;
  /** For each species channel a: [start, length] ranges of the entries of pair blocks that contain a. */
  readonly channelRanges: [number, number][][];

  constructor(params: SoapParams, species: number[]) {
    this.params = { ...params };
    this.species = [...new Set(species)].sort((a, b) => a - b);
    this.radial = new RadialBasis(params);
    this.sph = new RealSph(params.lMax);
    this.nlm = nLM(params.lMax);
    const S = this.species.length;
    const { nMax, lMax } = params;
    const ea: number[] = [];
    const eb: number[] = [];
    const en: number[] = [];
    const en2: number[] = [];
    const el: number[] = [];
    const es: number[] = [];
    for (let a = 0; a < S; a++)
      for (let b = a; b < S; b++)
        for (let n = 0; n < nMax; n++)
          for (let n2 = a === b ? n : 0; n2 < nMax; n2++)
            for (let l = 0; l <= lMax; l++) {
              ea.push(a);
              eb.push(b);
              en.push(n);
              en2.push(n2);
              el.push(l);
              const twice = a !== b || n !== n2;
              es.push(Math.PI * Math.sqrt(8 / (2 * l + 1)) * (twice ? Math.SQRT2 : 1));
            }
    this.eA = Int32Array.from(ea);
    this.eB = Int32Array.from(eb);
    this.eN = Int32Array.from(en);
    this.eN2 = Int32Array.from(en2);
    this.eL = Int32Array.from(el);
    this.eS = Float64Array.from(es);
    this.dim = ea.length;
    this.channelRanges = [];
    for (let a = 0; a < S; a++) {
      const ranges: [number, number][] = [];
      for (let e = 0; e < this.dim; e++) {
        if (ea[e] !== a && eb[e] !== a) continue;
        const last = ranges[ranges.length - 1];
        if (last && last[0] + last[1] === e) last[1]++;
        else ranges.push([e, 1]);
      }
      this.channelRanges.push(ranges);
    }
  }

  /** Cutoff function and its derivative. */
  cutoffFn(r: number): [number, number] {
    const { cutoff: rc, transitionWidth: w } = this.params;
    if (r >= rc) return [0, 0];
    if (w <= 0 || r <= rc - w) return [1, 0];
    const t = (Math.PI * (r - rc + w)) / w;
    return [0.5 * (1 + Math.cos(t)), (-0.5 * Math.PI * Math.sin(t)) / w];
  }

  /**
   * Descriptors of every atom of one geometry. R: nAtoms×3 (Å), z: atomic numbers (every z must be in
   * `species`). With `grad`, also the full Jacobian (memory nAtoms·3nAtoms·dim doubles); pass `out` buffers
   * to reuse memory across frames.
   */
  /**
   * Adds one neighbour's Gaussian density to the coefficients `c` (its channel starts at `base`) and,
   * with `dc`, writes the coefficients' derivatives with respect to the neighbour's position at `db`
   * (x, y, z blocks of nMax·nlm). `nb` holds the neighbour's angular (Y, G = ∇Y) and radial (I, dI)
   * values at distance `d` in direction `u`; `fc`, `dfc` are the cutoff function and its derivative.
   */
  private addNeighbour(
    c: Float64Array,
    base: number,
    dc: Float64Array | null,
    db: number,
    fc: number,
    dfc: number,
    d: number,
    ux: number,
    uy: number,
    uz: number,
    nb: { Y: Float64Array; G: Float64Array; I: Float64Array; dI: Float64Array },
  ): void {
    const { nMax, lMax } = this.params;
    const L1 = lMax + 1;
    const nlm = this.nlm;
    const chanSize = nMax * nlm;
    const { Y, G, I, dI } = nb;
    for (let n = 0; n < nMax; n++) {
      for (let l = 0; l <= lMax; l++) {
        const rad = fc * I[n * L1 + l];
        const o = base + n * nlm + l * l;
        for (let m = 0; m < 2 * l + 1; m++) c[o + m] += rad * Y[l * l + m];
      }
    }
    if (!dc) return;
    const invd = 1 / d;
    for (let n = 0; n < nMax; n++) {
      for (let l = 0; l <= lMax; l++) {
        const rad = fc * I[n * L1 + l];
        const drad = dfc * I[n * L1 + l] + fc * dI[n * L1 + l];
        for (let m = 0; m < 2 * l + 1; m++) {
          const lm = l * l + m;
          const y = Y[lm];
          const g = 3 * lm;
          const o = n * nlm + lm;
          // ∂Y/∂r = (∇R − l Y u)/d
          dc[db + o] = drad * ux * y + rad * (G[g] - l * y * ux) * invd;
          dc[db + chanSize + o] = drad * uy * y + rad * (G[g + 1] - l * y * uy) * invd;
          dc[db + 2 * chanSize + o] = drad * uz * y + rad * (G[g + 2] - l * y * uz) * invd;
        }
      }
    }
  }

  /** The (unnormalised) power spectrum p of one centre's coefficients c; returns its norm. */
  private powerSpectrum(c: Float64Array, p: Float64Array): number {
    const { eA, eB, eN, eN2, eL, eS } = this;
    const chanSize = this.params.nMax * this.nlm;
    const nlm = this.nlm;
    let nrm2 = 0;
    for (let e = 0; e < this.dim; e++) {
      const l = eL[e];
      const oa = eA[e] * chanSize + eN[e] * nlm + l * l;
      const ob = eB[e] * chanSize + eN2[e] * nlm + l * l;
      let s = 0;
      for (let m = 0; m < 2 * l + 1; m++) s += c[oa + m] * c[ob + m];
      s *= eS[e];
      p[e] = s;
      nrm2 += s * s;
    }
    return Math.sqrt(nrm2);
  }

  compute(
    R: Float64Array,
    rOff: number,
    z: Int32Array,
    grad: boolean | 'raw',
    out?: { q?: Float64Array; dq?: Float64Array; dp?: Float64Array },
  ): SoapResult {
    const raw = grad === 'raw';
    const N = z.length;
    const D = this.dim;
    const nc = 3 * N;
    const { nMax, lMax, cutoff, centralWeight } = this.params;
    const L1 = lMax + 1;
    const nlm = this.nlm;
    const S = this.species.length;
    const chanSize = nMax * nlm;
    const q = out?.q && out.q.length >= N * D ? out.q : new Float64Array(N * D);
    const dq =
      grad && !raw
        ? out?.dq && out.dq.length >= N * nc * D
          ? out.dq
          : new Float64Array(N * nc * D)
        : undefined;
    const dpOut = raw
      ? out?.dp && out.dp.length >= N * nc * D
        ? out.dp
        : new Float64Array(N * nc * D)
      : undefined;
    const pnorm = raw ? new Float64Array(N) : undefined;
    const qdpOut = raw ? new Float64Array(N * nc) : undefined;
    const nbr = raw ? new Uint8Array(N * N) : undefined;
    const chan = new Int32Array(N);
    for (let i = 0; i < N; i++) {
      chan[i] = this.species.indexOf(z[i]);
      if (chan[i] < 0) throw new Error(`element Z=${z[i]} is not in the SOAP species list`);
    }
    const c = new Float64Array(S * chanSize);
    const Y = new Float64Array(nlm);
    const G = new Float64Array(3 * nlm);
    const I = new Float64Array(nMax * L1);
    const dI = new Float64Array(nMax * L1);
    const vals = { Y, G, I, dI };
    // per-neighbour coefficient derivatives: [j][k][n·nlm + lm] for the channel of j
    const dc = grad ? new Float64Array(N * 3 * chanSize) : new Float64Array(0);
    const isNb = new Uint8Array(N);
    const p = new Float64Array(D);
    const dp = grad ? new Float64Array(3 * D) : new Float64Array(0);
    // centre contribution (constant): I_n0(0) Y_00
    this.radial.evaluate(0, I, dI);
    const y00 = 1 / Math.sqrt(4 * Math.PI);
    const { eA, eB, eN, eN2, eL, eS } = this;

    for (let i = 0; i < N; i++) {
      c.fill(0);
      isNb.fill(0);
      const xi = R[rOff + 3 * i];
      const yi = R[rOff + 3 * i + 1];
      const zi = R[rOff + 3 * i + 2];
      // centre
      {
        const base = chan[i] * chanSize;
        this.radial.evaluate(0, I, dI);
        for (let n = 0; n < nMax; n++) c[base + n * nlm] += centralWeight * I[n * L1] * y00;
      }
      for (let j = 0; j < N; j++) {
        if (j === i) continue;
        const dx = R[rOff + 3 * j] - xi;
        const dy = R[rOff + 3 * j + 1] - yi;
        const dz = R[rOff + 3 * j + 2] - zi;
        const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
        if (d >= cutoff || d === 0) continue;
        isNb[j] = 1;
        const [fc, dfc] = this.cutoffFn(d);
        const ux = dx / d;
        const uy = dy / d;
        const uz = dz / d;
        this.sph.eval(ux, uy, uz, Y, grad ? G : undefined);
        this.radial.evaluate(d, I, dI);
        this.addNeighbour(
          c,
          chan[j] * chanSize,
          grad ? dc : null,
          j * 3 * chanSize,
          fc,
          dfc,
          d,
          ux,
          uy,
          uz,
          vals,
        );
      }
      // power spectrum
      const nrm = this.powerSpectrum(c, p);
      const inv = nrm > 0 ? 1 / nrm : 0;
      const qo = i * D;
      for (let e = 0; e < D; e++) q[qo + e] = p[e] * inv;
      if (raw) {
        pnorm![i] = nrm;
        for (let j = 0; j < N; j++) nbr![i * N + j] = isNb[j];
      }
      if (!dq && !raw) continue;
      const rowI = (i * nc + 3 * i) * D;
      if (dq) for (let k = 0; k < 3 * D; k++) dq[rowI + k] = 0;
      for (let j = 0; j < N; j++) {
        const rowJ = (i * nc + 3 * j) * D;
        if (j === i) continue;
        if (!isNb[j]) {
          if (dq) for (let k = 0; k < 3 * D; k++) dq[rowJ + k] = 0;
          continue;
        }
        const cj = chan[j];
        const db = j * 3 * chanSize;
        for (let e = 0; e < D; e++) {
          const a = eA[e];
          const b = eB[e];
          if (a !== cj && b !== cj) {
            dp[e] = 0;
            dp[D + e] = 0;
            dp[2 * D + e] = 0;
            continue;
          }
          const l = eL[e];
          const na = eN[e] * nlm + l * l;
          const nb = eN2[e] * nlm + l * l;
          const oa = a * chanSize + na;
          const ob = b * chanSize + nb;
          let s0 = 0;
          let s1 = 0;
          let s2 = 0;
          const M = 2 * l + 1;
          if (a === cj) {
            const d0 = db + na;
            for (let m = 0; m < M; m++) {
              const cb = c[ob + m];
              s0 += dc[d0 + m] * cb;
              s1 += dc[d0 + chanSize + m] * cb;
              s2 += dc[d0 + 2 * chanSize + m] * cb;
            }
          }
          if (b === cj) {
            const d0 = db + nb;
            for (let m = 0; m < M; m++) {
              const ca = c[oa + m];
              s0 += dc[d0 + m] * ca;
              s1 += dc[d0 + chanSize + m] * ca;
              s2 += dc[d0 + 2 * chanSize + m] * ca;
            }
          }
          const sc = eS[e];
          dp[e] = s0 * sc;
          dp[D + e] = s1 * sc;
          dp[2 * D + e] = s2 * sc;
        }
        for (let k = 0; k < 3; k++) {
          let qdp = 0;
          const ok = k * D;
          for (let e = 0; e < D; e++) qdp += q[qo + e] * dp[ok + e];
          if (raw) {
            qdpOut![i * nc + 3 * j + k] = qdp;
            dpOut!.set(dp.subarray(ok, ok + D), rowJ + k * D);
            continue;
          }
          const rj = rowJ + k * D;
          const ri = rowI + k * D;
          for (let e = 0; e < D; e++) {
            const v = (dp[ok + e] - q[qo + e] * qdp) * inv;
            dq![rj + e] = v;
            dq![ri + e] -= v;
          }
        }
      }
    }
    return raw ? { q, dp: dpOut, pnorm, qdp: qdpOut, nbr } : { q, dq };
  }

  /** Number of density coefficients of one centre, species·nMax·nlm. */
  get cSize(): number {
    return this.species.length * this.params.nMax * this.nlm;
  }

  /** Coefficients of one species channel, nMax·nlm. */
  get chanSize(): number {
    return this.params.nMax * this.nlm;
  }

  /** Number of (l, m) pairs, (lMax + 1)². */
  get nLM(): number {
    return this.nlm;
  }

  /**
   * Density coefficients, power spectra and (with `grad`) coefficient derivatives of every centre of one
   * geometry; see SoapExpansion. The coefficients are accumulated in the same order as in `compute`, so q is
   * bit-for-bit the same. Pass the previous result as `ws` to reuse its buffers.
   */
  expand(R: Float64Array, rOff: number, z: Int32Array, grad: boolean, ws?: SoapExpansion): SoapExpansion {
    const N = z.length;
    const D = this.dim;
    const { nMax, lMax, cutoff, centralWeight } = this.params;
    const L1 = lMax + 1;
    const nlm = this.nlm;
    const S = this.species.length;
    const chanSize = nMax * nlm;
    const cSize = S * chanSize;
    const fit = (a: Float64Array | undefined, n: number) => (a && a.length >= n ? a : new Float64Array(n));
    const out: SoapExpansion = {
      nAtoms: N,
      q: fit(ws?.q, N * D),
      pnorm: fit(ws?.pnorm, N),
      c: fit(ws?.c, N * cSize),
      nb: ws?.nb && ws.nb.length >= N * N ? ws.nb : new Int32Array(N * N),
      nbStart: ws?.nbStart && ws.nbStart.length >= N * (S + 1) ? ws.nbStart : new Int32Array(N * (S + 1)),
      dc: grad ? fit(ws?.dc, N * N * 3 * chanSize) : (ws?.dc ?? new Float64Array(0)),
    };
    const { q, pnorm, c: cAll, nb, nbStart, dc } = out;
    const chan = new Int32Array(N);
    for (let i = 0; i < N; i++) {
      chan[i] = this.species.indexOf(z[i]);
      if (chan[i] < 0) throw new Error(`element Z=${z[i]} is not in the SOAP species list`);
    }
    const Y = new Float64Array(nlm);
    const G = new Float64Array(3 * nlm);
    const I = new Float64Array(nMax * L1);
    const dI = new Float64Array(nMax * L1);
    const vals = { Y, G, I, dI };
    const p = new Float64Array(D);
    const dist = new Float64Array(N);
    const slot = new Int32Array(N);
    const fill = new Int32Array(S);
    const y00 = 1 / Math.sqrt(4 * Math.PI);
    for (let i = 0; i < N; i++) {
      const cb = i * cSize;
      const c = cAll.subarray(cb, cb + cSize);
      c.fill(0);
      const xi = R[rOff + 3 * i];
      const yi = R[rOff + 3 * i + 1];
      const zi = R[rOff + 3 * i + 2];
      // neighbours, grouped by channel
      fill.fill(0);
      for (let j = 0; j < N; j++) {
        dist[j] = -1;
        if (j === i) continue;
        const dx = R[rOff + 3 * j] - xi;
        const dy = R[rOff + 3 * j + 1] - yi;
        const dz = R[rOff + 3 * j + 2] - zi;
        const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
        if (d >= cutoff || d === 0) continue;
        dist[j] = d;
        fill[chan[j]]++;
      }
      const so = i * (S + 1);
      nbStart[so] = 0;
      for (let a = 0; a < S; a++) nbStart[so + a + 1] = nbStart[so + a] + fill[a];
      for (let a = 0; a < S; a++) fill[a] = nbStart[so + a];
      for (let j = 0; j < N; j++) {
        if (dist[j] < 0) continue;
        const t = fill[chan[j]]++;
        slot[j] = t;
        nb[i * N + t] = j;
      }
      // centre
      {
        const base = chan[i] * chanSize;
        this.radial.evaluate(0, I, dI);
        for (let n = 0; n < nMax; n++) c[base + n * nlm] += centralWeight * I[n * L1] * y00;
      }
      for (let j = 0; j < N; j++) {
        const d = dist[j];
        if (d < 0) continue;
        const dx = R[rOff + 3 * j] - xi;
        const dy = R[rOff + 3 * j + 1] - yi;
        const dz = R[rOff + 3 * j + 2] - zi;
        const [fc, dfc] = this.cutoffFn(d);
        const ux = dx / d;
        const uy = dy / d;
        const uz = dz / d;
        this.sph.eval(ux, uy, uz, Y, grad ? G : undefined);
        this.radial.evaluate(d, I, dI);
        const db = (i * N + slot[j]) * 3 * chanSize;
        this.addNeighbour(c, chan[j] * chanSize, grad ? dc : null, db, fc, dfc, d, ux, uy, uz, vals);
      }
      // power spectrum
      const nrm = this.powerSpectrum(c, p);
      const inv = nrm > 0 ? 1 / nrm : 0;
      const qo = i * D;
      for (let e = 0; e < D; e++) q[qo + e] = p[e] * inv;
      pnorm[i] = nrm;
    }
    return out;
  }

  /**
   * h = J_iᵀ x: the gradient of x·p_i (un-normalised power spectrum of centre i) with respect to the
   * centre's density coefficients, so that x·∂p_i/∂R_j = Σ h[(a_j·nMax + n)·nlm + lm] · ∂c_{n lm}/∂R_j.
   * c: coefficients at cOff (SoapExpansion.c), x at xOff (length dim), h (length cSize) is overwritten.
   */
  pullback(c: Float64Array, cOff: number, x: Float64Array, xOff: number, h: Float64Array): void {
    const { eA, eB, eN, eN2, eL, eS } = this;
    const nlm = this.nlm;
    const chanSize = this.params.nMax * nlm;
    h.fill(0, 0, this.species.length * chanSize);
    for (let e = 0; e < this.dim; e++) {
      const w = x[xOff + e] * eS[e];
      if (w === 0) continue;
      const l = eL[e];
      const oa = eA[e] * chanSize + eN[e] * nlm + l * l;
      const ob = eB[e] * chanSize + eN2[e] * nlm + l * l;
      const ca = cOff + oa;
      const cb = cOff + ob;
      for (let m = 0; m < 2 * l + 1; m++) {
        h[oa + m] += w * c[cb + m];
        h[ob + m] += w * c[ca + m];
      }
    }
  }

  /**
   * The pullback as a dense symmetric matrix per l: for a descriptor-space vector x (length dim), writes
   * W[(l·rowStride) + (A·K + B)] with K = species·nMax channels (A = a·nMax + n), W[A,B] = W[B,A] = x_e·s_e
   * for the entry e = (A, B, l) (twice that on the diagonal), so that J_iᵀx = Σ_B W^l[A,B] c_i[B, l m].
   * Every W^l is written in full (K² values at offset wOff + l·rowStride).
   */
  pullbackMatrix(x: Float64Array, xOff: number, W: Float64Array, wOff: number, rowStride: number): void {
    const { eA, eB, eN, eN2, eL, eS } = this;
    const { nMax, lMax } = this.params;
    const K = this.species.length * nMax;
    for (let l = 0; l <= lMax; l++) W.fill(0, wOff + l * rowStride, wOff + l * rowStride + K * K);
    for (let e = 0; e < this.dim; e++) {
      const v = x[xOff + e] * eS[e];
      const A = eA[e] * nMax + eN[e];
      const B = eB[e] * nMax + eN2[e];
      const o = wOff + eL[e] * rowStride;
      if (A === B) W[o + A * K + A] = 2 * v;
      else {
        W[o + A * K + B] = v;
        W[o + B * K + A] = v;
      }
    }
  }
}
