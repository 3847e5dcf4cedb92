/**
 * `pes bench sgdml-precision` — how much float32 arithmetic costs sGDML, and which formulation keeps it
 * accurate (issue: the GPU path of tfjs is float32 only). For each M and λ it trains a float64 model, then
 * predicts 300 test frames three ways:
 *   f64       — the float64 reference path;
 *   f32-all   — every operation rounded to float32 (Math.fround), as a float32 GPU kernel would;
 *   f32-terms — every per-training-point term computed in float32, the sums over training points in float64
 *               ("float32 kernel blocks, float64 accumulation": a GPU computes blocks, the CPU adds them);
 *   f32-store — inputs (descriptors, coefficients) stored in float32, arithmetic and sums in float64.
 * Reports the median relative force error ‖ΔF‖/‖F‖ per frame against f64, and each path's test force RMSE.
 * Options: --sizes 50,100 --lambdas 1e-10,1e-8,1e-7,1e-6 --dataset FILE --seed S
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from '../scripts/cli/args.ts';
import { readSgdmlNpz } from '../src/data/io/sgdml-dataset.ts';
import { createRng, drawStratSample } from '../src/data/sample.ts';
import { SgdmlTrainer } from '../src/models/sgdml/train.ts';
import type { SgdmlModel } from '../src/models/sgdml/model.ts';
import { jacTVecAdd, permuteRows } from '../src/models/sgdml/kernel.ts';

const DEFAULT_DATASET = fileURLToPath(
  new URL('../../shared/fixtures/sgdml-reference/azobenzene-xtb-md.npz', import.meta.url),
);
const f = Math.fround;

/** Forces of `model` with float32 emulation: 'all' rounds every operation, 'store' only the inputs. */
function predict32(
  model: SgdmlModel,
  R: Float64Array,
  nConf: number,
  mode: 'all' | 'terms' | 'store',
): Float64Array {
  const { descriptor: desc, sigma, std } = model.data;
  const dim = desc.dim,
    n3 = 3 * desc.nAtoms;
  const XP = permuteRows(model.data.Xtrain, model.M, dim, model.maps).map(f);
  const AP = permuteRows(model.data.Atrain, model.M, dim, model.maps).map(f);
  const rows = model.M * model.maps.length;
  const F = new Float64Array(nConf * n3);
  const x = new Float64Array(dim),
    G = new Float64Array(3 * desc.nnz),
    fx = new Float64Array(dim),
    d = new Float64Array(dim);
  const s5 = Math.sqrt(5);
  const hFact = 5 / (3 * sigma ** 3),
    c1Fact = 25 / (3 * sigma ** 4);
  for (let m = 0; m < nConf; m++) {
    desc.compute(R, m * n3, x, G);
    for (let k = 0; k < dim; k++) x[k] = f(x[k]);
    fx.fill(0);
    for (let r = 0; r < rows; r++) {
      const o = r * dim;
      let r2 = 0,
        da = 0;
      if (mode === 'all' || mode === 'terms') {
        const acc = mode === 'all' ? f : (v: number) => v;
        for (let k = 0; k < dim; k++) {
          const dk = f(x[k] - XP[o + k]);
          d[k] = dk;
          r2 = f(r2 + f(dk * dk));
          da = f(da + f(dk * AP[o + k]));
        }
        const rr = f(Math.sqrt(r2));
        const e = f(Math.exp(f((-s5 * rr) / sigma)));
        const h = f(f(hFact * f(sigma + f(s5 * rr))) * e);
        const c = f(f(c1Fact * e) * da);
        for (let k = 0; k < dim; k++) fx[k] = acc(fx[k] + f(f(c * d[k]) - f(h * AP[o + k])));
      } else {
        for (let k = 0; k < dim; k++) {
          const dk = x[k] - XP[o + k];
          d[k] = dk;
          r2 += dk * dk;
          da += dk * AP[o + k];
        }
        const rr = Math.sqrt(r2);
        const e = Math.exp((-s5 * rr) / sigma);
        const h = hFact * (sigma + s5 * rr) * e;
        const c = c1Fact * e * da;
        for (let k = 0; k < dim; k++) fx[k] += c * d[k] - h * AP[o + k];
      }
    }
    jacTVecAdd(desc, G, 0, fx, 0, std, F, m * n3);
  }
  return F;
}

function medianRel(F: Float64Array, F0: Float64Array, n3: number): number {
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
  return rel[Math.floor(rel.length / 2)];
}

function rmse(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}

export async function run(argv: string[]): Promise<number> {
  const a = parseArgs(argv);
  const sizes = (typeof a.sizes === 'string' ? a.sizes : '50,100').split(',').map(Number);
  const lambdas = (typeof a.lambdas === 'string' ? a.lambdas : '1e-10,1e-8,1e-7,1e-6').split(',').map(Number);
  const { dataset: ds } = readSgdmlNpz(
    readFileSync(typeof a.dataset === 'string' ? a.dataset : DEFAULT_DATASET),
  );
  const E = ds.E as Float64Array;
  const n3 = 3 * ds.nAtoms;
  const rows: string[] = [
    '| M | λ | test F RMSE f64 | median rel. ΔF f32-all | test F RMSE f32-all | median rel. ΔF f32-terms | test F RMSE f32-terms | median rel. ΔF f32-store | test F RMSE f32-store | max |α| |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  const out: unknown[] = [];
  for (const M of sizes) {
    const rng = createRng(Number(a.seed ?? 1));
    const train = drawStratSample(E, M, rng);
    const test = drawStratSample(E, 300, rng, train);
    const R = new Float64Array(test.length * n3),
      Fr = new Float64Array(test.length * n3);
    test.forEach((m, i) => {
      R.set(ds.R.subarray(m * n3, (m + 1) * n3), i * n3);
      Fr.set((ds.F as Float64Array).subarray(m * n3, (m + 1) * n3), i * n3);
    });
    for (const lambda of lambdas) {
      const model = await new SgdmlTrainer().trainModel(
        ds,
        train,
        { sigma: 30, lambda, solver: 'cholesky' },
        {},
      );
      const F64 = model.predict(R, test.length).F;
      const Fa = predict32(model, R, test.length, 'all');
      const Fs = predict32(model, R, test.length, 'store');
      const Ft = predict32(model, R, test.length, 'terms');
      let amax = 0;
      for (const v of model.data.alphas ?? []) amax = Math.max(amax, Math.abs(v));
      const r = {
        M,
        lambda,
        f64: rmse(F64, Fr),
        relAll: medianRel(Fa, F64, n3),
        f32all: rmse(Fa, Fr),
        relStore: medianRel(Fs, F64, n3),
        f32store: rmse(Fs, Fr),
        relTerms: medianRel(Ft, F64, n3),
        f32terms: rmse(Ft, Fr),
        maxAlpha: amax,
      };
      out.push(r);
      rows.push(
        `| ${M} | ${lambda} | ${r.f64.toFixed(3)} | ${r.relAll.toExponential(2)} | ${r.f32all.toFixed(3)} | ${r.relTerms.toExponential(2)} | ${r.f32terms.toFixed(3)} | ${r.relStore.toExponential(2)} | ${r.f32store.toFixed(3)} | ${amax.toExponential(1)} |`,
      );
      process.stderr.write(rows[rows.length - 1] + '\n');
    }
  }
  console.log(rows.join('\n'));
  console.log(JSON.stringify(out));
  return 0;
}
