/**
 * The study plan (paper §IV–VI on our xTB data): which datasets × models × training sizes `pes study`
 * runs, in its full and quick forms, and the index of finished runs (index.json) that the CLI writes and
 * the app's Study view reads. Pure data and functions: no file system, no training here.
 */
import type { ExperimentResults } from './results.ts';
import { cutoffTag } from './cutoff-scan.ts';
import { foldSeconds, isUpperBound } from './study-cost.ts';

export type StudyMode = 'full' | 'quick';

/** One learning curve of the study: a model with fixed options on one dataset. */
export interface StudyRun {
  /** File stem and --only key, e.g. "azobenzene-rotation-sgdml-inv". */
  id: string;
  /** Bundled dataset name (public/data/<dataset>.npz). */
  dataset: string;
  model: 'sgdml' | 'gap' | 'schnet' | 'bpnn';
  /** Short label, e.g. "sGDML [1/r + ang]". */
  label: string;
  /** Model options exactly as `pes experiment` flags take them (name without dashes → value). */
  options: Record<string, string>;
  sizes: number[];
  folds: number;
  /**
   * The plan's sizes when this run was narrowed to some of them (`--sizes` picking plan sizes, or
   * `--redraw` at the sizes a results file has): the index counts finished folds against these, so a
   * run trained to n = 500 of a plan that goes to 1000 is "partial", not "complete".
   */
  planSizes?: number[];
  seed: number;
  /** Reference paths every fold's model is also evaluated on (bundled ids). */
  paths: string[];
  /** φ clusters (azobenzene: found from bonds) or none. */
  phi: boolean;
  geometryClusters: boolean;
}

export const STUDY_DATASETS = ['glycine', 'azobenzene-rotation', 'azobenzene-inversion'] as const;
export const AZO_PATHS = [
  'azobenzene-rotation',
  'azobenzene-inversion',
  'azobenzene-rotation-inversion',
  'azobenzene-optimized-rotation',
];

const FULL_SIZES = [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
const QUICK_SIZES = [20, 40];

interface ModelVariant {
  key: string;
  model: StudyRun['model'];
  label: string;
  full: Record<string, string>;
  quick: Record<string, string>;
}

export const STUDY_MODELS: ModelVariant[] = [
  {
    key: 'sgdml-inv',
    model: 'sgdml',
    label: 'sGDML [1/r]',
    full: { descriptor: 'inv' },
    quick: { descriptor: 'inv', sigma: '20' },
  },
  {
    key: 'sgdml-inv-ang',
    model: 'sgdml',
    label: 'sGDML [1/r + ang]',
    full: { descriptor: 'inv+ang' },
    quick: { descriptor: 'inv+ang', sigma: '20' },
  },
  {
    key: 'gap',
    model: 'gap',
    label: 'GAP/SOAP',
    full: { preset: 'paper' },
    quick: { preset: 'fast', 'n-sparse': '30' },
  },
  {
    key: 'schnet',
    model: 'schnet',
    label: 'SchNet',
    full: {},
    quick: { epochs: '3', features: '16', interactions: '2', batch: '10' },
  },
  {
    key: 'bpnn',
    model: 'bpnn',
    label: 'BPNN',
    full: {},
    quick: { epochs: '3', batch: '10' },
  },
];

const ATOMS: Record<string, number> = {
  glycine: 10,
  'azobenzene-rotation': 24,
  'azobenzene-inversion': 24,
};

/** The whole plan: every dataset × model variant, in a fixed order (cheap datasets first). */
export function studyPlan(mode: StudyMode): StudyRun[] {
  const quick = mode === 'quick';
  const runs: StudyRun[] = [];
  for (const dataset of STUDY_DATASETS) {
    const azo = dataset.startsWith('azobenzene');
    for (const v of STUDY_MODELS) {
      const sizes = quick ? QUICK_SIZES : dataset === 'glycine' ? [50, ...FULL_SIZES] : FULL_SIZES;
      runs.push({
        id: `${dataset}-${v.key}`,
        dataset,
        model: v.model,
        label: v.label,
        options: { ...(quick ? v.quick : v.full) },
        sizes,
        folds: quick ? 3 : 5,
        seed: 1,
        paths: azo ? AZO_PATHS : [],
        phi: azo,
        geometryClusters: azo && !quick,
      });
    }
  }
  if (!quick) runs.push(...cutoffScan());
  return runs;
}

/** The paper's Fig. 6a: GAP/SOAP on the rotation data at n = 600 for other cutoffs (5 Å is the main run). */
export const GAP_SCAN_CUTOFFS = [3, 4, 6, 7, 8];
function cutoffScan(): StudyRun[] {
  const gap = STUDY_MODELS.find((m) => m.key === 'gap')!;
  return GAP_SCAN_CUTOFFS.map((rc) => ({
    id: `azobenzene-rotation-gap-${cutoffTag(rc)}`,
    dataset: 'azobenzene-rotation',
    model: 'gap' as const,
    label: `GAP/SOAP, cutoff ${rc} Å`,
    options: { ...gap.full, cutoff: String(rc) },
    sizes: [600],
    folds: 5,
    seed: 1,
    paths: AZO_PATHS,
    phi: true,
    geometryClusters: false,
  }));
}

/** Fig. 6a's points (src/eval/cutoff-scan.ts, shared with `pes experiment --cutoff-scan`). */
export { cutoffScanPoints } from './cutoff-scan.ts';

/**
 * Keep the runs named by the comma-separated patterns (every run when `only` is empty): a pattern equal to
 * a run id picks that run only, otherwise every run whose id contains it. Throws, listing the ids, when a
 * pattern matches nothing.
 */
export function filterPlan(plan: StudyRun[], only: string | undefined): StudyRun[] {
  if (!only) return plan;
  const pats = only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of pats)
    if (!plan.some((r) => r.id.includes(p)))
      throw new Error(`--only ${p}: matches no run (runs: ${plan.map((r) => r.id).join(', ')})`);
  const ids = new Set(plan.map((r) => r.id));
  return plan.filter((r) => pats.some((p) => (ids.has(p) ? r.id === p : r.id.includes(p))));
}

