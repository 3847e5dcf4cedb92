import { describe, expect, it } from 'vitest';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  choiceWithoutReplacement,
  createRng,
  cvSplit,
  drawStratSample,
  histogram,
  percentile,
  shuffle,
  stratBins,
} from '../../src/data/sample.ts';
import { readDatasetFile } from '../../src/data/io/index.ts';

const root = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
const fixture = join(root, '..', 'shared', 'fixtures', 'sgdml-reference', 'azobenzene-xtb-md.npz');

/** Two-sample Kolmogorov–Smirnov statistic. */
function ks(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const x = Float64Array.from(a).sort(),
    y = Float64Array.from(b).sort();
  let i = 0,
    j = 0,
    d = 0;
  while (i < x.length && j < y.length) {
    const v = Math.min(x[i], y[j]);
    while (i < x.length && x[i] <= v) i++;
    while (j < y.length && y[j] <= v) j++;
    d = Math.max(d, Math.abs(i / x.length - j / y.length));
  }
  return d;
}

/** Synthetic bimodal "energies": a big narrow well and a small broad one, deterministic. */
function bimodal(N: number, seed = 1): Float64Array {
  const r = createRng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
  return Float64Array.from({ length: N }, (_, i) => (i % 5 === 0 ? 20 + 4 * gauss() : gauss()));
}

describe('seeded RNG (xoshiro128** seeded by SplitMix32)', () => {
  it('matches golden outputs (computed independently in Python) for the browser comparison', () => {
    const g = (seed: number) => {
      const r = createRng(seed);
      return Array.from({ length: 6 }, () => r.nextU32());
    };
    expect(g(42)).toEqual([2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290]);
    expect(g(0)).toEqual([3809008728, 1133695204, 53579671, 2891528803, 139681546, 2203266335]);
    expect(g(12345)).toEqual([518667457, 440444462, 4232892992, 3757857622, 3939018813, 1334683535]);
    const r = createRng(42);
    // Lemire: hi32(x·1e9) of the same stream (Python: (x*10**9) >> 32)
    expect(Array.from({ length: 5 }, () => r.int(1e9))).toEqual([
      660615722, 126880103, 111701963, 814939416, 79105650,
    ]);
    expect(createRng(42).next()).toBeCloseTo(2837322924 / 2 ** 32, 15);
  });

  it('resumes from a saved state and gives uniform integers', () => {
    const a = createRng(9);
    for (let i = 0; i < 10; i++) a.nextU32();
    const b = createRng(0, a.state());
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(
      Array.from({ length: 5 }, () => a.nextU32()),
    );
    const r = createRng(3),
      k = 7,
      N = 70000,
      c = new Float64Array(k);
    for (let i = 0; i < N; i++) c[r.int(k)]++;
    const chi2 = c.reduce((s, x) => s + (x - N / k) ** 2 / (N / k), 0);
    expect(chi2).toBeLessThan(22.46); // χ²(6) at p = 0.001
    expect(() => r.int(0)).toThrow();
  });

  it('shuffles and chooses without replacement', () => {
    const a = shuffle(
      Int32Array.from({ length: 50 }, (_, i) => i),
      createRng(1),
    );
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const c = choiceWithoutReplacement([5, 6, 7, 8, 9], 5, createRng(2));
    expect(new Set(c).size).toBe(5);
    expect(() => choiceWithoutReplacement([1, 2], 3, createRng(2))).toThrow();
  });
});

