/**
 * Cross-validation experiments in the compute worker (src/eval engine); owned by the Evaluate tab.
 * The methods here are spread into the worker's comlink API (workers/*.worker.ts) and their type
 * into src/compute/workerApi.ts, so each feature adds methods without touching the worker shells.
 *
 * `runExperiment` builds the same spec as `pes experiment` (src/eval/experiment-spec.ts) and runs
 * src/eval/cv.ts's runCrossValidation, so the browser and the CLI give the same folds and numbers.
 * Cancel with `cancelExperiment()` (AbortSignal, checked inside training); the finished folds come
 * back as partial results, and passing them as `previous` resumes the run. The best fold's model of
 * each size is kept in the worker for "use best model"; `bestFoldModel` retrains it from its stored
 * training indices when the worker no longer has it (e.g. results loaded from a file).
 */
import { resolveDatasetRef, type DatasetRef } from '../data/datasetRef';
import type { Dataset } from '../data/dataset';
import { datasetMd5 } from '../data/io/sgdml-dataset';
import { getModelEntry } from '../models/registry';
import type { ForceField, SerializedModel } from '../models/types';
import {
  mixSeed,
  pathFromJson,
  runCrossValidation,
  splitForSize,
  type CvProgress,
  type PathRef,
} from '../eval/cv';
import { dihedralSeries, geometryClusters, phiClusters } from '../data/cluster';
import { bestFold, incompatibility, type ExperimentResults } from '../eval/results';
import { buildExperimentSpec, type ExperimentRequestSpec } from '../eval/experiment-spec';
import { runCutoffScan as runScan } from '../eval/cutoff-scan';

/** A reference path file (public/data/paths/<id>.json format) the worker fetches. */
export interface PathSource {
  id: string;
  url: string;
}

export interface ExperimentRequest extends ExperimentRequestSpec {
  dataset: DatasetRef;
  paths?: PathSource[];
  /** Results to continue (finished folds are kept; the spec must match). */
  previous?: ExperimentResults;
  /** Facts recorded in results.environment (browser, backend, equivalent command). */
  environment?: Record<string, string>;
}

export interface ExperimentProgress {
  /** 0..1 over the whole experiment. */
  fraction: number;
  /** Folds finished / total. */
  done: number;
  total: number;
  size: number;
  fold: number;
  /** 'load' | 'clusters' | 'train' | 'test' | 'done' | 'skip' */
  stage: string;
  message?: string;
  /** After every finished fold: the results so far (so a cancelled run keeps them). */
  results?: ExperimentResults;
}

export interface ExperimentOutcome {
  results: ExperimentResults;
  /** True when cancelExperiment() stopped the run; `results` then holds the finished folds. */
  cancelled: boolean;
}

/** A GAP cutoff scan (paper Fig. 6a): the experiment of `req` once per cutoff (Å). */
export interface CutoffScanRequest extends Omit<ExperimentRequest, 'previous'> {
  cutoffs: number[];
  /** Results of earlier cutoffs to continue (matched by spec.params.cutoff). */
  previous?: ExperimentResults[];
}

export interface CutoffScanEntry {
  cutoff: number;
  results: ExperimentResults;
}

export interface CutoffScanProgress extends ExperimentProgress {
  /** Cutoff running now (Å), its index and the number of cutoffs. */
  cutoff: number;
  cutoffIndex: number;
  nCutoffs: number;
  /** After every finished fold: every cutoff's results so far. */
  scan?: CutoffScanEntry[];
}

export interface CutoffScanOutcome {
  scan: CutoffScanEntry[];
  cancelled: boolean;
}

export interface BestModelRequest {
  dataset: DatasetRef;
  results: ExperimentResults;
  size: number;
}

export interface BestModelOutcome {
  model: SerializedModel;
  fold: number;
  /** False when the worker still had the model from the run, true when it was trained again. */
  retrained: boolean;
  nTrain: number;
  /** Atomic numbers of the dataset (the model's atom order). */
  z: number[];
}

export interface ClusterGeometryRequest {
  dataset: DatasetRef;
  results: ExperimentResults;
  which: 'phi' | 'geometry';
  cluster: number;
}

export interface ClusterGeometry {
  /** Dataset frame shown, its geometry (Å), energy (kcal/mol) and atoms. */
  index: number;
  R: Float64Array;
  E: number;
  z: Int32Array;
  /** Frames of the whole dataset in this cluster. */
  members: number;
  /** Why this frame: e.g. "|φ| closest to 45°". */
  note: string;
}

