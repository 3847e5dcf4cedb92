/**
 * `pes study [--quick] [--out DIR] [--only a,b] [--sizes …] [--folds k] [--epochs e]`
 * `pes study --collect [--from docs/results] [--out docs/results]`
 *
 * Runs the study plan (src/eval/study.ts: datasets × models × sizes) through the same cross-validation
 * engine as `pes experiment` (src/eval/cv.ts), resumably: each run's results JSON/CSV is rewritten after
 * every fold, and rerunning the same command continues where it stopped. One progress bar over the whole
 * plan with a time estimate. Writes per-run figures (src/eval/report-svg.ts), per-dataset comparison
 * figures, the best model of each run's largest size, and index.json listing every run.
 * `--collect` indexes existing results files (e.g. long runs made with `pes experiment`) instead.
 */
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import os from 'node:os';
import { parseArgs } from '../args.ts';
import { CliError } from '../main.ts';
import type { Dataset } from '../../../src/data/dataset.ts';
import { specDataset } from '../../../src/eval/experiment-spec.ts';
import { findAzoDihedral, isAzobenzeneLike } from '../../../src/data/cluster.ts';
import {
  getModelEntry,
  parseDeclaredOptions,
  registerModel,
  type ModelEntry,
  type ModelOption,
} from '../../../src/models/registry.ts';
import type { ForceField, SerializedModel, Trainer } from '../../../src/models/types.ts';
import {
  pathFromJson,
  retrainFold,
  runCrossValidation,
  trainingErrors,
  type PathRef,
} from '../../../src/eval/cv.ts';
import { GapModel } from '../../../src/models/gap/gap.ts';
import {
  bestFold,
  parseResults,
  resultsToCsv,
  resultsToJson,
  type ExperimentResults,
  type ExperimentSpec,
} from '../../../src/eval/results.ts';
import {
  bestFoldText,
  clusterBarsSvg,
  experimentClusterBars,
  learningCurvesSvg,
  pathProfilesSvg,
  PALETTE,
} from '../../../src/eval/report-svg.ts';
import {
  cutoffScanPoints,
  experimentCommand,
  filterPlan,
  fmtDuration,
  indexEntry,
  narrowRun,
  parseStudyIndex,
  plannedSizes,
  nextFoldsCost,
  runCost,
  runFoldSeconds,
  runSecondsLeft,
  type TimedFold,
  shrinkPlan,
  studyPlan,
  studySecondsLeft,
  type StudyIndex,
  type StudyIndexEntry,
  type StudyRun,
} from '../../../src/eval/study.ts';
import {
  descriptorComparisonSvg,
  distanceHistogramSvg,
  energyHistogramSvg,
} from '../../../src/eval/study-figures.ts';
import { isUpperBound } from '../../../src/eval/study-cost.ts';
import { cutoffScanSvg, scanFoldsText } from '../../../src/eval/cutoff-scan.ts';
import { loadDataset, resolveDatasetPath } from './experiment.ts';

export const summary =
  'run the whole study (datasets × models × sizes, resumable) or index existing results (--collect)';

const HELP = `usage: pes study [--quick] [options]
       pes study --collect [--from DIR] [--out DIR]

${summary}

The plan (src/eval/study.ts): glycine, azobenzene rotation, azobenzene inversion × sGDML [1/r],
sGDML [1/r + ang], GAP/SOAP, SchNet, BPNN; sizes 100…1000 (glycine also 50), 5-fold CV, azobenzene φ
clusters, geometry clusters and the four reference paths. --quick: sizes 20, 40, 3 folds, σ fixed at 20,
the fast SOAP preset with 30 sparse points, 3 NN epochs, no geometry clusters (minutes, not days).

Writes into DIR (default docs/results/study, with --quick docs/results/study-quick):
  <run>.json, <run>.csv          results of each run (as pes experiment); rerun to resume
  <run>-learning-curves.svg      its learning curve; <run>-phi-n<size>.svg, <run>-paths-n<size>.svg
  <run>.model.json               the best fold's model at the largest size (loadable in the app)
  <dataset>-learning-curves.svg  all models on one dataset (best fold and mean ± sd)
  <dataset>-energy-histogram.svg, <dataset>-distance-histogram.svg   the data (paper Figs. 2–3)
  azobenzene-rotation-gap-cutoff-scan.svg   GAP error vs SOAP cutoff (Fig. 6a; full plan)
  azobenzene-sgdml-descriptors.svg          sGDML [1/r] vs [1/r + ang] on both mechanisms (Fig. 6b)
  index.json                     every run: dataset, model, options, sizes, status, files
  summary.md                     the numbers and the pes experiment command of each run

options:
  --quick              the quick plan
  --out DIR            output folder
  --only a,b           only the runs whose id contains one of these (ids: pes study --list)
  --list               print the plan: ids, sizes, folds done in DIR, estimated time (all, left)
  --sizes a,b,…        override the training sizes of every run
  --folds k            override the number of folds
  --epochs e           override the SchNet/BPNN epochs
  --new-folds k        train at most k new folds of each run, then go on to the next run (a long plan
                       advanced breadth-first, e.g. --new-folds 1: one more fold of every run)
  --fresh              start every run over
  --no-models          do not write <run>.model.json
  --max-model-mb M     skip saving models larger than M MB (default 2; GAP keeps its sparse matrices)
  --no-dataset-figures skip the energy / distance histograms (<dataset>-energy-histogram.svg, …)
  --figure-sizes a,b   also write each run's φ-cluster, geometry and path figures at these finished
                       sizes (default: the largest size only)
  --redraw             train nothing: redraw every figure, the index and summary.md from the results
                       files in DIR (each run at the sizes it has, partial ones included; φ-cluster,
                       geometry and path figures at the sizes that already have them, and the largest)
  --save-best          train nothing new, but train the best fold of each run's largest size again when
                       its model is not saved (a fold from an earlier session), check that it reproduces
                       the recorded training errors, save it as <run>.model.json, then redraw as --redraw
  --quiet              no progress bar
  --collect            index existing results JSON files under --from (default docs/results) into
                       --out/index.json (default: the --from folder); nothing is trained`;

