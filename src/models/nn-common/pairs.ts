/**
 * Pair (and triplet) bookkeeping for one fixed molecule: the pair lists, and constant one-hot
 * selector matrices so that every gather / scatter on the differentiated path is a matmul (see
 * src/compute/tfjs-fixes: tf.gather's gradient has no wasm kernel, and matmul differentiates at every
 * order). On wasm the gathers and sums run as our row kernels instead (rowKernels.ts), with the same
 * index lists.
 *
 * Two modes:
 * - dense: every ordered pair i ≠ j (N(N−1) pairs), built once per model; the cosine cutoff then
 *   zeroes pairs beyond the cutoff. Cheapest for small molecules (no per-batch work).
 * - neighbour: per mini-batch, the union over its frames of the pairs closer than the cutoff (a
 *   neighbour list shared by the batch, so shapes stay rectangular). Fewer pairs for extended
 *   molecules (azobenzene reaches 12 Å), at the cost of rebuilding the selectors per batch.
 * - auto (default): the batch's neighbour list, except that when it holds every pair the cached
 *   dense selectors are used. Measured (wasm, batch 10, force training): ethanol (9 atoms, all pairs
 *   within 5 Å) dense = neighbour; azobenzene (24 atoms, 338 of 552 pairs within 5 Å) neighbour lists
 *   1.6× faster for SchNet and 1.6–2.4× for BPNN (many fewer angular triplets).
 * All give the same energies and forces, because pairs beyond the cutoff contribute exactly zero.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherRowsKernel, rowKernelsActive, sumRowsInto } from './rowKernels';

export type PairMode = 'dense' | 'neighbour' | 'auto';

/** Ordered atom pairs (i, j), i ≠ j, of one molecule with nAtoms atoms. */
export interface PairList {
  nAtoms: number;
  i: Int32Array;
  j: Int32Array;
}

/** True when the list holds every ordered pair. */
export function isAllPairs(list: PairList): boolean {
  return list.i.length === list.nAtoms * (list.nAtoms - 1);
}

/** Every ordered pair i ≠ j, i-major. */
export function allPairs(nAtoms: number): PairList {
  const n = nAtoms * (nAtoms - 1);
  const i = new Int32Array(n);
  const j = new Int32Array(n);
  let q = 0;
  for (let a = 0; a < nAtoms; a++)
    for (let b = 0; b < nAtoms; b++)
      if (a !== b) {
        i[q] = a;
        j[q] = b;
        q++;
      }
  return { nAtoms, i, j };
}

/**
 * Ordered pairs closer than `cutoff` (Å) in at least one of the frames `frames` of R (flat,
 * frame-major, Å).
 */
export function neighbourPairs(
  R: Float64Array,
  nAtoms: number,
  frames: ArrayLike<number>,
  cutoff: number,
): PairList {
  // the union over the frames of each frame's pairs within the cutoff
  const near = nearPerFrame(R, nAtoms, frames, cutoff);
  const keep = new Uint8Array(nAtoms * nAtoms);
  for (let q = 0; q < near.length; q++) if (near[q]) keep[q % keep.length] = 1;
  let n = 0;
  for (let q = 0; q < keep.length; q++) n += keep[q];
  const i = new Int32Array(n);
  const j = new Int32Array(n);
  let q = 0;
  for (let a = 0; a < nAtoms; a++)
    for (let b = 0; b < nAtoms; b++)
      if (keep[a * nAtoms + b]) {
        i[q] = a;
        j[q] = b;
        q++;
      }
  return { nAtoms, i, j };
}

/**
 * Which atom pairs are closer than `cutoff` (Å) in each of the frames `frames` of R (flat, frame-major,
 * Å), in float64: near[b·N·N + a·N + c] = 1 (symmetric in a, c). {@link neighbourPairs} is its union
 * over the frames, so every layout decides "within the cutoff" the same way.
 */
export function nearPerFrame(
  R: Float64Array,
  nAtoms: number,
  frames: ArrayLike<number>,
  cutoff: number,
): Uint8Array {
  const N = nAtoms;
  const c2 = cutoff * cutoff;
  const near = new Uint8Array(frames.length * N * N);
  for (let b = 0; b < frames.length; b++) {
    const o = frames[b] * N * 3;
    const f = b * N * N;
    for (let a = 0; a < N; a++)
      for (let c = a + 1; c < N; c++) {
        const dx = R[o + a * 3] - R[o + c * 3];
        const dy = R[o + a * 3 + 1] - R[o + c * 3 + 1];
        const dz = R[o + a * 3 + 2] - R[o + c * 3 + 2];
        if (dx * dx + dy * dy + dz * dz < c2) near[f + a * N + c] = near[f + c * N + a] = 1;
      }
  }
  return near;
}

/**
 * Each unordered pair of a list once: its pairs (i, j) with i < j, in list order. For functions of the
 * distance alone, which both orders share (SchNet's filters).
 */
export function pairsOnce(list: PairList): PairList {
  const keep = Array.from(list.i, (a, q) => a < list.j[q]);
  return {
    nAtoms: list.nAtoms,
    i: list.i.filter((_, q) => keep[q]),
    j: list.j.filter((_, q) => keep[q]),
  };
}

