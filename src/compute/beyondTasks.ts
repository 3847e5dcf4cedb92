/**
 * "Beyond the paper" worker methods (compute worker): climbing-image NEB and Langevin MD on a trained model,
 * and training of a region-gated mixture, all with progress. Cancel = the client's `cancel()` (the worker is
 * terminated and respawned), so the loops need no cancel message. Spread into workers/compute.worker.ts;
 * the type joins ComputeWorkerApi.
 */
import type { SerializedModel } from '../models/types';
import type { DatasetRef } from '../data/datasetRef';
import type { RegionCoordinate } from '../models/mixture/coordinate';
import type { RegionPartition } from '../models/mixture/weights';
import type { ProgressCallback } from './workerApi';

export interface PathFile {
  id: string;
  /** URL of a path JSON (public/data/paths/<id>.json format). */
  url: string;
}

export interface NebRequest {
  model: SerializedModel;
  /** Reference path whose geometries are the starting band (ends relaxed on the model first). */
  path: PathFile;
  climb?: boolean;
  /** kcal/mol/Å (default 0.5) */
  fmax?: number;
  maxSteps?: number;
  /** kcal/mol/Å² (default 5) */
  springK?: number;
  /** Relax the two ends on the model before the band (default true). */
  relaxEnds?: boolean;
}

export interface NebOutcome {
  pathId: string;
  /** Energies of the relaxed band relative to its first image (kcal/mol). */
  E: number[];
  /** Reference energies along the path relative to its first point (kcal/mol). */
  Eref: number[];
  /** The model on the reference geometries, relative to its first point (kcal/mol). */
  EmlOnRef: number[];
  /** |φ| (°) of each relaxed image (azobenzene), else null. */
  phi: number[] | null;
  phiRef: number[] | null;
  /** Band geometries, flat (images × 3N), Å. */
  images: Float64Array;
  converged: boolean;
  steps: number;
  fmax: number;
  top: number;
  barrier: number;
  barrierBackward: number;
  referenceBarrier: number;
  /** Distance of each image to the model's training data, relative to the training set's own spacing. */
  distanceRel: number[] | null;
  seconds: number;
}

export interface MdRequest {
  model: SerializedModel;
  z: number[];
  /** Start geometry, Å. */
  R: Float64Array;
  steps: number;
  temperature?: number;
  dt?: number;
  keepEvery?: number;
  seed?: number;
}

export interface MdOutcome {
  time: number[];
  E: number[];
  T: number[];
  phi: number[] | null;
  distanceRel: number[] | null;
  /** Kept frames, flat (frames × 3N), Å. */
  R: Float64Array;
}

export interface MixtureTrainRequest {
  dataset: DatasetRef;
  /** Default: the azobenzene C–N=N–C |φ|. */
  coordinate?: RegionCoordinate;
  partition: RegionPartition;
  /** Total training frames (split evenly over the regions). */
  nTrain: number;
  subKind?: 'sgdml';
  subParams?: Record<string, unknown>;
  /** Per-region energy offset + tilt fitted on the training frames (default true). */
  calibrate?: boolean;
  seed?: number;
}

export interface MixtureTrainOutcome {
  model: SerializedModel;
  z: number[];
  framesPerRegion: number[];
  seconds: number;
  datasetName: string;
}

export interface BeyondWorkerMethods {
  /** Climbing-image NEB on the model between the ends of a reference path. */
  nebPath(req: NebRequest, onProgress?: ProgressCallback): Promise<NebOutcome>;
  /** Short Langevin MD from a geometry. */
  langevinMd(req: MdRequest, onProgress?: ProgressCallback): Promise<MdOutcome>;
  /** Trains one sub-model per region and returns the combined mixture. */
  trainMixture(req: MixtureTrainRequest, onProgress?: ProgressCallback): Promise<MixtureTrainOutcome>;
}

const flat = (a: Float64Array[]) => {
  const out = new Float64Array(a.reduce((s, x) => s + x.length, 0));
  let o = 0;
  for (const x of a) {
    out.set(x, o);
    o += x.length;
  }
  return out;
};

async function phiOf(z: Int32Array, R: Float64Array, n: number): Promise<number[] | null> {
  const { findAzoDihedral } = await import('../data/cluster');
  const { coordinateValueGrad } = await import('../models/mixture/coordinate');
  const at = findAzoDihedral(z, R, 0);
  if (!at) return null;
  const c: RegionCoordinate = { type: 'absDihedral', atoms: [at[0], at[1], at[2], at[3]] };
  return Array.from({ length: n }, (_, i) => coordinateValueGrad(c, R, i * 3 * z.length));
}

