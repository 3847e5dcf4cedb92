/**
 * Fixes for tfjs 4.22 that every model in this app relies on. Call `applyTfjsFixes()` once before
 * building graphs (it is idempotent; `initBackend` and `initNodeBackend` call it).
 *
 * 1. Second-order gradients. tfjs registers the gradients of Exp, Tanh, Sigmoid and Elu in terms of
 *    the op's saved *output* y (e.g. d tanh = dy·(1 − y²)). The saved output is a copy that the tape
 *    does not connect back to the input, so when a gradient is itself differentiated (forces
 *    F = −∂E/∂R inside a loss whose parameter gradient we need) the path through y is silently
 *    dropped and the result is wrong on every backend. We re-register those gradients computed from
 *    the saved *input* x (d tanh = dy·(1 − tanh(x)²), …), which the tape differentiates correctly.
 *    Softplus (gradient dy·sigmoid(x)) is input-based already and becomes correct once Sigmoid is.
 *    Pow's exponent gradient uses y as well and is re-registered the same way.
 *    Still missing in tfjs (do not use inside force losses): second-order gradients of clipByValue,
 *    max, logSumExp, prod; any gradient of gatherND, stridedSlice, scatterND, topk.
 *
 * 2. Speed of matmul gradients on wasm. tfjs differentiates C = A·B into matmuls with
 *    transposeA / transposeB flags, which the wasm backend runs on a slow path (A^T·B measured 4.6×
 *    slower than transpose(A)·B). For plain rank-2 matmuls the gradient is re-registered with
 *    explicit transposes (a whole SchNet force-training step: 2.4× faster on wasm, same on cpu);
 *    other cases keep tfjs's own gradient.
 *
 * 3. Missing wasm kernels. The wasm backend has no UnsortedSegmentSum, which is the gradient of
 *    `gather`, and no Einsum. Models must therefore not use tf.gather / tf.einsum on differentiated
 *    paths; use `gatherRows` / `segmentSumRows` here instead, which express the gather (and its
 *    adjoint, the segment sum) as a matmul with a constant one-hot matrix. Matmul differentiates to
 *    matmul at every order, runs on every backend, and on the cpu backend is also ~7× faster than
 *    the cpu gather gradient.
 *
 * 4. Copies on wasm. The tape keeps a clone (kernel Identity) of every tensor a gradient needs, and
 *    tfjs's gradients cast float32 tensors to float32 (kernel Cast); the wasm backend copies the data
 *    for both, where the cpu backend shares it (as wasm's own Reshape does). Both are re-registered
 *    on wasm to share the buffer when nothing changes (same dtype); no tfjs kernel writes into its
 *    inputs, so a shared buffer is never modified. Measured: a force-training step beside two other
 *    jobs, SchNet on azobenzene ≈ 10 % faster, results bit-identical (tests/unit/tfjs-fixes.test.ts).
 *
 * 5. Softplus on wasm. The wasm backend's Softplus costs ≈ 14 ns per element, 5 % of a SchNet
 *    training step on azobenzene. It is re-registered on wasm as relu(x) − log σ(|x|) (σ and log are
 *    fast there): ≈ 2.4× faster, exact in real arithmetic and within 1.2·10⁻⁷ absolute in float32 (σ(|x|)
 *    rounds to the float32 grid just below 1), so it loses relative precision only where softplus(x) is
 *    itself tiny (x < −7) — SchNet's shifted softplus subtracts ln 2 from it, so its error stays at
 *    float32 rounding. Only the forward kernel changes; the gradient is still tfjs's dy·σ(x).
 */
import * as tf from '@tensorflow/tfjs';

type GradFunc = (
  dy: tf.Tensor | tf.Tensor[],
  saved: tf.Tensor[],
  attrs: tf.NamedAttrMap,
) => Record<string, () => tf.Tensor>;

