/**
 * `pes bench sgdml-tfjs` — the real tfjs path of the sGDML kernel products (float32 blocks of
 * rows × queries in tfjs, partial sums accumulated in float64; src/models/sgdml/tfjsKernel.ts) against the
 * float64 path, per training size M:
 *   prediction — a float64-trained model (CG, --lambda) predicts the test frames with f64, with plain
 *                float32 tfjs blocks (tfjsKernel.ts) and with exact-split float32 products (tfjsOzaki.ts):
 *                median / max relative force error ‖ΔF‖/‖F‖ per frame, RMS and max energy difference;
 *   training   — CG with the f64 matvec and CG with the tfjs-f32 matvec (same Nyström preconditioner, same
 *                tolerance): iterations, recursive relative residual, true relative residual ‖y − A α‖/‖y‖
 *                with the f64 operator, test force / energy RMSE of both models (both predicted in f64),
 *                median relative force difference between the two models, wall time.
 * Options: --sizes 50,100,200,400 --lambda 1e-10 --sigma 30 --n-test 300 --backend wasm|cpu
 *          --row-block 64 (prediction; CG with --split-bits 0) --split-bits 48 (CG: exact float32 slices,
 *          tfjsOzaki.ts; 0 = plain float32 blocks) --cg-tol 1e-4 --dataset FILE --seed S
 *          --predict-only (skip the tfjs-f32 training; its columns then repeat the f64 model)
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { parseArgs } from '../scripts/cli/args.ts';
import { initNodeBackend } from '../src/compute/tfjs-node.ts';
import { readSgdmlNpz } from '../src/data/io/sgdml-dataset.ts';
import { createRng, drawStratSample } from '../src/data/sample.ts';
import type { Dataset } from '../src/data/dataset.ts';
import { computeDescSet } from '../src/models/sgdml/kernel.ts';
import type { SgdmlModel } from '../src/models/sgdml/model.ts';
import { SgdmlTrainer, sgdmlOperatorF64, type SgdmlParams } from '../src/models/sgdml/train.ts';
import { predictSgdmlTfjs } from '../src/models/sgdml/tfjsKernel.ts';
import { predictSgdmlTfjsExact } from '../src/models/sgdml/tfjsOzaki.ts';

const DEFAULT_DATASET = fileURLToPath(
  new URL('../../shared/fixtures/sgdml-reference/azobenzene-xtb-md.npz', import.meta.url),
);

function rows(a: Float64Array, idx: Int32Array, w: number): Float64Array {
  const out = new Float64Array(idx.length * w);
  idx.forEach((m, i) => out.set(a.subarray(m * w, (m + 1) * w), i * w));
  return out;
}

/** Median and maximum over frames of ‖F − F0‖/‖F0‖. */
function relForce(F: Float64Array, F0: Float64Array, n3: number): { median: number; max: number } {
  const rel: number[] = [];
  for (let m = 0; m < F.length / n3; m++) {
    let a = 0,
      b = 0;
    for (let q = 0; q < n3; q++) {
      a += (F[m * n3 + q] - F0[m * n3 + q]) ** 2;
      b += F0[m * n3 + q] ** 2;
    }
    rel.push(Math.sqrt(a / b));
  }
  rel.sort((p, q) => p - q);
  return { median: rel[Math.floor(rel.length / 2)], max: rel[rel.length - 1] };
}

function rmse(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}

