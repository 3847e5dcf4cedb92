/**
 * Azobenzene (C12H10N2, 24 atoms): atom order used by all of the project's azobenzene data, the key
 * coordinates of the paper (Fig. 1: φ = C–N=N–C, θ = C–N=N, θ′ = N=N–C, a = C–N, b = N=N) and an
 * internal-coordinate representation used to build the paper's interpolated isomerisation paths.
 *
 * Atom order: 0 N (ring A side), 1 N (ring B side), 2–7 ring A carbons (2 ipso, 3 ortho, 4 meta,
 * 5 para, 6 meta′, 7 ortho′), 8–13 ring B carbons (same pattern), 14–18 ring A hydrogens (on 3–7),
 * 19–23 ring B hydrogens (on 9–13).
 */
import {
  type Vec3,
  DEG,
  add,
  atom,
  cross,
  distance,
  angle,
  dihedral,
  dot,
  normalize,
  scale,
  sub,
  wrapDeg,
} from './geometry.ts';

export const AZO_Z: readonly number[] = [
  7, 7, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
];
export const AZO = {
  N1: 0,
  N2: 1,
  C1: 2,
  C4: 8,
  /** φ = C1–N=N–C4 */
  phi: [2, 0, 1, 8] as const,
  /** θ = C1–N=N */
  theta: [2, 0, 1] as const,
  /** θ′ = N=N–C4 */
  thetaPrime: [0, 1, 8] as const,
  /** a = C1–N (a′ = N–C4) */
  a: [2, 0] as const,
  aPrime: [1, 8] as const,
  /** b = N=N */
  b: [0, 1] as const,
};

/** Ring atoms in the order [ipso, o, m, p, m′, o′, H_o, H_m, H_p, H_m′, H_o′]. */
export const RING_A: readonly number[] = [2, 3, 4, 5, 6, 7, 14, 15, 16, 17, 18];
export const RING_B: readonly number[] = [8, 9, 10, 11, 12, 13, 19, 20, 21, 22, 23];
/** Relabelling of one ring that swaps the two ortho and the two meta positions (the ring's C2 flip). */
const RING_FLIP = [0, 5, 4, 3, 2, 1, 10, 9, 8, 7, 6];

export interface AzoKeyCoords {
  phi: number;
  theta: number;
  thetaPrime: number;
  a: number;
  aPrime: number;
  b: number;
}

/** φ (degrees, signed), θ, θ′ (degrees), a, a′, b (Å) of one flat frame. */
export function azoKeyCoords(R: ArrayLike<number>): AzoKeyCoords {
  return {
    phi: dihedral(R, ...AZO.phi),
    theta: angle(R, ...AZO.theta),
    thetaPrime: angle(R, ...AZO.thetaPrime),
    a: distance(R, ...AZO.a),
    aPrime: distance(R, ...AZO.aPrime),
    b: distance(R, ...AZO.b),
  };
}

/**
 * Internal representation. The N=N bond lies on +x from N1 at the origin; C1 sits in the xy plane at
 * angle θ; C4 hangs off N2 at angle θ′ and dihedral φ. θ′ may run past 180° (the "extended" angle of an
 * in-plane inversion): u = (−cos θ′, sin θ′ cos φ, sin θ′ sin φ) is smooth through 180°, so the inversion
 * is continuous. Each phenyl ring is stored in the local frame (u, w = ∂u/∂θ, n = u × w) of its ipso
 * carbon: a twist ψ about u plus untwisted local coordinates.
 */
export interface AzoInternals {
  b: number;
  a: number;
  aPrime: number;
  theta: number;
  thetaPrime: number;
  phi: number;
  ringA: RingInternals;
  ringB: RingInternals;
}
export interface RingInternals {
  /** ring twist about the ipso–N axis, degrees */
  psi: number;
  /** 11 atoms × (u, w, n) relative to ipso, with the twist removed */
  local: number[];
}

function frameOf(theta: number, phi: number): { u: Vec3; w: Vec3; n: Vec3 } {
  const t = theta * DEG;
  const p = phi * DEG;
  const u: Vec3 = [-Math.cos(t), Math.sin(t) * Math.cos(p), Math.sin(t) * Math.sin(p)];
  const w: Vec3 = [Math.sin(t), Math.cos(t) * Math.cos(p), Math.cos(t) * Math.sin(p)];
  return { u, w, n: cross(u, w) };
}
/** Ring A frame: u from N1 towards C1 at angle θ to +x in the xy plane. */
function frameA(theta: number): { u: Vec3; w: Vec3; n: Vec3 } {
  const t = theta * DEG;
  const u: Vec3 = [Math.cos(t), Math.sin(t), 0];
  const w: Vec3 = [-Math.sin(t), Math.cos(t), 0];
  return { u, w, n: cross(u, w) };
}

