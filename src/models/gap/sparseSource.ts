/**
 * Where a GAP model's sparse points come from: the geometries of the training frames that hold them and,
 * for each sparse point (blocks in order), its frame and atom. Their SOAP vectors follow from these
 * exactly (the trainer computes them with the same `Soap.expand`), so a model can be saved with this
 * instead of its M × dim descriptor matrix: a few hundred kB instead of 100+ MB for the paper preset.
 */
import type { Soap, SoapExpansion } from './soap.ts';

export interface SparseSource {
  /** Coordinates of the source frames, nFrames × 3N (Å). */
  R: Float64Array;
  /** Per sparse point (global order): index of its frame in R, and its atom. */
  frame: Int32Array;
  atom: Int32Array;
}

/** Collects the sources while the trainer picks sparse points (frames in the order they first appear). */
export class SparseSourceBuilder {
  private readonly frames = new Map<number, number>();
  private readonly coords: Float64Array[] = [];
  private readonly frameOf: number[] = [];
  private readonly atomOf: number[] = [];

  constructor(
    private readonly R: Float64Array,
    private readonly nc: number,
  ) {}

  /** Sparse point number `frameOf.length`: atom `atom` of dataset frame `frame`. */
  add(frame: number, atom: number): void {
    let f = this.frames.get(frame);
    if (f === undefined) {
      f = this.coords.length;
      this.frames.set(frame, f);
      this.coords.push(this.R.slice(frame * this.nc, (frame + 1) * this.nc));
    }
    this.frameOf.push(f);
    this.atomOf.push(atom);
  }

  build(): SparseSource {
    const R = new Float64Array(this.coords.length * this.nc);
    this.coords.forEach((c, i) => R.set(c, i * this.nc));
    return { R, frame: Int32Array.from(this.frameOf), atom: Int32Array.from(this.atomOf) };
  }
}

/** The descriptors of sparse points off..off+M−1 (M × dim), recomputed from their source frames. */
export function sparseDescriptors(
  soap: Soap,
  z: Int32Array,
  src: SparseSource,
  off: number,
  M: number,
): Float64Array {
  const D = soap.dim;
  const nc = z.length * 3;
  const Q = new Float64Array(M * D);
  for (let k = 0; k < M; k++) {
    const f = src.frame[off + k];
    const a = src.atom[off + k];
    if (!(f >= 0 && (f + 1) * nc <= src.R.length && a >= 0 && a < z.length))
      throw new Error(
        `GAP model: sparse point ${off + k} names frame ${f}, atom ${a}, which it does not have`,
      );
  }
  // each source frame is expanded once
  const order = Array.from({ length: M }, (_, k) => k).sort(
    (i, j) => src.frame[off + i] - src.frame[off + j],
  );
  let last = -1;
  let ex: SoapExpansion | undefined;
  for (const k of order) {
    const f = src.frame[off + k];
    if (f !== last) {
      ex = soap.expand(src.R, f * nc, z, false, ex);
      last = f;
    }
    const a = src.atom[off + k];
    Q.set(ex!.q.subarray(a * D, (a + 1) * D), k * D);
  }
  return Q;
}
