/**
 * Cross-validation runner for learning curves (SCIENCE.md §2), generic over any {@link Trainer}.
 *
 * For each training size n: draw a stratified subset of folds·n frames and split it into `folds`
 * energy-stratified folds ({@link cvSplit}); for each fold, train on it and test on the other folds
 * ((folds−1)·n frames). The random stream of size n is `createRng(mixSeed(seed, n))`, so a size's split does
 * not depend on which other sizes run or in which order, and a resumed run draws the same folds.
 * When `validSize` > 0, validation frames for the trainer (σ search, early stopping) are drawn stratified
 * from the frames outside the subset, from the same stream, after the split.
 *
 * Resumable: pass the previous results; finished (size, fold) pairs are kept, their training indices are
 * re-derived and checked, and only the missing folds run. `onFoldDone` sees the results after every fold
 * (the CLI writes them to disk there). Cancellation: the AbortSignal is checked between training,
 * prediction batches and folds; the trainer receives it too.
 */
import type { Dataset } from '../data/dataset.ts';
import { createRng, cvSplit, drawStratSample } from '../data/sample.ts';
import { dihedralSeries, geometryClusters, phiClusters, PHI_CLUSTERS } from '../data/cluster.ts';
import type { ForceField, Trainer, TrainOptions, TrainProgress } from '../models/types.ts';
import { clusterErrors, errorStats, errorVsEnergy, parityData, pathErrors } from './metrics.ts';
import {
  incompatibility,
  summarize,
  type ExperimentResults,
  type ExperimentSpec,
  type FoldResult,
} from './results.ts';

export interface CvProgress {
  size: number;
  fold: number;
  /** 'train' | 'test' | 'done' | 'skip' */
  stage: string;
  /** 0..1 over the whole experiment (finished folds count fully). */
  fraction: number;
  /** Folds finished / total. */
  done: number;
  total: number;
  message?: string;
  train?: TrainProgress;
}

export interface RunCvOptions {
  ds: Dataset;
  trainer: Trainer;
  spec: ExperimentSpec;
  previous?: ExperimentResults;
  signal?: AbortSignal;
  onProgress?: (p: CvProgress) => void;
  onFoldDone?: (res: ExperimentResults, fold: FoldResult, model: ForceField) => void | Promise<void>;
  /** Prediction batch (frames), default 100. */
  batch?: number;
  /** Caps of the stored parity subsample (energies, force components; default 200, 600); 0 disables it. */
  parityMax?: { e: number; f: number };
  /** Also compute training-set errors (default true). */
  trainErrors?: boolean;
  /** Clock, for tests (default performance.now / Date.now). */
  now?: () => number;
  /** Extra facts recorded in results.environment. */
  environment?: Record<string, string>;
  /** Reference paths (e.g. the 17-point isomerisation paths) every fold's model is also evaluated on. */
  paths?: PathRef[];
  /**
   * Run only these folds (0-based) of every size, e.g. to spread one curve over several processes or
   * machines; their results files are then merged (`mergeResults`). Default: all folds.
   */
  onlyFolds?: readonly number[];
  /**
   * Train at most this many folds not yet in the results, then stop (the results so far are returned,
   * as when the plan ends): a long plan advanced a little at a time, e.g. one fold of every run.
   */
  maxNewFolds?: number;
  /** Pulls model facts (e.g. σ) from a trained model into FoldResult.modelInfo. */
  modelInfo?: (m: ForceField) => Record<string, unknown> | undefined;
  /**
   * Extra trainer parameters for a fold from the same fold's result at the nearest smaller size that has
   * it (e.g. sGDML's σ search starting at the σ chosen there). They are not part of the spec: they may
   * change how long a fold takes, not what a fold is (its frames, its settings).
   */
  warmStart?: (prior: FoldResult) => Record<string, unknown> | undefined;
}

/** The same fold's result at the largest size below `n`, if any. */
export function priorFold(folds: readonly FoldResult[], n: number, k: number): FoldResult | undefined {
  let prior: FoldResult | undefined;
  for (const f of folds) if (f.fold === k && f.size < n && (!prior || f.size > prior.size)) prior = f;
  return prior;
}