const BOOLEANS = [
  'quick',
  'fresh',
  'quiet',
  'help',
  'collect',
  'list',
  'redraw',
  'save-best',
  'no-models',
  'no-dataset-figures',
];

function writeAtomic(path: string, text: string) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function ints(s: string, what: string): number[] {
  const v = s.split(',').map((x) => Number(x.trim()));
  if (!v.length || v.some((x) => !Number.isInteger(x) || x <= 0))
    throw new CliError(`${what}: expected comma-separated positive integers, got "${s}"`);
  return v;
}

const posix = (p: string) => p.split(sep).join('/');

// ---------------------------------------------------------------------------------------------------
// SchNet / BPNN entries for the CLI when the shared registry has none yet (the same trainers as
// `pes train --model schnet|bpnn`).

const nnOptions: ModelOption[] = [
  { name: 'epochs', type: 'number', help: 'maximum epochs' },
  { name: 'max-seconds', type: 'number', help: 'wall-clock budget per fold' },
  { name: 'batch', type: 'number', help: 'mini-batch size' },
  { name: 'lr', type: 'number', help: 'Adam learning rate' },
  { name: 'rho', type: 'number', help: 'energy weight in the loss' },
  { name: 'patience', type: 'number', help: 'early-stopping patience (epochs)' },
  { name: 'cutoff', type: 'number', help: 'cutoff radius, Å' },
  { name: 'features', type: 'number', help: 'SchNet feature size' },
  { name: 'interactions', type: 'number', help: 'SchNet interaction blocks' },
  { name: 'gaussians', type: 'number', help: 'SchNet radial Gaussians' },
  { name: 'hidden', type: 'numbers', help: 'BPNN hidden layer sizes' },
];

function nnEntry(kind: 'schnet' | 'bpnn'): ModelEntry {
  const rename: Record<string, string> = {
    epochs: 'maxEpochs',
    'max-seconds': 'maxSeconds',
    batch: 'batchSize',
    patience: 'earlyStopPatience',
    gaussians: 'nGaussians',
  };
  return {
    kind,
    label: kind === 'schnet' ? 'SchNet' : 'BPNN',
    options: nnOptions,
    bestRule: 'energy',
    async create() {
      await import('../../../src/models/nn-common/cli.ts'); // initialises the tfjs wasm backend
      const m =
        kind === 'schnet'
          ? (await import('../../../src/models/schnet/index.ts')).schnetTrainer
          : (await import('../../../src/models/bpnn/index.ts')).bpnnTrainer;
      return m as unknown as Trainer;
    },
    parseOptions(raw) {
      const o = parseDeclaredOptions(nnOptions, raw, kind);
      const allowed =
        kind === 'schnet'
          ? (k: string) => k !== 'hidden'
          : (k: string) => !['features', 'interactions', 'gaussians'].includes(k);
      const p: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(o)) {
        if (!allowed(k)) throw new Error(`model ${kind} has no option --${k}`);
        p[rename[k] ?? k] = v;
      }
      return p;
    },
    validSize: () => 0,
    modelInfo(m: ForceField) {
      const t = (m as unknown as { training?: Record<string, unknown> }).training;
      return t && typeof t === 'object' ? { ...t } : undefined;
    },
  };
}

function ensureModel(kind: string): ModelEntry {
  try {
    return getModelEntry(kind);
  } catch (e) {
    if (kind === 'schnet' || kind === 'bpnn') {
      registerModel(nnEntry(kind));
      return getModelEntry(kind);
    }
    throw e;
  }
}

/** The results file of a run in `outDir`, parsed (undefined when missing or unreadable). */
function readRunResults(outDir: string, id: string): ExperimentResults | undefined {
  const path = join(outDir, `${id}.json`);
  if (!existsSync(path)) return undefined;
  try {
    return parseResults(readFileSync(path, 'utf8'), path);
  } catch {
    return undefined;
  }
}

/** The index entry of a plan run from its results file in `outDir` (undefined without finished folds). */
function entryFromFile(run: StudyRun, outDir: string): StudyIndexEntry | undefined {
  const file = `${run.id}.json`;
  const path = join(outDir, file);
  const res = readRunResults(outDir, run.id);
  if (!res?.folds.length) return undefined;
  const base = { id: run.id, label: run.label, sizes: plannedSizes(run), source: 'study' as const };
  const figures = [`${run.id}-learning-curves.svg`].filter((f) => existsSync(join(outDir, f)));
  return {
    ...indexEntry(res, file, { ...base, csv: `${run.id}.csv`, figures }),
    // a model saved by an earlier invocation (its own `study.size` says which size it is from)
    ...(existsSync(join(outDir, `${run.id}.model.json`)) ? { model_file: `${run.id}.model.json` } : {}),
    dataset: run.dataset,
    command: experimentCommand(run, path),
  } as StudyIndexEntry;
}

/**
 * An index entry with the compute its run still needs (`hoursLeft`, as `--list` estimates it from the
 * finished folds' timings), when it is a partial run of the study's plan; without it otherwise.
 */
function withHoursLeft(e: StudyIndexEntry, fullPlan: StudyRun[], outDir: string): StudyIndexEntry {
  const { hoursLeft: _old, ...rest } = e;
  const run = fullPlan.find((r) => r.id === e.id);
  if (!run || e.status !== 'partial') return rest;
  const { seconds } = runSecondsLeft(run, doneFolds(outDir, run.id));
  return seconds > 0 ? { ...rest, hoursLeft: Number((seconds / 3600).toPrecision(3)) } : rest;
}

