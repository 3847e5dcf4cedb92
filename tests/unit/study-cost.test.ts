import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseResults } from '../../src/eval/results.ts';
import { foldSeconds, isUpperBound } from '../../src/eval/study-cost.ts';
import {
  runCost,
  runFoldSeconds,
  runSecondsLeft,
  studyPlan,
  studySecondsLeft,
} from '../../src/eval/study.ts';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));

/** Median measured seconds (train + test) per fold size of a committed results file. */
function measured(rel: string) {
  const res = parseResults(readFileSync(join(root, rel), 'utf8'), rel);
  const by = new Map<number, number[]>();
  const trialsBy = new Map<number, number[]>();
  const slowBy = new Map<number, boolean[]>();
  const slowPrecondBy = new Map<number, boolean[]>();
  for (const f of res.folds) {
    by.set(f.size, [...(by.get(f.size) ?? []), f.trainSeconds + f.testSeconds]);
    // sGDML folds before the 17th session's faster linear algebra have no `linalg` record
    slowBy.set(f.size, [...(slowBy.get(f.size) ?? []), f.modelInfo?.linalg === undefined]);
    // … and those before the 18th session's SIMD preconditioner products have no `precondLinalg`
    slowPrecondBy.set(f.size, [
      ...(slowPrecondBy.get(f.size) ?? []),
      f.modelInfo?.precondLinalg !== 'wasm-simd',
    ]);
    // sGDML: the σ trials each fold's search made (fewer once it starts warm)
    const trials = (f.modelInfo?.sigmaTrials as unknown[] | undefined)?.length;
    if (trials) trialsBy.set(f.size, [...(trialsBy.get(f.size) ?? []), trials]);
  }
  const median = (t: number[]) => t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
  return {
    res,
    sizes: [...by].map(([n, t]) => ({
      n,
      seconds: median(t),
      trials: trialsBy.has(n) ? median(trialsBy.get(n)!) : undefined,
      // the majority of the size's folds
      slowLinalg: slowBy.get(n)!.filter(Boolean).length * 2 > slowBy.get(n)!.length,
      slowPrecond: slowPrecondBy.get(n)!.filter(Boolean).length * 2 > slowPrecondBy.get(n)!.length,
    })),
  };
}