/** A reference path: geometries with reference energies (and forces), same atoms as the dataset. */
export interface PathRef {
  id: string;
  R: Float64Array;
  E: Float64Array;
  F: Float64Array | null;
}

/**
 * Read a bundled path file (`public/data/paths/<id>.json`: `{id, z, points: [{R, E, F}]}` with flat R and
 * F in Å, kcal/mol, kcal/mol/Å) into a {@link PathRef}; checks the atoms against the dataset's.
 */
export function pathFromJson(json: unknown, z: Int32Array, source = 'path'): PathRef {
  const o = json as { id?: string; z?: number[]; points?: { R: number[]; E: number; F?: number[] }[] };
  if (!o || !Array.isArray(o.points) || !o.points.length)
    throw new Error(`${source}: not a path file (no points)`);
  if (o.z && (o.z.length !== z.length || o.z.some((v, i) => v !== z[i])))
    throw new Error(`${source}: the path's atoms (${o.z.join(',')}) differ from the dataset's`);
  const d3 = 3 * z.length;
  const R = new Float64Array(o.points.length * d3),
    E = new Float64Array(o.points.length);
  const hasF = o.points.every((p) => Array.isArray(p.F) && p.F.length === d3);
  const F = hasF ? new Float64Array(o.points.length * d3) : null;
  o.points.forEach((p, i) => {
    if (!Array.isArray(p.R) || p.R.length !== d3)
      throw new Error(`${source}: point ${i} has ${p.R?.length} coordinates, expected ${d3}`);
    R.set(p.R, i * d3);
    E[i] = p.E;
    if (F) F.set(p.F!, i * d3);
  });
  return { id: o.id ?? source, R, E, F };
}

/** Per-size 32-bit seed: SplitMix-style mix of (seed, n). */
export function mixSeed(seed: number, n: number): number {
  let z = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(n >>> 0, 0x85ebca77)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d);
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b);
  return (z ^ (z >>> 16)) >>> 0;
}

/** The split (and validation frames) of one size, exactly as {@link runCrossValidation} draws them. */
export function splitForSize(
  E: Float64Array,
  n: number,
  spec: Pick<ExperimentSpec, 'folds' | 'seed' | 'validSize'>,
) {
  const rng = createRng(mixSeed(spec.seed, n));
  const split = cvSplit(E, n, spec.folds, rng);
  const valid =
    spec.validSize > 0
      ? drawStratSample(E, Math.min(spec.validSize, E.length - split.subset.length), rng, split.subset).sort()
      : null;
  return { ...split, valid };
}

/** The trainer options of fold k at size n (seed, validation frames), the same for a fold's every run. */
function foldTrainOptions(
  spec: Pick<ExperimentSpec, 'seed'>,
  n: number,
  k: number,
  valid: Int32Array | null,
) {
  return { seed: mixSeed(spec.seed, n * 131 + k), validIdx: valid ?? undefined };
}

/** The trainer parameters of one fold: the spec's, with a warm start's overrides (if any) on top. */
function foldParams(
  spec: ExperimentSpec,
  warm: Record<string, unknown> | undefined,
): Record<string, unknown> {
  return warm ? { ...spec.params, ...warm } : spec.params;
}

/**
 * Trains fold `fold` of size `size` again as {@link runCrossValidation} did (same split, seed and
 * validation frames), e.g. to save the model of a fold run earlier. A deterministic trainer gives the same
 * model: compare {@link trainingErrors} with the recorded `FoldResult.train` to be sure.
 */
export async function retrainFold(o: {
  ds: Dataset;
  trainer: Trainer;
  spec: ExperimentSpec;
  size: number;
  fold: number;
  signal?: AbortSignal;
  onProgress?: TrainOptions['onProgress'];
  /** Extra trainer parameters (as RunCvOptions.warmStart gives), e.g. from the fold's own result. */
  warm?: Record<string, unknown>;
}): Promise<{ model: ForceField; trainIdx: Int32Array }> {
  if (!o.ds.E) throw new Error(`${o.ds.name}: the dataset has no energies`);
  const split = splitForSize(o.ds.E, o.size, o.spec);
  const trainIdx = split.folds[o.fold];
  if (!trainIdx) throw new Error(`size ${o.size} has no fold ${o.fold + 1}`);
  const model = await o.trainer.train(o.ds, trainIdx, foldParams(o.spec, o.warm), {
    signal: o.signal,
    ...foldTrainOptions(o.spec, o.size, o.fold, split.valid),
    onProgress: o.onProgress,
  });
  return { model, trainIdx };
}

