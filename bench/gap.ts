/**
 * GAP/SOAP benchmark (`pes bench gap …`, `npm run bench -- gap …`, or `npx tsx bench/gap.ts …`).
 *
 *   pes bench gap [ethanol|azobenzene|all] [--preset fast|paper|both] [--n-train N] [--n-test N]
 *                 [--n-sparse M] [--sigma-e S] [--sigma-f S] [--seed S] [--json FILE]
 *
 * ethanol: rMD17 ethanol (DFT, eV → kcal/mol on reading), a seeded random split: n-train (default 800)
 *   training and n-test (default 200, all other frames) test configurations. Test energy/force MAE in
 *   meV, meV/Å beside the published GAP numbers at 1000 training points (3.5 meV, 18.1 meV/Å).
 * azobenzene: the azobenzene xTB MD fixture (24 atoms): training time and peak memory for n-train
 *   configurations (default 1000), plus errors on n-test held-out frames.
 * Each (dataset, preset) runs in its own child process so that its peak RSS is its own. Every number
 * printed is measured in that run; prediction time is per geometry (energy + forces + variance).
 * σ options take kcal/mol (kcal/mol/Å) or an eV suffix; default the paper's σ_E = 0.001 eV, σ_F = 0.2 eV/Å.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readDatasetFile } from '../src/data/io/index.ts';
import type { Dataset } from '../src/data/dataset.ts';
import { trainGap } from '../src/models/gap/gap.ts';
import { gapParamsFromOptions } from '../src/models/gap/options.ts';
import { makeRng } from '../src/models/gap/sparse.ts';

const FIXTURES = '/work/shared/fixtures';
const KCAL_TO_MEV = 43.364;
const DATA: Record<string, { file: string; nTrain: number; nTest: number; published?: string }> = {
  ethanol: {
    file: `${FIXTURES}/rmd17-ethanol/train.xyz`,
    nTrain: 800,
    nTest: 200,
    published: 'GAP, rMD17 ethanol, 1000 training points: 3.5 meV, 18.1 meV/Å',
  },
  azobenzene: { file: `${FIXTURES}/sgdml-reference/azobenzene-xtb-md.npz`, nTrain: 1000, nTest: 200 },
};
const PUBLISHED_ETHANOL = { e: 3.5, f: 18.1 };

function opt(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : undefined;
}

interface OneResult {
  dataset: string;
  preset: string;
  nTrain: number;
  nTest: number;
  nSparse: Record<string, number>;
  dim: number;
  sigmaE_kcal: number;
  sigmaF_kcal: number;
  trainSeconds: number;
  trainCpuSeconds: number;
  peakRssMB: number;
  predictMsPerGeometry: number;
  energyMAE_meV: number;
  energyRMSE_meV: number;
  forceMAE_meV: number;
  forceRMSE_meV: number;
  meanStdE_meV: number;
}

function split(n: number, nTrain: number, nTest: number, seed: number): [Int32Array, Int32Array] {
  const rng = makeRng(seed);
  const perm = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [perm[i], perm[j]] = [perm[j], perm[i]];
  }
  if (nTrain + nTest > n) throw new Error(`dataset has ${n} frames, asked for ${nTrain}+${nTest}`);
  return [
    Int32Array.from(perm.slice(0, nTrain)).sort(),
    Int32Array.from(perm.slice(nTrain, nTrain + nTest)).sort(),
  ];
}

/** One (dataset, preset) measurement, in this process. */
async function one(args: string[]): Promise<OneResult> {
  const name = args[0];
  const d = DATA[name];
  if (!d) throw new Error(`unknown dataset ${name}`);
  const preset = opt(args, 'preset') ?? 'fast';
  const nTrain = Number(opt(args, 'n-train') ?? d.nTrain);
  const nTest = Number(opt(args, 'n-test') ?? d.nTest);
  const seed = Number(opt(args, 'seed') ?? 1);
  const params = gapParamsFromOptions({
    preset,
    'n-sparse': opt(args, 'n-sparse'),
    'sigma-e': opt(args, 'sigma-e'),
    'sigma-f': opt(args, 'sigma-f'),
  });
  const ds: Dataset = readDatasetFile(d.file, fs.readFileSync(d.file)).dataset;
  const [tr, te] = split(ds.nFrames, nTrain, nTest, seed);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let last = 0;
  const model = await trainGap(ds, tr, params, {
    seed,
    onProgress: (p) => {
      const now = performance.now();
      if (now - last > 30000) {
        last = now;
        process.stderr.write(
          `  [${name}/${preset}] ${p.stage} ${(100 * p.fraction).toFixed(0)} % (${((now - t0) / 1000).toFixed(0)} s)\n`,
        );
      }
    },
  });
  const trainSeconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const trainCpuSeconds = (cpu.user + cpu.system) / 1e6;
  const nc = 3 * ds.nAtoms;
  const R = new Float64Array(te.length * nc);
  te.forEach((f, k) => R.set(ds.R.subarray(f * nc, (f + 1) * nc), k * nc));
  const t1 = performance.now();
  const pr = model.predict(R, te.length);
  const predictMs = (performance.now() - t1) / te.length;
  let eA = 0,
    eS = 0,
    fA = 0,
    fS = 0,
    sd = 0;
  te.forEach((f, k) => {
    const de = pr.E[k] - ds.E![f];
    eA += Math.abs(de);
    eS += de * de;
    sd += Math.sqrt(pr.varE ? pr.varE[k] : 0);
    for (let c = 0; c < nc; c++) {
      const df = pr.F[k * nc + c] - ds.F![f * nc + c];
      fA += Math.abs(df);
      fS += df * df;
    }
  });
  const n = te.length;
  return {
    dataset: name,
    preset,
    nTrain,
    nTest: n,
    nSparse: Object.fromEntries(model.data.blocks.map((b) => [`Z${b.Z}`, b.M])),
    dim: model.soap.dim,
    sigmaE_kcal: params.sigmaE,
    sigmaF_kcal: params.sigmaF,
    trainSeconds,
    trainCpuSeconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    predictMsPerGeometry: predictMs,
    energyMAE_meV: (eA / n) * KCAL_TO_MEV,
    energyRMSE_meV: Math.sqrt(eS / n) * KCAL_TO_MEV,
    forceMAE_meV: (fA / (n * nc)) * KCAL_TO_MEV,
    forceRMSE_meV: Math.sqrt(fS / (n * nc)) * KCAL_TO_MEV,
    meanStdE_meV: (sd / n) * KCAL_TO_MEV,
  };
}