/** Override sizes / folds / epochs of every run (for tests and small machines). */
export function shrinkPlan(
  plan: StudyRun[],
  o: { sizes?: number[]; folds?: number; epochs?: number },
): StudyRun[] {
  return plan.map((r) => ({
    ...narrowRun(r, o.sizes ?? r.sizes, o.folds ?? r.folds),
    options:
      o.epochs !== undefined && (r.model === 'schnet' || r.model === 'bpnn')
        ? { ...r.options, epochs: String(o.epochs) }
        : r.options,
  }));
}

/**
 * The run at these sizes and folds. When they are a part of its plan (the same folds, every size a
 * planned one) the planned sizes are kept as `planSizes`; otherwise the new sizes are the plan.
 */
export function narrowRun(r: StudyRun, sizes: number[], folds: number): StudyRun {
  const plan = r.planSizes ?? r.sizes;
  const partOfPlan = folds === r.folds && sizes.every((n) => plan.includes(n));
  const narrowed: StudyRun = { ...r, sizes, folds };
  delete narrowed.planSizes;
  return partOfPlan && sizes.length < plan.length ? { ...narrowed, planSizes: plan } : narrowed;
}

/** The sizes the index counts a run's folds against (see `StudyRun.planSizes`). */
export const plannedSizes = (r: StudyRun): number[] => r.planSizes ?? r.sizes;

/**
 * Estimated seconds of one fold of a run with n training frames (src/eval/study-cost.ts); `trials`: the
 * σ trials a finished sGDML fold recorded. A size after the run's first starts its σ search warm.
 */
export function runFoldSeconds(
  r: StudyRun,
  n: number,
  trials?: number,
  slowLinalg?: boolean,
  slowPrecond?: boolean,
): number {
  return foldSeconds({
    model: r.model,
    options: r.options,
    n,
    nAtoms: ATOMS[r.dataset] ?? 24,
    trials,
    warmStart: n > Math.min(...plannedSizes(r)),
    slowLinalg,
    slowPrecond,
  });
}

/**
 * Estimated seconds of a run on the reference machine: every planned (size, fold), less the ones in
 * `done` (finished folds of a results file, as `{ size }` entries; one per fold).
 */
export function runCost(r: StudyRun, done: { size: number }[] = []): number {
  const left = new Map(r.sizes.map((n) => [n, r.folds]));
  for (const f of done) if (left.has(f.size)) left.set(f.size, Math.max(0, left.get(f.size)! - 1));
  let s = 0;
  for (const [n, k] of left) s += k * runFoldSeconds(r, n);
  return s;
}

/**
 * Estimated seconds of the next `k` folds a run would train (sizes in increasing order, as the
 * cross-validation runs them), given the folds in `done`.
 */
export function nextFoldsCost(r: StudyRun, done: { size: number }[], k: number): number {
  const left = new Map(r.sizes.map((n) => [n, r.folds]));
  for (const f of done) if (left.has(f.size)) left.set(f.size, Math.max(0, left.get(f.size)! - 1));
  let s = 0;
  let todo = k;
  for (const n of [...r.sizes].sort((a, b) => a - b)) {
    const m = Math.min(todo, left.get(n)!);
    s += m * runFoldSeconds(r, n);
    todo -= m;
  }
  return s;
}

