/**
 * The JSON-safe results of a cross-validation experiment (learning curve), shared by the app, the
 * `pes experiment` / `pes report` CLI and the SVG report. Version 1.
 */
import type { ModelKind } from '../models/types.ts';
import {
  meanStd,
  type ClusterError,
  type EnergyBinError,
  type ErrorStats,
  type PathPointError,
} from './metrics.ts';

export interface ExperimentSpec {
  dataset: { name: string; md5?: string; nFrames: number; nAtoms: number; theory?: string };
  model: ModelKind;
  /** Model hyper-parameters passed to Trainer.train (JSON-safe). */
  params: Record<string, unknown>;
  /** Training sizes n (each fold trains on n frames, the other folds (folds−1)·n are its test set). */
  sizes: number[];
  folds: number;
  seed: number;
  /** Validation frames per size for σ search / early stopping, drawn (stratified) outside the subset; 0 = none. */
  validSize: number;
  /** φ dihedral atoms for the Fig. 7 clusters (null: none). */
  phiAtoms: number[] | null;
  /** Whether geometry clusters (Ward 10 × k-means 5) are evaluated. */
  geometryClusters: boolean;
  /** Best-model rule: 'energy' (lowest test energy RMSE) or 'sgdml' (see {@link bestFold}). */
  bestRule: 'energy' | 'sgdml';
}

export interface FoldResult {
  size: number;
  fold: number;
  /** Training frames (dataset indices, sorted). */
  trainIdx: number[];
  nTest: number;
  test: ErrorStats;
  /** Training-set errors (reproduction quality). */
  train?: ErrorStats;
  phi?: ClusterError[];
  geometry?: ClusterError[];
  errorVsEnergy?: EnergyBinError[];
  /** Errors along reference paths: per point, plus the barrier (highest point minus the first) of reference and model. */
  paths?: {
    id: string;
    barrierRef: number;
    barrierPred: number;
    eRmse: number;
    fRmse: number;
    points: PathPointError[];
  }[];
  /** A subsample of predicted vs reference test values for parity plots. */
  parity?: { eRef: number[]; ePred: number[]; fRef: number[]; fPred: number[] };
  /** Wall seconds: training and testing. */
  trainSeconds: number;
  testSeconds: number;
  /** The machine the fold ran on (environment.host of its run), when folds of one file ran on several. */
  host?: string;
  /** Model facts worth keeping (e.g. chosen σ), when the model exposes them. */
  modelInfo?: Record<string, unknown>;
}

export type Spread = ReturnType<typeof meanStd>;

export interface SizeSummary {
  size: number;
  nFolds: number;
  /** Fold chosen by the best-model rule, and its test errors. */
  bestFold: number;
  best: ErrorStats;
  /** Mean ± standard deviation (n − 1) over the finished folds. */
  mean: { eMae: Spread; eRmse: Spread; fMae: Spread; fRmse: Spread };
}

export interface ExperimentResults {
  format: 'pes-experiment';
  version: 1;
  spec: ExperimentSpec;
  createdAt: string;
  updatedAt: string;
  /** Finished folds (any order; at most one per (size, fold)). */
  folds: FoldResult[];
  /** Recomputed from `folds` after every fold. */
  summary: SizeSummary[];
  /** Population of the φ clusters over the whole dataset (fractions), when φ clusters are on. */
  phiPopulation?: number[];
  /** The geometry clusters of the whole dataset, when on. */
  geometryInfo?: {
    nClusters: number;
    agglomerativeFrames: number;
    clusters: { geometry: number; meanE: number; size: number }[];
  };
  /** Where the runs happened (free text: host, backend, code version). */
  environment?: Record<string, string>;
}

/** The sGDML rule's threshold on force RMSE (kcal/mol/Å) and what counts as a "clearly lower" energy RMSE. */
export const SGDML_FORCE_TOLERANCE = 0.1;
export const SGDML_ENERGY_MARGIN = 0.9;

/**
 * Best fold of one size (SCIENCE.md §2). 'energy': lowest test energy RMSE. 'sgdml': the fold with the
 * lowest force RMSE, unless another fold's force RMSE is within {@link SGDML_FORCE_TOLERANCE} of it and its
 * energy RMSE is clearly lower — below {@link SGDML_ENERGY_MARGIN} × that fold's (10 % lower); among such
 * folds the lowest energy RMSE wins. Ties go to the lower fold index.
 */