describe('study time estimate', () => {
  it('the progress bar counts down while a fold trains, at the measured pace once there is one', () => {
    // nothing finished yet: the plan's estimate, minus the time already spent on the first fold
    expect(studySecondsLeft(3600, 0, 0, 0)).toBe(3600);
    expect(studySecondsLeft(3600, 0, 0, 600)).toBe(3000);
    // 1200 estimated seconds took 2400 s: the rest at twice the estimate, counted from that fold's end
    expect(studySecondsLeft(2400, 1200, 2400, 0)).toBe(4800);
    expect(studySecondsLeft(2400, 1200, 2400, 1800)).toBe(3000);
    // a pace resting on a few seconds (folds skipped on resume) is not trusted
    expect(studySecondsLeft(2400, 1200, 5, 0)).toBe(2400);
    // a fold running over: never negative
    expect(studySecondsLeft(100, 0, 0, 500)).toBe(0);
    // a resumed run whose finished folds took a tenth of the estimate: that pace until a fold ends here
    expect(studySecondsLeft(3600, 0, 0, 60, 0.1)).toBe(300);
    expect(studySecondsLeft(2400, 1200, 2400, 0, 0.1)).toBe(4800);
  });

  it('grows with the training size, the SOAP cutoff, the descriptor and the epochs', () => {
    const est = (model: 'sgdml' | 'gap' | 'schnet' | 'bpnn', options: Record<string, string>, n = 200) =>
      foldSeconds({ model, options, n, nAtoms: 24 });
    for (const m of ['sgdml', 'gap', 'schnet', 'bpnn'] as const)
      expect(est(m, {}, 400)).toBeGreaterThan(est(m, {}, 200));
    expect(est('gap', { cutoff: '8' })).toBeGreaterThan(est('gap', { cutoff: '5' }));
    expect(est('gap', { preset: 'fast' })).toBeLessThan(est('gap', { preset: 'paper' }));
    expect(est('sgdml', { descriptor: 'inv+ang' })).toBeGreaterThan(est('sgdml', { descriptor: 'inv' }));
    expect(est('sgdml', { sigma: '20' })).toBeLessThan(est('sgdml', {}));
    expect(est('schnet', { epochs: '10' })).toBeLessThan(est('schnet', { epochs: '100' }) / 5);
    expect(isUpperBound('schnet') && isUpperBound('bpnn') && !isUpperBound('gap')).toBe(true);
  });

  // The scaling laws are fitted to these committed runs. Their timings scatter by up to 5× at small sizes
  // (other jobs shared the 2 cores), so the check is on the geometric mean over sizes ≥ 200 of
  // estimated / measured (median fold time per size): within 2.5× either way.
  it.each([
    'docs/results/study/glycine-gap.json',
    'docs/results/study/glycine-sgdml-inv.json',
    'docs/results/study/glycine-sgdml-inv-ang.json',
    'docs/results/study/azobenzene-rotation-sgdml-inv.json',
    'docs/results/study/azobenzene-rotation-gap.json',
    'docs/results/study/azobenzene-inversion-gap.json',
    'docs/results/sgdml/rotation-sgdml-inv.json',
    'docs/results/sgdml/rotation-sgdml-inv-ang.json',
    'docs/results/gap/rotation-gap-fast.json',
    'docs/results/gap/inversion-gap-fast.json',
    'docs/results/gap/rotation-gap-scan-n200-rc3.json',
    'docs/results/gap/rotation-gap-scan-n200-rc8.json',
  ])('close to the measured fold times of %s', (rel) => {
    const { res, sizes } = measured(rel);
    const options: Record<string, string> = {};
    const p = res.spec.params as Record<string, unknown>;
    if (p.descriptor) options.descriptor = String(p.descriptor);
    if (p.nMax === 8) options.preset = 'fast';
    if (typeof p.cutoff === 'number' && res.spec.model === 'gap') options.cutoff = String(p.cutoff);
    if (typeof p.sigma === 'number') options.sigma = String(p.sigma);
    const model = res.spec.model as 'sgdml' | 'gap';
    const logs = sizes
      .filter((s) => s.n >= 200)
      .map(({ n, seconds, trials, slowLinalg, slowPrecond }) =>
        Math.log(
          foldSeconds({
            model,
            options,
            n,
            nAtoms: res.spec.dataset.nAtoms,
            trials,
            slowLinalg,
            slowPrecond,
          }) / seconds,
        ),
      );
    expect(logs.length).toBeGreaterThan(0);
    const ratio = Math.exp(logs.reduce((a, b) => a + b, 0) / logs.length);
    expect(ratio).toBeGreaterThan(1 / 2.5);
    expect(ratio).toBeLessThan(2.5);
  });

  it('a run with finished folds has only the rest left', () => {
    const run = studyPlan('full').find((r) => r.id === 'glycine-gap')!;
    const all = runCost(run);
    const done = [50, 100, 200].flatMap((size) => Array.from({ length: run.folds }, () => ({ size })));
    const left = runCost(run, done);
    expect(left).toBeLessThan(all);
    expect(all - left).toBeCloseTo(runCost({ ...run, sizes: [50, 100, 200] }), 6);
    // folds of sizes outside the plan and more folds than planned change nothing
    expect(runCost(run, [...done, ...done, { size: 7 }])).toBeCloseTo(left, 6);
  });

  it('scales what is left by how long the finished folds of the run really took', () => {
    const run = studyPlan('full').find((r) => r.id === 'glycine-bpnn')!;
    const at = (size: number, factor: number) => ({
      size,
      trainSeconds: factor * runFoldSeconds(run, size),
      testSeconds: 0,
    });
    // no timed folds: the plain estimate
    expect(runSecondsLeft(run, [])).toEqual({ seconds: runCost(run), calibrated: false });
    // folds that took a tenth of the estimate (early stopping long before 1000 epochs): the rest too
    const done = [at(50, 0.1), at(50, 0.1), at(50, 0.12), at(100, 0.08), at(100, 0.1)];
    const left = runSecondsLeft(run, done);
    expect(left.calibrated).toBe(true);
    expect(left.seconds).toBeCloseTo(0.1 * runCost(run, done), 6);
    // an absurd measurement is clamped to 20× either way
    expect(runSecondsLeft(run, [at(50, 1e-6)]).seconds).toBeCloseTo(runCost(run, [{ size: 50 }]) / 20, 6);
    // a network's latest folds decide (its code got faster): five old slow folds, then five at a tenth
    const slowThenFast = [
      ...[50, 50, 50, 50, 50].map((n) => at(n, 1)),
      ...[100, 100, 100, 100, 100].map((n) => at(n, 0.1)),
    ];
    expect(runSecondsLeft(run, slowThenFast).seconds).toBeCloseTo(0.1 * runCost(run, slowThenFast), 6);
    // a kernel model weighs all its folds: the median of the same ten is the slow value
    const gap = studyPlan('full').find((r) => r.id === 'glycine-gap')!;
    const atGap = (size: number, factor: number) => ({
      size,
      trainSeconds: factor * runFoldSeconds(gap, size),
      testSeconds: 0,
      modelInfo: { linalg: 'wasm-packed' },
    });
    const gapDone = [
      ...[50, 50, 50, 50, 50, 50].map((n) => atGap(n, 1)),
      ...[100, 100, 100, 100].map((n) => atGap(n, 0.1)),
    ];
    expect(runSecondsLeft(gap, gapDone).seconds).toBeCloseTo(runCost(gap, gapDone), 6);
    // GAP folds from before the packed products (no linalg record) that took what the law said then
    // leave the rest at the law's present speed, 1.3× less
    const old = [50, 50, 50].map((n) => ({ size: n, trainSeconds: runFoldSeconds(gap, n, undefined, true) }));
    expect(runFoldSeconds(gap, 50, undefined, true) / runFoldSeconds(gap, 50)).toBeCloseTo(1.3, 1);
    expect(runSecondsLeft(gap, old).seconds).toBeCloseTo(runCost(gap, old), 6);
  });
  it("counts 3 σ trials where the search starts warm, and a finished fold's recorded trials", () => {
    const run = studyPlan('full').find((r) => r.id === 'azobenzene-rotation-sgdml-inv-ang')!;
    const first = Math.min(...run.sizes);
    const cold = (n: number) => foldSeconds({ model: 'sgdml', options: run.options, n, nAtoms: 24 });
    const perTrial = (n: number) => (cold(n) - 1) / 7; // [1/r + ang]: 7 trials from the smallest σ
    // the run's first size has no σ to start from; every later one starts at the size before's
    expect(runFoldSeconds(run, first)).toBeCloseTo(cold(first), 6);
    expect(runFoldSeconds(run, 500)).toBeCloseTo(1 + 3 * perTrial(500), 6);
    // a finished fold is judged by the trials it made: 7 trials that took as long as the cold estimate
    // are on pace, so the rest (warm) is left at the plain estimate
    const done = [
      {
        size: first,
        trainSeconds: cold(first),
        testSeconds: 0,
        modelInfo: { sigmaTrials: [1, 2, 3, 4, 5, 6, 7] },
      },
    ];
    expect(runSecondsLeft(run, done).seconds).toBeCloseTo(runCost(run, done), 3);
    // the same fold with 3 recorded trials took 7/3 of what 3 trials should: the rest is scaled by that
    const slow = [{ ...done[0], modelInfo: { sigmaTrials: [1, 2, 3] } }];
    expect(runSecondsLeft(run, slow).seconds / runCost(run, slow)).toBeCloseTo(
      cold(first) / (1 + 3 * perTrial(first)),
      3,
    );
    // σ fixed: one trial, nothing warm about it
    const fixed = { ...run, options: { ...run.options, sigma: '60' } };
    expect(runFoldSeconds(fixed, 500)).toBeCloseTo(
      foldSeconds({ model: 'sgdml', options: fixed.options, n: 500, nAtoms: 24 }),
      6,
    );
  });
});
