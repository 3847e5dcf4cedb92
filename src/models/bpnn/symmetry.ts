/**
 * Behler–Parrinello atom-centred symmetry functions (Behler, J. Chem. Phys. 134, 074106 (2011)),
 * differentiable in tfjs (forces and force training go through their Jacobian by autodiff).
 *
 *   G2_i(η, R_s; e)      = Σ_{j≠i, Z_j = e} exp(−η (r_ij − R_s)²) f_c(r_ij)
 *   G4_i(η, ζ, λ; e, e′) = 2^(1−ζ) Σ_{j<k; j,k≠i; {Z_j,Z_k} = {e,e′}} (1 + λ cos θ_ijk)^ζ
 *                          · exp(−η (r_ij² + r_ik² + r_jk²)) f_c(r_ij) f_c(r_ik) f_c(r_jk)
 *
 * with the cosine cutoff f_c(r) = ½(cos(πr/r_c) + 1) (r < r_c). Each unordered neighbour pair j<k is
 * counted once (as n2p2 does). Functions are resolved by neighbour element (G2) and element pair
 * (G4), over the elements present in the molecule. ζ must be a positive integer (the power is
 * written as repeated multiplication, which stays finite at 1 + λ cos θ = 0 to every order).
 */
import * as tf from '@tensorflow/tfjs';
import {
  atomMajor,
  cosineCutoff,
  nearPerFrame,
  pairGeometry,
  type PairList,
  type PairTensors,
} from '../nn-common/pairs';
import { gatherRowsKernel, segmentSumRowsKernel, sumRowsInto } from '../nn-common/rowKernels';

export interface RadialSF {
  /** Width parameter η, Å⁻². */
  eta: number;
  /** Shift R_s, Å. */
  rs: number;
}

export interface AngularSF {
  /** η, Å⁻². */
  eta: number;
  /** Positive integer exponent. */
  zeta: number;
  lambda: 1 | -1;
}

/**
 * Default set for H, C, N, O at r_c = 5 Å (our choice, in the spirit of Gastegger et al. 2018 and
 * the n2p2 examples): five centred radial functions of widths 1/√(2η) ≈ 7…0.7 Å, six narrow
 * (η = 4 Å⁻², width 0.35 Å) functions shifted over the bonded and first non-bonded distances, and
 * eight angular functions (η ∈ {0.01, 0.05} Å⁻², ζ ∈ {1, 4}, λ = ±1).
 */
export const DEFAULT_RADIAL: RadialSF[] = [
  { eta: 0.01, rs: 0 },
  { eta: 0.05, rs: 0 },
  { eta: 0.15, rs: 0 },
  { eta: 0.4, rs: 0 },
  { eta: 1.0, rs: 0 },
  { eta: 4.0, rs: 1.0 },
  { eta: 4.0, rs: 1.4 },
  { eta: 4.0, rs: 1.8 },
  { eta: 4.0, rs: 2.4 },
  { eta: 4.0, rs: 3.0 },
  { eta: 4.0, rs: 3.8 },
];

export const DEFAULT_ANGULAR: AngularSF[] = [0.01, 0.05].flatMap((eta) =>
  [1, 4].flatMap((zeta) => [1, -1].map((lambda) => ({ eta, zeta, lambda: lambda as 1 | -1 }))),
);

/**
 * Triplets (i; j, k), j < k, from a pair list: every two neighbours j, k of a centre i that are in
 * the list as a pair themselves. A triplet whose (j, k) is not a pair has r_jk ≥ r_c in every frame
 * the list covers, so f_c(r_jk) = 0 and it adds exactly zero to G4 and to every derivative; leaving
 * it out changes nothing but the work (a sixth of the triplets of azobenzene's neighbour lists).
 */
export interface TripletList {
  nAtoms: number;
  i: Int32Array;
  j: Int32Array;
  k: Int32Array;
}

export function tripletsFromPairs(pairs: PairList): TripletList {
  const N = pairs.nAtoms;
  const nb: number[][] = Array.from({ length: N }, () => []);
  const isPair = new Uint8Array(N * N);
  for (let q = 0; q < pairs.i.length; q++) {
    nb[pairs.i[q]].push(pairs.j[q]);
    isPair[pairs.i[q] * N + pairs.j[q]] = 1;
  }
  const ti: number[] = [];
  const tj: number[] = [];
  const tk: number[] = [];
  for (let a = 0; a < N; a++) {
    const l = nb[a].slice().sort((x, y) => x - y);
    for (let p = 0; p < l.length; p++)
      for (let q = p + 1; q < l.length; q++) {
        if (!isPair[l[p] * N + l[q]]) continue;
        ti.push(a);
        tj.push(l[p]);
        tk.push(l[q]);
      }
  }
  return { nAtoms: N, i: Int32Array.from(ti), j: Int32Array.from(tj), k: Int32Array.from(tk) };
}