export interface EvalWorkerMethods {
  runExperiment(
    req: ExperimentRequest,
    onProgress?: (p: ExperimentProgress) => void,
  ): Promise<ExperimentOutcome>;
  /** The GAP cutoff scan (same engine as `pes experiment --cutoff-scan`); cancel with cancelExperiment. */
  runCutoffScan(
    req: CutoffScanRequest,
    onProgress?: (p: CutoffScanProgress) => void,
  ): Promise<CutoffScanOutcome>;
  /** Stops the running experiment or scan (resolves false when none runs). */
  cancelExperiment(): Promise<boolean>;
  /** The best fold's model of one size, serialised. */
  bestFoldModel(
    req: BestModelRequest,
    onProgress?: (p: ExperimentProgress) => void,
  ): Promise<BestModelOutcome>;
  /** A representative frame of a φ or geometry cluster of the results' clustering of the dataset. */
  clusterGeometry(req: ClusterGeometryRequest): Promise<ClusterGeometry>;
}

let running: AbortController | null = null;

/** Best model per (results id, size), replaced as better folds finish. */
const bestModels = new Map<string, { fold: number; model: ForceField }>();
const modelKey = (res: ExperimentResults, size: number) =>
  `${res.createdAt}|${res.spec.dataset.md5 ?? res.spec.dataset.name}|${res.spec.model}|${size}`;

async function loadPaths(sources: PathSource[], ds: Dataset): Promise<PathRef[]> {
  const out: PathRef[] = [];
  for (const s of sources) {
    const r = await fetch(s.url);
    if (!r.ok) throw new Error(`path ${s.id}: ${s.url}: HTTP ${r.status} ${r.statusText}`);
    out.push(pathFromJson(await r.json(), ds.z, `${s.id}.json`));
  }
  return out;
}

/** Progress reports at most every 100 ms, except stage changes and finished folds. */
function throttled(cb?: (p: ExperimentProgress) => void) {
  let last = 0;
  let lastStage = '';
  return (p: ExperimentProgress) => {
    if (!cb) return;
    const t = Date.now();
    if (p.stage === lastStage && p.stage !== 'done' && t - last < 100) return;
    last = t;
    lastStage = p.stage;
    cb(p);
  };
}

/** The dataset of a run; cross-validation needs its energies and forces. */
async function loadRunDataset(ref: DatasetRef): Promise<Dataset> {
  const ds = await resolveDatasetRef(ref);
  if (!ds.E || !ds.F) throw new Error(`${ds.name}: cross-validation needs energies and forces`);
  return ds;
}

/** The progress fields both runners pass on from the cross-validation engine. */
function cvFields(p: CvProgress): Omit<ExperimentProgress, 'fraction'> {
  return { done: p.done, total: p.total, size: p.size, fold: p.fold, stage: p.stage, message: p.message };
}

export async function runExperiment(
  req: ExperimentRequest,
  onProgress?: (p: ExperimentProgress) => void,
): Promise<ExperimentOutcome> {
  if (running) throw new Error('an experiment is already running in this worker; cancel it first');
  const ac = new AbortController();
  running = ac;
  const report = throttled(onProgress);
  let partial: ExperimentResults | undefined = req.previous;
  let last: ExperimentProgress = { fraction: 0, done: 0, total: 0, size: 0, fold: -1, stage: 'load' };
  try {
    report({ ...last, message: 'loading the dataset' });
    const ds = await loadRunDataset(req.dataset);
    const spec = buildExperimentSpec(ds, req);
    const entry = getModelEntry(spec.model);
    const paths = await loadPaths(req.paths ?? [], ds);
    const trainer = await entry.create();
    const results = await runCrossValidation({
      ds,
      trainer,
      spec,
      previous: req.previous,
      signal: ac.signal,
      paths,
      modelInfo: entry.modelInfo?.bind(entry),
      warmStart: entry.warmStart?.bind(entry),
      environment: { runtime: 'browser (compute worker)', ...req.environment },
      onProgress: (p) => {
        last = { fraction: p.fraction, ...cvFields(p) };
        // a finished fold is reported from onFoldDone, with the results so far
        if (p.stage !== 'done') report(last);
      },
      onFoldDone: (res, fr, model) => {
        partial = res;
        const best = bestFold(
          res.folds.filter((f) => f.size === fr.size),
          res.spec.bestRule,
        );
        if (best.fold === fr.fold) bestModels.set(modelKey(res, fr.size), { fold: fr.fold, model });
        report({ ...last, size: fr.size, fold: fr.fold, stage: 'done', results: structuredClone(res) });
      },
    });
    return { results, cancelled: false };
  } catch (e) {
    if (ac.signal.aborted && partial) return { results: partial, cancelled: true };
    if (ac.signal.aborted) throw new Error('cancelled before any fold finished', { cause: e });
    throw e;
  } finally {
    running = null;
  }
}

