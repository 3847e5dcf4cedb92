/**
 * Adam (Kingma & Ba 2015) over tf.Variables, with a learning rate the training loop may change.
 *
 * m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², x ← x − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε).
 *
 * On the GPU backends the update runs as tensor ops. On the CPU backends (wasm, cpu) it runs on the
 * host, over all variables at once, with m and v kept there: the tensor version costs ≈ 15 kernel
 * calls per variable (SchNet: 59 variables, ≈ 6 ms of a ≈ 150 ms step on wasm). The host update is a
 * WebAssembly SIMD loop (src/compute/wasm/adam.wat) or, where that is missing, a JavaScript loop that
 * rounds every operation to float32 (Math.fround). Both take the tensor ops' float32 operations in
 * their order, so all three give the same weights bit for bit (tests/unit/adam.test.ts): a product,
 * sum, quotient or square root of float32 numbers computed in float64 and rounded once to float32 is
 * the float32 operation.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_WASM_BASE64 } from '../../compute/wasm/adam.wasm';
import { compiledWasmModule } from '../../compute/wasmModule';

const f32 = Math.fround;

/** The float32 scalars of one update, in the order adam.wat takes them. */
type StepScalars = [
  b1: number,
  c1: number,
  b2: number,
  c2: number,
  d1: number,
  d2: number,
  eps: number,
  lr: number,
];

interface AdamKernel {
  memory: WebAssembly.Memory;
  adamStep(m: number, v: number, x: number, g: number, n: number, ...s: StepScalars): void;
}

/** A fresh instance of adam.wat (its own memory), or null without WebAssembly SIMD. */
function adamKernel(): AdamKernel | null {
  try {
    const mod = compiledWasmModule(ADAM_WASM_BASE64);
    return mod ? (new WebAssembly.Instance(mod, {}).exports as unknown as AdamKernel) : null;
  } catch {
    return null;
  }
}

/** The JavaScript loop of adam.wat's adamStep over float offsets of one array. */
function adamStepJs(
  a: Float32Array,
  m: number,
  v: number,
  x: number,
  g: number,
  n: number,
  s: StepScalars,
): void {
  const [b1, c1, b2, c2, d1, d2, eps, lr] = s;
  for (let k = 0; k < n; k++) {
    const gk = a[g + k];
    const mk = f32(f32(b1 * a[m + k]) + f32(c1 * gk));
    const vk = f32(f32(b2 * a[v + k]) + f32(c2 * f32(gk * gk)));
    a[m + k] = mk;
    a[v + k] = vk;
    a[x + k] = a[x + k] - f32(lr * f32(f32(mk / d1) / f32(f32(Math.sqrt(f32(vk / d2))) + eps)));
  }
}

/**
 * The host state: four blocks of n4 floats (n parameters rounded up to 4) — m, v, then the weights x
 * and gradients g copied in for each update — in adam.wat's memory or a plain array.
 */
class HostBlocks {
  readonly n: number;
  readonly n4: number;
  readonly offsets: number[] = [];
  private readonly kernel: AdamKernel | null;
  private readonly plain: Float32Array | null = null;

  constructor(vars: tf.Variable[], useWasm: boolean) {
    let n = 0;
    for (const x of vars) {
      this.offsets.push(n);
      n += x.size;
    }
    this.n = n;
    this.n4 = Math.ceil(n / 4) * 4;
    let kernel = useWasm ? adamKernel() : null;
    if (kernel) {
      const need = 16 * this.n4 - kernel.memory.buffer.byteLength;
      try {
        if (need > 0) kernel.memory.grow(Math.ceil(need / 65536));
      } catch {
        kernel = null;
      }
    }
    this.kernel = kernel;
    if (!kernel) this.plain = new Float32Array(4 * this.n4); // m and v start at 0 in either
  }

  /** The four blocks as one float32 view (a fresh view: the wasm memory's buffer can change). */
  view(): Float32Array {
    return this.plain ?? new Float32Array(this.kernel!.memory.buffer, 0, 4 * this.n4);
  }

  step(s: StepScalars): void {
    const n4 = this.n4;
    if (this.kernel) this.kernel.adamStep(0, 4 * n4, 8 * n4, 12 * n4, this.n, ...s);
    else adamStepJs(this.plain!, 0, n4, 2 * n4, 3 * n4, this.n, s);
  }
}

export class Adam {
  private t = 0;
  /** the moments as tensors (GPU backends); empty when the update runs on the host */
  private readonly mT: tf.Variable[] = [];
  private readonly vT: tf.Variable[] = [];
  private readonly host: HostBlocks | null;

  /**
   * `engine`: where the update runs — 'tensors', 'wasm' (SIMD loop, JavaScript where it is missing) or
   * 'js'; default 'wasm' on the wasm and cpu backends, else 'tensors'.
   */
  constructor(
    private readonly vars: tf.Variable[],
    public lr = 1e-3,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
    engine?: 'tensors' | 'wasm' | 'js',
  ) {
    const use = engine ?? (['wasm', 'cpu'].includes(tf.getBackend()) ? 'wasm' : 'tensors');
    this.host = use === 'tensors' ? null : new HostBlocks(vars, use === 'wasm');
    if (!this.host)
      for (const x of vars) {
        this.mT.push(tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
        this.vT.push(tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
      }
  }

  /** One update with the gradients `grads` (same order and shapes as the variables). */
  apply(grads: tf.Tensor[]): void {
    this.t++;
    const bc1 = 1 - this.beta1 ** this.t;
    const bc2 = 1 - this.beta2 ** this.t;
    if (this.host) this.applyOnHost(this.host, grads, bc1, bc2);
    else this.applyAsTensors(grads, bc1, bc2);
  }

  private applyAsTensors(grads: tf.Tensor[], bc1: number, bc2: number): void {
    tf.tidy(() => {
      this.vars.forEach((x, q) => {
        const g = grads[q];
        this.mT[q].assign(tf.add(tf.mul(this.beta1, this.mT[q]), tf.mul(1 - this.beta1, g)));
        this.vT[q].assign(tf.add(tf.mul(this.beta2, this.vT[q]), tf.mul(1 - this.beta2, tf.square(g))));
        const step = tf.div(tf.div(this.mT[q], bc1), tf.add(tf.sqrt(tf.div(this.vT[q], bc2)), this.eps));
        x.assign(tf.sub(x, tf.mul(this.lr, step)));
      });
    });
  }

  /** The same operations as {@link applyAsTensors} on the host; the scalars rounded to float32 as tfjs does. */
  private applyOnHost(host: HostBlocks, grads: tf.Tensor[], bc1: number, bc2: number): void {
    const xAt = 2 * host.n4,
      gAt = 3 * host.n4;
    let a = host.view();
    this.vars.forEach((x, q) => {
      a.set(x.dataSync() as Float32Array, xAt + host.offsets[q]);
      a.set(grads[q].dataSync() as Float32Array, gAt + host.offsets[q]);
    });
    const s = [this.beta1, 1 - this.beta1, this.beta2, 1 - this.beta2, bc1, bc2, this.eps, this.lr];
    host.step(s.map(f32) as StepScalars);
    a = host.view();
    this.vars.forEach((x, q) => {
      const at = xAt + host.offsets[q];
      // a copy: the cpu backend would keep a view of the host blocks as the tensor's data
      tf.tidy(() => x.assign(tf.tensor(a.slice(at, at + x.size), x.shape, 'float32')));
    });
  }

  dispose(): void {
    for (const t of [...this.mT, ...this.vT]) t.dispose();
  }
}
