/**
 * Where SchNet's pair terms live: the rows that carry a filter W_ij and its messages, and how the
 * messages reach the atoms. Each unordered pair i < j has one row per frame and sends a message both
 * ways (h_j ⊙ W_ij to i, h_i ⊙ W_ij to j; W depends on r_ij alone). Two layouts, same energies:
 *
 * - rectangular (every backend): every pair of the batch's list in every frame, rows pair-major then
 *   frame ([P·B]); a pair beyond the cutoff in some frame has a row there all the same, whose filter
 *   the cosine cutoff makes exactly zero. Gathers and sums work on the [N, B·F] view of the atom
 *   features (selector matmuls, or the row kernels on wasm).
 * - per frame (wasm, where the row kernels run): only the (pair, frame) rows within the cutoff, in
 *   the same order, gathered from and summed into the atom-frame rows [N·B, F] directly. A random
 *   batch of 10 azobenzene frames lists 443 pairs, but a frame has 357 within 5 Å: a fifth fewer rows.
 *
 * Atom features are [N·B, F], atom-major then frame (row a·B + b).
 */
import * as tf from '@tensorflow/tfjs';
import {
  atomMajor,
  nearPerFrame,
  pairGeometry,
  rowsOfFirstAtom,
  rowsOfSecondAtom,
  sumIntoFirstAtom,
  sumIntoSecondAtom,
  type PairList,
  type PairTensors,
} from '../nn-common/pairs';
import { gatherRowsKernel, segmentSumRowsKernel } from '../nn-common/rowKernels';

export interface PairRows {
  /** Rows of pair terms. */
  readonly nRows: number;
  /** Pair distances [rows, 1] for positions R [B, N, 3] (Å). */
  distances(R: tf.Tensor3D): tf.Tensor2D;
  /** Σ_j h_j ⊙ W_ij into every atom-frame row: h [N·B, F], W [rows, F] → [N·B, F]. */
  aggregate(h: tf.Tensor2D, W: tf.Tensor2D): tf.Tensor2D;
  dispose(): void;
}

/** The rectangular layout over the pairs `pt` (each unordered pair once) and all B frames. */
export function rectangularRows(pt: PairTensors, B: number, dispose: () => void = () => {}): PairRows {
  const N = pt.list.nAtoms;
  const P = pt.nPairs;
  return {
    nRows: P * B,
    distances: (R) => pairGeometry(R, pt).dist,
    aggregate(h, W) {
      const F = h.shape[1];
      const hv = tf.reshape(h, [N, B * F]) as tf.Tensor2D;
      const Wv = tf.reshape(W, [P, B * F]) as tf.Tensor2D;
      const toFirst = sumIntoFirstAtom(pt, tf.mul(rowsOfSecondAtom(pt, hv), Wv) as tf.Tensor2D);
      const toSecond = sumIntoSecondAtom(pt, tf.mul(rowsOfFirstAtom(pt, hv), Wv) as tf.Tensor2D);
      return tf.reshape(tf.add(toFirst, toSecond), [N * B, F]) as tf.Tensor2D;
    },
    dispose,
  };
}

/**
 * The per-frame layout: the rows (p, b) of `list` (pairs i < j) × `frames` with r < cutoff in frame
 * b, computed from R (flat, frame-major, Å) in float64 as neighbourPairs does. Only where the row
 * kernels run (rowKernelsActive).
 */
export function perFrameRows(
  R: Float64Array,
  list: PairList,
  frames: ArrayLike<number>,
  cutoff: number,
): PairRows {
  const N = list.nAtoms;
  const B = frames.length;
  const near = nearPerFrame(R, N, frames, cutoff);
  const first: number[] = [];
  const second: number[] = [];
  for (let p = 0; p < list.i.length; p++) {
    const a = list.i[p];
    const c = list.j[p];
    for (let b = 0; b < B; b++) {
      if (!near[b * N * N + a * N + c]) continue;
      first.push(a * B + b);
      second.push(c * B + b);
    }
  }
  const fi = Int32Array.from(first);
  const se = Int32Array.from(second);
  const NB = N * B;
  return {
    nRows: fi.length,
    distances(Rt) {
      const atoms = atomMajor(Rt); // [N, B·3]
      const rows = tf.reshape(atoms, [NB, 3]) as tf.Tensor2D;
      const vec = tf.sub(gatherRowsKernel(rows, se, NB), gatherRowsKernel(rows, fi, NB));
      return tf.sqrt(tf.sum(tf.square(vec), 1, true)) as tf.Tensor2D;
    },
    aggregate(h, W) {
      const toFirst = segmentSumRowsKernel(tf.mul(gatherRowsKernel(h, se, NB), W) as tf.Tensor2D, fi, NB);
      const toSecond = segmentSumRowsKernel(tf.mul(gatherRowsKernel(h, fi, NB), W) as tf.Tensor2D, se, NB);
      return tf.add(toFirst, toSecond) as tf.Tensor2D;
    },
    dispose: () => {},
  };
}
