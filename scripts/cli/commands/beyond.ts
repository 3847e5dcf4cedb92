/**
 * `pes beyond …`: the "beyond the paper" studies (issue 10).
 *
 *   pes beyond compare <dataset> --sizes 200,400 --sigma 30 --out results.json [--svg DIR]
 *       at equal total training size: one global sGDML (energy-stratified sample), the region-gated
 *       mixture (one sGDML per |φ| region, equal share of frames per region) and error-flattened sampling
 *       (half the frames stratified, the rest added in rounds by the error-flattening rule), all on one
 *       common held-out test set; Fig. 7-style per-cluster errors. Resumable: finished runs are kept.
 *   pes beyond neb <model.json> --path <path.json> [--steps S] [--out neb.json] [--svg neb.svg]
 *       climbing-image NEB between the path's end points on the model; barrier vs the reference path.
 *   pes beyond calibrate | evaluate | figure: see HELP.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from '../args.ts';
import { CliError } from '../main.ts';
import { readDatasetFile } from '../../../src/data/io/index.ts';
import type { Dataset } from '../../../src/data/dataset.ts';
import type { ForceField } from '../../../src/models/types.ts';
import { choiceWithoutReplacement, createRng, drawStratSample, type Rng } from '../../../src/data/sample.ts';
import { phiClusters, phiClusterLabel, PHI_CLUSTERS } from '../../../src/data/cluster.ts';
import { clusterErrors, errorStats, type ClusterError, type ErrorStats } from '../../../src/eval/metrics.ts';
import { predictFrames } from '../../../src/eval/cv.ts';
import { SgdmlTrainer } from '../../../src/models/sgdml/train.ts';
import {
  MixtureTrainer,
  azoPhiCoordinate,
  coordinateSeries,
  regionSample,
} from '../../../src/models/mixture/train.ts';
import type { RegionCoordinate } from '../../../src/models/mixture/coordinate.ts';
import { errorFlatteningSelection, type FlattenRound } from '../../../src/data/flatten-select.ts';
import { readBytes, saveModel } from './model-io.ts';
import { groupedBarsSvg } from './beyond-svg.ts';

export const summary =
  'beyond the paper: local-model mixture vs error-flattened sampling vs one model; NEB path search';

const HELP = `usage:
  pes beyond compare <dataset> --out results.json [options]
      --sizes 200,400      total training sizes (default 200)
      --sigma S            sGDML kernel length scale, fixed for every model (default 30)
      --test-per-cluster T common held-out test set: T random frames of every 10° |φ| cluster (at most
                           half of a cluster's frames) (default 120)
      --seed S             seed of every draw (default 1)
      --boundaries a,b,…   mixture region boundaries on |φ| (°) (default 35,90,145)
      --width H            half-width of each transition band (°) (default 10)
      --atoms i,j,k,l      dihedral atoms of the region coordinate (default: the C–N=N–C of azobenzene)
      --rounds R           error-flattening add-and-retrain rounds (default 2)
      --pool P             labelled candidate frames the flattening rule looks at (default 4000)
      --methods a,b,c      any of single, mixture, flatten (default all)
      --svg DIR            write the per-cluster bar figures (one per size)
      --models DIR         also save every trained model as JSON
  pes beyond neb <model> --path <path.json> [--steps S] [--fmax F] [--max-move Å] [--k K] [--out neb.json] [--svg neb.svg]
      climbing-image NEB (FIRE) from the reference path's geometries, ends relaxed on the model first;
      barrier vs the reference, distance of each image to the training data
  pes beyond calibrate <mixture.json> <dataset> --out <calibrated.json>
      per-region energy offset + tilt in |φ|, fitted on each region's training frames
  pes beyond evaluate <model.json> --results <results.json> --label "…" [--size N]
      a saved model on a results file's common test set, appended as a labelled run
  pes beyond figure <results.json>… --svg DIR
      per-cluster force-RMSE bars (files made on the same test set are merged) and the table`;

type Args = ReturnType<typeof parseArgs>;
const str = (a: Args, k: string) => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
function num(a: Args, k: string, def: number): number {
  const s = str(a, k);
  if (s === undefined) return def;
  const v = Number(s);
  if (!Number.isFinite(v)) throw new CliError(`--${k} needs a number, got '${s}'`);
  return v;
}
function nums(a: Args, k: string, def: number[]): number[] {
  const s = str(a, k);
  if (s === undefined) return def;
  const v = s.split(',').map(Number);
  if (v.some((x) => !Number.isFinite(x)))
    throw new CliError(`--${k} needs comma-separated numbers, got '${s}'`);
  return v;
}

export type Method = 'single' | 'mixture' | 'flatten';
export interface CompareRun {
  size: number;
  method: Method;
  nTrain: number;
  trainSeconds: number;
  test: ErrorStats;
  clusters: ClusterError[];
  /** Training frames per φ cluster. */
  trainPerCluster: number[];
  info?: Record<string, unknown>;
  /** Set when several result files are merged (figure): the mixture's partition. */
  label?: string;
}
export interface CompareResults {
  kind: 'pes-beyond-compare';
  dataset: string;
  settings: Record<string, unknown>;
  /** Share of each φ cluster in the whole dataset. */
  datasetPopulation?: number[];
  runs: CompareRun[];
}

