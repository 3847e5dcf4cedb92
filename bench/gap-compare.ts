/**
 * Same-frames check and timing of two versions of the GAP code (e.g. before/after a speed-up).
 *
 *   npx tsx bench/gap-compare.ts run ROOT N_TRAIN N_TEST PRESET OUT.json
 *       trains GAP (preset fast|paper, seed 1) with the code under ROOT/src on N_TRAIN evenly spaced frames
 *       of public/data/azobenzene-rotation.npz, predicts N_TEST other frames, and writes E, F, varE, α and the
 *       measured times (wall and CPU: training s, prediction ms per geometry) to OUT.json.
 *   npx tsx bench/gap-compare.ts compare A.json B.json
 *       relative L2 and max differences of E, F, varE, α, and the two timings.
 *
 * ROOT is a checkout of this repository (e.g. `git archive <commit> | tar -x -C /tmp/old` with node_modules
 * linked), so the old code can be run beside the new one on the same frames.
 */
import * as fs from 'node:fs';
import { resolve } from 'node:path';

interface Out {
  nTrain: number;
  nTest: number;
  M: number;
  trainS: number;
  trainCpuS: number;
  predMs: number;
  predCpuMs: number;
  E: number[];
  F: number[];
  varE: number[] | null;
  alpha: number[];
}

async function runOne(
  root: string,
  nTrain: number,
  nTest: number,
  preset: string,
  out: string,
): Promise<void> {
  const { readDatasetFile } = await import(resolve(root, 'src/data/io/index.ts'));
  const { trainGap, GAP_PRESETS } = await import(resolve(root, 'src/models/gap/gap.ts'));
  const file = resolve(root, 'public/data/azobenzene-rotation.npz');
  const ds = readDatasetFile(file, fs.readFileSync(file)).dataset;
  // evenly spaced frames; every k-th of them trains, the others test
  const n = nTrain + nTest;
  const step = Math.floor(ds.nFrames / n);
  const all = Array.from({ length: n }, (_, k) => k * step);
  const every = Math.ceil(n / nTrain);
  const tr = Int32Array.from(all.filter((_, k) => k % every === 0).slice(0, nTrain));
  const trSet = new Set(tr);
  const te = Int32Array.from(all.filter((f) => !trSet.has(f)).slice(0, nTest));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const model = await trainGap(ds, tr, GAP_PRESETS[preset], { seed: 1 });
  const trainS = (performance.now() - t0) / 1000;
  const c1 = process.cpuUsage(c0);
  const nc = 3 * ds.nAtoms;
  const R = new Float64Array(te.length * nc);
  te.forEach((f, k) => R.set(ds.R.subarray(f * nc, (f + 1) * nc), k * nc));
  const t1 = performance.now();
  const c2 = process.cpuUsage();
  const pr = model.predict(R, te.length);
  const predMs = (performance.now() - t1) / te.length;
  const c3 = process.cpuUsage(c2);
  const res: Out = {
    nTrain,
    nTest: te.length,
    M: model.nSparse,
    trainS,
    trainCpuS: (c1.user + c1.system) / 1e6,
    predMs,
    predCpuMs: (c3.user + c3.system) / 1000 / te.length,
    E: Array.from(pr.E as Float64Array),
    F: Array.from(pr.F as Float64Array),
    varE: pr.varE ? Array.from(pr.varE as Float64Array) : null,
    alpha: Array.from(model.data.alpha as Float64Array),
  };
  fs.writeFileSync(out, JSON.stringify(res));
  console.log(
    `${root}: n = ${nTrain}, M = ${res.M}: training ${trainS.toFixed(1)} s wall / ${res.trainCpuS.toFixed(1)} s CPU (${(res.trainCpuS / nTrain).toFixed(3)} s CPU per frame); prediction ${predMs.toFixed(1)} ms wall / ${res.predCpuMs.toFixed(1)} ms CPU per geometry`,
  );
}

function compare(fa: string, fb: string): void {
  const a = JSON.parse(fs.readFileSync(fa, 'utf8')) as Out;
  const b = JSON.parse(fs.readFileSync(fb, 'utf8')) as Out;
  for (const k of ['E', 'F', 'varE', 'alpha'] as const) {
    const x = a[k];
    const y = b[k];
    if (!x || !y) continue;
    if (x.length !== y.length) throw new Error(`${k}: lengths differ (${x.length} vs ${y.length})`);
    let num = 0;
    let den = 0;
    let mx = 0;
    let mxv = 0;
    for (let i = 0; i < x.length; i++) {
      const d = x[i] - y[i];
      num += d * d;
      den += x[i] * x[i];
      mx = Math.max(mx, Math.abs(d));
      mxv = Math.max(mxv, Math.abs(x[i]));
    }
    console.log(
      `${k}: relative L2 difference ${Math.sqrt(num / den).toExponential(2)}, max |difference| ${mx.toExponential(2)} (max |value| ${mxv.toExponential(2)})`,
    );
  }
  console.log(
    `training CPU s per frame ${(a.trainCpuS / a.nTrain).toFixed(3)} → ${(b.trainCpuS / b.nTrain).toFixed(3)} (${(a.trainCpuS / b.trainCpuS).toFixed(2)}×); prediction CPU ms per geometry ${a.predCpuMs.toFixed(1)} → ${b.predCpuMs.toFixed(1)} (${(a.predCpuMs / b.predCpuMs).toFixed(2)}×)`,
  );
}

const [cmd, ...rest] = process.argv.slice(2);
if (cmd === 'run') {
  const [root, nTrain, nTest, preset, out] = rest;
  await runOne(resolve(root), Number(nTrain), Number(nTest), preset ?? 'fast', out);
} else if (cmd === 'compare') compare(rest[0], rest[1]);
else {
  console.log(fs.readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]);
  process.exitCode = cmd ? 1 : 0;
}
