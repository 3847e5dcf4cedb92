/**
 * Gathering rows by index and its adjoint, summing rows into segments, as tfjs kernels of our own on
 * the wasm backend — the pair gathers and scatters of SchNet's continuous-filter convolution and
 * BPNN's sums of symmetry-function terms over neighbours.
 *
 * tfjs's wasm backend has no UnsortedSegmentSum (the gradient of tf.gather), so the networks express
 * both as matmuls with constant one-hot selectors (tfjs-fixes.ts, fix 3). Those matmuls multiply
 * mostly zeros: on azobenzene they were ≈ 19 % of a SchNet force-training step. These kernels do the
 * same in plain loops over the wasm heap. Each is the other's gradient, so they differentiate to any
 * order. The sums keep the matmul's arithmetic: float32, rows added in index order starting from 0
 * (an add of two float32 numbers in float64, stored to float32, is the float32 add), so the results
 * are the same bit for bit (tests/unit/row-kernels.test.ts).
 *
 * The loops run in WebAssembly SIMD on the backend's own memory where that module links to it
 * (compute/wasmRows.ts; same sums, so the same bits), else in JavaScript. Rank-2 transposes and
 * axis-0 sums (the matmul and bias gradients') run on that module too, once the kernels are first used.
 *
 * Other backends keep the selector matmuls (webgl and webgpu run them on the GPU).
 */
import * as tf from '@tensorflow/tfjs';
import { overrideWasmKernel } from '../../compute/tfjs-fixes';
import { heapRowKernels, wasmBackendMemory, type HeapRowKernels } from '../../compute/wasmRows';

export const GATHER_ROWS = 'PesGatherRows';
export const SEGMENT_SUM_ROWS = 'PesSegmentSumRows';

interface RowAttrs {
  /**
   * gather: the source row of each output row; segment sum: the segment of each input row. A negative
   * index stands for a zero column of the selector: a zero output row, an input row left out of every sum.
   */
  indices: Int32Array;
  /** gather: rows of the source; segment sum: number of segments (rows of the output) */
  rows: number;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array;
  disposeData(dataId: tf.TensorInfo['dataId']): boolean;
}

let registered = false;
let enabled = true;
let simdEnabled = true;

/** Whether the kernels are used where available (tests switch them off to compare). */
export function setRowKernelsEnabled(on: boolean): void {
  enabled = on;
}

/** Whether the kernels' loops may run in WebAssembly SIMD (tests switch it off to compare with JavaScript). */
export function setRowKernelsSimd(on: boolean): void {
  simdEnabled = on;
}

/** The SIMD loops linked to this backend's memory, or null (then the JavaScript loops run). */
function simdKernelsOf(b: WasmBackendLike): HeapRowKernels | null {
  const memory = simdEnabled ? wasmBackendMemory(b) : null;
  return memory ? heapRowKernels(memory) : null;
}

/**
 * A wasm kernel over one float32 input x [m, d] and an output of `outRows` × d rows. With the SIMD
 * loops `simd` gets the byte offsets of x, the output and a copy of the indices on the heap; else
 * `fill` gets heap views of x and the output. Views and offsets are taken after every allocation
 * (which may grow the heap).
 */
function rowKernel(
  kernelName: string,
  outRows: (a: RowAttrs) => number,
  simd: (k: HeapRowKernels, x: number, out: number, idx: number, a: RowAttrs, d: number) => void,
  fill: (xs: Float32Array, os: Float32Array, a: RowAttrs, d: number) => void,
): tf.KernelConfig {
  return {
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const b = backend as unknown as WasmBackendLike;
      const x = inputs.x as tf.TensorInfo;
      const a = attrs as unknown as RowAttrs;
      const d = x.shape[1];
      const out = b.makeOutput([outRows(a), d], 'float32');
      const k = simdKernelsOf(b);
      if (k && a.indices.length > 0) {
        const idx = b.makeOutput([a.indices.length], 'int32');
        const idxView = b.typedArrayFromHeap(idx);
        idxView.set(a.indices);
        const offset = (t: tf.TensorInfo) => b.typedArrayFromHeap(t).byteOffset;
        simd(k, offset(x), offset(out), idxView.byteOffset, a, d);
        b.disposeData(idx.dataId);
      } else fill(b.typedArrayFromHeap(x) as Float32Array, b.typedArrayFromHeap(out) as Float32Array, a, d);
      return out;
    },
  };
}

/**
 * Two tfjs wasm kernels the matmul and bias gradients call often run on rows.wat instead, for float32
 * matrices (rank 2); every other case goes to tfjs's own kernel:
 * - Transpose is a generic loop that costs ≈ 30 µs on a 64 × 64 matrix; the matmul gradients
 *   (tfjs-fixes.ts, fix 2) transpose weights and activations ≈ 185 times per SchNet training step. A
 *   copy, so the same numbers.
 * - Sum over axis 0 (a bias gradient: dy [rows, 64] → [64]) transposes first in tfjs, then sums each
 *   column from 0 in row order with float32 adds; `sumRows` does those adds in place, so the same bits.
 */
