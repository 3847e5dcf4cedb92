/**
 * How long one cross-validation fold of the study takes, in seconds on the machine the committed results
 * were run on (2-core AMD EPYC VM, one Node process, tfjs wasm for the networks). Used for `pes study
 * --list` and for the weights of the progress bar's time estimate. These are rough scaling laws fitted to
 * committed timings (the `trainSeconds` + `testSeconds` of docs/results), not promises: each constant
 * says which measurement it comes from. Pure functions, no I/O.
 */

export interface FoldCostInput {
  model: 'sgdml' | 'gap' | 'schnet' | 'bpnn';
  /** `pes experiment` options of the run (descriptor, sigma, preset, cutoff, epochs, features…). */
  options: Record<string, string>;
  /** Training frames. */
  n: number;
  nAtoms: number;
  /** sGDML with σ searched: the trials the search made (a finished fold's record), when known. */
  trials?: number;
  /**
   * sGDML with σ searched: the search starts at the σ a smaller size chose (cross-validation's warm
   * start, every size of a run after its first), so it takes about 3 trials instead of the whole walk.
   */
  warmStart?: boolean;
  /**
   * sGDML: the fold ran before the 17th session's faster CG (its modelInfo has no `linalg` record:
   * JavaScript matrix products and triangular solve, slower preconditioner passes). Those solves took
   * ≈ 2.2× as long (azobenzene rotation n = 300, σ = 40: 76 vs 37 s; n = 400, σ = 30: 205 vs 87 s).
   * GAP: the fold ran before the 21st session's packed products (no `linalg` record; see gapSeconds).
   */
  slowLinalg?: boolean;
  /**
   * sGDML CG: the fold ran before the 18th session's WebAssembly preconditioner products (its modelInfo
   * has no `precondLinalg` record). Those solves took ≈ 1.4× as long with [1/r] (azobenzene rotation
   * n = 400, σ = 20: 162 vs 115 s, the same 624 iterations) and ≈ 1.17× with [1/r + ang] (n = 300,
   * σ = 20: 315 vs 269 s, 2000 iterations), whose kernel products weigh more against the preconditioner's.
   */
  slowPrecond?: boolean;
}

/**
 * sGDML: the kernel has 3·N·n rows. Up to 8000 rows the analytic (Cholesky) solve is used, O(rows³):
 * glycine [1/r], n = 200 (6000 rows), 18 s per σ trial. Above, CG, O(rows²) per solve in practice, and
 * the kernel width sets the iteration count: at σ = 60 (azobenzene rotation [1/r], σ fixed, n = 200 /
 * 500 / 1000: 14 400 / 36 000 / 72 000 rows) a solve took 35 / 156 / 675 s; at the σ = 10–40 that the
 * grid search tries, 3.5× as long — glycine n = 400 / 500 / 600 (12 000 / 15 000 / 18 000 rows, σ = 10)
 * 64 / 107 / 153 s per trial, azobenzene [1/r] n = 200 (study, σ = 10…40) 650–1020 s per fold of 4
 * trials with three jobs on the two cores. [1/r + ang] costs 1.35× per trial with Cholesky (glycine
 * n = 200) and 3.2× with CG (rotation n = 1000: 2162 s). Without a fixed σ the grid search stops at the
 * first rise of the validation error: [1/r] needed 2 trials on glycine (σ = 10 best) and 4 on azobenzene
 * (σ = 30 best), [1/r + ang] 7–9 on glycine. Started at the σ of the size before (the warm start),
 * it needs 3: that σ and its two neighbours (2 at the ends of the grid).
 */
