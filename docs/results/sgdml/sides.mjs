#!/usr/bin/env node
/**
 * Splits the test energy error of rotation experiments into the two sides of the rotation barrier:
 *   node docs/results/sgdml/sides.mjs results.json…
 * The bundled rotation dataset (public/data/azobenzene-rotation.npz) is made of MD runs (`run`), each
 * started on one side of the barrier of the optimized-rotation path (cis side: the cis minimum, path
 * points 0–8, the 750 K runs from cis, the 50 K run from point 8; trans side: the others). No run crosses
 * the barrier: the cis-side runs reach |φ| ≤ 93.7° (point 8, the top), the trans-side runs start at
 * |φ| ≥ 105.6°, and no frame lies in between.
 *
 * For every fold the results file keeps a parity sample of test frames (reference and predicted energy,
 * not the frame indices). Each sample frame is found in the dataset by its reference energy (unique to
 * 6e-5 kcal/mol for ≈ 90 % of them; ambiguous ones are skipped). Printed per fold: the mean error on the
 * trans side minus that on the cis side (the error of the model's trans − cis energy difference) and the
 * energy RMSE left when each side's mean error is removed (the error within a side).
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { register } from 'tsx/esm/api';

register();
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { readNpz } = await import(pathToFileURL(join(root, 'src', 'data', 'io', 'npz.ts')).href);

/** Runs started on the trans side of the barrier (see scripts/generate-data/package.ts for the order). */
const TRANS_RUNS = new Set([1, 11, 12, 13, 14, 15, 16, 17, 18, 21, 22, 24]);

const { arrays } = readNpz(readFileSync(join(root, 'public', 'data', 'azobenzene-rotation.npz')));
const E = arrays.E.data;
const run = arrays.run.data;
const phi = arrays.phi.data;

// the gap: largest |φ| of the cis side and smallest of the trans side
let cisMax = 0;
let transMin = 180;
for (let i = 0; i < E.length; i++) {
  const a = Math.abs(phi[i]);
  if (TRANS_RUNS.has(run[i])) transMin = Math.min(transMin, a);
  else cisMax = Math.max(cisMax, a);
}
console.log(`cis side |φ| ≤ ${cisMax.toFixed(1)}°, trans side |φ| ≥ ${transMin.toFixed(1)}°`);

// reference energy → frame, for the energies that occur once (to 6e-5 kcal/mol)
const order = Array.from(E.keys()).sort((a, b) => E[a] - E[b]);
const find = (e) => {
  let lo = 0;
  let hi = order.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (E[order[mid]] < e - 6e-5) lo = mid + 1;
    else hi = mid;
  }
  const hits = [];
  for (let k = lo; k < order.length && E[order[k]] <= e + 6e-5; k++) hits.push(order[k]);
  return hits.length === 1 ? hits[0] : -1;
};

const mean = (a) => a.reduce((s, x) => s + x, 0) / a.length;
console.log('| file | n | fold | matched | test E RMSE | trans − cis error | E RMSE within a side |');
console.log('|---|---|---|---|---|---|---|');
for (const file of process.argv.slice(2)) {
  const res = JSON.parse(readFileSync(file, 'utf8'));
  for (const f of res.folds) {
    const { eRef, ePred } = f.parity;
    const cis = [];
    const trans = [];
    eRef.forEach((e, k) => {
      const i = find(e);
      if (i >= 0) (TRANS_RUNS.has(run[i]) ? trans : cis).push(ePred[k] - e);
    });
    if (!cis.length || !trans.length) continue;
    const mc = mean(cis);
    const mt = mean(trans);
    const within = Math.sqrt(
      mean([...cis.map((x) => (x - mc) ** 2), ...trans.map((x) => (x - mt) ** 2)]),
    );
    console.log(
      `| ${basename(file)} | ${f.size} | ${f.fold + 1} | ${cis.length + trans.length} / ${eRef.length} | ${f.test.eRmse.toFixed(2)} | ${(mt - mc).toFixed(2)} | ${within.toFixed(2)} |`,
    );
  }
}
