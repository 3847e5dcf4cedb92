/**
 * Behler–Parrinello neural network (Behler & Parrinello 2007; reference codes n2p2, RuNNer):
 * symmetry functions (./symmetry) per atom, standardised per element and feature (mean and std over
 * the training frames), one feed-forward network per element (default 2 hidden layers of 25, tanh,
 * linear output), E = Σ_i σ·y_i (+ N·μ in float64, see EnergyStats). Forces −∂E/∂R go through the
 * descriptor Jacobian by autodiff; force training differentiates that again (tanh, exp: second order
 * correct only with applyTfjsFixes()).
 */
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/dataset';
import { glorotUniform, Rng } from '../nn-common/rng';
import { allPairs, isAllPairs, neighbourPairs, pairTensors, type PairMode } from '../nn-common/pairs';
import { batchPositions, type AtomisticNet, type BatchContext, type EnergyStats } from '../nn-common/net';
import { rowKernelsActive } from '../nn-common/rowKernels';
import {
  DEFAULT_ANGULAR,
  DEFAULT_RADIAL,
  elementPairs,
  frameTriplets,
  sfContext,
  symmetryFunctions,
  tripletsFromPairs,
  type AngularSF,
  type RadialSF,
  type SFContext,
} from './symmetry';

export interface BpnnConfig {
  /** Cutoff radius, Å (default 5). */
  cutoff: number;
  radial: RadialSF[];
  angular: AngularSF[];
  /** Hidden layer sizes (default [25, 25]). */
  hidden: number[];
  pairMode: PairMode;
  /**
   * Per element (in `elements` order): feature means and inverse stds, computed from the training
   * frames when the model is built; stored so a reloaded model scales identically.
   */
  scaling?: { elements: number[]; mean: number[][]; invStd: number[][] };
}

export const BPNN_DEFAULTS: BpnnConfig = {
  cutoff: 5,
  radial: DEFAULT_RADIAL,
  angular: DEFAULT_ANGULAR,
  hidden: [25, 25],
  pairMode: 'auto',
};

interface Layer {
  W: tf.Variable;
  b: tf.Variable;
}

interface BpnnCtx extends BatchContext {
  sf: SFContext;
}

export class BpnnNet implements AtomisticNet {
  readonly kind = 'bpnn' as const;
  readonly weights: { name: string; v: tf.Variable }[] = [];
  readonly cfg: BpnnConfig;
  readonly elements: number[];
  readonly nFeatures: number;
  private denseCtx: SFContext | null = null;
  private readonly nets: Layer[][] = [];
  private readonly selectors: tf.Tensor2D[] = [];
  private readonly count: number[] = [];
  private readonly mean: tf.Tensor2D[] = [];
  private readonly invStd: tf.Tensor2D[] = [];

  /**
   * With `ds` and `trainIdx` (and no `cfg.scaling`), feature scaling is computed from those frames.
   */
  constructor(
    readonly z: Int32Array,
    readonly stats: EnergyStats,
    cfg: Partial<BpnnConfig> = {},
    seed = 0,
    ds?: Dataset,
    trainIdx?: ArrayLike<number>,
  ) {
    this.cfg = { ...BPNN_DEFAULTS, ...cfg };
    const N = z.length;
    this.elements = [...new Set(Array.from(z))].sort((a, b) => a - b);
    this.nFeatures =
      this.elements.length * this.cfg.radial.length +
      elementPairs(this.elements).length * this.cfg.angular.length;
    if (!this.cfg.scaling) {
      if (!ds || !trainIdx)
        throw new Error('BPNN needs training frames (or stored scaling) to scale its features');
      this.cfg.scaling = this.computeScaling(ds, trainIdx);
    }
    const sc = this.cfg.scaling;
    if (sc.elements.join(',') !== this.elements.join(','))
      throw new Error('BPNN scaling does not match the elements');
    const rng = new Rng(seed);
    const D = this.nFeatures;
    this.elements.forEach((e, q) => {
      const atoms = Array.from(z)
        .map((zi, i) => (zi === e ? i : -1))
        .filter((i) => i >= 0);
      const sel = new Float32Array(atoms.length * N);
      atoms.forEach((i, r) => (sel[r * N + i] = 1));
      this.selectors.push(tf.tensor2d(sel, [atoms.length, N]));
      this.count.push(atoms.length);
      this.mean.push(tf.tensor2d(sc.mean[q], [1, D]));
      this.invStd.push(tf.tensor2d(sc.invStd[q], [1, D]));
      const sizes = [D, ...this.cfg.hidden, 1];
      const layers: Layer[] = [];
      for (let l = 0; l + 1 < sizes.length; l++) {
        const w0 = glorotUniform(rng, sizes[l], sizes[l + 1]);
        const W = tf.tidy(() => tf.variable(tf.tensor2d(w0, [sizes[l], sizes[l + 1]]), true));
        const b = tf.tidy(() => tf.variable(tf.zeros([sizes[l + 1]]), true));
        this.weights.push({ name: `Z${e}.layer${l}.W`, v: W }, { name: `Z${e}.layer${l}.b`, v: b });
        layers.push({ W, b });
      }
      this.nets.push(layers);
    });
  }