/** The replacement gradient configs (exported for the tests, which also restore the originals). */
export const fixedGradConfigs: tf.GradConfig[] = [
  {
    kernelName: 'Exp',
    inputsToSave: ['x'],
    gradFunc: ((dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [x] = saved;
      return { x: () => tf.mul(dy, tf.exp(x)) };
    }) as GradFunc,
  },
  {
    kernelName: 'Tanh',
    inputsToSave: ['x'],
    gradFunc: ((dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [x] = saved;
      return { x: () => tf.mul(dy, tf.sub(1, tf.square(tf.tanh(x)))) };
    }) as GradFunc,
  },
  {
    kernelName: 'Sigmoid',
    inputsToSave: ['x'],
    gradFunc: ((dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [x] = saved;
      return {
        x: () => {
          const s = tf.sigmoid(x);
          return tf.mul(dy, tf.mul(s, tf.sub(1, s)));
        },
      };
    }) as GradFunc,
  },
  {
    kernelName: 'Elu',
    inputsToSave: ['x'],
    gradFunc: ((dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [x] = saved;
      // elu(x) = x (x > 0), eˣ − 1 (x ≤ 0); derivative 1 or eˣ. Masks use `step` (whose gradient is
      // zero) rather than where(greater(…)), because Greater has no gradient and the tape needs one.
      return {
        x: () => {
          const pos = tf.step(x);
          return tf.mul(dy, tf.add(pos, tf.mul(tf.sub(1, pos), tf.exp(tf.minimum(x, 0)))));
        },
      };
    }) as GradFunc,
  },
  {
    kernelName: 'Pow',
    inputsToSave: ['a', 'b'],
    gradFunc: ((dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [a, b] = saved;
      const outShape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
      const reduceTo = (t: tf.Tensor, shape: number[]) => {
        const axes = tf.broadcast_util.getReductionAxes(shape, outShape);
        return tf.reshape(axes.length > 0 ? tf.sum(t, axes) : t, shape);
      };
      return {
        a: () => {
          const bf = tf.cast(b, 'float32');
          return reduceTo(tf.mul(dy, tf.mul(bf, tf.pow(a, tf.sub(bf, 1)))), a.shape);
        },
        b: () => {
          // log(a) where a > 0, else 0 (as tfjs), written without Greater (no gradient) and NaN-free.
          const pos = tf.step(a);
          const logA = tf.log(tf.add(tf.mul(a, pos), tf.sub(1, pos)));
          return reduceTo(tf.mul(dy, tf.mul(tf.pow(a, b), logA)), b.shape);
        },
      };
    }) as GradFunc,
  },
];

const originalMatMulGrad = tf.getGradient('BatchMatMul');

fixedGradConfigs.push({
  kernelName: 'BatchMatMul',
  inputsToSave: ['a', 'b'],
  gradFunc: ((dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
    const [a, b] = saved;
    if (a.rank !== 2 || b.rank !== 2 || attrs.transposeA || attrs.transposeB)
      return originalMatMulGrad.gradFunc(dy, saved, attrs);
    return {
      a: () => tf.matMul(dy as tf.Tensor2D, tf.transpose(b) as tf.Tensor2D),
      b: () => tf.matMul(tf.transpose(a) as tf.Tensor2D, dy as tf.Tensor2D),
    };
  }) as GradFunc,
});

let applied = false;
const originals = new Map<string, tf.GradConfig>();

const sharedWasmKernels = new Set<string>();

/**
 * Replaces tfjs's wasm kernel `kernelName` by `make(original)`, where `original` is the kernel it
 * replaces (for the cases the new one leaves to it). False, and nothing changed, where the wasm
 * kernels are not registered.
 */
export function overrideWasmKernel(
  kernelName: string,
  make: (original: tf.KernelFunc) => tf.KernelFunc,
): boolean {
  const original = tf.getKernel(kernelName, 'wasm');
  if (!original) return false;
  tf.unregisterKernel(kernelName, 'wasm');
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: make(original.kernelFunc) });
  return true;
}

/**
 * Fix 4: Identity and same-dtype Cast on wasm return the input's buffer (reference-counted) instead
 * of a copy. Needs the wasm kernels registered (importing @tensorflow/tfjs-backend-wasm does that);
 * without them it does nothing. Idempotent.
 */
export function shareBuffersOnWasm(): void {
  for (const kernelName of ['Identity', 'Cast']) {
    if (sharedWasmKernels.has(kernelName)) continue;
    const replaced = overrideWasmKernel(kernelName, (original) => (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      const dtype = kernelName === 'Cast' ? (args.attrs as { dtype: tf.DataType }).dtype : x.dtype;
      if (dtype !== x.dtype || dtype === 'string') return original(args);
      (args.backend as unknown as { incRef(id: tf.TensorInfo['dataId']): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype };
    });
    if (replaced) sharedWasmKernels.add(kernelName);
  }
}

let fastSoftplusRegistered = false;

/**
 * Fix 5: Softplus on wasm as relu(x) − log σ(|x|), from the wasm backend's own kernels. Needs the wasm
 * kernels registered; without them it does nothing. Idempotent.
 */
export function fastSoftplusOnWasm(): void {
  if (fastSoftplusRegistered) return;
  const kernel = (name: string) => tf.getKernel(name, 'wasm')?.kernelFunc;
  const [abs, sigmoid, log, relu, sub] = ['Abs', 'Sigmoid', 'Log', 'Relu', 'Sub'].map(kernel);
  if (!abs || !sigmoid || !log || !relu || !sub || !tf.getKernel('Softplus', 'wasm')) return;
  type Run = (args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend }) => tf.TensorInfo;
  overrideWasmKernel('Softplus', () => (args) => {
    const x = args.inputs.x as tf.TensorInfo;
    const backend = args.backend as tf.KernelBackend;
    const unary = (f: unknown, t: tf.TensorInfo) => (f as Run)({ inputs: { x: t }, backend });
    const absX = unary(abs, x);
    const sig = unary(sigmoid, absX);
    const logSig = unary(log, sig);
    const pos = unary(relu, x);
    const out = (sub as Run)({ inputs: { a: pos, b: logSig }, backend });
    for (const t of [absX, sig, logSig, pos]) backend.disposeData(t.dataId);
    return out;
  });
  fastSoftplusRegistered = true;
}