/**
 * Selector matrices of a pair list: Si, Sj [P, N] one-hot rows, D = Sj − Si (r_j − r_i = D·R), and
 * SiT = Siᵀ, SjT = Sjᵀ [N, P] for sums over pairs into their first or second atom (explicit, because
 * matmuls with a transpose flag are slow on wasm).
 */
export interface PairTensors {
  list: PairList;
  nPairs: number;
  Si: tf.Tensor2D;
  SiT: tf.Tensor2D;
  Sj: tf.Tensor2D;
  SjT: tf.Tensor2D;
  D: tf.Tensor2D;
  dispose(): void;
}

export function pairTensors(list: PairList): PairTensors {
  const P = list.i.length;
  const N = list.nAtoms;
  const si = new Float32Array(P * N);
  const sj = new Float32Array(P * N);
  const d = new Float32Array(P * N);
  for (let q = 0; q < P; q++) {
    si[q * N + list.i[q]] = 1;
    sj[q * N + list.j[q]] = 1;
    d[q * N + list.j[q]] += 1;
    d[q * N + list.i[q]] -= 1;
  }
  const Si = tf.tensor2d(si, [P, N]);
  const SiT = tf.transpose(Si) as tf.Tensor2D;
  const Sj = tf.tensor2d(sj, [P, N]);
  const SjT = tf.transpose(Sj) as tf.Tensor2D;
  const D = tf.tensor2d(d, [P, N]);
  return {
    list,
    nPairs: P,
    Si,
    SiT,
    Sj,
    SjT,
    D,
    dispose() {
      Si.dispose();
      SiT.dispose();
      Sj.dispose();
      SjT.dispose();
      D.dispose();
    },
  };
}

/** Rows of h [N, C] picked by a selector S [P, N] with atom indices `atoms`: the row kernel on wasm, else S·h. */
function pickRows(S: tf.Tensor2D, atoms: Int32Array, h: tf.Tensor2D): tf.Tensor2D {
  return rowKernelsActive() ? gatherRowsKernel(h, atoms, S.shape[1]) : (tf.matMul(S, h) as tf.Tensor2D);
}

/**
 * Each pair's row of its second atom: h [N, C] (atom rows) → [P, C], h[j] for pair (i, j). The row
 * kernels on wasm (rowKernels.ts), else the selector matmul Sj·h; the same numbers either way.
 */
export function rowsOfSecondAtom(pt: PairTensors, h: tf.Tensor2D): tf.Tensor2D {
  return pickRows(pt.Sj, pt.list.j, h);
}

/** Each pair's row of its first atom: h [N, C] → [P, C], h[i] for pair (i, j) (kernel or Si·h). */
export function rowsOfFirstAtom(pt: PairTensors, h: tf.Tensor2D): tf.Tensor2D {
  return pickRows(pt.Si, pt.list.i, h);
}

/**
 * Pair rows summed into their first atom: m [P, C] → [N, C], Σ_{pairs (i, ·)} m. The row kernels on
 * wasm, else the selector matmul Siᵀ·m; the same numbers either way.
 */
export function sumIntoFirstAtom(pt: PairTensors, m: tf.Tensor2D): tf.Tensor2D {
  return sumRowsInto(pt.SiT, pt.list.i, m);
}

/** Pair rows summed into their second atom: m [P, C] → [N, C], Σ_{pairs (·, j)} m (kernel or Sjᵀ·m). */
export function sumIntoSecondAtom(pt: PairTensors, m: tf.Tensor2D): tf.Tensor2D {
  return sumRowsInto(pt.SjT, pt.list.j, m);
}

/**
 * Atom-major positions for pair algebra: R [B, N, 3] → [N, B·3], so that a selector [P, N] times it
 * gives [P, B·3] (pair-major, then frame, then xyz).
 */
export function atomMajor(R: tf.Tensor3D): tf.Tensor2D {
  const [B, N] = R.shape;
  return tf.reshape(tf.transpose(R, [1, 0, 2]), [N, B * 3]);
}

/**
 * Pair distance vectors r_j − r_i as [P·B, 3] and distances [P·B, 1] (rows pair-major, then frame).
 * R is [B, N, 3].
 */
export function pairGeometry(R: tf.Tensor3D, pt: PairTensors): { vec: tf.Tensor2D; dist: tf.Tensor2D } {
  const B = R.shape[0];
  const vec = tf.reshape(tf.matMul(pt.D, atomMajor(R)), [pt.nPairs * B, 3]) as tf.Tensor2D;
  const dist = tf.sqrt(tf.sum(tf.square(vec), 1, true)) as tf.Tensor2D;
  return { vec, dist };
}

/** Cosine cutoff f(r) = ½(cos(πr/rc) + 1) for r < rc, else 0 (Behler; schnetpack's CosineCutoff). */
export function cosineCutoff(r: tf.Tensor, rc: number): tf.Tensor {
  return tf.mul(tf.mul(0.5, tf.add(tf.cos(tf.mul(r, Math.PI / rc)), 1)), tf.step(tf.sub(rc, r)));
}