const log = (s: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`);

async function compare(a: Args): Promise<number> {
  const [dsPath] = a._.slice(1);
  if (!dsPath) throw new CliError('missing <dataset>\n\n' + HELP);
  const out = str(a, 'out');
  if (!out) throw new CliError('missing --out results.json');
  const sizes = nums(a, 'sizes', [200]);
  const sigma = num(a, 'sigma', 30);
  const perCluster = num(a, 'test-per-cluster', 120);
  const seed = num(a, 'seed', 1);
  const rounds = num(a, 'rounds', 2);
  const nPool = num(a, 'pool', 4000);
  const methods = (str(a, 'methods') ?? 'single,mixture,flatten').split(',') as Method[];
  for (const m of methods)
    if (!['single', 'mixture', 'flatten'].includes(m)) throw new CliError(`unknown method '${m}'`);
  const partition = { boundaries: nums(a, 'boundaries', [35, 90, 145]), width: num(a, 'width', 10) };
  const { dataset: ds, warnings } = readDatasetFile(dsPath, readBytes(dsPath));
  for (const w of warnings) log(`warning: ${w}`);
  if (!ds.E || !ds.F) throw new CliError(`${dsPath}: needs energies and forces`);
  let coordinate: RegionCoordinate | null;
  if (str(a, 'atoms')) {
    const at = nums(a, 'atoms', []);
    if (at.length !== 4) throw new CliError('--atoms needs four atom indices');
    coordinate = { type: 'absDihedral', atoms: [at[0], at[1], at[2], at[3]] };
  } else coordinate = azoPhiCoordinate(ds.z, ds.R);
  if (!coordinate) throw new CliError('not azobenzene: give the region dihedral with --atoms i,j,k,l');
  const s = coordinateSeries(ds, coordinate);
  const labels = phiClusters(s);
  const settings = {
    sigma,
    testPerCluster: perCluster,
    seed,
    rounds,
    nPool,
    coordinate,
    partition,
    clusters: '10° bins of |φ|',
  };
  let res: CompareResults = { kind: 'pes-beyond-compare', dataset: dsPath, settings, runs: [] };
  if (existsSync(out)) {
    const prev = JSON.parse(readFileSync(out, 'utf8')) as CompareResults;
    if (JSON.stringify(prev.settings) !== JSON.stringify(settings))
      throw new CliError(`${out} holds results with other settings; choose another --out`);
    res = prev;
  }
  const save = () => {
    mkdirSync(dirname(out) || '.', { recursive: true });
    writeFileSync(out, JSON.stringify(res, null, 1));
  };
  const rng = createRng(seed);
  const testIdx = clusterTestSet(labels, PHI_CLUSTERS, perCluster, rng);
  const datasetPopulation = Array.from(
    { length: PHI_CLUSTERS },
    (_, c) => labels.filter((l) => l === c).length / ds.nFrames,
  );
  res.datasetPopulation = datasetPopulation;
  const refE = Float64Array.from(testIdx, (m) => (ds.E as Float64Array)[m]);
  const d3 = 3 * ds.nAtoms;
  const refF = new Float64Array(testIdx.length * d3);
  testIdx.forEach((m, i) => refF.set((ds.F as Float64Array).subarray(m * d3, (m + 1) * d3), i * d3));
  const testLabels = Int32Array.from(testIdx, (m) => labels[m]);
  const sgdml = (idx: Int32Array) =>
    new SgdmlTrainer().train(ds, idx, { sigma }, { onProgress: throttled(`sGDML M=${idx.length}`) });
  const modelsDir = str(a, 'models');

  for (const size of sizes) {
    for (const method of methods) {
      if (res.runs.some((r) => r.size === size && r.method === method)) {
        log(`${method} n=${size}: already done`);
        continue;
      }
      const rs = createRng(seed * 1000 + size);
      const t0 = Date.now();
      let model: ForceField;
      let idx: Int32Array;
      let info: Record<string, unknown> = {};
      log(`${method} n=${size}: training`);
      if (method === 'single') {
        idx = drawStratSample(ds.E, size, rs, testIdx);
        model = await sgdml(idx);
      } else if (method === 'mixture') {
        idx = regionSample(s, ds.E, partition, size, rs, { exclude: testIdx });
        model = await new MixtureTrainer().train(
          ds,
          idx,
          { coordinate, partition, subKind: 'sgdml', subParams: { sigma } },
          { onProgress: throttled(`mixture n=${size}`) },
        );
        info = {
          framesPerRegion: (model as unknown as { data: { info: Record<string, unknown> } }).data.info,
        };
      } else {
        const n0 = Math.round(size / 2);
        const initial = drawStratSample(ds.E, n0, rs, testIdx);
        const banned = Int32Array.from([...testIdx, ...initial]);
        const pool = drawStratSample(ds.E, Math.min(nPool, ds.nFrames - banned.length), rs, banned);
        const roundsLog: FlattenRound[] = [];
        const r = await errorFlatteningSelection({
          initial,
          target: size,
          candidates: pool,
          frameCluster: labels,
          nClusters: PHI_CLUSTERS,
          rounds,
          train: (i) => sgdml(i),
          frameErrors: (m, frames) => frameForceRmse(m, ds, frames),
          onRound: (q) => {
            roundsLog.push(q);
            log(
              `flatten n=${size}: round at ${q.size} frames, pool cluster force RMSE mean ${q.meanError.toFixed(3)}, max ${q.maxClusterError.toFixed(3)}; adding ${q.clusters.reduce((x, c) => x + c.added, 0)} from clusters ${q.clusters
                .filter((c) => c.added > 0)
                .map((c) => `${phiClusterLabel(c.cluster)}:${c.added}`)
                .join(' ')}`,
            );
          },
        });
        idx = r.idx;
        model = r.model;
        info = {
          initial: n0,
          rounds: roundsLog.map((q) => ({
            size: q.size,
            meanError: q.meanError,
            maxClusterError: q.maxClusterError,
            added: q.clusters.map((c) => c.added),
            selected: q.clusters.map((c) => c.selected),
          })),
        };
      }
      const trainSeconds = (Date.now() - t0) / 1000;
      log(
        `${method} n=${size}: trained in ${trainSeconds.toFixed(0)} s; predicting ${testIdx.length} test frames`,
      );
      const p = predictFrames(model, ds, testIdx);
      const test = errorStats(p.E, refE, p.F, refF, ds.nAtoms);
      const clusters = clusterErrors(p.E, refE, p.F, refF, ds.nAtoms, testLabels, PHI_CLUSTERS);
      const trainPerCluster = new Array<number>(PHI_CLUSTERS).fill(0);
      for (const m of idx) trainPerCluster[labels[m]]++;
      res.runs.push({
        size,
        method,
        nTrain: new Set(idx).size,
        trainSeconds,
        test,
        clusters,
        trainPerCluster,
        info,
      });
      log(
        `${method} n=${size}: test E RMSE ${test.eRmse.toFixed(3)} kcal/mol, F RMSE ${test.fRmse.toFixed(3)} kcal/mol/Å, max cluster F RMSE ${maxCluster(clusters).toFixed(3)}`,
      );
      save();
      if (modelsDir) {
        mkdirSync(modelsDir, { recursive: true });
        saveModel(model, join(modelsDir, `${method}-n${size}.json`));
      }
    }
  }
  save();
  const svgDir = str(a, 'svg');
  if (svgDir) writeFigures(res, svgDir);
  printTable(res);
  return 0;
}

function throttled(prefix: string) {
  let last = 0;
  return (p: { stage: string; fraction: number; message?: string }) => {
    const now = Date.now();
    if (now - last < 30_000) return;
    last = now;
    log(`${prefix}: ${(100 * p.fraction).toFixed(0)} % ${p.stage}${p.message ? ' ' + p.message : ''}`);
  };
}

/** Up to `per` random frames of every cluster, never more than half of a cluster (sorted). */
function clusterTestSet(labels: Int32Array, nClusters: number, per: number, rng: Rng): Int32Array {
  const out: number[] = [];
  for (let c = 0; c < nClusters; c++) {
    const members: number[] = [];
    labels.forEach((l, m) => l === c && members.push(m));
    out.push(...choiceWithoutReplacement(members, Math.min(per, Math.floor(members.length / 2)), rng));
  }
  return Int32Array.from(out).sort();
}

/** Force RMSE of each frame (over its 3N components), kcal/mol/Å. */
function frameForceRmse(model: ForceField, ds: Dataset, frames: Int32Array): Float64Array {
  const p = predictFrames(model, ds, frames);
  const d3 = 3 * ds.nAtoms;
  const F = ds.F as Float64Array;
  return Float64Array.from(frames, (m, i) => {
    let ss = 0;
    for (let q = 0; q < d3; q++) ss += (p.F[i * d3 + q] - F[m * d3 + q]) ** 2;
    return Math.sqrt(ss / d3);
  });
}

export function maxCluster(c: ClusterError[], minFrames = 5): number {
  return Math.max(...c.filter((x) => x.n >= minFrames).map((x) => x.fRmse));
}

const LABEL: Record<Method, string> = {
  single: 'one global sGDML (stratified)',
  mixture: 'mixture of region sGDMLs',
  flatten: 'one sGDML, error-flattened set',
};

export function writeFigures(res: CompareResults, dir: string): void {
  mkdirSync(dir, { recursive: true });
  for (const size of [...new Set(res.runs.map((r) => r.size))]) {
    const order: Method[] = ['single', 'mixture', 'flatten'];
    const runs = res.runs
      .filter((r) => r.size === size)
      .sort((p, q) => order.indexOf(p.method) - order.indexOf(q.method));
    const groups = runs[0].clusters.map((c, i) => ({
      label: phiClusterLabel(c.cluster),
      population: res.datasetPopulation?.[i] ?? c.population,
      values: runs.map((r) => r.clusters[i].fRmse),
    }));
    const svg = groupedBarsSvg(
      groups,
      runs.map(
        (r) =>
          `${r.label ?? LABEL[r.method]}: max ${maxCluster(r.clusters).toFixed(2)}, all ${r.test.fRmse.toFixed(2)}`,
      ),
      {
        title: `Force RMSE per |φ| cluster, ${size} training frames (sGDML σ = ${String(res.settings.sigma)})`,
        yLabel: 'force RMSE (kcal/mol/Å)',
        xLabel: `|φ| cluster (C–N=N–C, °); ${runs[0].clusters.reduce((x, c) => x + c.n, 0)} common test frames (max over clusters with ≥ 5)`,
      },
    );
    writeFileSync(join(dir, `clusters-n${size}.svg`), svg);
    log(`wrote ${join(dir, `clusters-n${size}.svg`)}`);
  }
}

/** `pes beyond calibrate <mixture.json> <dataset> --out <calibrated.json>` */
async function calibrate(a: Args): Promise<number> {
  const [, modelPath, dsPath] = a._;
  const out = str(a, 'out');
  if (!modelPath || !dsPath || !out)
    throw new CliError('usage: pes beyond calibrate <mixture.json> <dataset> --out <calibrated.json>');
  const { deserializeModel } = await import('../../../src/models/load.ts');
  const { calibrateMixture } = await import('../../../src/models/mixture/train.ts');
  const { MixtureModel } = await import('../../../src/models/mixture/model.ts');
  const model = await deserializeModel(JSON.parse(readFileSync(modelPath, 'utf8')));
  if (!(model instanceof MixtureModel)) throw new CliError(`${modelPath} is not a mixture model`);
  const { dataset: ds } = readDatasetFile(dsPath, readBytes(dsPath));
  const cal = calibrateMixture(model, ds);
  const c = cal.data.calibration!;
  c.a.forEach((x, k) =>
    console.log(`region ${k + 1}: E + ${x.toFixed(3)} kcal/mol + ${c.b[k].toFixed(4)} kcal/mol/° × |φ|`),
  );
  saveModel(cal, out);
  return 0;
}

/**
 * `pes beyond evaluate <model.json> --results compare.json --label L`: the model on the results file's
 * test set (rebuilt from its seed), appended as one more run (method mixture when the model is one).
 */
async function evaluate(a: Args): Promise<number> {
  const modelPath = a._[1];
  const resPath = str(a, 'results');
  const label = str(a, 'label');
  if (!modelPath || !resPath || !label)
    throw new CliError('usage: pes beyond evaluate <model.json> --results compare.json --label "…"');
  const res = JSON.parse(readFileSync(resPath, 'utf8')) as CompareResults;
  const { deserializeModel } = await import('../../../src/models/load.ts');
  const model = await deserializeModel(JSON.parse(readFileSync(modelPath, 'utf8')));
  const { dataset: ds } = readDatasetFile(res.dataset, readBytes(res.dataset));
  if (!ds.E || !ds.F) throw new CliError(`${res.dataset}: needs energies and forces`);
  const st = res.settings as { seed: number; testPerCluster: number; coordinate: RegionCoordinate };
  const labels = phiClusters(coordinateSeries(ds, st.coordinate));
  const testIdx = clusterTestSet(labels, PHI_CLUSTERS, st.testPerCluster, createRng(st.seed));
  const d3 = 3 * ds.nAtoms;
  const refE = Float64Array.from(testIdx, (m) => (ds.E as Float64Array)[m]);
  const refF = new Float64Array(testIdx.length * d3);
  testIdx.forEach((m, i) => refF.set((ds.F as Float64Array).subarray(m * d3, (m + 1) * d3), i * d3));
  const p = predictFrames(model, ds, testIdx);
  const test = errorStats(p.E, refE, p.F, refF, ds.nAtoms);
  const clusters = clusterErrors(
    p.E,
    refE,
    p.F,
    refF,
    ds.nAtoms,
    Int32Array.from(testIdx, (m) => labels[m]),
    PHI_CLUSTERS,
  );
  const info = (model as unknown as { data?: { info?: Record<string, unknown> } }).data?.info ?? {};
  const size = Number(str(a, 'size') ?? info.nTrain ?? 0);
  res.runs = res.runs.filter((r) => r.label !== label || r.size !== size);
  res.runs.push({
    size,
    method: model.kind === 'mixture' ? 'mixture' : 'single',
    nTrain: size,
    trainSeconds: NaN,
    test,
    clusters,
    trainPerCluster: [],
    info: { model: modelPath },
    label,
  });
  writeFileSync(resPath, JSON.stringify(res, null, 1));
  log(
    `${label}: test E RMSE ${test.eRmse.toFixed(3)}, F RMSE ${test.fRmse.toFixed(3)}, max cluster F RMSE ${maxCluster(clusters).toFixed(3)}`,
  );
  return 0;
}

/** Merges result files made on the same test set (same σ, seed, test size); mixtures get partition labels. */
function mergeResults(all: CompareResults[], files: string[]): CompareResults {
  const key = (r: CompareResults) =>
    JSON.stringify([r.dataset, r.settings.sigma, r.settings.seed, r.settings.testPerCluster]);
  all.forEach((r, i) => {
    if (key(r) !== key(all[0]))
      throw new CliError(`${files[i]} was made with another dataset, σ, seed or test set than ${files[0]}`);
  });
  const runs: CompareRun[] = [];
  for (const r of all) {
    const p = r.settings.partition as { boundaries: number[]; width: number };
    for (const run of r.runs)
      runs.push(
        run.method === 'mixture' && !run.label
          ? {
              ...run,
              label: `mixture of ${p.boundaries.length + 1} region sGDMLs, φ cuts ${p.boundaries.join('/')} ± ${p.width}°`,
            }
          : run,
      );
  }
  return { ...all[0], runs };
}

function printTable(res: CompareResults): void {
  console.log('| n | method | E RMSE (kcal/mol) | F RMSE (kcal/mol/Å) | max cluster F RMSE | vs single |');
  console.log('|---|---|---|---|---|---|');
  for (const r of res.runs) {
    const single = res.runs.find((q) => q.size === r.size && q.method === 'single');
    const rel = single
      ? `${((maxCluster(r.clusters) / maxCluster(single.clusters) - 1) * 100).toFixed(0)} %`
      : '';
    console.log(
      `| ${r.size} | ${r.label ?? r.method} | ${r.test.eRmse.toFixed(3)} | ${r.test.fRmse.toFixed(3)} | ${maxCluster(r.clusters).toFixed(3)} | ${rel} |`,
    );
  }
}

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, ['help', 'no-climb']);
  if (a.help || a._.length === 0) {
    console.log(HELP);
    return a.help ? 0 : 1;
  }
  const sub = a._[0];
  if (sub === 'compare') return compare(a);
  if (sub === 'figure') {
    const files = a._.slice(1);
    if (!files.length) throw new CliError('missing <results.json>');
    const res = mergeResults(
      files.map((f) => JSON.parse(readFileSync(f, 'utf8')) as CompareResults),
      files,
    );
    writeFigures(res, str(a, 'svg') ?? dirname(files[0]));
    printTable(res);
    return 0;
  }
  if (sub === 'calibrate') return calibrate(a);
  if (sub === 'evaluate') return evaluate(a);
  if (sub === 'neb') {
    const { nebCommand } = await import('./beyond-neb.ts');
    return nebCommand(a);
  }
  throw new CliError(`unknown sub-command '${sub}'\n\n${HELP}`);
}
