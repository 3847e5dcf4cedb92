/**
 * `pes test <model> <dataset> [--indices file]`: energy and force MAE / RMSE of a model on a dataset.
 * Default frames: all frames the model was not trained or validated on (when the model records them).
 */
import { parseArgs } from '../args.ts';
import { CliError } from '../main.ts';
import { readDatasetFile } from '../../../src/data/io/index.ts';
import { createRng, drawStratSample } from '../../../src/data/sample.ts';
import { SgdmlModel } from '../../../src/models/sgdml/model.ts';
import { loadModel, readBytes, readIndices } from './model-io.ts';

export const summary = 'energy and force MAE/RMSE of a model on a dataset';

const HELP = `usage: pes test <model.(npz|json)> <dataset> [--indices FILE | --n-test N [--seed S]] [--json]
  default frames: all not used for training/validation (if the model records them)`;

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, ['help', 'json']);
  if (a.help) {
    console.log(HELP);
    return 0;
  }
  const [modelPath, dsPath] = a._;
  if (!modelPath || !dsPath) throw new CliError('missing arguments\n\n' + HELP);
  const { model, warnings } = loadModel(modelPath);
  for (const w of warnings) console.error(`warning: ${w}`);
  const { dataset: ds } = readDatasetFile(dsPath, readBytes(dsPath));
  if (!ds.E || !ds.F) throw new CliError(`${dsPath}: testing needs energies and forces`);
  if (ds.nAtoms !== model.z.length || ds.z.some((z, i) => z !== model.z[i]))
    throw new CliError(`${dsPath}: atoms do not match the model's`);
  let idx: Int32Array;
  if (typeof a.indices === 'string') idx = readIndices(a.indices, ds.nFrames);
  else {
    const used = new Set<number>();
    if (model instanceof SgdmlModel)
      for (const k of [model.data.idxsTrain, model.data.idxsValid]) if (k) for (const i of k) used.add(i);
    const free = Int32Array.from({ length: ds.nFrames }, (_, i) => i).filter((i) => !used.has(i));
    if (typeof a['n-test'] === 'string') {
      const n = Math.min(Number(a['n-test']), free.length);
      const rng = createRng(Number(a.seed ?? 1));
      idx = drawStratSample(ds.E, n, rng, Array.from(used));
    } else idx = free;
  }
  const n3 = 3 * ds.nAtoms;
  const R = new Float64Array(idx.length * n3);
  idx.forEach((m, i) => R.set(ds.R.subarray(m * n3, (m + 1) * n3), i * n3));
  const t0 = performance.now();
  const p = model.predict(R, idx.length);
  const dt = (performance.now() - t0) / 1000;
  let eA = 0,
    eS = 0,
    fA = 0,
    fS = 0;
  idx.forEach((m, i) => {
    const de = p.E[i] - (ds.E as Float64Array)[m];
    eA += Math.abs(de);
    eS += de * de;
    for (let q = 0; q < n3; q++) {
      const df = p.F[i * n3 + q] - (ds.F as Float64Array)[m * n3 + q];
      fA += Math.abs(df);
      fS += df * df;
    }
  });
  const n = idx.length;
  const res = {
    frames: n,
    energyMAE: eA / n,
    energyRMSE: Math.sqrt(eS / n),
    forceMAE: fA / (n * n3),
    forceRMSE: Math.sqrt(fS / (n * n3)),
    geometriesPerSecond: n / dt,
  };
  if (a.json) console.log(JSON.stringify(res));
  else {
    console.log(`${n} frames, ${res.geometriesPerSecond.toFixed(0)} geometries/s`);
    console.log(`energy  MAE ${res.energyMAE.toFixed(4)}  RMSE ${res.energyRMSE.toFixed(4)} kcal/mol`);
    console.log(`forces  MAE ${res.forceMAE.toFixed(4)}  RMSE ${res.forceRMSE.toFixed(4)} kcal/mol/Å`);
  }
  return 0;
}
