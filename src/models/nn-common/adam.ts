/**
 * Adam (Kingma & Ba 2015) over tf.Variables, with a learning rate the training loop may change.
 *
 * m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², x ← x − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε).
 *
 * On the GPU backends the update runs as tensor ops. On the CPU backends (wasm, cpu) it runs in one
 * JavaScript loop per variable over host copies, with m and v kept on the host: the tensor version
 * costs ≈ 15 kernel calls per variable (SchNet: 59 variables, ≈ 6 ms of a ≈ 175 ms step on wasm). The
 * loop rounds every operation to float32 (Math.fround) in the order the tensor ops take, so both give
 * the same weights bit for bit (tests/unit/adam.test.ts): a product, sum, quotient or square root of
 * float32 numbers computed in float64 and rounded once to float32 is the float32 operation.
 */
import * as tf from '@tensorflow/tfjs';

const f32 = Math.fround;

export class Adam {
  private t = 0;
  /** moments as tensors (GPU backends) or host arrays (wasm, cpu); one kind per optimiser */
  private readonly mT: tf.Variable[] = [];
  private readonly vT: tf.Variable[] = [];
  private readonly mH: Float32Array[] = [];
  private readonly vH: Float32Array[] = [];
  private readonly onHost: boolean;

  constructor(
    private readonly vars: tf.Variable[],
    public lr = 1e-3,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
    onHost?: boolean,
  ) {
    this.onHost = onHost ?? ['wasm', 'cpu'].includes(tf.getBackend());
    for (const x of vars)
      if (this.onHost) {
        this.mH.push(new Float32Array(x.size));
        this.vH.push(new Float32Array(x.size));
      } else {
        this.mT.push(tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
        this.vT.push(tf.tidy(() => tf.variable(tf.zerosLike(x), false)));
      }
  }

  /** One update with the gradients `grads` (same order and shapes as the variables). */
  apply(grads: tf.Tensor[]): void {
    this.t++;
    const bc1 = 1 - this.beta1 ** this.t;
    const bc2 = 1 - this.beta2 ** this.t;
    if (this.onHost) this.applyOnHost(grads, bc1, bc2);
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

  /** The same operations as {@link applyAsTensors}, each rounded to float32 (the scalars too, as tfjs does). */
  private applyOnHost(grads: tf.Tensor[], bc1: number, bc2: number): void {
    const b1 = f32(this.beta1),
      c1 = f32(1 - this.beta1),
      b2 = f32(this.beta2),
      c2 = f32(1 - this.beta2),
      d1 = f32(bc1),
      d2 = f32(bc2),
      eps = f32(this.eps),
      lr = f32(this.lr);
    this.vars.forEach((x, q) => {
      const g = grads[q].dataSync() as Float32Array;
      const xs = x.dataSync() as Float32Array;
      const m = this.mH[q],
        v = this.vH[q];
      const next = new Float32Array(xs.length);
      for (let k = 0; k < xs.length; k++) {
        const gk = g[k];
        const mk = f32(f32(b1 * m[k]) + f32(c1 * gk));
        const vk = f32(f32(b2 * v[k]) + f32(c2 * f32(gk * gk)));
        m[k] = mk;
        v[k] = vk;
        const step = f32(f32(mk / d1) / f32(f32(Math.sqrt(f32(vk / d2))) + eps));
        next[k] = xs[k] - f32(lr * step);
      }
      tf.tidy(() => x.assign(tf.tensor(next, x.shape, 'float32')));
    });
  }

  dispose(): void {
    for (const t of [...this.mT, ...this.vT]) t.dispose();
  }
}