/** Constant selector matrices for the descriptor of one pair/triplet set. */
export interface SFContext {
  pt: PairTensors;
  nTriplets: number;
  /** Dij, Dik, Djk [T, N]: r_j − r_i, r_k − r_i, r_k − r_j as matmuls. */
  Dij: tf.Tensor2D;
  Dik: tf.Tensor2D;
  Djk: tf.Tensor2D;
  /** Per neighbour element e: [N, P] summing pair terms into centre i when Z_j = e. */
  radialSum: tf.Tensor2D[];
  /** Per element pair class c: [N, T] summing triplet terms into centre i. */
  angularSum: tf.Tensor2D[];
  /** The same selectors as the centre atom of each pair / triplet column (−1 where it is not summed). */
  radialSegments: Int32Array[];
  angularSegments: Int32Array[];
  /** Where set (wasm), the angular terms run on these per-frame rows instead of triplets × frames. */
  frameTriplets?: FrameTriplets;
  dispose(): void;
}

/**
 * The angular terms per frame: the rows (t, b) of a triplet list × the batch's frames where all three
 * distances are below the cutoff in frame b (elsewhere f_c makes the term exactly zero), triplet-major
 * then frame. i, j, k are atom-frame rows (atom·B + b) of positions laid out [N·B, 3]; `segment` is
 * the row each term is summed into, c·N·B + i (c: the element-pair class of j, k, in elementPairs
 * order). A random batch of 10 azobenzene frames has 34 000 triplet rows, 20 800 of them within the
 * cutoff.
 */
export interface FrameTriplets {
  nRows: number;
  i: Int32Array;
  j: Int32Array;
  k: Int32Array;
  nClasses: number;
  segment: Int32Array;
}

/** The per-frame rows of `trip` for frames `frames` of R (flat, frame-major, Å; float64 distances). */
export function frameTriplets(
  R: Float64Array,
  z: Int32Array,
  elements: number[],
  trip: TripletList,
  frames: ArrayLike<number>,
  cutoff: number,
): FrameTriplets {
  const N = trip.nAtoms;
  const B = frames.length;
  const near = nearPerFrame(R, N, frames, cutoff); // near[b·N·N + a·N + c]
  const classes = elementPairs(elements);
  const T = trip.i.length;
  const ri = new Int32Array(T * B);
  const rj = new Int32Array(T * B);
  const rk = new Int32Array(T * B);
  const segment = new Int32Array(T * B);
  let n = 0;
  for (let t = 0; t < T; t++) {
    const a = trip.i[t];
    const j = trip.j[t];
    const k = trip.k[t];
    const zj = z[j];
    const zk = z[k];
    const c = classes.findIndex(([e1, e2]) => (zj === e1 && zk === e2) || (zj === e2 && zk === e1));
    for (let b = 0; b < B; b++) {
      const f = b * N * N;
      if (!near[f + a * N + j] || !near[f + a * N + k] || !near[f + j * N + k]) continue;
      ri[n] = a * B + b;
      rj[n] = j * B + b;
      rk[n] = k * B + b;
      segment[n] = c * N * B + a * B + b;
      n++;
    }
  }
  return {
    nRows: n,
    i: ri.slice(0, n),
    j: rj.slice(0, n),
    k: rk.slice(0, n),
    nClasses: classes.length,
    segment: segment.slice(0, n),
  };
}

/** Element pairs (e ≤ e′) over the molecule's elements, in a fixed order. */
export function elementPairs(elements: number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < elements.length; a++)
    for (let b = a; b < elements.length; b++) out.push([elements[a], elements[b]]);
  return out;
}

/**
 * The constant tensors of a batch. With `frameTriplets` the angular terms run on those rows, and the
 * triplet selectors (Dij, Dik, Djk, angularSum) are left empty.
 */