export const beyondWorkerMethods: BeyondWorkerMethods = {
  async nebPath(req, onProgress) {
    const t0 = performance.now();
    const { deserializeModel } = await import('../models/load');
    const { pathFromJson } = await import('../eval/cv');
    const { alignBand, fireMinimize, nebRelax } = await import('../chem/neb');
    const { trainingDistance } = await import('../models/mixture/training-distance');
    const model = await deserializeModel(req.model);
    const r = await fetch(req.path.url);
    if (!r.ok) throw new Error(`path ${req.path.id}: ${req.path.url}: HTTP ${r.status} ${r.statusText}`);
    const ref = pathFromJson(await r.json(), model.z, req.path.id);
    const n3 = 3 * model.z.length;
    const nImg = ref.E.length;
    const pot = (R: Float64Array, n: number) => model.predict(R, n);
    const maxSteps = req.maxSteps ?? 1000;
    const endR = [0, nImg - 1].map((i) => {
      const R0 = ref.R.slice(i * n3, (i + 1) * n3);
      return req.relaxEnds === false ? R0 : fireMinimize(pot, R0, { fmax: 0.2, maxSteps: 500 }).R;
    });
    onProgress?.({ fraction: 0.02, message: 'ends relaxed on the model' });
    const band = alignBand(
      Array.from({ length: nImg }, (_, i) =>
        i === 0 ? endR[0] : i === nImg - 1 ? endR[1] : ref.R.slice(i * n3, (i + 1) * n3),
      ),
    );
    const res = nebRelax(pot, band, {
      climb: req.climb ?? true,
      fmax: req.fmax ?? 0.5,
      maxSteps,
      springK: req.springK ?? 5,
      maxMove: 0.05,
      reportEvery: 10,
      onStep: (s) =>
        onProgress?.({
          fraction: 0.02 + (0.96 * s.step) / maxSteps,
          message: `step ${s.step}: max force ${s.fmax.toFixed(2)} kcal/mol/Å`,
          metrics: { step: s.step, fmax: s.fmax, barrier: Math.max(...s.E) - s.E[0] },
        }),
    });
    const images = flat(res.images);
    const dist = trainingDistance(model, images, nImg);
    const onRef = model.predict(ref.R, nImg).E;
    onProgress?.({ fraction: 1, message: 'done' });
    return {
      pathId: ref.id,
      E: Array.from(res.E, (e) => e - res.E[0]),
      Eref: Array.from(ref.E, (e) => e - ref.E[0]),
      EmlOnRef: Array.from(onRef, (e) => e - onRef[0]),
      phi: await phiOf(model.z, images, nImg),
      phiRef: await phiOf(model.z, ref.R, nImg),
      images,
      converged: res.converged,
      steps: res.step,
      fmax: res.fmax,
      top: res.top,
      barrier: res.barrierForward,
      barrierBackward: res.barrierBackward,
      referenceBarrier: Math.max(...ref.E) - ref.E[0],
      distanceRel: dist ? Array.from(dist.rel) : null,
      seconds: (performance.now() - t0) / 1000,
    };
  },

  async langevinMd(req, onProgress) {
    const { deserializeModel } = await import('../models/load');
    const { langevinMd } = await import('../chem/langevin');
    const { trainingDistance } = await import('../models/mixture/training-distance');
    const model = await deserializeModel(req.model);
    if (req.z.length !== model.z.length || req.z.some((v, i) => v !== model.z[i]))
      throw new Error('the geometry has other atoms than the model was trained on');
    const frames = langevinMd((R, n) => model.predict(R, n), req.z, Float64Array.from(req.R), {
      steps: req.steps,
      temperature: req.temperature,
      dt: req.dt,
      keepEvery: req.keepEvery,
      seed: req.seed,
      onFrame: (f) =>
        onProgress?.({
          fraction: f.step / req.steps,
          message: `${f.time.toFixed(0)} fs, T ${f.T.toFixed(0)} K`,
          metrics: { E: f.E, T: f.T },
        }),
    });
    const R = flat(frames.map((f) => f.R));
    const dist = trainingDistance(model, R, frames.length);
    return {
      time: frames.map((f) => f.time),
      E: frames.map((f) => f.E),
      T: frames.map((f) => f.T),
      phi: await phiOf(model.z, R, frames.length),
      distanceRel: dist ? Array.from(dist.rel) : null,
      R,
    };
  },

  async trainMixture(req, onProgress) {
    const t0 = performance.now();
    const { resolveDatasetRef } = await import('../data/datasetRef');
    const { createRng } = await import('../data/sample');
    const { MixtureTrainer, azoPhiCoordinate, coordinateSeries, regionSample } =
      await import('../models/mixture/train');
    onProgress?.({ fraction: 0, message: 'loading the dataset' });
    const ds = await resolveDatasetRef(req.dataset);
    if (!ds.E || !ds.F) throw new Error(`${ds.name}: training needs energies and forces`);
    const coordinate = req.coordinate ?? azoPhiCoordinate(ds.z, ds.R);
    if (!coordinate)
      throw new Error(`${ds.name} is not azobenzene: give the region coordinate (dihedral atoms) explicitly`);
    const s = coordinateSeries(ds, coordinate);
    const idx = regionSample(s, ds.E, req.partition, req.nTrain, createRng(req.seed ?? 1));
    const model = await new MixtureTrainer().train(
      ds,
      idx,
      {
        coordinate,
        partition: req.partition,
        subKind: req.subKind ?? 'sgdml',
        subParams: req.subParams ?? { sigma: 30 },
        calibrate: req.calibrate ?? true,
      },
      {
        onProgress: (p) =>
          onProgress?.({ fraction: p.fraction, message: `${p.stage}${p.message ? ': ' + p.message : ''}` }),
      },
    );
    const info = (model as unknown as { data: { info: { framesPerRegion: number[] } } }).data.info;
    return {
      model: model.serialize(),
      z: Array.from(ds.z),
      framesPerRegion: info.framesPerRegion,
      seconds: (performance.now() - t0) / 1000,
      datasetName: ds.name,
    };
  },
};
