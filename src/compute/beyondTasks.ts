/**
 * "Beyond the paper" worker methods (compute worker): climbing-image NEB and Langevin MD on a trained model,
 * training of a region-gated mixture, and the error-flattening training-set selection, all with progress.
 * Cancel = the client's `cancel()` (the worker is terminated and respawned); the error-flattening run also
 * stops on `cancelFlattenSelection()` (an AbortSignal its trainers and loops check). Spread into
 * workers/compute.worker.ts; the type joins ComputeWorkerApi.
 */
import type { SerializedModel } from '../models/types';
import { resolveDatasetRef, type DatasetRef } from '../data/datasetRef';
import { getModelEntry } from '../models/registry';
import { pathFromJson, predictFrames } from '../eval/cv';
import type { RegionCoordinate } from '../models/mixture/coordinate';
import type { RegionPartition } from '../models/mixture/weights';
import type { ProgressCallback, TaskProgress } from './workerApi';
import type { ForceField } from '../models/types';
import { clusterErrors, errorStats, type ClusterError } from '../eval/metrics';
import {
  dihedralSeries,
  findAzoDihedral,
  geometryClusters,
  phiClusterLabel,
  phiClusters,
  PHI_CLUSTERS,
} from '../data/cluster';

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

export interface FlattenRequest {
  dataset: DatasetRef;
  /** Registry model kind (sgdml, gap, schnet, bpnn). */
  kind: string;
  /** Raw options named as the CLI flags (e.g. {sigma: 30}). */
  params: Record<string, unknown>;
  /** Stratified start size, final size, frames added per round (about). */
  nStart: number;
  nFinal: number;
  step: number;
  seed: number;
  /** Held-out test frames per cluster (at most half of a cluster; default 50). */
  testPerCluster?: number;
  /** Labelled candidate frames the rule looks at (default 2000). */
  nPool?: number;
  /** Clusters above threshold × the mean cluster error get the new frames (default 1.1). */
  threshold?: number;
  /** 'phi': 10° bins of the azobenzene |φ|; 'geometry': Ward on distances + energy k-means; 'auto' (default). */
  clustering?: 'auto' | 'phi' | 'geometry';
  /** Also train the equal-size stratified model of every round (same test set). Default true. */
  baseline?: boolean;
}

/** Test errors of one model on the common held-out frames. */
export interface FlattenTestErrors {
  /** kcal/mol and kcal/mol/Å over all test frames. */
  eRmse: number;
  fRmse: number;
  eMae: number;
  fMae: number;
  /** Per cluster (n = test frames of the cluster; NaN errors where empty). */
  clusters: ClusterError[];
}

/** The selection step after a round's model: its errors on the candidate pool. */
export interface FlattenPoolStats {
  /** Mean of the clusters' pool force RMSE, kcal/mol/Å; clusters above threshold × this were selected. */
  meanError: number;
  threshold: number;
  clusters: { n: number; rmse: number; selected: boolean; added: number }[];
}

export interface FlattenRoundReport {
  round: number;
  /** Training frames of this round's models. */
  size: number;
  /** The error-flattened model (round 0: the stratified start). */
  flattened?: FlattenTestErrors;
  /** The stratified model of the same size (round 0: the same model as flattened). */
  stratified?: FlattenTestErrors;
  /** How the next frames were chosen (absent after the last round). */
  pool?: FlattenPoolStats;
  /** Seconds spent training the error-flattened model of this round. */
  trainSeconds?: number;
}

export interface FlattenProgress extends TaskProgress {
  /** Rounds so far (a snapshot; the last one may be incomplete). */
  rounds: FlattenRoundReport[];
  /** Names of the clusters, once they are known. */
  clusterLabels?: string[];
}