/** A model's errors on its own training frames (as `FoldResult.train`). */
export function trainingErrors(
  model: ForceField,
  ds: Dataset,
  trainIdx: ArrayLike<number>,
  batch = 100,
  signal?: AbortSignal,
) {
  const d3 = 3 * ds.nAtoms;
  const pt = predictFrames(model, ds, trainIdx, batch, signal);
  return errorStats(
    pt.E,
    Float64Array.from(trainIdx, (i) => ds.E![i]),
    pt.F,
    gather(ds.F!, trainIdx, d3),
    ds.nAtoms,
  );
}

class Aborted extends Error {
  constructor() {
    super('cancelled');
    this.name = 'AbortError';
  }
}
function checkAbort(signal?: AbortSignal) {
  if (signal?.aborted) throw new Aborted();
}

/** Predict frames `idx` in batches; returns E (|idx|) and F (|idx|·3N) in idx order. */
export function predictFrames(
  model: ForceField,
  ds: Dataset,
  idx: ArrayLike<number>,
  batch = 100,
  signal?: AbortSignal,
  onBatch?: (done: number) => void,
): { E: Float64Array; F: Float64Array } {
  const d3 = ds.nAtoms * 3;
  const E = new Float64Array(idx.length);
  const F = new Float64Array(idx.length * d3);
  for (let s = 0; s < idx.length; s += batch) {
    checkAbort(signal);
    const k = Math.min(batch, idx.length - s);
    const R = new Float64Array(k * d3);
    for (let i = 0; i < k; i++) R.set(ds.R.subarray(idx[s + i] * d3, (idx[s + i] + 1) * d3), i * d3);
    const p = model.predict(R, k, { variance: false }); // only E and F are scored
    E.set(p.E.subarray(0, k), s);
    F.set(p.F.subarray(0, k * d3), s * d3);
    onBatch?.(s + k);
  }
  return { E, F };
}

function gather(src: Float64Array, idx: ArrayLike<number>, width: number): Float64Array {
  const out = new Float64Array(idx.length * width);
  for (let i = 0; i < idx.length; i++) out.set(src.subarray(idx[i] * width, (idx[i] + 1) * width), i * width);
  return out;
}

/** Fresh results for a spec. */
export function emptyResults(spec: ExperimentSpec): ExperimentResults {
  const t = new Date().toISOString();
  return { format: 'pes-experiment', version: 1, spec, createdAt: t, updatedAt: t, folds: [], summary: [] };
}

/**
 * Merge `environment` into res.environment. When the host changes, the folds already there keep the
 * host they ran on (their own `host`, else the one the file named until now).
 */
function recordEnvironment(res: ExperimentResults, environment?: Record<string, string>): void {
  if (!environment) return;
  const before = res.environment?.host;
  if (before && environment.host && environment.host !== before)
    res.folds = res.folds.map((f) => (f.host ? f : { ...f, host: before }));
  res.environment = { ...res.environment, ...environment };
}