export function sfContext(
  z: Int32Array,
  elements: number[],
  pt: PairTensors,
  tripIn: TripletList,
  frameTriplets?: FrameTriplets,
): SFContext {
  const N = z.length;
  const P = pt.nPairs;
  const none = new Int32Array(0);
  const trip = frameTriplets ? { nAtoms: N, i: none, j: none, k: none } : tripIn;
  const T = trip.i.length;
  const dij = new Float32Array(T * N);
  const dik = new Float32Array(T * N);
  const djk = new Float32Array(T * N);
  for (let t = 0; t < T; t++) {
    dij[t * N + trip.j[t]] += 1;
    dij[t * N + trip.i[t]] -= 1;
    dik[t * N + trip.k[t]] += 1;
    dik[t * N + trip.i[t]] -= 1;
    djk[t * N + trip.k[t]] += 1;
    djk[t * N + trip.j[t]] -= 1;
  }
  // selectors [N, P] / [N, T], and the same as one atom index per column (−1: a zero column)
  const radialSegments = elements.map((e) =>
    Int32Array.from({ length: P }, (_, p) => (z[pt.list.j[p]] === e ? pt.list.i[p] : -1)),
  );
  const angularSegments = elementPairs(elements).map(([e1, e2]) =>
    Int32Array.from({ length: T }, (_, t) => {
      const a = z[trip.j[t]];
      const b = z[trip.k[t]];
      return (a === e1 && b === e2) || (a === e2 && b === e1) ? trip.i[t] : -1;
    }),
  );
  const selector = (seg: Int32Array) => {
    const m = new Float32Array(N * seg.length);
    seg.forEach((i, c) => {
      if (i >= 0) m[i * seg.length + c] = 1;
    });
    return tf.tensor2d(m, [N, seg.length]);
  };
  const radialSum = radialSegments.map(selector);
  const angularSum = angularSegments.map(selector);
  const Dij = tf.tensor2d(dij, [Math.max(T, 0), N]);
  const Dik = tf.tensor2d(dik, [T, N]);
  const Djk = tf.tensor2d(djk, [T, N]);
  return {
    pt,
    nTriplets: T,
    Dij,
    Dik,
    Djk,
    radialSum,
    angularSum,
    radialSegments,
    angularSegments,
    frameTriplets,
    dispose() {
      pt.dispose();
      for (const t of [Dij, Dik, Djk, ...radialSum, ...angularSum]) t.dispose();
    },
  };
}

/** f memoised by key(x). */
function memo<X, Y>(key: (x: X) => string, f: (x: X) => Y): (x: X) => Y {
  const seen = new Map<string, Y>();
  return (x) => {
    const k = key(x);
    if (!seen.has(k)) seen.set(k, f(x));
    return seen.get(k)!;
  };
}

function intPow(x: tf.Tensor, n: number): tf.Tensor {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`ζ must be a positive integer, got ${n}`);
  let out: tf.Tensor | null = null;
  let base = x;
  let e = n;
  while (e > 0) {
    if (e & 1) out = out ? tf.mul(out, base) : base;
    e >>= 1;
    if (e > 0) base = tf.mul(base, base);
  }
  return out!;
}

/**
 * Column vectors [n, 1] side by side as [n, k], the same as tf.concat(cols, 1). On wasm, concat along
 * the last axis (and the split its gradient makes) copies row by row in JavaScript: 14 ms each for
 * eight columns of 23 140 rows, a quarter of a BPNN force-training step on azobenzene. Stacking the
 * columns as rows (contiguous copies) and transposing once takes 0.7 ms.
 */
export function columnsSideBySide(cols: tf.Tensor[]): tf.Tensor2D {
  const n = cols[0].shape[0];
  return tf.transpose(
    tf.concat(
      cols.map((c) => tf.reshape(c, [1, n])),
      0,
    ),
  ) as tf.Tensor2D;
}

/**
 * The angular terms 2^(1−ζ) (1 + λ cos θ)^ζ · exp(−η (r_ij² + r_ik² + r_jk²)) f_c(r_ij) f_c(r_ik) f_c(r_jk)
 * of every row of the distance vectors r_j − r_i, r_k − r_i, r_k − r_j ([rows, 3] each): [rows, nA].
 */