export interface FlattenOutcome {
  kind: string;
  /** The final error-flattened model. */
  model: SerializedModel;
  z: number[];
  datasetName: string;
  /** Final training frames (dataset indices; the stratified start first, then each round's additions). */
  trainIdx: number[];
  testIdx: number[];
  clusterLabels: string[];
  clustering: 'phi' | 'geometry';
  rounds: FlattenRoundReport[];
  /** Training frames per cluster of the final set. */
  trainPerCluster: number[];
  seconds: number;
  backend: string;
}

export interface BeyondWorkerMethods {
  /** Error-flattening training-set selection with per-round test errors (and the stratified baseline). */
  flattenSelect(req: FlattenRequest, onProgress?: (p: FlattenProgress) => void): Promise<FlattenOutcome>;
  /** Aborts the running error-flattening selection (it rejects with an AbortError); false when none runs. */
  cancelFlattenSelection(): Promise<boolean>;
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
  const { coordinateValueGrad } = await import('../models/mixture/coordinate');
  const at = findAzoDihedral(z, R, 0);
  if (!at) return null;
  const c: RegionCoordinate = { type: 'absDihedral', atoms: [at[0], at[1], at[2], at[3]] };
  return Array.from({ length: n }, (_, i) => coordinateValueGrad(c, R, i * 3 * z.length));
}

class FlattenCancelled extends Error {
  constructor() {
    super('error-flattening selection cancelled');
    this.name = 'AbortError';
  }
}

let flattenAbort: AbortController | null = null;