/** Re-registers the input-based gradients above (idempotent). */
export function applyTfjsFixes(): void {
  shareBuffersOnWasm();
  fastSoftplusOnWasm();
  if (applied) return;
  for (const cfg of fixedGradConfigs) {
    const orig = tf.getGradient(cfg.kernelName);
    if (orig && !originals.has(cfg.kernelName)) originals.set(cfg.kernelName, orig);
    // tfjs warns on overriding a gradient only in DEBUG mode; the override is intended.
    tf.registerGradient(cfg);
  }
  applied = true;
}

/**
 * Puts tfjs's own gradient configs back (only for tests that demonstrate the bug); a later
 * `applyTfjsFixes()` re-applies the fixes.
 */
export function restoreOriginalTfjsGradients(): void {
  if (!applied) return;
  for (const cfg of fixedGradConfigs) {
    const orig = originals.get(cfg.kernelName);
    if (orig) tf.registerGradient(orig);
  }
  applied = false;
}

/** True once `applyTfjsFixes` has run in this JS realm. */
export function tfjsFixesApplied(): boolean {
  return applied;
}

/**
 * A float32 one-hot matrix [indices.length, depth] with row r = e_{indices[r]}; built in JS so it
 * needs no OneHot kernel and is a constant for autodiff. Callers own (dispose) the tensor.
 */
export function oneHotMatrix(indices: ArrayLike<number>, depth: number): tf.Tensor2D {
  const m = indices.length;
  const data = new Float32Array(m * depth);
  for (let r = 0; r < m; r++) {
    const j = indices[r];
    if (!(j >= 0 && j < depth && Number.isInteger(j)))
      throw new RangeError(`index ${j} out of range [0, ${depth})`);
    data[r * depth + j] = 1;
  }
  return tf.tensor2d(data, [m, depth]);
}

/**
 * rows[r] = x[indices[r]] for x of shape [n, d] (or [batch, n, d], gathering along axis −2),
 * differentiable to any order on every backend. Pass a precomputed `oneHotMatrix(indices, n)` as
 * `selector` to reuse it across calls (the function then does not dispose it).
 */
export function gatherRows(x: tf.Tensor, indices: ArrayLike<number> | tf.Tensor2D): tf.Tensor {
  const n = x.shape[x.rank - 2];
  if (x.rank < 2) throw new Error('gatherRows needs a tensor of rank ≥ 2');
  return tf.tidy(() => {
    const sel = indices instanceof tf.Tensor ? indices : oneHotMatrix(indices, n);
    if (x.rank === 2) return tf.matMul(sel, x as tf.Tensor2D);
    // [m, n] · [batch, n, d] → [batch, m, d]
    const batch = x.shape.slice(0, -2).reduce((p, q) => p * q, 1);
    const x3 = tf.reshape(x, [batch, n, x.shape[x.rank - 1]]);
    const out = tf.matMul(tf.tile(tf.expandDims(sel, 0), [batch, 1, 1]), x3);
    return tf.reshape(out, [...x.shape.slice(0, -2), sel.shape[0], x.shape[x.rank - 1]]);
  });
}

/**
 * out[s] = Σ_{r: segmentIds[r] = s} x[r] for x of shape [m, d]: the adjoint of gatherRows (what
 * tf.unsortedSegmentSum does), as a matmul with the transposed one-hot matrix.
 */
export function segmentSumRows(
  x: tf.Tensor2D,
  segmentIds: ArrayLike<number>,
  numSegments: number,
): tf.Tensor2D {
  return tf.tidy(() => tf.matMul(oneHotMatrix(segmentIds, numSegments), x, true, false));
}