/** Run (or continue) a cross-validated learning curve. */
export async function runCrossValidation(o: RunCvOptions): Promise<ExperimentResults> {
  const { ds, trainer, spec, signal } = o;
  const now = o.now ?? (() => (typeof performance !== 'undefined' ? performance.now() : Date.now()));
  if (!ds.E) throw new Error(`${ds.name}: the dataset has no energies; cross-validation needs them`);
  if (!ds.F) throw new Error(`${ds.name}: the dataset has no forces; cross-validation needs them`);
  const E = ds.E,
    F = ds.F;
  for (const n of spec.sizes) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`training size ${n} is not a positive integer`);
    if (n * spec.folds + spec.validSize > ds.nFrames)
      throw new Error(
        `training size ${n} needs ${n * spec.folds} frames for ${spec.folds} folds${spec.validSize ? ` + ${spec.validSize} validation` : ''}, the dataset has ${ds.nFrames}`,
      );
  }
  let res: ExperimentResults;
  if (o.previous) {
    const why = incompatibility(o.previous.spec, spec);
    if (why) throw new Error(`cannot resume these results: ${why}`);
    res = structuredClone(o.previous);
    res.spec = {
      ...spec,
      sizes: [...new Set([...o.previous.spec.sizes, ...spec.sizes])].sort((a, b) => a - b),
    };
  } else res = emptyResults(spec);
  // A resumed file keeps the environment its folds ran in until this call trains one of its own.
  if (!o.previous) recordEnvironment(res, o.environment);

  const foldsToRun = Array.from({ length: spec.folds }, (_, k) => k).filter(
    (k) => !o.onlyFolds || o.onlyFolds.includes(k),
  );
  if (o.onlyFolds?.some((k) => !Number.isInteger(k) || k < 0 || k >= spec.folds))
    throw new Error(
      `only folds 1…${spec.folds} exist (asked for ${o.onlyFolds.map((k) => k + 1).join(', ')})`,
    );
  const total = spec.sizes.length * foldsToRun.length;
  const isDone = (n: number, k: number) => res.folds.some((f) => f.size === n && f.fold === k);
  let done = spec.sizes.reduce((s, n) => s + foldsToRun.filter((k) => isDone(n, k)).length, 0);
  const frac = (inFold: number) => Math.min(1, (done + inFold) / total);

  const d3 = 3 * ds.nAtoms;
  let phiLabels: Int32Array | null = null;
  if (spec.phiAtoms) {
    phiLabels = phiClusters(dihedralSeries(ds.R, ds.nAtoms, ds.nFrames, spec.phiAtoms));
    const pop = new Float64Array(PHI_CLUSTERS);
    for (const c of phiLabels) pop[c]++;
    res.phiPopulation = Array.from(pop, (c) => c / ds.nFrames);
  }
  let geoLabels: Int32Array | null = null;
  let nGeo = 0;
  if (spec.geometryClusters) {
    o.onProgress?.({
      size: 0,
      fold: -1,
      stage: 'clusters',
      fraction: frac(0),
      done,
      total,
      message: 'geometry clusters',
    });
    const g = geometryClusters(ds.R, ds.nAtoms, ds.nFrames, E, { seed: spec.seed });
    geoLabels = g.labels;
    nGeo = g.nClusters;
    res.geometryInfo = {
      nClusters: g.nClusters,
      agglomerativeFrames: g.agglomerativeFrames,
      clusters: g.info,
    };
  }

  let trained = 0;
  sizes: for (const n of spec.sizes) {
    const split = splitForSize(E, n, spec);
    for (const k of foldsToRun) {
      const trainIdx = split.folds[k];
      const prev = res.folds.find((f) => f.size === n && f.fold === k);
      if (prev) {
        if (prev.trainIdx.length !== trainIdx.length || prev.trainIdx.some((v, i) => v !== trainIdx[i]))
          throw new Error(
            `resumed results disagree with the split drawn for size ${n} fold ${k} (different code or data?)`,
          );
        o.onProgress?.({ size: n, fold: k, stage: 'skip', fraction: frac(0), done, total });
        continue;
      }
      if (o.maxNewFolds !== undefined && trained >= o.maxNewFolds) break sizes;
      trained++;
      checkAbort(signal);
      const testIdx = Int32Array.from(split.folds.flatMap((f, j) => (j === k ? [] : Array.from(f)))).sort();
      const prior = o.warmStart && priorFold(res.folds, n, k);
      const warm = prior ? o.warmStart!(prior) : undefined;
      const t0 = now();
      const model = await trainer.train(ds, trainIdx, foldParams(spec, warm), {
        signal,
        ...foldTrainOptions(spec, n, k, split.valid),
        onProgress: (p) =>
          o.onProgress?.({
            size: n,
            fold: k,
            stage: 'train',
            fraction: frac(0.8 * p.fraction),
            done,
            total,
            train: p,
            message: p.message,
          }),
      });
      const t1 = now();
      checkAbort(signal);
      const pred = predictFrames(model, ds, testIdx, o.batch ?? 100, signal, (m) =>
        o.onProgress?.({
          size: n,
          fold: k,
          stage: 'test',
          fraction: frac(0.8 + (0.2 * m) / testIdx.length),
          done,
          total,
        }),
      );
      const refE = Float64Array.from(testIdx, (i) => E[i]);
      const refF = gather(F, testIdx, d3);
      const fr: FoldResult = {
        size: n,
        fold: k,
        trainIdx: Array.from(trainIdx),
        nTest: testIdx.length,
        test: errorStats(pred.E, refE, pred.F, refF, ds.nAtoms),
        trainSeconds: (t1 - t0) / 1000,
        testSeconds: 0,
        ...(o.environment?.host ? { host: o.environment.host } : {}),
      };
      if (phiLabels) {
        const l = Int32Array.from(testIdx, (i) => phiLabels![i]);
        fr.phi = clusterErrors(pred.E, refE, pred.F, refF, ds.nAtoms, l, PHI_CLUSTERS);
      }
      if (geoLabels) {
        const l = Int32Array.from(testIdx, (i) => geoLabels![i]);
        fr.geometry = clusterErrors(pred.E, refE, pred.F, refF, ds.nAtoms, l, nGeo);
      }
      fr.errorVsEnergy = errorVsEnergy(pred.E, refE, pred.F, refF, ds.nAtoms, 20);
      const pm = o.parityMax ?? { e: 200, f: 600 };
      if (pm.e > 0 || pm.f > 0) {
        const p = parityData(pred.E, refE, pred.F, refF, pm.e, pm.f);
        // 1e-4 kcal/mol (Å) resolution: far below any model error, keeps the JSON small
        const r = (a: Float64Array) => Array.from(a, (x) => Math.round(x * 1e4) / 1e4);
        fr.parity = { eRef: r(p.eRef), ePred: r(p.ePred), fRef: r(p.fRef), fPred: r(p.fPred) };
      }
      if (o.trainErrors ?? true) fr.train = trainingErrors(model, ds, trainIdx, o.batch ?? 100, signal);
      fr.testSeconds = (now() - t1) / 1000;
      if (o.paths?.length) {
        fr.paths = o.paths.map((pth) => {
          const n = pth.E.length;
          const p = model.predict(pth.R, n);
          const pts = pathErrors(p.E, pth.E, pth.F ? p.F : null, pth.F, ds.nAtoms);
          const top = (a: ArrayLike<number>) => Math.max(...Array.from(a, (x) => x - a[0]));
          const r = (x: number) => Math.round(x * 1e4) / 1e4;
          return {
            id: pth.id,
            barrierRef: r(top(pth.E)),
            barrierPred: r(top(p.E)),
            eRmse: errorStats(p.E, pth.E, null, null, ds.nAtoms).eRmse,
            fRmse: pth.F ? errorStats(p.E, pth.E, p.F, pth.F, ds.nAtoms).fRmse : NaN,
            points: pts.map((q) => ({
              ...q,
              eRef: r(q.eRef),
              ePred: r(q.ePred),
              eRefRel: r(q.eRefRel),
              ePredRel: r(q.ePredRel),
              eErr: r(q.eErr),
              fRmse: r(q.fRmse),
              fMax: r(q.fMax),
            })),
          };
        });
      }
      const info = o.modelInfo?.(model);
      if (info) fr.modelInfo = info;
      if (o.previous && res.folds.length === o.previous.folds.length) recordEnvironment(res, o.environment);
      res.folds.push(fr);
      res.summary = summarize(res);
      res.updatedAt = new Date().toISOString();
      done++;
      o.onProgress?.({ size: n, fold: k, stage: 'done', fraction: frac(0), done, total });
      await o.onFoldDone?.(res, fr, model);
    }
  }
  res.folds.sort((a, b) => a.size - b.size || a.fold - b.fold);
  res.summary = summarize(res);
  return res;
}