function ringTwist(loc: number[]): number {
  // direction from o′ to o, projected on (w, n)
  const dw = loc[1 * 3 + 1] - loc[5 * 3 + 1];
  const dn = loc[1 * 3 + 2] - loc[5 * 3 + 2];
  return Math.atan2(dn, dw) / DEG;
}
function twist(loc: number[], psiDeg: number): number[] {
  const c = Math.cos(psiDeg * DEG);
  const s = Math.sin(psiDeg * DEG);
  const out = loc.slice();
  for (let i = 0; i < loc.length / 3; i++) {
    const w = loc[3 * i + 1];
    const n = loc[3 * i + 2];
    out[3 * i + 1] = c * w - s * n;
    out[3 * i + 2] = s * w + c * n;
  }
  return out;
}

/** Standard-frame Cartesian coordinates: N1 origin, N2 on +x, C1 in the xy plane (y > 0). */
function standardFrame(R: ArrayLike<number>): Float64Array {
  const o = atom(R, AZO.N1);
  const x = normalize(sub(atom(R, AZO.N2), o));
  const c1 = sub(atom(R, AZO.C1), o);
  const y = normalize(sub(c1, scale(x, dot(c1, x))));
  const z = cross(x, y);
  const out = new Float64Array(R.length);
  for (let i = 0; i < R.length / 3; i++) {
    const p = sub(atom(R, i), o);
    out[3 * i] = dot(p, x);
    out[3 * i + 1] = dot(p, y);
    out[3 * i + 2] = dot(p, z);
  }
  return out;
}

function ringFromCartesian(
  S: Float64Array,
  ring: readonly number[],
  f: { u: Vec3; w: Vec3; n: Vec3 },
): RingInternals {
  const ipso = atom(S, ring[0]);
  const loc: number[] = [];
  for (const i of ring) {
    const d = sub(atom(S, i), ipso);
    loc.push(dot(d, f.u), dot(d, f.w), dot(d, f.n));
  }
  const psi = ringTwist(loc);
  return { psi, local: twist(loc, -psi) };
}

/**
 * Internal coordinates of a frame. With `extended`, θ′ is reported as 360° − θ′ and φ as φ + 180°: the
 * same geometry on the other branch, used when an inversion path crosses θ′ = 180°.
 */
export function azoToInternals(R: ArrayLike<number>, extended = false): AzoInternals {
  const S = standardFrame(R);
  const b = distance(S, 0, 1);
  const theta = angle(S, AZO.C1, AZO.N1, AZO.N2);
  let thetaPrime = angle(S, AZO.N1, AZO.N2, AZO.C4);
  let phi = dihedral(S, AZO.C1, AZO.N1, AZO.N2, AZO.C4);
  if (extended) {
    thetaPrime = 360 - thetaPrime;
    phi = wrapDeg(phi + 180);
  }
  return {
    b,
    a: distance(S, AZO.C1, AZO.N1),
    aPrime: distance(S, AZO.N2, AZO.C4),
    theta,
    thetaPrime,
    phi,
    ringA: ringFromCartesian(S, RING_A, frameA(theta)),
    ringB: ringFromCartesian(S, RING_B, frameOf(thetaPrime, phi)),
  };
}

/** Cartesian coordinates (flat, Å) from the internal representation. */
export function azoFromInternals(q: AzoInternals): Float64Array {
  const R = new Float64Array(24 * 3);
  const set = (i: number, p: Vec3) => {
    R[3 * i] = p[0];
    R[3 * i + 1] = p[1];
    R[3 * i + 2] = p[2];
  };
  const n1: Vec3 = [0, 0, 0];
  const n2: Vec3 = [q.b, 0, 0];
  set(AZO.N1, n1);
  set(AZO.N2, n2);
  const fa = frameA(q.theta);
  const fb = frameOf(q.thetaPrime, q.phi);
  const place = (ring: readonly number[], r: RingInternals, f: { u: Vec3; w: Vec3; n: Vec3 }, ipso: Vec3) => {
    const loc = twist(r.local, r.psi);
    ring.forEach((idx, k) => {
      const [lu, lw, ln] = [loc[3 * k], loc[3 * k + 1], loc[3 * k + 2]];
      set(idx, add(ipso, add(scale(f.u, lu), add(scale(f.w, lw), scale(f.n, ln)))));
    });
  };
  place(RING_A, q.ringA, fa, scale(fa.u, q.a));
  place(RING_B, q.ringB, fb, add(n2, scale(fb.u, q.aPrime)));
  return R;
}

/**
 * An idealised starting geometry: benzene rings (C–C 1.39 Å, C–H 1.08 Å) on an N=N unit with the
 * given b, a, θ, θ′, φ and ring twists.
 */
export function buildAzobenzene(p: {
  b: number;
  a: number;
  theta: number;
  thetaPrime: number;
  phi: number;
  psiA: number;
  psiB: number;
}): Float64Array {
  const cc = 1.39;
  const ch = 1.08;
  const local: number[] = [];
  // hexagon centred at (cc, 0) in the (u, w) plane; k = 0 is the ipso carbon at the origin
  for (let k = 0; k < 6; k++) local.push(cc - cc * Math.cos(k * 60 * DEG), cc * Math.sin(k * 60 * DEG), 0);
  for (let k = 1; k < 6; k++)
    local.push(cc - (cc + ch) * Math.cos(k * 60 * DEG), (cc + ch) * Math.sin(k * 60 * DEG), 0);
  return azoFromInternals({
    b: p.b,
    a: p.a,
    aPrime: p.a,
    theta: p.theta,
    thetaPrime: p.thetaPrime,
    phi: p.phi,
    ringA: { psi: p.psiA, local },
    ringB: { psi: p.psiB, local },
  });
}

