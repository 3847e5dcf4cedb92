#!/usr/bin/env node
/**
 * Tables for README.md from `pes experiment` results of the NN runs (no dependencies):
 *   node docs/results/nn/summarize.mjs results.json…
 * Per file and finished fold: test errors (MAE, RMSE of energy and force components), test frames, wall
 * times, epochs reached (modelInfo). For files with φ clusters: the per-10°-cluster force/energy RMSE and
 * the pooled RMSE of the regions the brief names, near equilibrium (φ 0–20° and 160–180°: clusters
 * 0, 1, 16, 17) and transition (φ 80–100°: clusters 8, 9), with their ratio. Pooled RMSE of a region =
 * sqrt(Σ n_c·RMSE_c² / Σ n_c), i.e. the RMSE over the region's test frames.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

const REGIONS = [
  ['near equilibrium (φ 0–20°, 160–180°)', [0, 1, 16, 17]],
  ['transition (φ 80–100°)', [8, 9]],
];
const f3 = (x) => (Number.isFinite(x) ? x.toFixed(3) : '–');

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

console.log(
  '| results | model | n train | fold | test frames | E MAE | E RMSE | F MAE | F RMSE | epochs (best) | stopped by | train wall | test wall |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
const withPhi = [];
for (const file of process.argv.slice(2)) {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  for (const f of r.folds) {
    const t = f.test;
    const mi = f.modelInfo ?? {};
    console.log(
      `| ${basename(file)} | ${r.spec.model} | ${f.size} | ${f.fold + 1} | ${f.nTest} | ${f3(t.eMae)} | ${f3(t.eRmse)} | ${f3(t.fMae)} | ${f3(t.fRmse)} | ${mi.epochs ?? '?'} (${mi.bestEpoch ?? '?'}) | ${mi.stoppedBy ?? '?'} | ${(f.trainSeconds / 60).toFixed(1)} min | ${(f.testSeconds / 60).toFixed(1)} min |`,
    );
    if (f.phi) withPhi.push([file, r, f]);
  }
}
for (const [file, r, f] of withPhi) {
  console.log(`\n### ${basename(file)} (${r.spec.model}, n = ${f.size}, fold ${f.fold + 1}): per-φ-cluster test RMSE\n`);
  console.log('| φ cluster | test frames | E RMSE (kcal/mol) | F RMSE (kcal/mol/Å) |');
  console.log('|---|---|---|---|');
  for (const c of f.phi)
    console.log(`| ${c.cluster * 10}–${c.cluster * 10 + 10}° | ${c.n} | ${f3(c.eRmse)} | ${f3(c.fRmse)} |`);
  console.log('\n| region | test frames | E RMSE | F RMSE |');
  console.log('|---|---|---|---|');
  const p = REGIONS.map(([name, cl]) => [name, pooled(f.phi, cl)]);
  for (const [name, q] of p) console.log(`| ${name} | ${q.n} | ${f3(q.e)} | ${f3(q.f)} |`);
  console.log(
    `| ratio equilibrium / transition | | ${f3(p[0][1].e / p[1][1].e)} | ${f3(p[0][1].f / p[1][1].f)} |`,
  );
}