/** The index entry of a run that did not train: its model could not load (skipped) or it threw (failed). */
function unfinishedEntry(
  run: StudyRun,
  status: 'skipped' | 'failed',
  note: string,
  file?: string,
): StudyIndexEntry {
  return {
    id: run.id,
    dataset: run.dataset,
    model: run.model,
    label: run.label,
    options: run.options,
    sizes: plannedSizes(run),
    finishedSizes: [],
    folds: run.folds,
    foldsDone: 0,
    foldsPlanned: plannedSizes(run).length * run.folds,
    status,
    figures: [],
    source: 'study',
    note,
    ...(file ? { file } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------
// --list: the plan, what is done in DIR, and the estimated time left

/** Finished folds of a run in `outDir` (none when its results file is missing or unreadable). */
function doneFolds(outDir: string, id: string): TimedFold[] {
  return readRunResults(outDir, id)?.folds ?? [];
}

/**
 * --save-best's work for a run: the longest recorded training of a fold at its largest size (training it
 * again takes about as long; networks stop early, far below the plan's bound of their maximum epochs),
 * or the plan's estimate when no time is recorded.
 */
function retrainSeconds(outDir: string, r: StudyRun): number {
  const n = Math.max(...r.sizes);
  const recorded = doneFolds(outDir, r.id)
    .filter((f) => f.size === n && Number.isFinite(f.trainSeconds))
    .map((f) => f.trainSeconds!);
  return recorded.length ? Math.max(...recorded) : runFoldSeconds(r, n);
}

/** For --redraw: the runs with results in `outDir`, each at the sizes and folds its file has. */
function redrawPlan(plan: StudyRun[], outDir: string): StudyRun[] {
  return plan.flatMap((r) => {
    const res = readRunResults(outDir, r.id);
    const sizes = [...new Set(res?.folds.map((f) => f.size) ?? [])].sort((a, b) => a - b);
    return res && sizes.length ? [narrowRun(r, sizes, res.spec.folds)] : [];
  });
}

/** Sizes of a run that already have a φ-cluster, geometry or path figure in `outDir`. */
function sizesWithFigures(outDir: string, r: StudyRun): number[] {
  return r.sizes.filter((n) =>
    ['phi', 'geometry', 'paths'].some((k) => existsSync(join(outDir, `${r.id}-${k}-n${n}.svg`))),
  );
}

function planTable(plan: StudyRun[], outDir: string): string {
  const rows = plan.map((r) => {
    const done = doneFolds(outDir, r.id).filter((f) => r.sizes.includes(f.size));
    const left = runSecondsLeft(r, done);
    return { r, done: done.length, planned: r.sizes.length * r.folds, all: runCost(r), left };
  });
  const bound = (r: StudyRun) => (isUpperBound(r.model) ? ' ≤' : '  ');
  const lines = rows.map(
    ({ r, done, planned, all, left }) =>
      `${r.id.padEnd(36)} ${r.sizes.join(',').padEnd(44)} ${String(r.folds).padStart(5)} ${`${done}/${planned}`.padStart(7)}${bound(r)}${fmtDuration(all).padStart(9)}${left.calibrated ? ' ~' : bound(r)}${fmtDuration(left.seconds).padStart(9)}`,
  );
  const sumDone = rows.reduce((a, x) => a + x.done, 0);
  const sumPlanned = rows.reduce((a, x) => a + x.planned, 0);
  const sumAll = rows.reduce((a, x) => a + x.all, 0);
  const sumLeft = rows.reduce((a, x) => a + x.left.seconds, 0);
  return [
    `${'run'.padEnd(36)} ${'sizes'.padEnd(44)} folds    done   estimated    left`,
    ...lines,
    `${'total'.padEnd(36)} ${''.padEnd(44)} ${''.padStart(5)} ${`${sumDone}/${sumPlanned}`.padStart(7)}  ${fmtDuration(sumAll).padStart(9)}  ${fmtDuration(sumLeft).padStart(9)}`,
    '',
    `done: folds finished in ${outDir}. Estimated: one process on the 2-core machine the committed results`,
    'ran on, from scaling laws fitted to their timings (src/eval/study-cost.ts); ≤: networks, counted at',
    "their maximum epochs (early stopping usually ends sooner); ~: left, scaled by how long this run's",
    'finished folds really took against the estimate (networks: its latest five, as their code got faster).',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------------
// progress over the whole plan

class StudyProgress {
  private t0 = Date.now();
  private last = 0;
  private startDone = -1;
  private lastDone = -1;
  private lastGainAt = this.t0;
  /** `startPace`: wall seconds per estimated second known before any fold of this invocation ends. */
  constructor(
    private total: number,
    private quiet: boolean,
    private startPace = 1,
  ) {}
  /** `done`: planned cost finished so far (finished runs + the running run's finished folds). */
  update(done: number, what: string, force = false) {
    const now = Date.now();
    if (this.startDone < 0) this.startDone = done;
    if (done > this.lastDone) {
      this.lastDone = done;
      this.lastGainAt = now;
    }
    if (this.quiet) return;
    const tty = process.stderr.isTTY;
    if (!force && now - this.last < (tty ? 250 : 15000)) return;
    this.last = now;
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 1;
    const el = (now - this.t0) / 1000;
    const eta = studySecondsLeft(
      this.total - done,
      done - this.startDone,
      (this.lastGainAt - this.t0) / 1000,
      (now - this.lastGainAt) / 1000,
      this.startPace,
    );
    const etaText = eta > 0 || done >= this.total ? fmtDuration(eta) : 'over the estimate';
    const w = 24;
    const line = `[${'#'.repeat(Math.round(frac * w))}${'.'.repeat(w - Math.round(frac * w))}] ${(100 * frac).toFixed(0).padStart(3)}%  ${what}  elapsed ${fmtDuration(el)}  eta ${etaText}`;
    if (tty) process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
    else process.stderr.write(line + '\n');
  }
  line(msg: string) {
    if (this.quiet) return;
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    process.stderr.write(msg + '\n');
  }
}

// ---------------------------------------------------------------------------------------------------

function specFor(run: StudyRun, entry: ModelEntry, ds: Dataset): ExperimentSpec {
  const params = entry.parseOptions({ ...run.options });
  let phiAtoms: number[] | null = null;
  if (run.phi && isAzobenzeneLike(ds.z)) phiAtoms = findAzoDihedral(ds.z, ds.R);
  return {
    dataset: specDataset(ds),
    model: entry.kind,
    params,
    sizes: [...new Set(run.sizes)].sort((a, b) => a - b),
    folds: run.folds,
    seed: run.seed,
    validSize: entry.validSize(params),
    phiAtoms,
    geometryClusters: run.geometryClusters,
    bestRule: entry.bestRule,
  };
}

function loadPaths(ids: string[], z: Int32Array): PathRef[] {
  const root = resolve(import.meta.dirname, '..', '..', '..');
  return ids.map((id) => {
    const file = join(root, 'public', 'data', 'paths', `${id}.json`);
    if (!existsSync(file)) throw new CliError(`no such bundled path: ${id}`);
    return pathFromJson(JSON.parse(readFileSync(file, 'utf8')), z, basename(file));
  });
}

/**
 * Per-run figures: the learning curves, and the cluster and path figures of the largest finished size
 * and of `extraSizes` (those finished); returns their file names (relative to outDir).
 */
function runFigures(
  outDir: string,
  id: string,
  label: string,
  r: ExperimentResults,
  i: number,
  extraSizes: number[] = [],
): string[] {
  if (!r.summary.length) return [];
  const out = [`${id}-learning-curves.svg`];
  writeFileSync(join(outDir, out[0]), learningCurvesSvg([{ results: r, label }]));
  const largest = r.summary[r.summary.length - 1].size;
  for (const s of r.summary)
    if (s.size === largest || extraSizes.includes(s.size))
      out.push(...sizeFigures(outDir, id, label, r, i, s));
  return out;
}

/** The φ-cluster, geometry-cluster and path figures of one finished size; returns their file names. */
function sizeFigures(
  outDir: string,
  id: string,
  label: string,
  r: ExperimentResults,
  i: number,
  s: ExperimentResults['summary'][number],
): string[] {
  const out: string[] = [];
  const w = (name: string, svg: string) => {
    writeFileSync(join(outDir, name), svg);
    out.push(name);
  };
  const size = s.size;
  for (const which of ['phi', 'geometry'] as const) {
    const bars = experimentClusterBars(r, which, size, 'best');
    if (!bars.length) continue;
    w(
      `${id}-${which}-n${size}.svg`,
      clusterBarsSvg(bars, {
        title: `${label} · ${r.spec.dataset.name}, n = ${size}`,
        color: PALETTE[i % PALETTE.length],
        xLabel: which === 'phi' ? 'CNNC dihedral φ cluster' : 'geometry cluster (Ward g, energy level e)',
        caption: `${bestFoldText(r, s)}; population = share of its test frames per cluster`,
      }),
    );
  }
  const prof = pathProfilesSvg(r, size, label);
  if (prof) w(`${id}-paths-n${size}.svg`, prof);
  return out;
}

function summaryMd(index: StudyIndex, outDir: string): string {
  const lines = [
    `# Study results (${index.mode})`,
    '',
    `Written by \`pes study${index.mode === 'quick' ? ' --quick' : ''}\` on ${index.updatedAt}. Test errors of the best fold`,
    'at the largest finished size: energies kcal/mol, forces kcal/mol/Å.',
    '',
    '| run | dataset | model | status | sizes done | folds | best n | E RMSE | F RMSE |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of index.runs)
    lines.push(
      `| ${r.id} | ${r.dataset} | ${r.label} | ${r.status}${r.note ? ` (${r.note})` : ''} | ${r.finishedSizes.join(', ')} | ${r.foldsDone}/${r.foldsPlanned} | ${r.best?.size ?? '–'} | ${r.best ? r.best.eRmse.toFixed(3) : '–'} | ${r.best ? r.best.fRmse.toFixed(3) : '–'} |`,
    );
  lines.push('', '## Commands', '', 'Each run is the same as this `pes experiment` command:', '', '```sh');
  for (const r of index.runs)
    if (r.file)
      lines.push(
        (r as StudyIndexEntry & { command?: string }).command ?? `# ${r.id}: ${join(outDir, r.file)}`,
      );
  lines.push('```', '');
  return lines.join('\n');
}

async function runStudy(args: ReturnType<typeof parseArgs>): Promise<number> {
  const s = (k: string) => (typeof args[k] === 'string' ? (args[k] as string) : undefined);
  const quick = Boolean(args.quick);
  let plan = studyPlan(quick ? 'quick' : 'full');
  try {
    plan = filterPlan(plan, s('only'));
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  plan = shrinkPlan(plan, {
    sizes: s('sizes') ? ints(s('sizes')!, '--sizes') : undefined,
    folds: s('folds') ? ints(s('folds')!, '--folds')[0] : undefined,
    epochs: s('epochs') ? ints(s('epochs')!, '--epochs')[0] : undefined,
  });
  const figureSizes = s('figure-sizes') ? ints(s('figure-sizes')!, '--figure-sizes') : [];
  if (plan.some((r) => r.folds < 2)) throw new CliError('--folds must be at least 2');
  const outDir = s('out') ?? (quick ? 'docs/results/study-quick' : 'docs/results/study');
  const saveBest = Boolean(args['save-best']);
  const redraw = Boolean(args.redraw) || saveBest;
  if (redraw && (args.fresh || s('sizes')))
    throw new CliError(
      `${saveBest ? '--save-best' : '--redraw'} trains no new folds: it cannot go with --fresh or --sizes`,
    );
  if (saveBest && args['no-models'])
    throw new CliError('--save-best saves models: it cannot go with --no-models');
  const newFolds = s('new-folds') ? ints(s('new-folds')!, '--new-folds')[0] : undefined;
  if (newFolds !== undefined && (newFolds < 1 || redraw))
    throw new CliError('--new-folds takes a count ≥ 1 and trains folds: not with --redraw or --save-best');
  if (redraw) plan = redrawPlan(plan, outDir);
  // φ-cluster, geometry and path figures: at the largest size, and these
  const figureSizesOf = (r: StudyRun) => (redraw ? sizesWithFigures(outDir, r) : figureSizes);
  // the progress bar's work per run: its folds; with --redraw nothing (a token), with --save-best at
  // most one fold of its largest size
  const workOf = (r: StudyRun) =>
    redraw
      ? saveBest
        ? retrainSeconds(outDir, r)
        : 1
      : newFolds !== undefined
        ? nextFoldsCost(r, args.fresh ? [] : doneFolds(outDir, r.id), newFolds)
        : runCost(r);
  const total = plan.reduce((a, r) => a + workOf(r), 0);
  if (args.list) {
    console.log(planTable(plan, outDir));
    return 0;
  }
  mkdirSync(outDir, { recursive: true });
  const indexPath = join(outDir, 'index.json');
  const index: StudyIndex = {
    format: 'pes-study-index',
    version: 1,
    mode: quick ? 'quick' : 'full',
    updatedAt: new Date().toISOString(),
    runs: [],
  };
  // A study is often run in pieces (`--only`), sometimes several at once: the entries of the other runs
  // in this folder stay in its index as they are on disk at each save, and their results join the
  // per-dataset figures.
  const mine = new Set(plan.map((r) => r.id));
  const others = () => index.runs.filter((r) => !mine.has(r.id));
  index.runs.push(...keptEntries(indexPath, outDir, index.mode, plan));
  // figures an earlier invocation listed for this plan's runs (e.g. an older size's φ-cluster bars)
  // stay listed while their files exist, and a model-size note stays, unless this run starts afresh
  const earlier = args.fresh
    ? new Map<string, EarlierEntry>()
    : earlierEntries(indexPath, outDir, index.mode);
  const fullPlan = studyPlan(quick ? 'quick' : 'full');
  const planOrder = fullPlan.map((r) => r.id);
  const rank = (id: string) => (planOrder.includes(id) ? planOrder.indexOf(id) : planOrder.length);
  const setEntry = (e: StudyIndexEntry) => {
    index.runs = [...index.runs.filter((r) => r.id !== e.id), e];
  };
  const saveIndex = () => {
    const figuresOf = new Map(others().map((r) => [r.id, r.figures]));
    const fresh = keptEntries(indexPath, outDir, index.mode, plan).map((r) => ({
      ...r,
      figures: [...new Set([...r.figures, ...(figuresOf.get(r.id) ?? [])])],
    }));
    index.runs = [...fresh, ...index.runs.filter((r) => mine.has(r.id))];
    // runs of this invocation not (yet) trained here, or interrupted: listed from their results file
    for (const r of plan)
      if (!index.runs.some((e) => e.id === r.id)) {
        const e = entryFromFile(r, outDir);
        if (e) index.runs.push(e);
      }
    index.runs = index.runs.map((e) => withHoursLeft(e, fullPlan, outDir));
    index.updatedAt = new Date().toISOString();
    index.runs.sort((a, b) => rank(a.id) - rank(b.id));
    writeAtomic(indexPath, JSON.stringify(index, null, 1) + '\n');
    writeFileSync(join(outDir, 'summary.md'), summaryMd(index, outDir));
  };

  // what is left, as the plan estimates it and as the runs' finished folds calibrate it
  let left = 0;
  let leftUncalibrated = 0;
  for (const r of plan) {
    const done = args.fresh ? [] : doneFolds(outDir, r.id);
    left += runSecondsLeft(r, done).seconds;
    leftUncalibrated += runCost(r, done);
  }
  const bar = new StudyProgress(
    total,
    Boolean(args.quiet),
    !redraw && leftUncalibrated > 0 ? left / leftUncalibrated : 1,
  );
  const runs = `${plan.length} run${plan.length === 1 ? '' : 's'}`;
  bar.line(
    saveBest
      ? `${runs}: training the best fold of the largest size again where its model is not saved (at most ${fmtDuration(total)}: the longest recorded training of those folds), then redrawing`
      : redraw
        ? `${runs}: redrawing figures from their results files (no training)`
        : newFolds !== undefined
          ? `${runs}: at most ${newFolds} new fold${newFolds === 1 ? '' : 's'} of each, estimated ${fmtDuration((total * left) / Math.max(leftUncalibrated, 1e-9))} on the reference machine (all that is left of them: ${fmtDuration(left)})`
          : `${runs}: estimated ${fmtDuration(left)} left on the reference machine (pes study --list)`,
  );
  const ac = new AbortController();
  const onSig = () => {
    if (ac.signal.aborted) process.exit(130);
    bar.line('\ninterrupted: saving finished folds (Ctrl-C again quits at once)');
    ac.abort();
  };
  process.on('SIGINT', onSig);
  const datasets = new Map<string, Dataset>();
  const finished: { dataset: string; results: ExperimentResults; label: string }[] = [];
  let doneCost = 0;
  let failed = 0;
  const t0 = Date.now();
  try {
    for (const [ri, run] of plan.entries()) {
      if (ac.signal.aborted) break;
      const cost = workOf(run);
      const file = `${run.id}.json`;
      const out = join(outDir, file);
      const entryBase = {
        id: run.id,
        label: run.label,
        sizes: plannedSizes(run),
        source: 'study' as const,
      };
      let entry: ModelEntry;
      try {
        entry = ensureModel(run.model);
      } catch (e) {
        setEntry(unfinishedEntry(run, 'skipped', (e as Error).message));
        bar.line(`${run.id}: skipped (${(e as Error).message})`);
        doneCost += cost;
        saveIndex();
        continue;
      }
      try {
        let ds = datasets.get(run.dataset);
        if (!ds) {
          bar.line(`loading ${run.dataset}…`);
          ds = loadDataset(resolveDatasetPath(run.dataset), parseArgs([]));
          datasets.set(run.dataset, ds);
        }
        const spec = specFor(run, entry, ds);
        let previous: ExperimentResults | undefined;
        if (existsSync(out) && !args.fresh) {
          previous = parseResults(readFileSync(out, 'utf8'), out);
          if (previous.folds.length) bar.line(`${run.id}: resuming, ${previous.folds.length} folds kept`);
        }
        const paths = loadPaths(run.paths, ds.z);
        const foldsDone: { size: number }[] = [...(previous?.folds ?? [])];
        // what this invocation has trained of the run, in estimated seconds (the bar's progress in it)
        const leftAtStart = runCost(run, foldsDone);
        const trainedCost = () =>
          newFolds !== undefined
            ? Math.min(cost, leftAtStart - runCost(run, foldsDone))
            : cost - runCost(run, foldsDone);
        const trainer = await entry.create();
        const maxSize = Math.max(...spec.sizes);
        const models = new Map<number, SerializedModel>();
        const command = experimentCommand(run, out);
        const save = (r: ExperimentResults) => {
          writeAtomic(out, resultsToJson(r));
          writeAtomic(out.replace(/\.json$/, '.csv'), resultsToCsv(r));
        };
        const res = await runCrossValidation({
          ds,
          trainer,
          spec,
          previous,
          signal: ac.signal,
          paths,
          ...(redraw ? { onlyFolds: [] } : {}),
          ...(newFolds !== undefined ? { maxNewFolds: newFolds } : {}),
          modelInfo: entry.modelInfo?.bind(entry),
          warmStart: entry.warmStart?.bind(entry),
          environment: {
            host: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB`,
            node: process.version,
            dataset: `${run.dataset}.npz`,
            command: `pes study ${process.argv.slice(3).join(' ')} (run ${run.id}; same as: ${command})`,
          },
          // the bar advances by each finished fold's estimated seconds (large sizes weigh more)
          onProgress: (p) =>
            bar.update(
              redraw ? doneCost : doneCost + trainedCost(),
              `run ${ri + 1}/${plan.length} ${run.id} ${p.fold < 0 ? '' : `n=${p.size} fold ${p.fold + 1} `}${p.stage}${p.message && p.stage === 'train' ? ` (${p.message})` : ''}`,
            ),
          onFoldDone: (r, f, model) => {
            foldsDone.push(f);
            save(r);
            if (f.size === maxSize && !args['no-models']) models.set(f.fold, studyModel(model));
            bar.line(
              `${run.id} n=${f.size} fold ${f.fold + 1}: E RMSE ${f.test.eRmse.toFixed(3)} kcal/mol, F RMSE ${f.test.fRmse.toFixed(3)} kcal/mol/Å (train ${fmtDuration(f.trainSeconds)})`,
            );
          },
        });
        save(res);
        // colour by the run's place in the plan, so a run keeps its colour whatever --only picks
        const figures = runFigures(outDir, run.id, run.label, res, rank(run.id), figureSizesOf(run));
        let modelFile: string | undefined;
        let modelNote: string | undefined;
        const top = res.folds.filter((f) => f.size === maxSize);
        if (top.length) {
          const best = bestFold(top, spec.bestRule);
          const modelPath = join(outDir, `${run.id}.model.json`);
          const saved = savedModelAt(modelPath);
          if (saveBest && !models.has(best.fold) && !(saved?.size === maxSize && saved.fold === best.fold)) {
            bar.line(
              `${run.id}: training fold ${best.fold + 1} of n = ${maxSize} (the best) again to save it`,
            );
            const t0 = Date.now();
            const again = await retrainFold({
              ds,
              trainer,
              spec,
              size: maxSize,
              fold: best.fold,
              // e.g. sGDML: the σ search starts at the σ this fold chose, so it finds it in 2–3 trials,
              // with the fold's own preconditioner storage
              warm: { ...entry.warmStart?.(best), ...entry.retrainParams?.(best) },
              signal: ac.signal,
              onProgress: (p) =>
                bar.update(
                  doneCost + p.fraction * cost,
                  `run ${ri + 1}/${plan.length} ${run.id} n=${maxSize} best fold: ${p.message ?? p.stage}`,
                ),
            });
            const check = trainingErrors(again.model, ds, again.trainIdx);
            const same = (a: number, b: number | undefined) =>
              b !== undefined && Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
            if (same(check.eRmse, best.train?.eRmse) && same(check.fRmse, best.train?.fRmse)) {
              models.set(best.fold, studyModel(again.model));
              bar.line(
                `${run.id}: retrained in ${fmtDuration((Date.now() - t0) / 1000)}; it reproduces the fold's training errors`,
              );
            } else
              modelNote = `best model not saved: trained again, it did not reproduce the recorded fold (training RMSE E ${check.eRmse.toFixed(4)} vs ${best.train?.eRmse.toFixed(4) ?? '?'}, F ${check.fRmse.toFixed(4)} vs ${best.train?.fRmse.toFixed(4) ?? '?'})`;
          }
          const m = models.get(best.fold);
          const text = m && JSON.stringify({ ...m, study: { run: run.id, size: maxSize, fold: best.fold } });
          const maxMb = s('max-model-mb') ? Number(s('max-model-mb')) : 2;
          if (text && text.length > maxMb * 1e6) {
            modelNote = `best model not saved: ${(text.length / 1e6).toFixed(1)} MB > --max-model-mb ${maxMb}`;
            bar.line(`${run.id}: ${modelNote}`);
          } else if (text) {
            modelFile = `${run.id}.model.json`;
            writeAtomic(join(outDir, modelFile), text);
          } else if (modelNote) {
            // retrained but not reproduced (above)
          } else if (/ MB > /.test(earlier.get(run.id)?.note ?? '')) {
            modelNote = earlier.get(run.id)!.note; // too large when it was trained
          } else if (saved) {
            modelFile = `${run.id}.model.json`;
            if (saved.size !== maxSize || saved.fold !== best.fold)
              modelNote = `the saved model is the best fold of n = ${saved.size ?? '?'}: the best fold of n = ${maxSize} was trained in an earlier session (pes study --save-best saves it)`;
          } else if (!args['no-models'])
            modelNote =
              'best model not saved: its fold was trained in an earlier session (pes study --save-best saves it)';
        }
        const e = indexEntry(res, file, {
          ...entryBase,
          csv: `${run.id}.csv`,
          figures: [...new Set([...(earlier.get(run.id)?.figures ?? []), ...figures])],
          ...(modelFile ? { model_file: modelFile } : {}),
          ...(modelNote ? { note: modelNote } : {}),
        });
        setEntry({ ...e, dataset: run.dataset, command } as StudyIndexEntry);
        finished.push({ dataset: run.dataset, results: res, label: run.label });
      } catch (e) {
        if (ac.signal.aborted) break;
        failed++;
        const msg = (e as Error).message;
        bar.line(`${run.id}: failed: ${msg}`);
        if (process.env.PES_DEBUG) console.error((e as Error).stack);
        setEntry(unfinishedEntry(run, 'failed', msg, existsSync(out) ? file : undefined));
      }
      doneCost += cost;
      bar.update(doneCost, `run ${ri + 1}/${plan.length} ${run.id} done`, true);
      saveIndex();
    }
  } finally {
    process.off('SIGINT', onSig);
  }
  // the other runs' results files, each read once, when a comparison figure needs it
  const otherResults = new Map<string, ExperimentResults>();
  const resultsOf = (r: StudyIndexEntry): ExperimentResults => {
    let res = otherResults.get(r.id);
    if (!res) {
      res = parseResults(readFileSync(join(outDir, r.file!), 'utf8'), r.file);
      otherResults.set(r.id, res);
    }
    return res;
  };
  // per-dataset comparison figures (Fig. 5-style: all models on one dataset, kept runs included)
  const byDs = new Map<string, typeof finished>();
  for (const f of finished) byDs.set(f.dataset, [...(byDs.get(f.dataset) ?? []), f]);
  for (const r of others())
    if (r.file && byDs.has(r.dataset))
      byDs.get(r.dataset)!.push({ dataset: r.dataset, results: resultsOf(r), label: r.label });
  for (const [dsName, sets] of byDs) {
    const name = `${dsName}-learning-curves.svg`;
    sets.sort((a, b) => rank(runIdOf(a.results)) - rank(runIdOf(b.results)));
    writeFileSync(join(outDir, name), learningCurvesSvg(sets));
    for (const r of index.runs)
      if (r.dataset === dsName && !r.figures.includes(name)) r.figures = [name, ...r.figures];
  }
  // Fig. 6b: sGDML with each descriptor on each azobenzene mechanism, from every such run in the folder
  const sgdmlAzo = (r: { dataset: string; model?: string }) =>
    r.dataset.startsWith('azobenzene-') && r.model === 'sgdml';
  const descriptorCurves = [
    ...finished.map((f) => ({ ...f, model: f.results.spec.model })),
    ...others()
      .filter((r) => r.file && sgdmlAzo(r))
      .map((r) => ({ dataset: r.dataset, model: r.model, label: r.label, results: resultsOf(r) })),
  ]
    .filter(sgdmlAzo)
    .sort((a, b) => rank(runIdOf(a.results)) - rank(runIdOf(b.results)))
    .map((f) => ({
      mechanism: f.dataset.replace('azobenzene-', ''),
      descriptor: f.label.replace('sGDML ', ''),
      results: f.results,
    }));
  if (descriptorCurves.length) {
    const name = 'azobenzene-sgdml-descriptors.svg';
    writeFileSync(join(outDir, name), descriptorComparisonSvg(descriptorCurves));
    for (const r of index.runs) if (sgdmlAzo(r) && !r.figures.includes(name)) r.figures.push(name);
  }
  // Figs. 2–3: energy and interatomic-distance distributions of every dataset used
  if (!args['no-dataset-figures'])
    for (const [name, ds] of datasets) {
      const files = [`${name}-energy-histogram.svg`, `${name}-distance-histogram.svg`];
      writeFileSync(join(outDir, files[0]), energyHistogramSvg(ds, name));
      writeFileSync(join(outDir, files[1]), distanceHistogramSvg(ds, name));
      for (const r of index.runs)
        if (r.dataset === name) r.figures.push(...files.filter((f) => !r.figures.includes(f)));
    }
  // Fig. 6a: GAP cutoff scan on the rotation data, when those runs exist
  const rotation = finished.filter((f) => f.dataset === 'azobenzene-rotation').map((f) => f.results);
  const scan = cutoffScanPoints(rotation);
  if (scan.length) {
    const name = 'azobenzene-rotation-gap-cutoff-scan.svg';
    const folds = rotation.find((r) => r.spec.model === 'gap')?.spec.folds ?? 5;
    writeFileSync(
      join(outDir, name),
      cutoffScanSvg(
        scan,
        `GAP/SOAP on azobenzene rotation, n = ${scan[0].size}, ${scanFoldsText(scan, folds)}, against the SOAP cutoff (paper Fig. 6a: n = 600, 5 folds)`,
      ),
    );
    for (const r of index.runs)
      if (r.id.startsWith('azobenzene-rotation-gap') && !r.figures.includes(name)) r.figures.push(name);
  }
  saveIndex();
  bar.line(
    `study ${ac.signal.aborted ? 'interrupted' : 'finished'} in ${fmtDuration((Date.now() - t0) / 1000)}: ` +
      `${index.runs.filter((r) => r.status === 'complete').length} complete, ${index.runs.filter((r) => r.status === 'skipped').length} skipped, ${failed} failed; wrote ${indexPath}`,
  );
  console.log(`wrote ${indexPath}`);
  if (ac.signal.aborted) return 130;
  return failed ? 1 : 0;
}

/** The runs of the study index at `indexPath` when it is readable and of this mode; [] otherwise. */
function readOldIndex(indexPath: string, mode: StudyIndex['mode']): StudyIndexEntry[] {
  if (!existsSync(indexPath)) return [];
  try {
    const old = parseStudyIndex(readFileSync(indexPath, 'utf8'));
    return old.mode === mode ? old.runs : [];
  } catch {
    return []; // an unreadable index lists nothing; the study writes a new one
  }
}

/**
 * Entries of an existing study index in `outDir` (same mode) for runs outside `plan` whose results
 * file is still there.
 */
function keptEntries(
  indexPath: string,
  outDir: string,
  mode: StudyIndex['mode'],
  plan: StudyRun[],
): StudyIndexEntry[] {
  return readOldIndex(indexPath, mode)
    .filter((r) => !plan.some((p) => p.id === r.id) && !!r.file && existsSync(join(outDir, r.file)))
    .map((r) => ({ ...r, figures: [...new Set(r.figures)] }));
}

/** The training size a saved study model was written for (its `study.size`), or undefined. */
/** Size and fold a saved study model is from (its `study` facts; undefined without a readable file). */
function savedModelAt(path: string): { size?: number; fold?: number } | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const st = (JSON.parse(readFileSync(path, 'utf8')) as { study?: { size?: unknown; fold?: unknown } })
      .study;
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
    return { size: num(st?.size), fold: num(st?.fold) };
  } catch {
    return undefined;
  }
}

/** A model as the study saves it: GAP in its compact form (source frames, not descriptors). */
function studyModel(m: ForceField): SerializedModel {
  return m instanceof GapModel ? m.serialize({ compact: true }) : m.serialize();
}

interface EarlierEntry {
  figures: string[];
  note?: string;
}

/** Figure lists (kept to files still on disk) and notes of an existing study index in `outDir`, by run id. */
function earlierEntries(
  indexPath: string,
  outDir: string,
  mode: StudyIndex['mode'],
): Map<string, EarlierEntry> {
  return new Map(
    readOldIndex(indexPath, mode).map((r) => [
      r.id,
      { figures: r.figures.filter((f) => existsSync(join(outDir, f))), note: r.note },
    ]),
  );
}

/** The study run id a results file was written for (its file name in the command), or ''. */
function runIdOf(res: ExperimentResults): string {
  return /\(run ([\w-]+);/.exec(res.environment?.command ?? '')?.[1] ?? '';
}

/** All files named *.json under dir (recursively), sorted. */
function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...jsonFiles(p));
    else if (name.endsWith('.json') && !name.endsWith('.model.json') && name !== 'index.json') out.push(p);
  }
  return out;
}

/** `--collect`: index every pes-experiment results file under `from`. Exported for tests. */
export function collect(from: string, outDir: string): StudyIndex {
  if (!existsSync(from) || !statSync(from).isDirectory()) throw new CliError(`no such folder: ${from}`);
  const runs: StudyIndexEntry[] = [];
  const seen = new Map<string, number>();
  for (const p of jsonFiles(from)) {
    let res: ExperimentResults;
    try {
      res = parseResults(readFileSync(p, 'utf8'), p);
    } catch {
      continue; // not a results file (paths, manifests, …)
    }
    const rel = posix(relative(outDir, p));
    const e = indexEntry(res, rel, { source: 'collected' });
    // ids stay unique: a second results file of the same dataset × model gets "@<folder>/<stem>"
    const n = seen.get(e.id) ?? 0;
    seen.set(e.id, n + 1);
    if (n) e.id = `${e.id}@${posix(relative(from, p)).replace(/\.json$/, '')}`;
    const csv = p.replace(/\.json$/, '.csv');
    if (existsSync(csv)) e.csv = posix(relative(outDir, csv));
    const model = p.replace(/\.json$/, '.model.json');
    if (existsSync(model)) e.model_file = posix(relative(outDir, model));
    const stem = basename(p, '.json');
    const dir = join(p, '..');
    e.figures = readdirSync(dir)
      .filter((f) => f.startsWith(stem) && f.endsWith('.svg'))
      .map((f) => posix(relative(outDir, join(dir, f))));
    runs.push(e);
  }
  return {
    format: 'pes-study-index',
    version: 1,
    mode: 'collect',
    updatedAt: new Date().toISOString(),
    runs,
  };
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, BOOLEANS);
  if (args.help) {
    console.log(HELP);
    return 0;
  }
  if (args._.length) throw new CliError(`unexpected argument "${args._[0]}" (see pes study --help)`);
  if (args.collect) {
    const from = typeof args.from === 'string' ? args.from : 'docs/results';
    const outDir = typeof args.out === 'string' ? args.out : from;
    if (!existsSync(from) || !statSync(from).isDirectory()) throw new CliError(`no such folder: ${from}`);
    mkdirSync(outDir, { recursive: true });
    const index = collect(from, outDir);
    const p = join(outDir, 'index.json');
    writeAtomic(p, JSON.stringify(index, null, 1) + '\n');
    for (const r of index.runs)
      console.log(
        `${r.id.padEnd(40)} ${r.status.padEnd(8)} ${r.foldsDone}/${r.foldsPlanned} folds  ${r.file}`,
      );
    console.log(`wrote ${p} (${index.runs.length} runs)`);
    return 0;
  }
  return runStudy(args);
}