describe('Freedman–Diaconis bins as the reference draw_strat_sample', () => {
  it('percentile equals numpy linear interpolation', () => {
    expect(percentile([1, 2, 3, 4], 25)).toBeCloseTo(1.75, 12);
    expect(percentile([1, 2, 3, 4], 75)).toBeCloseTo(3.25, 12);
    expect(percentile([10, 0, 5], 50)).toBe(5);
  });

  it.skipIf(!existsSync(fixture))(
    'gives numpy’s bin count and counts on the reference azobenzene energies',
    () => {
      const ds = readDatasetFile('azobenzene-xtb-md.npz', readFileSync(fixture)).dataset;
      const E = ds.E!;
      // numpy: h = 2*IQR/cbrt(n); n_bins = min(ceil(range/h), n/2); digitize on linspace(min,max,n_bins,endpoint=False)
      const expected: Record<number, [number, number, number[]]> = {
        50: [2.0431165580047246, 9, [9, 57, 233, 483, 660, 550, 288, 104]],
        100: [1.6216226867351733, 12, [4, 25, 72, 198, 338, 479, 503, 373]],
        2000: [0.5974109056842232, 31, [1, 0, 7, 6, 10, 29, 17, 46]],
      };
      for (const [n, [h, nb, first]] of Object.entries(expected)) {
        const b = stratBins(E, +n);
        expect(b.fdWidth).toBeCloseTo(h, 9);
        expect(b.nBins).toBe(nb);
        const cnt = new Int32Array(b.nBins);
        for (const x of b.bin) cnt[x]++;
        expect(Array.from(cnt.slice(0, 8))).toEqual(first);
      }
    },
  );

  it('caps the number of bins at n/2 and handles constant energies', () => {
    // one far outlier: FD asks for thousands of bins, the cap leaves n/2
    const E = Float64Array.from({ length: 1000 }, (_, i) => (i === 999 ? 1e6 : i));
    expect(stratBins(E, 10).nBins).toBe(5);
    expect(stratBins(E, 11).nBins).toBe(5);
    const c = stratBins(new Float64Array(20).fill(3), 10);
    expect(c.nBins).toBe(1);
    expect(drawStratSample(new Float64Array(20).fill(3), 10, createRng(1)).length).toBe(10);
  });
});