/** A finished fold as results files keep it (only what the time estimate reads). */
export interface TimedFold {
  size: number;
  trainSeconds?: number;
  testSeconds?: number;
  /** sGDML: the σ trials of the fold's search, and the linear algebra it ran on (none before the 17th session) */
  modelInfo?: { sigmaTrials?: unknown; linalg?: unknown; precondLinalg?: unknown };
}

/** The σ trials a finished fold recorded (sGDML), if any. */
const trialsOf = (f: TimedFold): number | undefined =>
  Array.isArray(f.modelInfo?.sigmaTrials) && f.modelInfo.sigmaTrials.length
    ? f.modelInfo.sigmaTrials.length
    : undefined;

/** Whether a finished fold ran on the linear algebra before the 17th (sGDML) or 21st (GAP) session (no record). */
const slowLinalgOf = (f: TimedFold): boolean => f.modelInfo?.linalg === undefined;

/** Whether a finished (sGDML) fold's CG preconditioner ran before the 18th session's SIMD products. */
const slowPrecondOf = (f: TimedFold): boolean => f.modelInfo?.precondLinalg !== 'wasm-simd';

/**
 * The networks calibrate by their latest finished folds only (the results keep folds in the order they
 * ran): their code got 1.5–3× faster over the sessions without a record in the folds, and the epochs
 * early stopping runs change with n, so the newest, largest folds are the best guide.
 */
export const NETWORK_CALIBRATION_FOLDS = 5;

/**
 * Estimated seconds left of a run, calibrated by its own finished folds: the plan's estimate of the
 * missing folds times the median of measured / estimated over the finished ones (networks: the last
 * {@link NETWORK_CALIBRATION_FOLDS}), clamped to 1/20…20. This corrects the machine's speed and, for
 * the networks, the epochs early stopping really ran.
 */
export function runSecondsLeft(r: StudyRun, done: TimedFold[]): { seconds: number; calibrated: boolean } {
  const timed = done.filter((f) => r.sizes.includes(f.size) && (f.trainSeconds ?? 0) > 0);
  const recent = isUpperBound(r.model) ? timed.slice(-NETWORK_CALIBRATION_FOLDS) : timed;
  const ratios = recent
    .map(
      (f) =>
        (f.trainSeconds! + (f.testSeconds ?? 0)) /
        runFoldSeconds(r, f.size, trialsOf(f), slowLinalgOf(f), slowPrecondOf(f)),
    )
    .sort((a, b) => a - b);
  const left = runCost(r, done);
  if (!ratios.length) return { seconds: left, calibrated: false };
  const median = ratios[Math.floor(ratios.length / 2)];
  return { seconds: left * Math.min(20, Math.max(1 / 20, median)), calibrated: true };
}

/** `pes experiment` arguments that reproduce a run by hand. */
export function experimentCommand(r: StudyRun, out: string): string {
  const opts = Object.entries(r.options).map(([k, v]) => `--${k} ${v}`);
  return [
    'pes experiment',
    r.dataset,
    `--model ${r.model}`,
    ...opts,
    `--sizes ${r.sizes.join(',')}`,
    `--folds ${r.folds}`,
    `--seed ${r.seed}`,
    r.phi ? '' : '--no-phi',
    r.geometryClusters ? '--geometry-clusters' : '',
    r.paths.length ? `--paths ${r.paths.join(',')}` : '',
    `--out ${out}`,
  ]
    .filter(Boolean)
    .join(' ');
}

// ---------------------------------------------------------------------------------------------------
// index.json

export interface StudyIndexEntry {
  id: string;
  dataset: string;
  model: string;
  label: string;
  /** Model options (the results' spec.params, JSON-safe). */
  options: Record<string, unknown>;
  /** Planned sizes, and the sizes with at least one finished fold. */
  sizes: number[];
  finishedSizes: number[];
  folds: number;
  /** Finished folds / planned folds. */
  foldsDone: number;
  foldsPlanned: number;
  status: 'complete' | 'partial' | 'failed' | 'skipped';
  /** Results JSON / CSV, relative to the index file's folder (posix separators). */
  file?: string;
  csv?: string;
  /** Serialized best model of the largest size (relative path), when saved. */
  model_file?: string;
  figures: string[];
  /** 'study' (run by pes study) or 'collected' (an existing results file found by --collect). */
  source: 'study' | 'collected';
  /** Why a run was skipped or failed. */
  note?: string;
  /** Best test errors of the largest finished size (kcal/mol, kcal/mol/Å). */
  best?: { size: number; eRmse: number; fRmse: number };
  /**
   * A partial run of the plan: estimated hours of compute left to finish it, on the machine its
   * folds ran on (runSecondsLeft, as `pes study --list` shows it).
   */
  hoursLeft?: number;
}