async function flattenSelect(
  req: FlattenRequest,
  onProgress?: (p: FlattenProgress) => void,
): Promise<FlattenOutcome> {
  if (flattenAbort) throw new Error('an error-flattening selection is already running; cancel it first');
  const abort = new AbortController();
  flattenAbort = abort;
  const signal = abort.signal;
  const t0 = performance.now();
  const live: ForceField[] = [];
  const dispose = (m: ForceField | null | undefined) => {
    (m as unknown as { dispose?: () => void } | null)?.dispose?.();
    const i = m ? live.indexOf(m) : -1;
    if (i >= 0) live.splice(i, 1);
  };
  try {
    const tf = await import('@tensorflow/tfjs');
    const { createRng, drawStratSample } = await import('../data/sample');
    const { clusterTestSet, planFlattenRounds } = await import('../data/flatten-plan');
    const { errorFlatteningSelection } = await import('../data/flatten-select');

    const plan = planFlattenRounds(req.nStart, req.nFinal, req.step);
    const entry = getModelEntry(req.kind);
    const params = entry.parseOptions(req.params ?? {});
    const baseline = req.baseline ?? true;
    const threshold = req.threshold ?? 1.1;
    if (!(threshold > 0)) throw new Error(`the threshold must be positive, got ${threshold}`);
    const rounds: FlattenRoundReport[] = [];
    // work units: one per trained model, weighted by its size
    const trainings = plan.sizes
      .map((n, r) => ({ n, r, w: n }))
      .concat(baseline ? plan.sizes.slice(1).map((n, r) => ({ n, r: r + 1, w: n })) : []);
    const totalW = trainings.reduce((a, t) => a + t.w, 0);
    // 0…5 %: loading, clustering, drawing frames; then the trainings by size
    const atW = (w: number) => 0.05 + (0.95 * w) / totalW;
    let doneW = 0;
    let high = 0;
    let lastReport = 0;
    const known: { clusterLabels?: string[] } = {};
    const report = (fraction: number, message: string, force = false) => {
      const now = performance.now();
      if (!force && now - lastReport < 100) return;
      lastReport = now;
      // some trainers restart their fraction per stage: the bar never moves back
      high = Math.max(high, Math.min(1, fraction));
      onProgress?.({
        fraction: high,
        message,
        rounds: structuredClone(rounds),
        clusterLabels: known.clusterLabels,
      });
    };
    report(0, 'loading the dataset', true);
    const ds = await resolveDatasetRef(req.dataset);
    if (!ds.E || !ds.F) throw new Error(`${ds.name}: the selection needs energies and forces`);
    if (signal.aborted) throw new FlattenCancelled();

    // clusters of every frame
    let clustering: 'phi' | 'geometry';
    let labels: Int32Array;
    let clusterLabels: string[];
    const azo = req.clustering === 'geometry' ? null : findAzoDihedral(ds.z, ds.R, 0);
    if (req.clustering === 'phi' && !azo)
      throw new Error(
        `${ds.name} is not azobenzene-like: |φ| clusters need the C–N=N–C dihedral; use geometry`,
      );
    if (azo) {
      clustering = 'phi';
      labels = phiClusters(dihedralSeries(ds.R, ds.nAtoms, ds.nFrames, azo));
      clusterLabels = Array.from({ length: PHI_CLUSTERS }, (_, c) => phiClusterLabel(c));
    } else {
      report(0.01, 'clustering the geometries (Ward on pair distances, k-means on energy)', true);
      const g = geometryClusters(ds.R, ds.nAtoms, ds.nFrames, ds.E, { seed: req.seed });
      clustering = 'geometry';
      labels = g.labels;
      const eMin = Math.min(...g.info.map((c) => c.meanE));
      clusterLabels = g.info.map((c, i) => `C${i + 1} (g${c.geometry + 1}, +${(c.meanE - eMin).toFixed(1)})`);
    }
    const nClusters = clusterLabels.length;
    known.clusterLabels = clusterLabels;
    if (signal.aborted) throw new FlattenCancelled();

    // frames: test (per cluster), stratified start, candidate pool, validation (if the model needs it)
    const rng = createRng(req.seed);
    const testIdx = clusterTestSet(labels, nClusters, req.testPerCluster ?? 50, rng);
    const nValid = entry.validSize(params);
    const avail = ds.nFrames - testIdx.length;
    if (req.nFinal + nValid > avail)
      throw new Error(
        `${ds.name} has ${avail} frames outside the ${testIdx.length} test frames: too few for ${req.nFinal} training + ${nValid} validation frames`,
      );
    const initial = drawStratSample(ds.E, req.nStart, rng, testIdx);
    const validIdx =
      nValid > 0 ? drawStratSample(ds.E, nValid, rng, Int32Array.from([...testIdx, ...initial])) : null;
    const banned = Int32Array.from([...testIdx, ...initial, ...(validIdx ?? [])]);
    const nPool = Math.min(req.nPool ?? 2000, ds.nFrames - banned.length);
    if (nPool < req.nFinal - req.nStart)
      throw new Error(
        `only ${nPool} candidate frames for ${req.nFinal - req.nStart} additions; raise the pool`,
      );
    const pool = drawStratSample(ds.E, nPool, rng, banned);

    const d3 = 3 * ds.nAtoms;
    const E = ds.E;
    const F = ds.F;
    const refE = Float64Array.from(testIdx, (m) => E[m]);
    const refF = new Float64Array(testIdx.length * d3);
    testIdx.forEach((m, i) => refF.set(F.subarray(m * d3, (m + 1) * d3), i * d3));
    const testLabels = Int32Array.from(testIdx, (m) => labels[m]);
    const testErrors = (model: ForceField): FlattenTestErrors => {
      const p = predictFrames(model, ds, testIdx, 100, signal);
      const s = errorStats(p.E, refE, p.F, refF, ds.nAtoms);
      return {
        eRmse: s.eRmse,
        fRmse: s.fRmse,
        eMae: s.eMae,
        fMae: s.fMae,
        clusters: clusterErrors(p.E, refE, p.F, refF, ds.nAtoms, testLabels, nClusters),
      };
    };
    const trainOne = async (idx: Int32Array, what: string): Promise<ForceField> => {
      const trainer = await entry.create();
      const w = idx.length;
      const base = doneW;
      report(atW(base), `${what}: training ${entry.label} on ${idx.length} frames`, true);
      try {
        const m = await trainer.train(ds, idx, params, {
          signal,
          seed: req.seed,
          validIdx: validIdx ?? undefined,
          onProgress: (p) =>
            report(
              atW(base + w * Math.min(1, Math.max(0, p.fraction))),
              `${what}: ${p.stage}${p.message ? ' · ' + p.message : ''}`,
            ),
        });
        live.push(m);
        doneW = base + w;
        return m;
      } catch (e) {
        if (signal.aborted) throw new FlattenCancelled();
        throw e;
      }
    };

    let previous: ForceField | null = null;
    const res = await errorFlatteningSelection({
      initial,
      target: req.nFinal,
      candidates: pool,
      frameCluster: labels,
      nClusters,
      rounds: plan.rounds,
      threshold,
      signal,
      train: async (idx, r) => {
        // the loop is done with the previous round's model once it asks for the next one
        dispose(previous);
        const t = performance.now();
        const m = await trainOne(idx, `round ${r}`);
        previous = m;
        const round: FlattenRoundReport = {
          round: r,
          size: idx.length,
          trainSeconds: (performance.now() - t) / 1000,
        };
        rounds.push(round);
        round.flattened = testErrors(m);
        if (r === 0) round.stratified = round.flattened;
        report(
          atW(doneW),
          `round ${r}: ${idx.length} frames, test force RMSE ${round.flattened.fRmse.toFixed(3)} kcal/mol/Å`,
          true,
        );
        if (baseline && r > 0) {
          const sIdx = drawStratSample(
            E,
            idx.length,
            createRng(req.seed * 1000 + idx.length),
            Int32Array.from([...testIdx, ...(validIdx ?? [])]),
          );
          const b = await trainOne(sIdx, `round ${r} stratified baseline`);
          try {
            round.stratified = testErrors(b);
          } finally {
            dispose(b);
          }
          report(atW(doneW), `round ${r}: stratified baseline done`, true);
        }
        return m;
      },
      frameErrors: (model, frames) => {
        const p = predictFrames(model, ds, frames, 100, signal);
        return Float64Array.from(frames, (m, i) => {
          let ss = 0;
          for (let q = 0; q < d3; q++) ss += (p.F[i * d3 + q] - F[m * d3 + q]) ** 2;
          return Math.sqrt(ss / d3);
        });
      },
      onRound: (q) => {
        const round = rounds[rounds.length - 1];
        round.pool = {
          meanError: q.meanError,
          threshold,
          clusters: q.clusters.map((c) => ({ n: c.n, rmse: c.rmse, selected: c.selected, added: c.added })),
        };
        const sel = q.clusters
          .filter((c) => c.added > 0)
          .map((c) => `${clusterLabels[c.cluster]}: ${c.added}`);
        report(atW(doneW), `round ${round.round}: adding ${sel.join(', ')}`, true);
      },
    });
    const trainPerCluster = new Array<number>(nClusters).fill(0);
    for (const m of res.idx) trainPerCluster[labels[m]]++;
    const out: FlattenOutcome = {
      kind: req.kind,
      model: res.model.serialize(),
      z: Array.from(ds.z),
      datasetName: ds.name,
      trainIdx: Array.from(res.idx),
      testIdx: Array.from(testIdx),
      clusterLabels,
      clustering,
      rounds,
      trainPerCluster,
      seconds: (performance.now() - t0) / 1000,
      backend: tf.getBackend(),
    };
    report(1, 'done', true);
    return out;
  } catch (e) {
    if (signal.aborted && !(e instanceof FlattenCancelled)) throw new FlattenCancelled();
    throw e;
  } finally {
    for (const m of [...live]) dispose(m);
    if (flattenAbort === abort) flattenAbort = null;
  }
}

export const beyondWorkerMethods: BeyondWorkerMethods = {
  flattenSelect,
  async cancelFlattenSelection() {
    if (!flattenAbort) return false;
    flattenAbort.abort();
    return true;
  },
  async nebPath(req, onProgress) {
    const t0 = performance.now();
    const { deserializeModel } = await import('../models/load');
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