function maxAbs(a: Float64Array, b: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** ‖y − A α′‖/‖y‖ with the float64 operator (α′ = −α, y = F/std), i.e. the residual the f64 solver sees. */
function trueResidual(ds: Dataset, train: Int32Array, model: SgdmlModel): number {
  const { descriptor: desc, sigma, lambda, std, alphas } = model.data;
  const n3 = 3 * ds.nAtoms,
    M = train.length;
  const S = computeDescSet(desc, rows(ds.R, train, n3), M, true);
  const y = rows(ds.F as Float64Array, train, n3).map((f) => f / std);
  const v = (alphas as Float64Array).map((a) => -a);
  const out = new Float64Array(v.length);
  sgdmlOperatorF64(desc, S, model.maps, sigma, lambda)(v, out);
  let r = 0,
    b = 0;
  for (let i = 0; i < y.length; i++) {
    r += (y[i] - out[i]) ** 2;
    b += y[i] ** 2;
  }
  return Math.sqrt(r / b);
}

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv, ['predict-only']);
  const str = (k: string, d: string) => (typeof a[k] === 'string' ? (a[k] as string) : d);
  const sizes = str('sizes', '50,100,200,400').split(',').map(Number);
  const lambda = Number(str('lambda', '1e-10'));
  const sigma = Number(str('sigma', '30'));
  const nTest = Number(str('n-test', '300'));
  const rowBlock = Number(str('row-block', '64'));
  const cgTol = Number(str('cg-tol', '1e-4'));
  const splitBits = Number(str('split-bits', '48'));
  const predictOnly = a['predict-only'] === true || a['predict-only'] === 'true';
  const backend = str('backend', 'wasm');
  if (backend !== 'wasm' && backend !== 'cpu') throw new Error('--backend must be wasm or cpu');
  const info = await initNodeBackend(backend);
  const { dataset: ds } = readSgdmlNpz(readFileSync(str('dataset', DEFAULT_DATASET)));
  const E = ds.E as Float64Array;
  const n3 = 3 * ds.nAtoms;
  console.error(
    `tfjs backend ${info.backend} (${info.adapter}); σ = ${sigma}, λ = ${lambda}, row block ${rowBlock}, CG split bits ${splitBits}`,
  );
  const table: string[] = [
    '| M | exact-split pred. median / max rel. ΔF, max ΔE | pred. median rel. ΔF | pred. max rel. ΔF | pred. RMS ΔE | pred. max ΔE | pred. s f64 / tfjs | CG it. f64 / tfjs (f64 products, fell back at) | rel. residual f64 / tfjs | true residual f64 / tfjs | test F RMSE f64 / tfjs | test E RMSE f64 / tfjs | median rel. ΔF models | train s f64 / tfjs |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  const out: Record<string, unknown>[] = [];
  for (const M of sizes) {
    const rng = createRng(Number(str('seed', '1')));
    const train = drawStratSample(E, M, rng);
    const test = drawStratSample(E, nTest, rng, train);
    const R = rows(ds.R, test, n3),
      Fr = rows(ds.F as Float64Array, test, n3),
      Er = Float64Array.from(test, (m) => E[m]);
    const base: SgdmlParams = { sigma, lambda, solver: 'cg', cgTol };
    const trainTimed = async (p: SgdmlParams) => {
      const t0 = performance.now();
      const model = await new SgdmlTrainer().trainModel(ds, train, p, {});
      return { model, seconds: (performance.now() - t0) / 1000 };
    };
    const f64 = await trainTimed(base);
    const t32 = predictOnly
      ? f64
      : await trainTimed({
          ...base,
          kernelCompute: 'tfjs-f32',
          kernelSplitBits: splitBits,
          kernelRowBlock: rowBlock,
        });
    let t0 = performance.now();
    const p64 = f64.model.predict(R, test.length);
    const predS64 = (performance.now() - t0) / 1000;
    const before = tf.memory().numTensors;
    t0 = performance.now();
    const p32 = await predictSgdmlTfjs(f64.model, R, test.length, { rowBlock });
    const predS32 = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const px = await predictSgdmlTfjsExact(f64.model, R, test.length, { bits: splitBits || 48 });
    const predSx = (performance.now() - t0) / 1000;
    if (tf.memory().numTensors !== before) throw new Error('tfjs prediction leaked tensors');
    const predX = relForce(px.F, p64.F, n3);
    const q32 = t32.model.predict(R, test.length);
    const i64 = f64.model.data.info as Record<string, number>,
      i32 = t32.model.data.info as Record<string, number>;
    const key = (k: string) => `${k}_sigma${sigma}`;
    const pred = relForce(p32.F, p64.F, n3);
    const r = {
      M,
      lambda,
      sigma,
      backend: info.backend,
      rowBlock,
      splitBits,
      predMedianRelF: pred.median,
      predMaxRelF: pred.max,
      predRmsE: rmse(p32.E, p64.E),
      predMaxE: maxAbs(p32.E, p64.E),
      predExactMedianRelF: predX.median,
      predExactMaxRelF: predX.max,
      predExactMaxE: maxAbs(px.E, p64.E),
      predSecondsExact: predSx,
      predSecondsF64: predS64,
      predSecondsTfjs: predS32,
      cgItF64: i64[key('cgIterations')],
      cgItTfjs: i32[key('cgIterations')],
      cgExactTfjs: i32[key('cgExactProducts')],
      cgFellBackAt: i32[key('cgF32FellBackAt')],
      relResF64: i64[key('cgRelResidual')],
      relResTfjs: i32[key('cgRelResidual')],
      trueResF64: trueResidual(ds, train, f64.model),
      trueResTfjs: trueResidual(ds, train, t32.model),
      testFRmseF64: rmse(p64.F, Fr),
      testFRmseTfjs: rmse(q32.F, Fr),
      testERmseF64: rmse(p64.E, Er),
      testERmseTfjs: rmse(q32.E, Er),
      modelsMedianRelF: relForce(q32.F, p64.F, n3).median,
      trainSecondsF64: f64.seconds,
      trainSecondsTfjs: t32.seconds,
    };
    out.push(r);
    const e = (v: number) => v.toExponential(2);
    table.push(
      `| ${M} | ${e(r.predExactMedianRelF)} / ${e(r.predExactMaxRelF)}, ${e(r.predExactMaxE)} | ${e(r.predMedianRelF)} | ${e(r.predMaxRelF)} | ${e(r.predRmsE)} | ${e(r.predMaxE)} | ${r.predSecondsF64.toFixed(1)} / ${r.predSecondsTfjs.toFixed(1)} | ${r.cgItF64} / ${r.cgItTfjs} (${r.cgExactTfjs}, ${r.cgFellBackAt < 0 ? '–' : r.cgFellBackAt}) | ${e(r.relResF64)} / ${e(r.relResTfjs)} | ${e(r.trueResF64)} / ${e(r.trueResTfjs)} | ${r.testFRmseF64.toFixed(3)} / ${r.testFRmseTfjs.toFixed(3)} | ${r.testERmseF64.toFixed(3)} / ${r.testERmseTfjs.toFixed(3)} | ${e(r.modelsMedianRelF)} | ${r.trainSecondsF64.toFixed(0)} / ${r.trainSecondsTfjs.toFixed(0)} |`,
    );
    process.stderr.write(table[table.length - 1] + '\n');
  }
  console.log(table.join('\n'));
  console.log(JSON.stringify(out));
  return 0;
}