function lerp(a: number, b: number, t: number): number {
  return a + (b - a) * t;
}

/**
 * Make ring `end` comparable with ring `start`: if the shorter twist arc is above 90°, relabel the end
 * ring by its C2 flip (ortho ↔ ortho′, meta ↔ meta′) so the ring turns by less than 90°.
 */
function alignRing(start: RingInternals, endCart: number[]): { ring: RingInternals; flipped: boolean } {
  const mk = (loc: number[]) => {
    const psi = ringTwist(loc);
    return { psi, local: twist(loc, -psi) };
  };
  const plain = mk(endCart);
  if (Math.abs(wrapDeg(plain.psi - start.psi)) <= 90) return { ring: plain, flipped: false };
  const flippedLoc: number[] = [];
  for (const k of RING_FLIP) flippedLoc.push(endCart[3 * k], endCart[3 * k + 1], endCart[3 * k + 2]);
  return { ring: mk(flippedLoc), flipped: true };
}

function interpRing(a: RingInternals, b: RingInternals, t: number): RingInternals {
  return {
    psi: a.psi + wrapDeg(b.psi - a.psi) * t,
    local: a.local.map((x, i) => lerp(x, b.local[i], t)),
  };
}

/** Which azobenzene path to build by interpolation (the paper's §II.B.1). */
export type AzoPathKind = 'rotation' | 'inversion' | 'rotation-inversion';

/**
 * Interpolated cis → trans path of `nPoints` geometries (first = cis, last = trans up to a relabelling
 * of ring atoms that keeps every ring turning by less than 90°).
 * - rotation: φ goes from φ_cis to the trans value along the shorter arc, every other internal is
 *   interpolated linearly;
 * - inversion: θ′ goes linearly from θ′_cis through 180° to 360° − θ′_trans (the in-plane inversion of
 *   N2; φ stays near its cis value), everything else linear;
 * - rotation-inversion: φ as in rotation, θ′ rising linearly to `thetaPeak` at the midpoint and back
 *   down to θ′_trans.
 * Returns the geometries and the permutation applied to the trans minimum (identity if none).
 */
export function azoInterpolatedPath(
  cis: ArrayLike<number>,
  trans: ArrayLike<number>,
  kind: AzoPathKind,
  nPoints = 17,
  thetaPeak = 175,
): { frames: Float64Array[]; transPermutation: number[] } {
  const qa = azoToInternals(cis);
  const qbRaw = azoToInternals(trans, kind === 'inversion');
  // ring local coordinates of the trans end, before alignment
  const perm = Array.from({ length: 24 }, (_, i) => i);
  const endRing = (r: RingInternals) => twist(r.local, r.psi);
  const ra = alignRing(qa.ringA, endRing(qbRaw.ringA));
  const rb = alignRing(qa.ringB, endRing(qbRaw.ringB));
  if (ra.flipped) RING_A.forEach((idx, k) => (perm[idx] = RING_A[RING_FLIP[k]]));
  if (rb.flipped) RING_B.forEach((idx, k) => (perm[idx] = RING_B[RING_FLIP[k]]));
  const qb = { ...qbRaw, ringA: ra.ring, ringB: rb.ring };
  const frames: Float64Array[] = [];
  for (let s = 0; s < nPoints; s++) {
    const t = s / (nPoints - 1);
    let thetaPrime = lerp(qa.thetaPrime, qb.thetaPrime, t);
    if (kind === 'rotation-inversion') {
      thetaPrime =
        t <= 0.5 ? lerp(qa.thetaPrime, thetaPeak, t / 0.5) : lerp(thetaPeak, qb.thetaPrime, (t - 0.5) / 0.5);
    }
    const q: AzoInternals = {
      b: lerp(qa.b, qb.b, t),
      a: lerp(qa.a, qb.a, t),
      aPrime: lerp(qa.aPrime, qb.aPrime, t),
      theta: lerp(qa.theta, qb.theta, t),
      thetaPrime,
      phi: qa.phi + wrapDeg(qb.phi - qa.phi) * t,
      ringA: interpRing(qa.ringA, qb.ringA, t),
      ringB: interpRing(qa.ringB, qb.ringB, t),
    };
    frames.push(azoFromInternals(q));
  }
  return { frames, transPermutation: perm };
}

/** Apply an atom permutation: out atom i = in atom perm[i]. */
export function permuteAtoms(R: ArrayLike<number>, perm: readonly number[]): Float64Array {
  const out = new Float64Array(R.length);
  perm.forEach((src, i) => {
    out[3 * i] = R[3 * src];
    out[3 * i + 1] = R[3 * src + 1];
    out[3 * i + 2] = R[3 * src + 2];
  });
  return out;
}
