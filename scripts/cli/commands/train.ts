/**
 * `pes train <dataset> --model <kind> …`: trains a force field on a dataset file and writes the model.
 * Training/validation frames: `--indices file` (and `--valid-indices file`) or a seeded stratified sample
 * (`--n-train M`, `--n-valid V`, `--seed s`, as sGDML's draw_strat_sample). Model kinds are dispatched
 * through `TRAINERS` (one entry per kind; other engineers add theirs).
 */
import { availableParallelism, totalmem } from 'node:os';
import { parseArgs } from '../args.ts';
import { CliError } from '../main.ts';
import { readDatasetFile } from '../../../src/data/io/index.ts';
import type { Dataset } from '../../../src/data/dataset.ts';
import type { ForceField } from '../../../src/models/types.ts';
import { createRng, drawStratSample } from '../../../src/data/sample.ts';
import { SgdmlTrainer, type SgdmlParams } from '../../../src/models/sgdml/train.ts';
import type { SgdmlModel } from '../../../src/models/sgdml/model.ts';
import { parseGrid, progressPrinter, readBytes, readIndices, saveModel } from './model-io.ts';
import { createParallelCholesky } from './parallel-cholesky.ts';
import { trainGapFromArgs, GAP_OPTION_HELP } from '../../../src/models/gap/cli.ts';
import { trainNNFromArgs, NN_OPTION_HELP } from '../../../src/models/nn-common/cli.ts';

export const summary =
  'train a force field (sGDML; --model) on a dataset and write the model (.npz or .json)';

type Args = ReturnType<typeof parseArgs>;
type TrainFn = (ds: Dataset, trainIdx: Int32Array, validIdx: Int32Array, args: Args) => Promise<ForceField>;

const str = (a: Args, k: string) => (typeof a[k] === 'string' ? (a[k] as string) : undefined);
function num(a: Args, k: string): number | undefined {
  const s = str(a, k);
  if (s === undefined) return undefined;
  const v = Number(s);
  if (!Number.isFinite(v)) throw new CliError(`--${k} needs a number, got '${s}'`);
  return v;
}

async function trainSgdml(
  ds: Dataset,
  trainIdx: Int32Array,
  validIdx: Int32Array,
  a: Args,
): Promise<ForceField> {
  const desc = str(a, 'descriptor') ?? 'inv';
  if (desc !== 'inv' && desc !== 'inv+ang')
    throw new CliError(`--descriptor must be inv or inv+ang, got '${desc}'`);
  const solver = str(a, 'solver') ?? 'auto';
  if (!['auto', 'cholesky', 'cg'].includes(solver))
    throw new CliError(`--solver must be auto, cholesky or cg`);
  const kernelCompute = str(a, 'kernel-compute') ?? 'f64';
  if (kernelCompute !== 'f64' && kernelCompute !== 'tfjs-f32')
    throw new CliError(`--kernel-compute must be f64 or tfjs-f32, got '${kernelCompute}'`);
  const params: SgdmlParams = {
    descriptor: desc,
    solver: solver as SgdmlParams['solver'],
    noSym: a['no-sym'] === true,
    lambda: num(a, 'lambda'),
    cgTol: num(a, 'cg-tol'),
    nystromPoints: num(a, 'nystrom-points'),
    kernelCompute,
    tiled: createParallelCholesky(num(a, 'threads') ?? availableParallelism()),
    memoryBudgetBytes:
      num(a, 'memory-gb') !== undefined
        ? (num(a, 'memory-gb') as number) * 1024 ** 3
        : Math.floor(totalmem() * 0.6),
  };
  if (str(a, 'sigma') !== undefined) params.sigma = num(a, 'sigma');
  else {
    params.sigmaGrid = parseGrid(str(a, 'sigma-grid') ?? '10:90:10');
    const start = num(a, 'sigma-start');
    if (start !== undefined && !(start > 0)) throw new CliError(`--sigma-start must be positive`);
    params.sigmaStart = start;
  }
  const ac = new AbortController();
  const onInt = () => {
    process.stderr.write('\ninterrupted: stopping training…\n');
    ac.abort();
  };
  process.once('SIGINT', onInt);
  try {
    const model = await new SgdmlTrainer().trainModel(ds, trainIdx, params, {
      validIdx: params.sigma !== undefined ? undefined : validIdx,
      signal: ac.signal,
      onProgress: progressPrinter(),
    });
    const info = model.data.info ?? {};
    const trials =
      (info.sigmaTrials as { sigma: number; validForceRmse: number; validEnergyRmse: number }[]) ?? [];
    for (const t of trials)
      console.log(
        `σ = ${t.sigma}: validation force RMSE ${t.validForceRmse.toFixed(4)}, energy RMSE ${t.validEnergyRmse.toFixed(4)}`,
      );
    console.log(
      `sGDML: M = ${trainIdx.length}, σ = ${model.data.sigma}, ${(model as SgdmlModel).nPerms} permutation(s), descriptor ${desc}, solver ${info.solver}, ${Number(info.trainSeconds).toFixed(1)} s`,
    );
    return model;
  } finally {
    process.off('SIGINT', onInt);
  }
}