  context(R: Float64Array, frames: ArrayLike<number>): BpnnCtx {
    const mode = this.cfg.pairMode;
    const pl = mode === 'dense' ? null : neighbourPairs(R, this.z.length, frames, this.cfg.cutoff);
    if (!pl || (mode === 'auto' && isAllPairs(pl))) {
      if (!this.denseCtx) {
        const all = allPairs(this.z.length);
        this.denseCtx = sfContext(this.z, this.elements, pairTensors(all), tripletsFromPairs(all));
      }
      return { sf: this.denseCtx, dispose: () => {} };
    }
    // on wasm the angular terms run per frame (only the rows within the cutoff; see FrameTriplets)
    const trip = tripletsFromPairs(pl);
    const perFrame = rowKernelsActive()
      ? frameTriplets(R, this.z, this.elements, trip, frames, this.cfg.cutoff)
      : undefined;
    const sf = sfContext(this.z, this.elements, pairTensors(pl), trip, perFrame);
    return { sf, dispose: () => sf.dispose() };
  }

  /** Raw (unscaled) symmetry functions [N, B, D]. */
  descriptors(R: tf.Tensor3D, ctx: BatchContext): tf.Tensor3D {
    return symmetryFunctions(R, (ctx as BpnnCtx).sf, this.cfg.radial, this.cfg.angular, this.cfg.cutoff);
  }

  private computeScaling(ds: Dataset, idx: ArrayLike<number>): NonNullable<BpnnConfig['scaling']> {
    const D = this.nFeatures;
    const nEl = this.elements.length;
    const s1 = Array.from({ length: nEl }, () => new Float64Array(D));
    const s2 = Array.from({ length: nEl }, () => new Float64Array(D));
    const cnt = new Float64Array(nEl);
    const el = Array.from(this.z, (zi) => this.elements.indexOf(zi));
    const N = this.z.length;
    const bs = 50;
    for (let s = 0; s < idx.length; s += bs) {
      const fr = Array.from({ length: Math.min(bs, idx.length - s) }, (_, q) => idx[s + q]);
      const ctx = this.context(ds.R, fr);
      const g = tf.tidy(() => this.descriptors(batchPositions(ds.R, N, fr), ctx).dataSync());
      ctx.dispose();
      const B = fr.length;
      for (let i = 0; i < N; i++)
        for (let b = 0; b < B; b++) {
          const o = (i * B + b) * D;
          cnt[el[i]]++;
          for (let f = 0; f < D; f++) {
            s1[el[i]][f] += g[o + f];
            s2[el[i]][f] += g[o + f] * g[o + f];
          }
        }
    }
    const mean: number[][] = [];
    const invStd: number[][] = [];
    for (let e = 0; e < nEl; e++) {
      const m = Array.from(s1[e], (v) => v / cnt[e]);
      const sd = Array.from(s2[e], (v, f) => Math.sqrt(Math.max(0, v / cnt[e] - m[f] * m[f])));
      mean.push(m);
      // Features that never vary (e.g. an element pair absent within the cutoff) get scale 1.
      invStd.push(sd.map((v) => (v > 1e-6 ? 1 / v : 1)));
    }
    return { elements: this.elements.slice(), mean, invStd };
  }

  energy(R: tf.Tensor3D, ctx: BatchContext): tf.Tensor1D {
    const [B, N] = R.shape;
    const D = this.nFeatures;
    const G = tf.reshape(this.descriptors(R, ctx), [N, B * D]) as tf.Tensor2D;
    let E: tf.Tensor | null = null;
    this.elements.forEach((_, q) => {
      const n = this.count[q];
      let x = tf.reshape(tf.matMul(this.selectors[q], G), [n * B, D]) as tf.Tensor2D;
      x = tf.mul(tf.sub(x, this.mean[q]), this.invStd[q]) as tf.Tensor2D;
      const layers = this.nets[q];
      layers.forEach((L, l) => {
        const y = tf.add(tf.matMul(x, L.W as tf.Tensor2D), L.b) as tf.Tensor2D;
        x = l + 1 < layers.length ? (tf.tanh(y) as tf.Tensor2D) : y;
      });
      const e = tf.sum(tf.reshape(x, [n, B]), 0);
      E = E ? tf.add(E, e) : e;
    });
    return tf.mul(E!, this.stats.sigma) as tf.Tensor1D;
  }

  config(): Record<string, unknown> {
    return JSON.parse(JSON.stringify(this.cfg)) as Record<string, unknown>;
  }

  dispose(): void {
    for (const w of this.weights) w.v.dispose();
    for (const t of [...this.selectors, ...this.mean, ...this.invStd]) t.dispose();
    this.denseCtx?.dispose();
  }
}
