/**
 * Train / validation / test frames for one training run, drawn with the project's stratified sampler
 * (src/data/sample.ts, the reference sGDML's `draw_strat_sample`): first the training frames, then the
 * validation frames outside them, then the test frames outside both. Seeded, so a run can be repeated.
 */
import type { Dataset } from './dataset';
import { createRng, drawStratSample } from './sample';

export interface TrainSplit {
  train: Int32Array;
  valid: Int32Array;
  test: Int32Array;
}

export interface SplitSizes {
  nTrain: number;
  nValid: number;
  nTest: number;
}

/** Readable errors for a dataset that cannot be trained on with these sizes; null when it can. */
export function splitProblem(ds: Dataset, s: SplitSizes): string | null {
  const bad = (n: number, zeroOk: boolean) => !Number.isInteger(n) || n < (zeroOk ? 0 : 1);
  if (bad(s.nTrain, false)) return `the training size must be a positive integer, got ${s.nTrain}`;
  if (bad(s.nValid, true)) return `the validation size must be a non-negative integer, got ${s.nValid}`;
  if (bad(s.nTest, false)) return `the test size must be a positive integer, got ${s.nTest}`;
  if (!ds.E) return `${ds.name} has no energies: training needs energies and forces`;
  if (!ds.F) return `${ds.name} has no forces: training needs energies and forces`;
  const n3 = ds.nAtoms * 3;
  if (ds.z.length !== ds.nAtoms)
    return `${ds.name}: ${ds.z.length} atomic numbers but ${ds.nAtoms} atoms per frame`;
  if (ds.R.length !== ds.nFrames * n3 || ds.F.length !== ds.nFrames * n3 || ds.E.length !== ds.nFrames)
    return `${ds.name}: the arrays do not match ${ds.nFrames} frames of ${ds.nAtoms} atoms`;
  const need = s.nTrain + s.nValid + s.nTest;
  if (need > ds.nFrames)
    return `${ds.name} has ${ds.nFrames} frames, too few for ${s.nTrain} training + ${s.nValid} validation + ${s.nTest} test frames`;
  return null;
}

/** The three disjoint, sorted frame sets; throws with {@link splitProblem}'s message on bad input. */
export function drawTrainSplit(ds: Dataset, s: SplitSizes, seed: number): TrainSplit {
  const problem = splitProblem(ds, s);
  if (problem) throw new Error(problem);
  const E = ds.E as Float64Array;
  const rng = createRng(seed);
  const train = drawStratSample(E, s.nTrain, rng).sort();
  const valid = drawStratSample(E, s.nValid, rng, train).sort();
  const used = new Int32Array(train.length + valid.length);
  used.set(train);
  used.set(valid, train.length);
  const test = drawStratSample(E, s.nTest, rng, used).sort();
  return { train, valid, test };
}