function angularTerms(
  vij: tf.Tensor,
  vik: tf.Tensor,
  vjk: tf.Tensor,
  angular: AngularSF[],
  cutoff: number,
): tf.Tensor2D {
  const sq = (v: tf.Tensor) => tf.sum(tf.square(v), 1, true);
  const r2ij = sq(vij);
  const r2ik = sq(vik);
  const r2jk = sq(vjk);
  const rij = tf.sqrt(r2ij);
  const rik = tf.sqrt(r2ik);
  const rjk = tf.sqrt(r2jk);
  const cos = tf.div(tf.sum(tf.mul(vij, vik), 1, true), tf.mul(rij, rik)); // [rows, 1]
  const fc3 = tf.mul(tf.mul(cosineCutoff(rij, cutoff), cosineCutoff(rik, cutoff)), cosineCutoff(rjk, cutoff));
  const r2sum = tf.add(tf.add(r2ij, r2ik), r2jk);
  // the angular and the radial-times-cutoff factors, each computed once for the functions sharing it
  // (and the cutoffs multiplied into the two radial columns, not broadcast over all nA columns)
  const angularPart = memo(
    (s: AngularSF) => `${s.lambda},${s.zeta}`,
    (s) => tf.mul(intPow(tf.add(1, tf.mul(s.lambda, cos)), s.zeta), 2 ** (1 - s.zeta)),
  );
  const radialPart = memo(
    (s: AngularSF) => `${s.eta}`,
    (s) => tf.mul(tf.exp(tf.mul(-s.eta, r2sum)), fc3),
  );
  return columnsSideBySide(angular.map((s) => tf.mul(angularPart(s), radialPart(s))));
}

/**
 * Symmetry functions of all atoms for positions R [B, N, 3]: returns [N, B, D] with
 * D = nElements·nRadial + nElementPairs·nAngular (radial blocks by neighbour element first).
 */
export function symmetryFunctions(
  R: tf.Tensor3D,
  ctx: SFContext,
  radial: RadialSF[],
  angular: AngularSF[],
  cutoff: number,
): tf.Tensor3D {
  const [B, N] = R.shape;
  const blocks: tf.Tensor[] = [];
  const nR = radial.length;
  const nA = angular.length;
  if (ctx.pt.nPairs > 0 && nR > 0) {
    const { dist } = pairGeometry(R, ctx.pt); // [P·B, 1]
    const fc = cosineCutoff(dist, cutoff);
    const eta = tf.tensor2d(
      radial.map((s) => s.eta),
      [1, nR],
    );
    const rs = tf.tensor2d(
      radial.map((s) => s.rs),
      [1, nR],
    );
    const g = tf.mul(tf.exp(tf.neg(tf.mul(eta, tf.square(tf.sub(dist, rs))))), fc); // [P·B, nR]
    const gp = tf.reshape(g, [ctx.pt.nPairs, B * nR]);
    ctx.radialSum.forEach((S, e) =>
      blocks.push(tf.reshape(sumRowsInto(S, ctx.radialSegments[e], gp as tf.Tensor2D), [N, B, nR])),
    );
  } else if (nR > 0) blocks.push(tf.zeros([N, B, ctx.radialSum.length * nR]));
  const ft = ctx.frameTriplets;
  if (ft && ft.nRows > 0 && nA > 0) {
    // per-frame rows: positions as atom-frame rows [N·B, 3], gathered per term, summed into centres
    const NB = N * B;
    const rows = tf.reshape(atomMajor(R), [NB, 3]) as tf.Tensor2D;
    const ri = gatherRowsKernel(rows, ft.i, NB);
    const rj = gatherRowsKernel(rows, ft.j, NB);
    const rk = gatherRowsKernel(rows, ft.k, NB);
    const g = angularTerms(tf.sub(rj, ri), tf.sub(rk, ri), tf.sub(rk, rj), angular, cutoff); // [rows, nA]
    // one sum for all element-pair classes, into rows c·N·B + (atom·B + b), then classes next to each other
    const nC = ft.nClasses;
    const summed = tf.reshape(segmentSumRowsKernel(g, ft.segment, nC * NB), [nC, NB, nA]);
    blocks.push(tf.reshape(tf.transpose(summed, [1, 0, 2]), [N, B, nC * nA]));
  } else if (!ft && ctx.nTriplets > 0 && nA > 0) {
    const T = ctx.nTriplets;
    const Rm = tf.reshape(tf.transpose(R, [1, 0, 2]), [N, B * 3]) as tf.Tensor2D;
    const vec = (D: tf.Tensor2D) => tf.reshape(tf.matMul(D, Rm), [T * B, 3]);
    const g = angularTerms(vec(ctx.Dij), vec(ctx.Dik), vec(ctx.Djk), angular, cutoff); // [T·B, nA]
    const gt = tf.reshape(g, [T, B * nA]) as tf.Tensor2D;
    ctx.angularSum.forEach((S, q) =>
      blocks.push(tf.reshape(sumRowsInto(S, ctx.angularSegments[q], gt), [N, B, nA])),
    );
  } else if (nA > 0) blocks.push(tf.zeros([N, B, ctx.angularSum.length * nA]));
  return tf.concat(blocks, 2) as tf.Tensor3D;
}
