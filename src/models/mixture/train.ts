/**
 * Training of the region-gated mixture: the training frames are split by region support (a frame in a
 * transition band trains both neighbours), and one sub-model of any registered kind is trained per region.
 * `regionSample` draws a training set with a chosen share per region (energy-stratified inside each).
 */
import type { Dataset } from '../../data/dataset';
import { drawStratSample, type Rng } from '../../data/sample';
import { findAzoDihedral } from '../../data/cluster';
import type { ForceField, ModelKind, Trainer, TrainOptions } from '../types';
import { getModelEntry } from '../registry';
import { coordinateValueGrad, type RegionCoordinate } from './coordinate';
import { coreRegion, inSupport, regionCount, type RegionPartition } from './weights';
import { MixtureModel } from './model';

export interface MixtureParams {
  coordinate: RegionCoordinate;
  partition: RegionPartition;
  /** Kind of every sub-model. */
  subKind: ModelKind;
  /** Sub-model options as the registry's parseOptions returns them (JSON-safe). */
  subParams?: Record<string, unknown>;
  /** Fit the per-region energy offset and tilt on the training frames (calibrateMixture). */
  calibrate?: boolean;
}

/** Coordinate value of every frame of the dataset. */
export function coordinateSeries(ds: Dataset, c: RegionCoordinate): Float64Array {
  const n3 = 3 * ds.nAtoms;
  const s = new Float64Array(ds.nFrames);
  for (let m = 0; m < ds.nFrames; m++) s[m] = coordinateValueGrad(c, ds.R, m * n3);
  return s;
}

/** The azobenzene C–N=N–C |φ| coordinate found from the first frame, or null for other molecules. */
export function azoPhiCoordinate(z: Int32Array, R: Float64Array): RegionCoordinate | null {
  const a = findAzoDihedral(z, R, 0);
  return a ? { type: 'absDihedral', atoms: [a[0], a[1], a[2], a[3]] } : null;
}

/** Training frames of region k: those of `idx` whose coordinate lies in the region's support. */
export function regionFrames(idx: ArrayLike<number>, s: ArrayLike<number>, p: RegionPartition, k: number) {
  const out: number[] = [];
  for (let i = 0; i < idx.length; i++) if (inSupport(p, k, s[idx[i]])) out.push(idx[i]);
  return Int32Array.from(out);
}

/**
 * n frames drawn region by region (each frame belongs to the region of its largest weight):
 * 'equal' gives every region n/K frames (fewer where a region has fewer, the rest spread over the others),
 * 'population' gives shares proportional to the regions' frame counts. Inside a region the draw is the
 * energy-stratified sample of sGDML. `exclude`: frames never drawn (test set).
 */
export function regionSample(
  s: ArrayLike<number>,
  E: ArrayLike<number>,
  p: RegionPartition,
  n: number,
  rng: Rng,
  opts: { allocation?: 'equal' | 'population'; exclude?: ArrayLike<number> } = {},
): Int32Array {
  const K = regionCount(p);
  const banned = new Uint8Array(s.length);
  if (opts.exclude) for (let i = 0; i < opts.exclude.length; i++) banned[opts.exclude[i]] = 1;
  const members: number[][] = Array.from({ length: K }, () => []);
  for (let m = 0; m < s.length; m++) if (!banned[m]) members[coreRegion(p, s[m])].push(m);
  const avail = members.map((x) => x.length);
  const total = avail.reduce((a, b) => a + b, 0);
  if (n > total) throw new Error(`cannot draw ${n} frames: only ${total} are available`);
  const share =
    opts.allocation === 'population' ? avail.map((a) => a / total) : avail.map((a) => (a > 0 ? 1 : 0));
  const quota = new Array<number>(K).fill(0);
  let left = n;
  // water-filling: give each open region its share of what is left, capped at its count
  while (left > 0) {
    const open = quota.map((q, k) => (q < avail[k] && share[k] > 0 ? k : -1)).filter((k) => k >= 0);
    if (open.length === 0) break;
    const wsum = open.reduce((a, k) => a + share[k], 0);
    let given = 0;
    for (const k of open) {
      const want = Math.max(1, Math.floor((left * share[k]) / wsum));
      const g = Math.min(want, avail[k] - quota[k], left - given);
      quota[k] += g;
      given += g;
      if (given >= left) break;
    }
    left -= given;
    if (given === 0) break;
  }
  const out: number[] = [];
  for (let k = 0; k < K; k++) {
    if (quota[k] === 0) continue;
    const inK = new Uint8Array(s.length);
    for (const m of members[k]) inK[m] = 1;
    const excl: number[] = [];
    for (let m = 0; m < s.length; m++) if (!inK[m]) excl.push(m);
    out.push(...drawStratSample(E, quota[k], rng, excl));
  }
  return Int32Array.from(out);
}