export interface StudyIndex {
  format: 'pes-study-index';
  version: 1;
  mode: StudyMode | 'collect';
  updatedAt: string;
  runs: StudyIndexEntry[];
}

/** Model variant key of a results file: sgdml-inv / sgdml-inv-ang / gap / schnet / bpnn. */
export function variantOf(res: ExperimentResults): { key: string; label: string } {
  if (res.spec.model === 'sgdml') {
    const ang = res.spec.params.descriptor === 'inv+ang';
    return ang
      ? { key: 'sgdml-inv-ang', label: 'sGDML [1/r + ang]' }
      : { key: 'sgdml-inv', label: 'sGDML [1/r]' };
  }
  const v = STUDY_MODELS.find((m) => m.key === res.spec.model);
  return { key: res.spec.model, label: v?.label ?? res.spec.model };
}

/** Dataset key of a results file: the bundled stem when recognisable, else the dataset's own name. */
export function datasetKey(res: ExperimentResults): string {
  const src = `${res.environment?.dataset ?? ''} ${res.spec.dataset.name}`.toLowerCase();
  if (/glycine/.test(src)) return 'glycine';
  if (/rotation/.test(src)) return 'azobenzene-rotation';
  if (/inversion/.test(src)) return 'azobenzene-inversion';
  return res.spec.dataset.name.replace(/\.[a-z]+$/i, '');
}

/** An index entry describing a results file (planned sizes/folds from `planned` when known). */
export function indexEntry(
  res: ExperimentResults,
  file: string,
  extra: Partial<StudyIndexEntry> & { source: StudyIndexEntry['source'] },
): StudyIndexEntry {
  const v = variantOf(res);
  const ds = datasetKey(res);
  const finished = res.summary.map((q) => q.size);
  const planned = extra.sizes ?? res.spec.sizes;
  const foldsPlanned = planned.length * res.spec.folds;
  const last = res.summary[res.summary.length - 1];
  return {
    id: extra.id ?? `${ds}-${v.key}`,
    dataset: ds,
    model: res.spec.model,
    label: extra.label ?? v.label,
    options: res.spec.params,
    sizes: planned,
    finishedSizes: finished,
    folds: res.spec.folds,
    foldsDone: res.folds.length,
    foldsPlanned,
    status: res.folds.length >= foldsPlanned ? 'complete' : 'partial',
    file,
    figures: [],
    ...extra,
    ...(last ? { best: { size: last.size, eRmse: last.best.eRmse, fRmse: last.best.fRmse } } : {}),
  };
}

/** Parse and check an index.json (throws a readable message). */
export function parseStudyIndex(text: string, source = 'index.json'): StudyIndex {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message})`, { cause: e });
  }
  const x = o as StudyIndex;
  if (!x || x.format !== 'pes-study-index' || x.version !== 1 || !Array.isArray(x.runs))
    throw new Error(`${source}: not a pes study index (format "pes-study-index", version 1)`);
  for (const [i, r] of x.runs.entries())
    if (typeof r.id !== 'string' || typeof r.dataset !== 'string' || typeof r.model !== 'string')
      throw new Error(`${source}: run ${i} lacks id, dataset or model`);
  return x;
}

/**
 * Seconds left for a study in progress, counted in the plan's estimated seconds. `left`: estimated
 * seconds still to do; `gained`: estimated seconds finished by this invocation, `elapsedAtGain` wall
 * seconds it took to finish them; `sinceGain`: wall seconds since the last fold finished. The measured
 * pace (wall per estimated second) scales what is left once it rests on half a minute or more, and
 * the time since the last finished fold counts down, so the figure moves while a long fold trains.
 * Until then `startPace` (wall per estimated second known before this invocation, e.g. from a resumed
 * run's finished folds: `runSecondsLeft`) scales it. Never below 0 (a fold running over its estimate).
 */
export function studySecondsLeft(
  left: number,
  gained: number,
  elapsedAtGain: number,
  sinceGain: number,
  startPace = 1,
): number {
  const pace = gained > 1e-9 && elapsedAtGain > 30 ? elapsedAtGain / gained : startPace;
  return Math.max(0, left * pace - sinceGain);
}

/** Seconds as "42 s", "3.5 min", "2.1 h". */
export function fmtDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 90) return `${s.toFixed(0)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}