export async function runCutoffScan(
  req: CutoffScanRequest,
  onProgress?: (p: CutoffScanProgress) => void,
): Promise<CutoffScanOutcome> {
  if (running) throw new Error('an experiment is already running in this worker; cancel it first');
  if (req.model !== 'gap') throw new Error(`the cutoff scan is for GAP, not ${req.model}`);
  if (!req.cutoffs.length) throw new Error('the cutoff scan needs at least one cutoff');
  const ac = new AbortController();
  running = ac;
  const report = throttled(onProgress as (p: ExperimentProgress) => void) as (p: CutoffScanProgress) => void;
  const nCutoffs = req.cutoffs.length;
  // finished results per cutoff, in scan order (what a cancelled run hands back)
  const partial = new Map<number, ExperimentResults>();
  for (const r of req.previous ?? [])
    if (typeof r.spec.params.cutoff === 'number') partial.set(r.spec.params.cutoff, r);
  const entries = (): CutoffScanEntry[] =>
    req.cutoffs.flatMap((c) => (partial.has(c) ? [{ cutoff: c, results: partial.get(c)! }] : []));
  let last: CutoffScanProgress = {
    fraction: 0,
    done: 0,
    total: 0,
    size: 0,
    fold: -1,
    stage: 'load',
    cutoff: req.cutoffs[0],
    cutoffIndex: 0,
    nCutoffs,
  };
  try {
    report({ ...last, message: 'loading the dataset' });
    const ds = await loadRunDataset(req.dataset);
    const specFor = (rc: number) =>
      buildExperimentSpec(ds, { ...req, options: { ...req.options, cutoff: rc } });
    for (const rc of req.cutoffs) specFor(rc); // bad options fail before any training
    const entry = getModelEntry('gap');
    const paths = await loadPaths(req.paths ?? [], ds);
    const trainer = await entry.create();
    const prev = new Map(partial);
    const scan = await runScan({
      ds,
      trainer,
      spec: specFor(req.cutoffs[0]),
      specFor,
      cutoffs: req.cutoffs,
      previous: (rc) => prev.get(rc),
      signal: ac.signal,
      paths,
      modelInfo: entry.modelInfo?.bind(entry),
      warmStart: entry.warmStart?.bind(entry),
      environment: { runtime: 'browser (compute worker)', ...req.environment },
      onProgress: (p) => {
        last = {
          fraction: p.scanFraction,
          ...cvFields(p),
          cutoff: p.cutoff,
          cutoffIndex: p.cutoffIndex,
          nCutoffs,
        };
        if (p.stage !== 'done') report(last);
      },
      onFoldDone: (rc, res, fr) => {
        partial.set(rc, res);
        report({ ...last, size: fr.size, fold: fr.fold, stage: 'done', scan: structuredClone(entries()) });
      },
    });
    return { scan, cancelled: false };
  } catch (e) {
    if (ac.signal.aborted && partial.size) return { scan: entries(), cancelled: true };
    if (ac.signal.aborted) throw new Error('cancelled before any fold finished', { cause: e });
    throw e;
  } finally {
    running = null;
  }
}