export function bestFold(folds: readonly FoldResult[], rule: 'energy' | 'sgdml'): FoldResult {
  if (!folds.length) throw new Error('bestFold: no folds');
  const sorted = [...folds].sort((a, b) => a.fold - b.fold);
  const lowest = (key: (f: FoldResult) => number, set: FoldResult[]) =>
    set.reduce((best, f) => (key(f) < key(best) ? f : best), set[0]);
  if (rule === 'energy') return lowest((f) => f.test.eRmse, sorted);
  const byF = lowest((f) => f.test.fRmse, sorted);
  const close = sorted.filter(
    (f) =>
      f.test.fRmse <= byF.test.fRmse + SGDML_FORCE_TOLERANCE &&
      f.test.eRmse < SGDML_ENERGY_MARGIN * byF.test.eRmse,
  );
  return close.length ? lowest((f) => f.test.eRmse, close) : byF;
}

/** Per-size summaries (sizes ascending) of the finished folds. */
export function summarize(res: Pick<ExperimentResults, 'folds' | 'spec'>): SizeSummary[] {
  const sizes = [...new Set(res.folds.map((f) => f.size))].sort((a, b) => a - b);
  return sizes.map((size) => {
    const fs = res.folds.filter((f) => f.size === size);
    const b = bestFold(fs, res.spec.bestRule);
    const get = (k: keyof ErrorStats) => meanStd(fs.map((f) => f.test[k]));
    return {
      size,
      nFolds: fs.length,
      bestFold: b.fold,
      best: b.test,
      mean: { eMae: get('eMae'), eRmse: get('eRmse'), fMae: get('fMae'), fRmse: get('fRmse') },
    };
  });
}

/** Mean per-cluster errors (over the folds of one size) for cluster bars; `which` picks φ or geometry. */
export function meanClusterErrors(
  res: ExperimentResults,
  size: number,
  which: 'phi' | 'geometry',
  fold?: number,
): {
  cluster: number;
  n: number;
  population: number;
  eRmse: number;
  fRmse: number;
  eMae: number;
  fMae: number;
}[] {
  const fs = res.folds.filter((f) => f.size === size && (fold === undefined || f.fold === fold) && f[which]);
  if (!fs.length) return [];
  const nc = fs[0][which]!.length;
  return Array.from({ length: nc }, (_, c) => {
    const rows = fs.map((f) => f[which]![c]);
    const avg = (k: 'eRmse' | 'fRmse' | 'eMae' | 'fMae') => meanStd(rows.map((r) => r[k])).mean;
    const n = rows.reduce((s, r) => s + r.n, 0);
    return {
      cluster: c,
      n,
      population: meanStd(rows.map((r) => r.population)).mean,
      eRmse: avg('eRmse'),
      fRmse: avg('fRmse'),
      eMae: avg('eMae'),
      fMae: avg('fMae'),
    };
  });
}

/** Can `prev` be resumed under `spec`? Returns the reason when not (sizes may differ: new ones get added). */
export function incompatibility(prev: ExperimentSpec, spec: ExperimentSpec): string | null {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  if (prev.dataset.md5 && spec.dataset.md5 && prev.dataset.md5 !== spec.dataset.md5)
    return `dataset md5 ${spec.dataset.md5} differs from the results' ${prev.dataset.md5}`;
  if (prev.dataset.nFrames !== spec.dataset.nFrames || prev.dataset.nAtoms !== spec.dataset.nAtoms)
    return 'the dataset has a different number of frames or atoms';
  if (prev.model !== spec.model) return `model ${spec.model} differs from the results' ${prev.model}`;
  if (!same(sortKeys(prev.params), sortKeys(spec.params)))
    return `model options differ: ${JSON.stringify(prev.params)} vs ${JSON.stringify(spec.params)}`;
  for (const k of ['folds', 'seed', 'validSize', 'phiAtoms', 'geometryClusters', 'bestRule'] as const)
    if (!same(prev[k], spec[k]))
      return `${k} differs: ${JSON.stringify(prev[k])} vs ${JSON.stringify(spec[k])}`;
  return null;
}