function registerMatrixKernels(): void {
  const override = (
    kernelName: string,
    run: (
      k: HeapRowKernels,
      b: WasmBackendLike,
      x: tf.TensorInfo,
      attrs: tf.NamedAttrMap,
    ) => tf.TensorInfo | null,
  ) => {
    overrideWasmKernel(kernelName, (original) => (args) => {
      const b = args.backend as unknown as WasmBackendLike;
      const x = args.inputs.x as tf.TensorInfo;
      const k = x.shape.length === 2 && x.dtype === 'float32' ? simdKernelsOf(b) : null;
      return (k && run(k, b, x, args.attrs ?? {})) || original(args);
    });
  };
  const offset = (b: WasmBackendLike, t: tf.TensorInfo) => b.typedArrayFromHeap(t).byteOffset;
  override('Transpose', (k, b, x, attrs) => {
    if ((attrs.perm as number[])[0] !== 1) return null;
    const [rows, cols] = x.shape;
    const out = b.makeOutput([cols, rows], 'float32');
    if (rows * cols > 0) k.transpose2d(offset(b, x), offset(b, out), rows, cols);
    return out;
  });
  override('Sum', (k, b, x, attrs) => {
    const axes = ([] as number[]).concat(attrs.axis as number | number[]).map((a) => (a < 0 ? a + 2 : a));
    if (axes.length !== 1 || axes[0] !== 0) return null;
    const [rows, cols] = x.shape;
    const out = b.makeOutput(attrs.keepDims ? [1, cols] : [cols], 'float32');
    if (cols > 0) k.sumRows(offset(b, x), offset(b, out), rows, cols);
    return out;
  });
}

function register(): void {
  if (registered) return;
  registered = true;
  registerMatrixKernels();
  tf.registerKernel(
    rowKernel(
      GATHER_ROWS,
      (a) => a.indices.length,
      (k, x, out, idx, { indices }, d) => k.gatherRows(x, out, idx, indices.length, d),
      (xs, os, { indices }, d) => {
        if (d < 16) {
          // short rows (e.g. positions): a plain loop beats a call per row
          for (let r = 0; r < indices.length; r++) {
            const j = indices[r];
            for (let k = 0; k < d; k++) os[r * d + k] = j >= 0 ? xs[j * d + k] : 0;
          }
          return;
        }
        // row copies within the one heap buffer (copyWithin: no view per row; 2× faster at d = 64)
        const heap = new Float32Array(xs.buffer);
        const x0 = xs.byteOffset >> 2;
        const o0 = os.byteOffset >> 2;
        for (let r = 0; r < indices.length; r++) {
          const j = indices[r];
          if (j >= 0) heap.copyWithin(o0 + r * d, x0 + j * d, x0 + (j + 1) * d);
          else os.fill(0, r * d, (r + 1) * d);
        }
      },
    ),
  );
  tf.registerKernel(
    rowKernel(
      SEGMENT_SUM_ROWS,
      (a) => a.rows,
      (k, x, out, idx, { indices, rows }, d) => k.segmentSumRows(x, out, idx, indices.length, d, rows),
      (xs, os, { indices }, d) => {
        os.fill(0);
        for (let r = 0; r < indices.length; r++) {
          if (indices[r] < 0) continue;
          const o = indices[r] * d,
            i = r * d;
          let k = 0;
          for (; k + 4 <= d; k += 4) {
            // four independent float32 adds per step (1.4× faster than one at a time)
            const s0 = os[o + k] + xs[i + k],
              s1 = os[o + k + 1] + xs[i + k + 1],
              s2 = os[o + k + 2] + xs[i + k + 2],
              s3 = os[o + k + 3] + xs[i + k + 3];
            os[o + k] = s0;
            os[o + k + 1] = s1;
            os[o + k + 2] = s2;
            os[o + k + 3] = s3;
          }
          for (; k < d; k++) os[o + k] += xs[i + k];
        }
      },
    ),
  );
  tf.registerGradient({
    kernelName: GATHER_ROWS,
    gradFunc: (dy, _saved, attrs) => {
      const { indices, rows } = attrs as unknown as RowAttrs;
      return { x: () => segmentSumRowsKernel(dy as tf.Tensor2D, indices, rows) };
    },
  });
  tf.registerGradient({
    kernelName: SEGMENT_SUM_ROWS,
    gradFunc: (dy, _saved, attrs) => {
      const { indices } = attrs as unknown as RowAttrs;
      return { x: () => gatherRowsKernel(dy as tf.Tensor2D, indices, (dy as tf.Tensor).shape[0]) };
    },
  });
}

/** True where the kernels run: the wasm backend (and not switched off). */
export function rowKernelsActive(): boolean {
  if (!enabled || tf.getBackend() !== 'wasm') return false;
  register();
  return true;
}

/** out[r] = x[indices[r]] (0 where indices[r] < 0) for x [rows, d] (float32); only where {@link rowKernelsActive}. */
export function gatherRowsKernel(x: tf.Tensor2D, indices: Int32Array, rows: number): tf.Tensor2D {
  const attrs: RowAttrs = { indices, rows };
  return tf.engine().runKernel(GATHER_ROWS, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

/** out[s] = Σ_{r: indices[r] = s} x[r], out [rows, d] (float32); only where {@link rowKernelsActive}. */
export function segmentSumRowsKernel(x: tf.Tensor2D, indices: Int32Array, rows: number): tf.Tensor2D {
  const attrs: RowAttrs = { indices, rows };
  return tf.engine().runKernel(SEGMENT_SUM_ROWS, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor2D;
}

/**
 * S·x for a selector S [rows, m] with at most one 1 per column (column r: row indices[r], none when
 * negative): the segment-sum kernel on wasm, else the matmul with S. The same numbers either way.
 */
export function sumRowsInto(S: tf.Tensor2D, indices: Int32Array, x: tf.Tensor2D): tf.Tensor2D {
  return rowKernelsActive() ? segmentSumRowsKernel(x, indices, S.shape[0]) : (tf.matMul(S, x) as tf.Tensor2D);
}
