/**
 * How far a geometry lies from a model's training data, for sGDML: the smallest descriptor-space distance
 * d = min_j,P ‖x − P x_j‖ (Å⁻¹ for the 1/r descriptor) to any training point j under any of the model's
 * permutations P, and the same relative to the training set's own spacing (the median distance from each
 * training point to its nearest other training point): rel ≈ 1 is as close as the training data are to each
 * other, rel ≫ 1 means extrapolation. For a mixture, the region model with the largest weight answers.
 * Other model kinds: null (unknown).
 */
import type { ForceField } from '../types';
import type { SgdmlModel } from '../sgdml/model';
import { permuteRows } from '../sgdml/kernel';
import type { MixtureModel } from './model';

export interface TrainingDistance {
  /** Descriptor-space distance to the nearest training point (descriptor units, Å⁻¹ for 1/r). */
  d: Float64Array;
  /** d divided by the median nearest-neighbour distance inside the training set. */
  rel: Float64Array;
}

interface Prepared {
  XP: Float64Array;
  spacing: number;
}
const cache = new WeakMap<object, Prepared>();

function nearest(x: Float64Array, XP: Float64Array, dim: number, skipRow0 = -1, skipRow1 = -1): number {
  let best = Infinity;
  const rows = XP.length / dim;
  for (let r = 0; r < rows; r++) {
    if (r >= skipRow0 && r < skipRow1) continue;
    let s = 0;
    const o = r * dim;
    for (let k = 0; k < dim && s < best; k++) s += (x[k] - XP[o + k]) ** 2;
    if (s < best) best = s;
  }
  return Math.sqrt(best);
}

function prepare(m: SgdmlModel): Prepared {
  let p = cache.get(m);
  if (p) return p;
  const dim = m.data.descriptor.dim;
  const P = m.maps.length;
  const XP = permuteRows(m.data.Xtrain, m.M, dim, m.maps);
  const nn: number[] = [];
  for (let j = 0; j < m.M; j++)
    nn.push(nearest(m.data.Xtrain.subarray(j * dim, (j + 1) * dim), XP, dim, j * P, (j + 1) * P));
  nn.sort((a, b) => a - b);
  const spacing = nn.length ? nn[Math.floor(nn.length / 2)] : NaN;
  p = { XP, spacing: spacing > 0 ? spacing : NaN };
  cache.set(m, p);
  return p;
}

function sgdmlDistance(m: SgdmlModel, R: Float64Array, nConf: number): TrainingDistance {
  const desc = m.data.descriptor;
  const { XP, spacing } = prepare(m);
  const x = new Float64Array(desc.dim);
  const d = new Float64Array(nConf);
  const n3 = 3 * desc.nAtoms;
  for (let c = 0; c < nConf; c++) {
    desc.compute(R, c * n3, x, null);
    d[c] = nearest(x, XP, desc.dim);
  }
  return { d, rel: d.map((v) => v / spacing) };
}

/** Distance of each geometry to the training set, or null when the model kind cannot tell. */
export function trainingDistance(model: ForceField, R: Float64Array, nConf: number): TrainingDistance | null {
  if (model.kind === 'sgdml' && (model as SgdmlModel).data?.Xtrain)
    return sgdmlDistance(model as SgdmlModel, R, nConf);
  if (model.kind === 'mixture') {
    const mix = model as MixtureModel;
    const { w } = mix.regionWeights(R, nConf);
    const n3 = 3 * model.z.length;
    const out: TrainingDistance = { d: new Float64Array(nConf), rel: new Float64Array(nConf) };
    for (let c = 0; c < nConf; c++) {
      let k = 0;
      for (let j = 1; j < w[c].length; j++) if (w[c][j] > w[c][k]) k = j;
      const t = trainingDistance(mix.data.models[k], R.subarray(c * n3, (c + 1) * n3), 1);
      if (!t) return null;
      out.d[c] = t.d[0];
      out.rel[c] = t.rel[0];
    }
    return out;
  }
  return null;
}