export async function run(args: string[]): Promise<number> {
  if (args[0] === 'one') {
    const r = await one(args.slice(1));
    console.log('RESULT ' + JSON.stringify(r));
    return 0;
  }
  if (args.includes('--help')) {
    console.log(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('*/')[0]);
    return 0;
  }
  const which = args[0] && !args[0].startsWith('--') ? args[0] : 'all';
  const sets = which === 'all' ? ['ethanol', 'azobenzene'] : [which];
  const presetArg = opt(args, 'preset') ?? 'both';
  const presets = presetArg === 'both' ? ['fast', 'paper'] : [presetArg];
  const pass = ['n-train', 'n-test', 'n-sparse', 'sigma-e', 'sigma-f', 'seed'].flatMap((k) =>
    opt(args, k) !== undefined ? [`--${k}`, opt(args, k)!] : [],
  );
  const root = dirname(dirname(fileURLToPath(import.meta.url)));
  const results: OneResult[] = [];
  for (const s of sets)
    for (const p of presets) {
      console.log(`running ${s} / ${p} …`);
      const child = spawnSync(
        process.execPath,
        [join(root, 'bin', 'pes.mjs'), 'bench', 'gap', 'one', s, '--preset', p, ...pass],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 },
      );
      const line = (child.stdout ?? '').split('\n').find((l) => l.startsWith('RESULT '));
      if (child.status !== 0 || !line) {
        console.error(`  failed (exit ${child.status}): ${child.stdout}`);
        return 1;
      }
      results.push(JSON.parse(line.slice(7)) as OneResult);
    }
  console.log(
    '\n| data | preset | train | test | sparse pts | dim | σ_E, σ_F (kcal/mol, /Å) | train s (wall / CPU) | peak RSS MB | predict ms/geom | E MAE meV | F MAE meV/Å | E RMSE | F RMSE | mean √varE meV |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results)
    console.log(
      `| ${r.dataset} | ${r.preset} | ${r.nTrain} | ${r.nTest} | ${Object.values(r.nSparse).reduce((a, b) => a + b, 0)} | ${r.dim} | ${r.sigmaE_kcal.toPrecision(3)}, ${r.sigmaF_kcal.toPrecision(3)} | ${r.trainSeconds.toFixed(0)} / ${r.trainCpuSeconds.toFixed(0)} | ${r.peakRssMB.toFixed(0)} | ${r.predictMsPerGeometry.toFixed(1)} | ${r.energyMAE_meV.toFixed(2)} | ${r.forceMAE_meV.toFixed(1)} | ${r.energyRMSE_meV.toFixed(2)} | ${r.forceRMSE_meV.toFixed(1)} | ${r.meanStdE_meV.toFixed(2)} |`,
    );
  for (const r of results.filter((x) => x.dataset === 'ethanol'))
    console.log(
      `ethanol/${r.preset}: E MAE ${r.energyMAE_meV.toFixed(2)} meV (${(r.energyMAE_meV / PUBLISHED_ETHANOL.e).toFixed(2)}× published 3.5), F MAE ${r.forceMAE_meV.toFixed(1)} meV/Å (${(r.forceMAE_meV / PUBLISHED_ETHANOL.f).toFixed(2)}× published 18.1); ${DATA.ethanol.published}`,
    );
  const out = opt(args, 'json');
  if (out) fs.writeFileSync(out, JSON.stringify(results, null, 2));
  console.log('\nJSON ' + JSON.stringify(results));
  return 0;
}

if (process.argv[1] && process.argv[1].endsWith('gap.ts')) {
  run(process.argv.slice(2)).then(
    (c) => process.exit(c),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