function sortKeys(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

const num = (x: number) => (Number.isFinite(x) ? String(+x.toPrecision(8)) : '');

/**
 * CSV: one row per finished fold, then one "best" and one "mean"/"std" row per size. Columns:
 * size, fold, kind, n_test, e_mae, e_rmse, f_mae, f_rmse (kcal/mol, kcal/mol/Å), train_s, test_s.
 */
export function resultsToCsv(res: ExperimentResults): string {
  const rows = [
    'size,fold,kind,n_test,e_mae_kcal_mol,e_rmse_kcal_mol,f_mae_kcal_mol_A,f_rmse_kcal_mol_A,train_s,test_s',
  ];
  const folds = [...res.folds].sort((a, b) => a.size - b.size || a.fold - b.fold);
  for (const f of folds)
    rows.push(
      [
        f.size,
        f.fold,
        'fold',
        f.nTest,
        num(f.test.eMae),
        num(f.test.eRmse),
        num(f.test.fMae),
        num(f.test.fRmse),
        num(f.trainSeconds),
        num(f.testSeconds),
      ].join(','),
    );
  for (const s of res.summary) {
    rows.push(
      [
        s.size,
        s.bestFold,
        'best',
        s.best.n,
        num(s.best.eMae),
        num(s.best.eRmse),
        num(s.best.fMae),
        num(s.best.fRmse),
        '',
        '',
      ].join(','),
    );
    const m = s.mean;
    for (const stat of ['mean', 'std'] as const)
      rows.push(
        [
          s.size,
          '',
          stat,
          '',
          num(m.eMae[stat]),
          num(m.eRmse[stat]),
          num(m.fMae[stat]),
          num(m.fRmse[stat]),
          '',
          '',
        ].join(','),
      );
  }
  return rows.join('\n') + '\n';
}

/** Results as JSON text: indented objects, but arrays of numbers on one line (compact and diffable). */
export function resultsToJson(res: ExperimentResults): string {
  return JSON.stringify(res, null, 1).replace(/\[(\s*-?[\d.eE+-]+\s*,?)+\s*\]/g, (m) =>
    m.replace(/\s+/g, ''),
  );
}

/** Parse and check a results JSON (throws with a readable message). */
export function parseResults(text: string, source = 'results'): ExperimentResults {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message})`, { cause: e });
  }
  const r = o as ExperimentResults;
  if (!r || r.format !== 'pes-experiment' || r.version !== 1 || !Array.isArray(r.folds) || !r.spec)
    throw new Error(`${source}: not a pes experiment results file (format "pes-experiment", version 1)`);
  // JSON turns NaN into null: restore NaN so arithmetic stays honest
  const fix = (s: ErrorStats | undefined) => {
    if (!s) return;
    for (const k of ['eMae', 'eRmse', 'fMae', 'fRmse', 'eMax', 'fMax'] as const)
      if (s[k] === null) s[k] = NaN;
  };
  for (const f of r.folds) {
    fix(f.test);
    fix(f.train);
    f.phi?.forEach(fix);
    f.geometry?.forEach(fix);
    f.errorVsEnergy?.forEach(fix);
  }
  r.summary = summarize(r);
  return r;
}

/**
 * One results file from several runs of the same experiment (e.g. folds spread over processes with
 * `onlyFolds`): the specs must be compatible (same data, model options, folds, seed; sizes may differ),
 * folds are pooled, a (size, fold) present twice must have the same training frames and is kept once.
 */
export function mergeResults(parts: readonly ExperimentResults[]): ExperimentResults {
  if (!parts.length) throw new Error('nothing to merge');
  const [first, ...rest] = parts;
  const out: ExperimentResults = structuredClone(first);
  for (const [i, p] of rest.entries()) {
    const why = incompatibility(first.spec, p.spec);
    if (why) throw new Error(`results ${i + 2} cannot be merged with the first: ${why}`);
    out.spec.sizes = [...new Set([...out.spec.sizes, ...p.spec.sizes])].sort((a, b) => a - b);
    for (const f of p.folds) {
      const have = out.folds.find((g) => g.size === f.size && g.fold === f.fold);
      if (!have) out.folds.push(structuredClone(f));
      else if (
        have.trainIdx.length !== f.trainIdx.length ||
        have.trainIdx.some((v, j) => v !== f.trainIdx[j])
      )
        throw new Error(`size ${f.size} fold ${f.fold + 1} appears twice with different training frames`);
    }
    if (p.createdAt < out.createdAt) out.createdAt = p.createdAt;
    if (p.updatedAt > out.updatedAt) out.updatedAt = p.updatedAt;
    out.phiPopulation ??= p.phiPopulation;
    out.geometryInfo ??= p.geometryInfo;
  }
  out.folds.sort((a, b) => a.size - b.size || a.fold - b.fold);
  out.summary = summarize(out);
  return out;
}