/**
 * Fits the per-region energy calibration E_k + a_k + b_k·s by least squares on each region's training
 * frames (the sub-model's stored training indices within the region's support, or `trainIdx`), and returns
 * the calibrated mixture. Regions with fewer than 3 frames (or no spread in s) get an offset only.
 */
export function calibrateMixture(
  model: MixtureModel,
  ds: Dataset,
  trainIdx?: ArrayLike<number>,
): MixtureModel {
  if (!ds.E) throw new Error('calibration needs reference energies');
  const { coordinate, partition, models } = model.data;
  const s = coordinateSeries(ds, coordinate);
  const n3 = 3 * ds.nAtoms;
  const a: number[] = [],
    b: number[] = [];
  models.forEach((m, k) => {
    const own = (m as unknown as { data?: { idxsTrain?: Int32Array } }).data?.idxsTrain;
    const idx = regionFrames(trainIdx ?? own ?? [], s, partition, k);
    if (idx.length === 0) throw new Error(`calibration: region ${k + 1} has no training frames`);
    const R = new Float64Array(idx.length * n3);
    idx.forEach((f, i) => R.set(ds.R.subarray(f * n3, (f + 1) * n3), i * n3));
    const e = m.predict(R, idx.length).E;
    let sx = 0,
      sy = 0,
      sxx = 0,
      sxy = 0;
    const n = idx.length;
    idx.forEach((f, i) => {
      const x = s[f],
        y = (ds.E as Float64Array)[f] - e[i];
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    });
    const varx = sxx / n - (sx / n) ** 2;
    const slope = n >= 3 && varx > 1e-9 ? (sxy / n - (sx / n) * (sy / n)) / varx : 0;
    b.push(slope);
    a.push(sy / n - slope * (sx / n));
  });
  return new MixtureModel({ ...model.data, calibration: { a, b } });
}

export class MixtureTrainer implements Trainer<MixtureParams> {
  readonly kind = 'mixture' as const;

  async train(
    ds: Dataset,
    trainIdx: Int32Array,
    params: MixtureParams,
    opts: TrainOptions & { validIdx?: Int32Array },
  ): Promise<ForceField> {
    const { coordinate, partition } = params;
    const K = regionCount(partition);
    const s = coordinateSeries(ds, coordinate);
    const entry = getModelEntry(params.subKind);
    const models: ForceField[] = [];
    const perRegion: number[] = [];
    for (let k = 0; k < K; k++) {
      const idx = regionFrames(trainIdx, s, partition, k);
      if (idx.length < 2)
        throw new Error(
          `region ${k + 1} of ${K} has ${idx.length} training frame(s); move the boundaries or add frames`,
        );
      perRegion.push(idx.length);
      const valid = opts.validIdx ? regionFrames(opts.validIdx, s, partition, k) : undefined;
      const trainer = await entry.create();
      const m = await trainer.train(ds, idx, params.subParams ?? {}, {
        signal: opts.signal,
        seed: opts.seed,
        validIdx: valid && valid.length > 0 ? valid : undefined,
        onProgress: (p) =>
          opts.onProgress?.({
            ...p,
            stage: `region ${k + 1}/${K}: ${p.stage}`,
            fraction: (k + p.fraction) / K,
          }),
      });
      models.push(m);
    }
    const mix = new MixtureModel({
      z: ds.z,
      coordinate,
      partition,
      models,
      info: { subKind: params.subKind, framesPerRegion: perRegion, nTrain: trainIdx.length },
    });
    return params.calibrate ? calibrateMixture(mix, ds, trainIdx) : mix;
  }
}