export async function bestFoldModel(
  req: BestModelRequest,
  onProgress?: (p: ExperimentProgress) => void,
): Promise<BestModelOutcome> {
  const res = req.results;
  const folds = res.folds.filter((f) => f.size === req.size);
  if (!folds.length) throw new Error(`the results have no finished fold of size ${req.size}`);
  const best = bestFold(folds, res.spec.bestRule);
  const kept = bestModels.get(modelKey(res, req.size));
  if (kept && kept.fold === best.fold)
    return {
      model: kept.model.serialize(),
      fold: best.fold,
      retrained: false,
      nTrain: best.trainIdx.length,
      z: Array.from(kept.model.z),
    };
  if (running) throw new Error('an experiment is running in this worker; wait for it or cancel it first');
  const ac = new AbortController();
  running = ac;
  try {
    const ds = await resolveDatasetRef(req.dataset);
    if (!ds.E) throw new Error(`${ds.name}: the dataset has no energies`);
    const here = { name: ds.name, md5: ds.md5 ?? datasetMd5(ds), nFrames: ds.nFrames, nAtoms: ds.nAtoms };
    const why = incompatibility(res.spec, { ...res.spec, dataset: here });
    if (why) throw new Error(`these results were not made on the selected dataset: ${why}`);
    const n = req.size,
      k = best.fold;
    const split = splitForSize(ds.E, n, res.spec);
    const idx = split.folds[k];
    if (idx.length !== best.trainIdx.length || best.trainIdx.some((v, i) => v !== idx[i]))
      throw new Error(`the split drawn for size ${n} fold ${k + 1} differs from the stored training frames`);
    const entry = getModelEntry(res.spec.model);
    const trainer = await entry.create();
    const model = await trainer.train(ds, idx, res.spec.params, {
      signal: ac.signal,
      seed: mixSeed(res.spec.seed, n * 131 + k),
      validIdx: split.valid ?? undefined,
      onProgress: (p) =>
        onProgress?.({
          fraction: p.fraction,
          done: 0,
          total: 1,
          size: n,
          fold: k,
          stage: 'train',
          message: p.message,
        }),
    });
    bestModels.set(modelKey(res, n), { fold: k, model });
    return { model: model.serialize(), fold: k, retrained: true, nTrain: idx.length, z: Array.from(ds.z) };
  } finally {
    running = null;
  }
}

/** Geometry-cluster labels per (dataset, seed): the clustering is costly, do it once per worker. */
const geoCache = new Map<string, { labels: Int32Array; info: { meanE: number }[] }>();

export async function clusterGeometry(req: ClusterGeometryRequest): Promise<ClusterGeometry> {
  const { results: res, which, cluster: c } = req;
  const ds = await resolveDatasetRef(req.dataset);
  if (ds.nFrames !== res.spec.dataset.nFrames || ds.nAtoms !== res.spec.dataset.nAtoms)
    throw new Error(
      `the selected dataset (${ds.name}) is not the one of these results (${res.spec.dataset.name})`,
    );
  const d3 = 3 * ds.nAtoms;
  const pick = (i: number, members: number, note: string): ClusterGeometry => ({
    index: i,
    R: ds.R.slice(i * d3, (i + 1) * d3),
    E: ds.E ? ds.E[i] : NaN,
    z: ds.z.slice(),
    members,
    note,
  });
  if (which === 'phi') {
    if (!res.spec.phiAtoms) throw new Error('these results have no φ clusters');
    const phi = dihedralSeries(ds.R, ds.nAtoms, ds.nFrames, res.spec.phiAtoms);
    const labels = phiClusters(phi);
    const centre = 10 * c + 5;
    let best = -1,
      members = 0;
    for (let i = 0; i < ds.nFrames; i++) {
      if (labels[i] !== c) continue;
      members++;
      const d = (i: number) => Math.abs(foldAngle(phi[i]) - centre);
      if (best < 0 || d(i) < d(best)) best = i;
    }
    if (best < 0) throw new Error(`no frame of the dataset has |φ| in ${10 * c}–${10 * c + 10}°`);
    return pick(
      best,
      members,
      `|φ| = ${foldAngle(phi[best]).toFixed(1)}°, closest to the bin centre ${centre}°`,
    );
  }
  if (!res.spec.geometryClusters || !ds.E) throw new Error('these results have no geometry clusters');
  const key = `${req.dataset.id}|${res.spec.seed}`;
  let g = geoCache.get(key);
  if (!g) {
    const out = geometryClusters(ds.R, ds.nAtoms, ds.nFrames, ds.E, { seed: res.spec.seed });
    g = { labels: out.labels, info: out.info };
    geoCache.set(key, g);
  }
  const meanE = g.info[c]?.meanE;
  if (meanE === undefined) throw new Error(`no geometry cluster ${c}`);
  let best = -1,
    members = 0;
  for (let i = 0; i < ds.nFrames; i++) {
    if (g.labels[i] !== c) continue;
    members++;
    if (best < 0 || Math.abs(ds.E[i] - meanE) < Math.abs(ds.E[best] - meanE)) best = i;
  }
  if (best < 0) throw new Error(`geometry cluster ${c} is empty`);
  return pick(best, members, `energy closest to the cluster's mean`);
}

/** |φ| folded into 0..180°. */
function foldAngle(a: number): number {
  let x = Math.abs(a) % 360;
  if (x > 180) x = 360 - x;
  return x;
}

export const evalWorkerMethods: EvalWorkerMethods = {
  clusterGeometry,
  runExperiment,
  runCutoffScan,
  async cancelExperiment() {
    if (!running) return false;
    running.abort();
    return true;
  },
  bestFoldModel,
};