/** Trainers by model kind. Other engineers: add `gap`, `schnet`, `bpnn` here. */
export const TRAINERS: Record<string, TrainFn> = {
  sgdml: trainSgdml,
  gap: (ds, trainIdx, _validIdx, a) => trainGapFromArgs(ds, trainIdx, a, progressPrinter(), CliError),
  schnet: (ds, trainIdx, validIdx, a) => trainNNFromArgs('schnet', ds, trainIdx, validIdx, a, CliError),
  bpnn: (ds, trainIdx, validIdx, a) => trainNNFromArgs('bpnn', ds, trainIdx, validIdx, a, CliError),
};

const HELP = `usage: pes train <dataset> --model sgdml --out model.(npz|json) [options]

  --model K              model kind: ${Object.keys(TRAINERS).join(', ')}
  --n-train M            training frames, stratified sample by energy (default 100)
  --indices FILE         training frame indices instead (text/JSON list, .npy, or model.npz[:key])
  --n-valid V            validation frames for the σ search (default min(2M, 1000))
  --valid-indices FILE   validation frame indices instead
  --seed S               seed of the sampling (default 1)
  --out FILE             model file: .npz (reference sGDML format, 1/r only) or .json (our format)
sGDML:
  --sigma S              fixed kernel length scale
  --sigma-grid A:B:STEP  σ candidates (default 10:90:10), chosen by validation force RMSE (early stop)
  --sigma-start S        start the σ search at the grid value nearest S and walk up or down from there
                         (default: up from the smallest)
  --no-sym               plain GDML (no permutation symmetries)
  --descriptor D         inv (1/r, default) | inv+ang (the paper's [1/r + ang])
  --solver S             auto (default) | cholesky | cg
  --lambda L             regulariser (default 1e-10)
  --cg-tol T             CG relative residual tolerance (default 1e-4)
  --nystrom-points P     inducing training points of the CG preconditioner
  --kernel-compute K     CG kernel products: f64 (default) | tfjs-f32 (float32 tfjs products made exact
                         by slice splitting, float64 residual updates; docs/results/sgdml-tfjs.md)
  --memory-gb G          memory the analytic solver may use (default 60 % of RAM)
  --threads T            threads of the Cholesky (default: all cores; 1 = serial)
${GAP_OPTION_HELP}
${NN_OPTION_HELP}
(${availableParallelism()} CPU cores)`;

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, ['no-sym', 'help']);
  if (a.help) {
    console.log(HELP);
    return 0;
  }
  const [dsPath] = a._;
  if (!dsPath) throw new CliError('missing <dataset>\n\n' + HELP);
  const kind = str(a, 'model') ?? 'sgdml';
  const trainer = TRAINERS[kind];
  if (!trainer)
    throw new CliError(`unknown --model '${kind}' (available: ${Object.keys(TRAINERS).join(', ')})`);
  const out = str(a, 'out');
  if (!out) throw new CliError('missing --out <model.npz|model.json>');
  const { dataset: ds, warnings } = readDatasetFile(dsPath, readBytes(dsPath));
  for (const w of warnings) console.error(`warning: ${w}`);
  if (!ds.E || !ds.F) throw new CliError(`${dsPath}: training needs energies and forces`);
  const seed = num(a, 'seed') ?? 1;
  const rng = createRng(seed);
  let trainIdx: Int32Array;
  if (str(a, 'indices')) trainIdx = readIndices(str(a, 'indices') as string, ds.nFrames);
  else {
    const M = num(a, 'n-train') ?? 100;
    if (!Number.isInteger(M) || M < 1 || M > ds.nFrames)
      throw new CliError(`--n-train must be 1…${ds.nFrames}`);
    trainIdx = drawStratSample(ds.E, M, rng);
  }
  let validIdx: Int32Array;
  if (str(a, 'valid-indices')) validIdx = readIndices(str(a, 'valid-indices') as string, ds.nFrames);
  else {
    const V = Math.min(
      num(a, 'n-valid') ?? Math.min(2 * trainIdx.length, 1000),
      ds.nFrames - trainIdx.length,
    );
    validIdx = drawStratSample(ds.E, V, rng, trainIdx);
  }
  const model = await trainer(ds, trainIdx, validIdx, a);
  saveModel(model, out);
  console.log(`model written to ${out}`);
  return 0;
}
