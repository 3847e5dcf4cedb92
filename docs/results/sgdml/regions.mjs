#!/usr/bin/env node
/**
 * Numbers for the README tables from `pes experiment` results files (no dependencies):
 *   node docs/results/sgdml/regions.mjs results.json…
 * For each file: best/mean test RMSE per size with the summed training wall time of the size's folds; at
 * the largest size, the φ-cluster errors pooled into regions (near equilibrium: φ < 30° or > 150° (φ folded to 0–180°);
 * transition: 60°–130°), for the best fold and as mean ± sd over the folds; and the errors along each
 * reference path (barrier of model vs reference, path energy RMSE), best fold and mean over folds.
 * Pooled RMSE of a region = sqrt(Σ n_c·RMSE_c² / Σ n_c) over its clusters c (exactly the RMSE over the
 * region's test frames).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const REGIONS = {
  'equilibrium (φ < 30° or > 150°)': [0, 1, 2, 15, 16, 17],
  'transition (60°–130°)': [6, 7, 8, 9, 10, 11, 12],
};
const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : '–');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const meanSd = (a) => {
  const m = a.reduce((s, x) => s + x, 0) / a.length;
  const v = a.length > 1 ? a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1) : 0;
  return [m, Math.sqrt(v)];
};
const ms = (a) => {
  const [m, s] = meanSd(a);
  return `${f3(m)} ± ${f3(s)}`;
};

function pooled(phi, clusters) {
  let n = 0,
    se = 0,
    sf = 0;
  for (const c of phi) {
    if (!clusters.includes(c.cluster) || !c.n) continue;
    n += c.n;
    se += c.n * c.eRmse ** 2;
    sf += c.n * c.fRmse ** 2;
  }
  return { n, e: n ? Math.sqrt(se / n) : NaN, f: n ? Math.sqrt(sf / n) : NaN };
}

for (const file of process.argv.slice(2)) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  console.log(`\n### ${basename(file)}  (${r.spec.model} ${JSON.stringify(r.spec.params)})\n`);
  console.log('| n | folds | best fold | E RMSE best | E RMSE mean ± sd | F RMSE best | F RMSE mean ± sd | train + test wall (all folds) |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const q of r.summary) {
    const fs = r.folds.filter((f) => f.size === q.size);
    const wall = fs.reduce((s, f) => s + f.trainSeconds + f.testSeconds, 0);
    console.log(
      `| ${q.size} | ${q.nFolds} | ${q.bestFold + 1} | ${f3(q.best.eRmse)} | ${f3(q.mean.eRmse.mean)} ± ${f3(q.mean.eRmse.std)} | ${f3(q.best.fRmse)} | ${f3(q.mean.fRmse.mean)} ± ${f3(q.mean.fRmse.std)} | ${(wall / 60).toFixed(1)} min |`,
    );
  }
  // the largest size with every fold, and the largest size if it still misses folds
  const full = r.summary.filter((q) => q.nFolds === r.spec.folds);
  const last = r.summary[r.summary.length - 1];
  const shown = full.length ? [full[full.length - 1]] : [];
  if (last && last.nFolds < r.spec.folds) shown.push(last);
  for (const q of shown) regionTables(r, q);
}

/** φ-region and reference-path tables for one size `q` of results `r`. */
function regionTables(r, q) {
  const partial = q.nFolds < r.spec.folds ? ` — ${q.nFolds} of ${r.spec.folds} folds so far` : '';
  const folds = r.folds.filter((f) => f.size === q.size).sort((a, b) => a.fold - b.fold);
  const best = folds.find((f) => f.fold === q.bestFold);
  if (best.phi) {
    console.log(`\nφ regions at n = ${q.size}${partial} (test frames; best fold ${q.bestFold + 1}, and mean ± sd over folds):\n`);
    console.log('| region | test frames (best fold) | E RMSE best | F RMSE best | E RMSE mean ± sd | F RMSE mean ± sd |');
    console.log('|---|---|---|---|---|---|');
    for (const [name, cl] of Object.entries(REGIONS)) {
      const b = pooled(best.phi, cl);
      const all = folds.map((f) => pooled(f.phi, cl)).filter((p) => p.n > 0);
      console.log(
        `| ${name} | ${b.n} | ${f3(b.e)} | ${f3(b.f)} | ${ms(all.map((p) => p.e))} | ${ms(all.map((p) => p.f))} |`,
      );
    }
  }
  if (best.paths) {
    console.log(`\nReference paths at n = ${q.size}${partial} (barrier = highest point − first point, kcal/mol):\n`);
    console.log('| path | barrier ref | barrier model (best fold) | barrier model mean ± sd | path E RMSE best | path F RMSE best | path E RMSE mean |');
    console.log('|---|---|---|---|---|---|---|');
    for (const p of best.paths) {
      const all = folds.map((f) => f.paths.find((x) => x.id === p.id));
      console.log(
        `| ${p.id} | ${f2(p.barrierRef)} | ${f2(p.barrierPred)} | ${ms(all.map((x) => x.barrierPred))} | ${f3(p.eRmse)} | ${f3(p.fRmse)} | ${f3(meanSd(all.map((x) => x.eRmse))[0])} |`,
      );
    }
  }
}
