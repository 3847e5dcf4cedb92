/**
 * `pes experiment <dataset> --model <kind> [model options] --sizes 100,200,… --folds 5 --seed s --out results.json`
 *
 * The paper's cross-validated learning curve (src/eval/cv.ts) for one model on one dataset, written to
 * results.json (+ results.csv) after every finished fold. Rerunning the same command continues where it
 * stopped (finished folds are kept; the folds are re-drawn from the seed and checked). Progress on stderr.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import os from 'node:os';
import { parseArgs } from '../args.ts';
import { CliError } from '../main.ts';
import { readDatasetFile } from '../../../src/data/io/index.ts';
import type { Dataset } from '../../../src/data/dataset.ts';
import { specDataset } from '../../../src/eval/experiment-spec.ts';
import { findAzoDihedral, isAzobenzeneLike } from '../../../src/data/cluster.ts';
import { getModelEntry, modelKinds } from '../../../src/models/registry.ts';
import { pathFromJson, runCrossValidation, type CvProgress, type PathRef } from '../../../src/eval/cv.ts';
import {
  mergeResults,
  parseResults,
  resultsToCsv,
  resultsToJson,
  type ExperimentResults,
  type ExperimentSpec,
} from '../../../src/eval/results.ts';
import { READ_OPTIONS_HELP, readFileBytes, readOptionsFrom } from './info.ts';
import { parseCutoffScan } from '../../../src/eval/cutoff-scan.ts';
import { cutoffScanTable, runScanCommand } from './experiment-scan.ts';

export const summary =
  'cross-validated learning curve of a model on a dataset (resumable; results JSON + CSV)';

const OWN = new Set([
  'model',
  'paths',
  'sizes',
  'folds',
  'seed',
  'out',
  'csv',
  'dihedral',
  'no-phi',
  'geometry-clusters',
  'fresh',
  'predict-batch',
  'help',
  'quiet',
  'no-train-errors',
  'energy-unit',
  'length-unit',
  'forces-are-gradients',
  'energy-key',
  'forces-key',
  'no-unit-check',
  'max-inflated-bytes',
  'cutoff-scan',
  'only-folds',
  'merge',
]);
const BOOLEANS = [
  'no-phi',
  'geometry-clusters',
  'fresh',
  'help',
  'quiet',
  'no-train-errors',
  'forces-are-gradients',
  'no-unit-check',
  'gdml',
];

function help(): string {
  const models = modelKinds()
    .map((k) => {
      const e = getModelEntry(k);
      return (
        `  ${e.label} (--model ${k}):\n` +
        e.options.map((o) => `    --${o.name.padEnd(14)} ${o.help}`).join('\n')
      );
    })
    .join('\n');
  return `usage: pes experiment <dataset> --model <kind> [model options] [options]

${summary}
<dataset>: a dataset file (.npz, .xyz, .extxyz) or the name of a bundled one in public/data/.

For each training size n: a stratified subset of folds·n frames (sGDML's draw_strat_sample), split into
energy-stratified folds; each fold trains a model and is tested on the other folds. Best model per size:
lowest test energy RMSE (sGDML: lowest force RMSE unless a fold within 0.1 kcal/mol/Å has a clearly lower
energy RMSE); mean ± sd over folds.

options:
  --model K                model kind: ${modelKinds().join(', ')}
  --sizes a,b,…            training sizes (default 100,200,…,1000)
  --folds k                folds (default 5)
  --seed s                 random seed (default 1)
  --out FILE               results JSON (default results.json); rerun to resume
  --csv FILE               CSV next to it (default: FILE with .csv)
  --dihedral i,j,k,l       atoms (0-based) of the φ used for the per-cluster errors (10° bins);
                           default C–N=N–C for azobenzene-like (C12H10N2) datasets, found from the
                           bonds of the first frame; none otherwise
  --no-phi                 no φ clusters
  --geometry-clusters      also the authors' geometry clusters (Ward 10 × k-means-on-energy 5)
  --paths a.json,b.json    also evaluate every fold's model along these reference paths
                           (public/data/paths/<id>.json format; ids of bundled paths work too)
  --only-folds i,j         run only these folds (1-based) of each size, e.g. one process per fold;
                           pool the files afterwards with --merge
  --merge a.json,b.json    first pool the finished folds of these results files (same experiment,
                           e.g. runs with --only-folds) into FILE, then run what is still missing
  --fresh                  start over even if --out exists
  --predict-batch N        prediction batch (frames, default 100); --batch is the NN mini-batch
  --no-train-errors        skip training-set errors
  --quiet                  no progress bar
  --cutoff-scan a:b:step   GAP only: run the experiment once per SOAP cutoff a, a+step, … b (Å; or a
                           comma list), paper Fig. 6a; writes FILE-rc<cutoff>.json/.csv per cutoff
                           (each resumable) and FILE-cutoff-scan.svg (test E, F RMSE vs cutoff)

dataset options:
${READ_OPTIONS_HELP}

model options:
${models}`;
}

/** Resolve a dataset argument: a path, or a bundled name under public/data. */
export function resolveDatasetPath(arg: string): string {
  if (existsSync(arg)) return arg;
  const root = resolve(import.meta.dirname, '..', '..', '..');
  for (const ext of ['', '.npz', '.extxyz', '.xyz']) {
    const p = join(root, 'public', 'data', arg + ext);
    if (existsSync(p)) return p;
  }
  throw new CliError(`no such dataset file or bundled dataset: ${arg}`);
}