function sgdmlSeconds(x: FoldCostInput): number {
  const rows = 3 * x.nAtoms * x.n;
  const ang = x.options.descriptor === 'inv+ang';
  const searched = x.options.sigma === undefined;
  const cgPerRow2 = searched ? 4.6e-7 : 1.3e-7;
  // the CG law below was fitted to the code before the 17th session; each speed-up since divides it
  const precondGain = x.slowLinalg || x.slowPrecond ? 1 : ang ? 1.17 : 1.4;
  const cgSpeed = (x.slowLinalg ? 1 : 1 / 2.2) / precondGain;
  const perTrial =
    rows <= 8000 ? 8.3e-11 * rows ** 3 * (ang ? 1.35 : 1) : cgPerRow2 * rows ** 2 * (ang ? 3.2 : 1) * cgSpeed;
  const cold = ang ? 7 : x.nAtoms <= 12 ? 2 : 4;
  const trials = !searched ? 1 : (x.trials ?? (x.warmStart ? Math.min(3, cold) : cold));
  return 1 + perTrial * trials;
}

/**
 * GAP/SOAP, paper preset (n_max 12, l_max 6, 500 sparse points), training and test together: glycine
 * n = 50 / 100 / 200 / 300 took 12 / 42 / 115 / 220 s, ≈ 0.0075 · n^1.4 · N. The fast preset (n_max 8,
 * l_max 4) is ≈ 2.5× cheaper (azobenzene rotation n = 1000: 700 s measured, 1100 s predicted). The
 * cutoff matters little: the fast-preset scan on rotation, n = 200, 3 folds, took 176 / 202 / 210 /
 * 201 / 222 / 225 s at 3 … 8 Å (docs/results/gap/rotation-gap-scan-n200-rc*.json), ≈ (cutoff / 5)^0.3.
 * Those timings are of the code before the 21st session; since, its products run on matrices packed
 * once in WebAssembly memory (`npm run bench -- gap azobenzene --preset paper --n-train 100 --n-test
 * 50`: training 55 → 41 s, prediction 65 → 48 ms per geometry), so folds that record it count ≈ 1.3×
 * less.
 */
function gapSeconds(x: FoldCostInput): number {
  const preset = x.options.preset === 'fast' ? 1 / 2.5 : 1;
  const sparse = x.options['n-sparse'] ? Math.min(1, Number(x.options['n-sparse']) / 500) : 1;
  const rc = x.options.cutoff ? Number(x.options.cutoff) : 5;
  const packed = x.slowLinalg ? 1 : 1 / 1.3;
  return 1 + 0.0075 * x.n ** 1.4 * x.nAtoms * preset * Math.sqrt(sparse) * (rc / 5) ** 0.3 * packed;
}

/**
 * Networks: seconds per training configuration per epoch, ≈ a · N^b, from the one-fold n = 1000 runs of
 * docs/results/nn (900 train + 100 validation frames): SchNet (32 features, 3 interactions) 10 s per
 * epoch on glycine, 45 s on azobenzene; BPNN 14 s and 82 s. The paper-size SchNet (64 features, 6
 * interactions) took ≈ 5.5× the reduced one (`npm run bench -- nn`: 234–282 s per azobenzene epoch).
 * Epochs: the maximum (default 1000); early stopping (patience 30) usually ends sooner, so for the
 * networks the estimate is an upper bound.
 */
function nnSeconds(x: FoldCostInput): number {
  const epochs = Number(x.options.epochs ?? 1000);
  let perConfig: number;
  if (x.model === 'schnet') {
    // the cost of a SchNet epoch grows ≈ linearly with interactions and as features^1.5 (fits 5.5×)
    const features = Number(x.options.features ?? 64);
    const interactions = Number(x.options.interactions ?? 6);
    const size = (features / 64) ** 1.5 * (interactions / 6);
    perConfig = 5.5 * 1.9e-4 * x.nAtoms ** 1.72 * size;
  } else perConfig = 1.34e-4 * x.nAtoms ** 2.02;
  return 1 + epochs * x.n * perConfig;
}

/** Estimated seconds of one fold (training and test) on the reference machine. */
export function foldSeconds(x: FoldCostInput): number {
  switch (x.model) {
    case 'sgdml':
      return sgdmlSeconds(x);
    case 'gap':
      return gapSeconds(x);
    case 'schnet':
    case 'bpnn':
      return nnSeconds(x);
  }
}

/** The estimate is an upper bound (networks: every epoch run) rather than a typical time. */
export const isUpperBound = (model: FoldCostInput['model']) => model === 'schnet' || model === 'bpnn';