describe('drawStratSample', () => {
  const E = bimodal(20000);

  it('draws exactly n distinct frames, never an excluded one', () => {
    const excl = Int32Array.from({ length: 5000 }, (_, i) => i * 4); // every 4th frame
    for (const n of [1, 2, 7, 100, 333, 1000, 5000]) {
      const s = drawStratSample(E, n, createRng(n), excl);
      expect(s.length).toBe(n);
      expect(new Set(s).size).toBe(n);
      for (const i of s) {
        expect(i % 4).not.toBe(0);
        expect(i).toBeGreaterThanOrEqual(0);
        expect(i).toBeLessThan(E.length);
      }
    }
    expect(() => drawStratSample(E.subarray(0, 10), 11, createRng(1))).toThrow(/only 10/);
    expect(Array.from(drawStratSample(E.subarray(0, 10), 10, createRng(1)))).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });

  it('keeps the energy histogram (KS and chi-square on the FD bins)', () => {
    const r = createRng(21);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - r.next())) * Math.cos(2 * Math.PI * r.next());
    const sets: [string, Float64Array][] = [
      ['gaussian', Float64Array.from({ length: 20000 }, () => 3 * gauss())],
    ];
    if (existsSync(fixture))
      sets.push(['azobenzene MD', readDatasetFile('a.npz', readFileSync(fixture)).dataset.E!]);
    for (const [, X] of sets)
      for (const n of [100, 500, 2000]) {
        const s = drawStratSample(X, n, createRng(7 + n));
        const sub = Float64Array.from(s, (i) => X[i]);
        // KS critical value at α = 0.05 for a simple random sample; a stratified one stays below it
        expect(ks(sub, X)).toBeLessThan(1.36 * Math.sqrt(1 / n));
        const b = stratBins(X, n);
        const edges = Float64Array.from(
          { length: b.nBins + 1 },
          (_, k) => b.min + ((b.max - b.min) * k) / b.nBins,
        );
        edges[b.nBins] = Infinity;
        const hs = histogram(sub, edges),
          hp = histogram(X, edges);
        let chi2 = 0,
          dof = 0;
        for (let k = 0; k < b.nBins; k++) {
          const exp = (hp[k] / X.length) * n;
          if (exp >= 5) {
            chi2 += (hs[k] - exp) ** 2 / exp;
            dof++;
          }
        }
        // stratification pins each bin near its expected count: far below the χ² critical value (≈ dof)
        expect(chi2).toBeLessThan(dof);
      }
  });

  it('gives each bin between 1 and ⌈count/total·n⌉ members (the reference oversamples sparse tails by design)', () => {
    // On this bimodal set the reference (numpy, measured) also lands at KS ≈ 0.2 for n = 100: every tail
    // bin keeps ≥ 1 member. At n = 2000 the histogram is close again.
    for (const n of [100, 400]) {
      const s = drawStratSample(E, n, createRng(n));
      const b = stratBins(E, n);
      const pop = new Int32Array(b.nBins),
        got = new Int32Array(b.nBins);
      for (const x of b.bin) pop[x]++;
      for (const i of s) got[b.bin[i]]++;
      for (let k = 0; k < b.nBins; k++) {
        if (pop[k] === 0) expect(got[k]).toBe(0);
        else {
          expect(got[k]).toBeGreaterThanOrEqual(1);
          expect(got[k]).toBeLessThanOrEqual(Math.ceil((pop[k] / E.length) * n));
        }
      }
    }
    const s = drawStratSample(E, 2000, createRng(3));
    expect(
      ks(
        Float64Array.from(s, (i) => E[i]),
        E,
      ),
    ).toBeLessThan(1.36 * Math.sqrt(1 / 2000));
  });

  it('populates the sparse tails (every non-empty bin gets at least one member)', () => {
    const n = 200;
    const s = drawStratSample(E, n, createRng(5));
    const b = stratBins(E, n);
    const binsPop = new Set(Array.from(b.bin));
    const binsSample = new Set(Array.from(s, (i) => b.bin[i]));
    expect(binsSample).toEqual(binsPop);
  });

  it('is reproducible: same seed → identical indices, other seed → different', () => {
    const a = drawStratSample(E, 300, createRng(11));
    const b = drawStratSample(E, 300, createRng(11));
    const c = drawStratSample(E, 300, createRng(12));
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
    // golden first indices (for comparing with the browser build)
    const small = Float64Array.from({ length: 100 }, (_, i) => (i * 37) % 100);
    expect(Array.from(drawStratSample(small, 10, createRng(42)))).toEqual([
      11, 84, 14, 1, 4, 31, 86, 32, 21, 51,
    ]);
  });
});

describe('cvSplit', () => {
  const E = bimodal(12000, 3);
  it('makes disjoint folds of exactly n that cover the stratified subset and keep its distribution', () => {
    for (const [n, folds] of [
      [100, 5],
      [250, 5],
      [37, 3],
    ]) {
      const sp = cvSplit(E, n, folds, createRng(n));
      expect(sp.subset.length).toBe(n * folds);
      expect(sp.folds.length).toBe(folds);
      const all = new Set<number>();
      for (const f of sp.folds) {
        expect(f.length).toBe(n);
        for (const i of f) {
          expect(all.has(i)).toBe(false);
          all.add(i);
        }
        const fe = Float64Array.from(f, (i) => E[i]);
        const se = Float64Array.from(sp.subset, (i) => E[i]);
        // systematic stratification: each fold's ECDF is within one block (folds/|subset|) of the subset's
        expect(ks(fe, se)).toBeLessThanOrEqual(1 / n + 1e-12);
      }
      expect([...all].sort((a, b) => a - b)).toEqual(Array.from(sp.subset).sort((a, b) => a - b));
    }
  });
  it('honours exclusions and is reproducible', () => {
    const excl = Int32Array.from({ length: 6000 }, (_, i) => 2 * i);
    const a = cvSplit(E, 200, 5, createRng(1), excl);
    for (const i of a.subset) expect(i % 2).toBe(1);
    const b = cvSplit(E, 200, 5, createRng(1), excl);
    expect(a.folds.map((f) => Array.from(f))).toEqual(b.folds.map((f) => Array.from(f)));
    expect(() => cvSplit(E, 10, 1, createRng(1))).toThrow();
  });
});