export function loadDataset(path: string, args: ReturnType<typeof parseArgs>): Dataset {
  const { dataset, warnings } = readDatasetFile(basename(path), readFileBytes(path), readOptionsFrom(args));
  for (const w of warnings) console.error(`warning: ${w}`);
  return dataset;
}

function ints(s: string, what: string): number[] {
  const v = s.split(',').map((x) => Number(x.trim()));
  if (!v.length || v.some((x) => !Number.isInteger(x)))
    throw new CliError(`${what}: expected comma-separated integers, got "${s}"`);
  return v;
}

function writeAtomic(path: string, text: string) {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 90) return `${s.toFixed(0)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** A one-line progress bar on stderr (redrawn in place on a terminal, a line per fold otherwise). */
class ProgressBar {
  private t0 = Date.now();
  private last = 0;
  private startFrac = -1;
  constructor(private quiet: boolean) {}
  update(p: CvProgress) {
    if (this.quiet) return;
    if (this.startFrac < 0 && p.stage !== 'skip') this.startFrac = p.fraction;
    const tty = process.stderr.isTTY;
    const now = Date.now();
    if (tty && p.stage !== 'done' && now - this.last < 200) return;
    this.last = now;
    const width = 28;
    const fill = Math.round(p.fraction * width);
    const el = (now - this.t0) / 1000;
    const gained = p.fraction - Math.max(0, this.startFrac);
    const eta = gained > 1e-3 ? (el / gained) * (1 - p.fraction) : NaN;
    const what =
      p.stage === 'clusters'
        ? 'geometry clusters'
        : `n=${p.size} fold ${p.fold + 1} ${p.stage}${p.message ? `: ${p.message}` : ''}`;
    const line = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(100 * p.fraction).toFixed(0).padStart(3)}% ${p.done}/${p.total} folds  ${what}  elapsed ${fmtTime(el)}  eta ${fmtTime(eta)}`;
    if (tty) process.stderr.write(`\r\x1b[K${line.slice(0, (process.stderr.columns ?? 120) - 1)}`);
    else if (p.stage === 'clusters') process.stderr.write(line + '\n');
    this.status = `[${(100 * p.fraction).toFixed(0).padStart(3)}% ${p.done}/${p.total}, eta ${fmtTime(eta)}]`;
  }
  /** Short "[ 40% 4/10, eta 6 s]" of the last update. */
  status = '';
  end() {
    if (!this.quiet && process.stderr.isTTY) process.stderr.write('\n');
  }
}

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, BOOLEANS);
  if (args.help) {
    console.log(help());
    return 0;
  }
  const s = (k: string) => (typeof args[k] === 'string' ? (args[k] as string) : undefined);
  const dsArg = args._[0];
  if (!dsArg)
    throw new CliError('usage: pes experiment <dataset> --model <kind> … (see pes experiment --help)');
  const kind = s('model');
  if (!kind) throw new CliError(`--model is required (${modelKinds().join(', ')})`);
  let entry;
  try {
    entry = getModelEntry(kind);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (k !== '_' && !OWN.has(k)) raw[k] = v;
  let params: Record<string, unknown>;
  try {
    params = entry.parseOptions(raw);
  } catch (e) {
    throw new CliError((e as Error).message);
  }

  let cutoffs: number[] | null = null;
  if (s('cutoff-scan')) {
    if (entry.kind !== 'gap')
      throw new CliError(`--cutoff-scan is for GAP (--model gap), not --model ${entry.kind}`);
    if (raw.cutoff !== undefined) throw new CliError('give either --cutoff or --cutoff-scan, not both');
    try {
      cutoffs = parseCutoffScan(s('cutoff-scan')!);
      for (const rc of cutoffs) entry.parseOptions({ ...raw, cutoff: String(rc) });
    } catch (e) {
      throw new CliError((e as Error).message);
    }
  }

  const path = resolveDatasetPath(dsArg);
  const ds = loadDataset(path, args);
  if (!ds.E || !ds.F) throw new CliError(`${basename(path)}: cross-validation needs energies and forces`);

  let phiAtoms: number[] | null = null;
  if (s('dihedral')) phiAtoms = ints(s('dihedral')!, '--dihedral');
  else if (!args['no-phi'] && isAzobenzeneLike(ds.z)) phiAtoms = findAzoDihedral(ds.z, ds.R);
  if (phiAtoms && !s('dihedral'))
    console.error(`φ clusters on the C–N=N–C dihedral, atoms ${phiAtoms.join(',')}`);
  if (
    phiAtoms &&
    (phiAtoms.length !== 4 || phiAtoms.some((a) => a < 0 || a >= ds.nAtoms) || new Set(phiAtoms).size !== 4)
  )
    throw new CliError(`--dihedral needs four distinct atom indices in 0..${ds.nAtoms - 1}`);

  const sizes = s('sizes')
    ? ints(s('sizes')!, '--sizes')
    : [100, 200, 300, 400, 500, 600, 700, 800, 900, 1000];
  const folds = s('folds') ? ints(s('folds')!, '--folds')[0] : 5;
  const seed = s('seed') ? ints(s('seed')!, '--seed')[0] : 1;
  if (folds < 2) throw new CliError('--folds must be at least 2');
  const spec: ExperimentSpec = {
    dataset: specDataset(ds),
    model: entry.kind,
    params,
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    folds,
    seed,
    validSize: entry.validSize(params),
    phiAtoms,
    geometryClusters: Boolean(args['geometry-clusters']),
    bestRule: entry.bestRule,
  };
  const out = s('out') ?? 'results.json';
  const csv = s('csv') ?? out.replace(/\.json$/i, '') + '.csv';
  let previous: ExperimentResults | undefined;
  if (existsSync(out) && !args.fresh && !cutoffs) {
    try {
      previous = parseResults(readFileSync(out, 'utf8'), out);
    } catch (e) {
      throw new CliError(`${(e as Error).message} (use --fresh to overwrite)`);
    }
    console.error(`resuming ${out}: ${previous.folds.length} finished folds kept`);
  }
  if (s('merge')) {
    if (cutoffs) throw new CliError('--merge does not combine with --cutoff-scan');
    const parts = s('merge')!
      .split(',')
      .map((f) => {
        if (!existsSync(f)) throw new CliError(`--merge: no such file: ${f}`);
        try {
          return parseResults(readFileSync(f, 'utf8'), f);
        } catch (e) {
          throw new CliError((e as Error).message);
        }
      });
    try {
      previous = mergeResults(previous ? [previous, ...parts] : parts);
    } catch (e) {
      throw new CliError(`--merge: ${(e as Error).message}`);
    }
    console.error(`merged ${parts.length} file(s): ${previous.folds.length} finished folds`);
  }
  const onlyFolds = s('only-folds') ? ints(s('only-folds')!, '--only-folds').map((k) => k - 1) : undefined;
  if (onlyFolds?.some((k) => k < 0 || k >= folds))
    throw new CliError(`--only-folds: folds are numbered 1…${folds}`);

  const paths: PathRef[] = [];
  if (s('paths'))
    for (const p of s('paths')!.split(',')) {
      const root = resolve(import.meta.dirname, '..', '..', '..');
      const file = existsSync(p)
        ? p
        : join(root, 'public', 'data', 'paths', p.endsWith('.json') ? p : `${p}.json`);
      if (!existsSync(file)) throw new CliError(`no such path file: ${p}`);
      try {
        paths.push(pathFromJson(JSON.parse(readFileSync(file, 'utf8')), ds.z, basename(file)));
      } catch (e) {
        throw new CliError((e as Error).message);
      }
    }

  const trainer = await entry.create();
  const ac = new AbortController();
  const onSig = () => {
    if (ac.signal.aborted) process.exit(130);
    console.error('\ninterrupted: stopping after saving finished folds (press Ctrl-C again to quit at once)');
    ac.abort();
  };
  process.on('SIGINT', onSig);
  const bar = new ProgressBar(Boolean(args.quiet));
  const save = (r: ExperimentResults) => {
    writeAtomic(out, resultsToJson(r));
    writeAtomic(csv, resultsToCsv(r));
  };
  const environment = {
    host: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB`,
    node: process.version,
    dataset: basename(path),
    command: `pes experiment ${argv.join(' ')}`,
  };
  const batch = s('predict-batch') ? ints(s('predict-batch')!, '--predict-batch')[0] : undefined;
  if (cutoffs) {
    try {
      const { scan, files } = await runScanCommand({
        ds,
        trainer,
        cutoffs,
        specFor: (rc) => ({
          ...spec,
          params: entry.parseOptions({ ...raw, cutoff: String(rc) }),
        }),
        out,
        fresh: Boolean(args.fresh),
        signal: ac.signal,
        paths,
        batch,
        trainErrors: !args['no-train-errors'],
        modelInfo: entry.modelInfo?.bind(entry),
        environment,
        progress: (p) => bar.update(p),
        foldLine: (rc, f) => {
          if (args.quiet) return;
          bar.end();
          console.error(
            `${bar.status} cutoff ${rc} Å n=${f.size} fold ${f.fold + 1}: E RMSE ${f.test.eRmse.toFixed(3)} kcal/mol, F RMSE ${f.test.fRmse.toFixed(3)} kcal/mol/Å (train ${fmtTime(f.trainSeconds)})`,
          );
        },
        writeAtomic,
      });
      bar.end();
      console.log(cutoffScanTable(scan));
      console.log(`wrote ${files.join(', ')}`);
      return 0;
    } catch (e) {
      bar.end();
      if (ac.signal.aborted) {
        console.error(
          'stopped; finished folds are in the per-cutoff files. Rerun the same command to continue.',
        );
        return 130;
      }
      const msg = (e as Error).message;
      if (/cannot resume|needs \d+ frames|not a positive integer/.test(msg)) throw new CliError(msg);
      throw e;
    } finally {
      process.off('SIGINT', onSig);
    }
  }
  let res: ExperimentResults;
  try {
    res = await runCrossValidation({
      ds,
      trainer,
      spec,
      previous,
      onlyFolds,
      signal: ac.signal,
      batch,
      trainErrors: !args['no-train-errors'],
      paths,
      onProgress: (p) => bar.update(p),
      modelInfo: entry.modelInfo?.bind(entry),
      warmStart: entry.warmStart?.bind(entry),
      environment,
      onFoldDone: (r, f) => {
        save(r);
        if (args.quiet) return;
        const t = f.test;
        bar.end();
        console.error(
          `${bar.status} n=${f.size} fold ${f.fold + 1}: E RMSE ${t.eRmse.toFixed(3)} kcal/mol, F RMSE ${t.fRmse.toFixed(3)} kcal/mol/Å (${f.nTest} test frames, train ${fmtTime(f.trainSeconds)})`,
        );
      },
    });
  } catch (e) {
    bar.end();
    if (ac.signal.aborted) {
      console.error(`stopped; finished folds are in ${out}. Rerun the same command to continue.`);
      return 130;
    }
    const msg = (e as Error).message;
    if (/cannot resume|needs \d+ frames|not a positive integer/.test(msg)) throw new CliError(msg);
    throw e;
  } finally {
    process.off('SIGINT', onSig);
  }
  bar.end();
  save(res);
  console.log(`size  best(fold)  E RMSE best / mean ± sd (kcal/mol)   F RMSE best / mean ± sd (kcal/mol/Å)`);
  for (const q of res.summary)
    console.log(
      `${String(q.size).padStart(4)}  ${String(q.bestFold + 1).padStart(4)}        ${q.best.eRmse.toFixed(3)} / ${q.mean.eRmse.mean.toFixed(3)} ± ${q.mean.eRmse.std.toFixed(3)}            ${q.best.fRmse.toFixed(3)} / ${q.mean.fRmse.mean.toFixed(3)} ± ${q.mean.fRmse.std.toFixed(3)}${q.nFolds < spec.folds ? `  (${q.nFolds}/${spec.folds} folds)` : ''}`,
    );
  console.log(`wrote ${out} and ${csv}`);
  return 0;
}
