/**
 * Planning and summarising an error-flattening run (src/data/flatten-select.ts) for the app: the
 * training-set size of every round from start/final/step, a per-cluster held-out test set, and the
 * reduction of the worst cluster's error against the stratified baseline. Pure functions.
 */
import { choiceWithoutReplacement, type Rng } from './sample.ts';

export interface FlattenPlan {
  /** Add-and-retrain rounds after the initial model (the `rounds` of errorFlatteningSelection). */
  rounds: number;
  /** Training-set size of every trained model, initial first, final last. */
  sizes: number[];
}

/**
 * Rounds and sizes for growing a training set from `nStart` to `nFinal` in steps of about `step` frames:
 * ⌈(nFinal − nStart)/step⌉ rounds, the frames shared as errorFlatteningSelection shares them (each round
 * adds ⌈remaining / rounds left⌉, so steps differ by at most one frame).
 */
export function planFlattenRounds(nStart: number, nFinal: number, step: number): FlattenPlan {
  const int = (v: number, what: string, min: number) => {
    if (!Number.isInteger(v) || v < min)
      throw new RangeError(`${what} must be an integer ≥ ${min}, got ${v}`);
  };
  int(nStart, 'the start size', 1);
  int(nFinal, 'the final size', 1);
  int(step, 'the step', 1);
  if (nFinal < nStart) throw new RangeError(`the final size (${nFinal}) is below the start size (${nStart})`);
  const rounds = Math.ceil((nFinal - nStart) / step);
  const sizes = [nStart];
  let n = nStart;
  for (let r = 1; r <= rounds; r++) {
    const remaining = nFinal - n;
    n += r >= rounds ? remaining : Math.ceil(remaining / (rounds - r + 1));
    sizes.push(n);
  }
  return { rounds, sizes };
}

/**
 * A held-out test set with up to `perCluster` random frames of every cluster, never more than half of a
 * cluster (so training and candidates keep frames of every region); sorted frame indices.
 * Labels outside 0…nClusters−1 are ignored.
 */
export function clusterTestSet(
  labels: ArrayLike<number>,
  nClusters: number,
  perCluster: number,
  rng: Rng,
): Int32Array {
  if (!Number.isInteger(perCluster) || perCluster < 1)
    throw new RangeError(`test frames per cluster must be an integer ≥ 1, got ${perCluster}`);
  const members: number[][] = Array.from({ length: nClusters }, () => []);
  for (let m = 0; m < labels.length; m++) {
    const c = labels[m];
    if (c >= 0 && c < nClusters) members[c].push(m);
  }
  const out: number[] = [];
  for (const mem of members)
    out.push(...choiceWithoutReplacement(mem, Math.min(perCluster, Math.floor(mem.length / 2)), rng));
  return Int32Array.from(out).sort();
}

/** Largest error among clusters with at least `minFrames` test frames (NaN when none qualifies). */
export function maxClusterError(
  clusters: readonly { n: number; fRmse: number }[],
  minFrames = 5,
): { cluster: number; value: number } {
  let best = { cluster: -1, value: NaN };
  clusters.forEach((c, i) => {
    if (c.n >= minFrames && Number.isFinite(c.fRmse) && !(c.fRmse <= best.value))
      best = { cluster: i, value: c.fRmse };
  });
  return best;
}

/**
 * How much the worst cluster's force error fell from `baseline` to `flattened` (both measured on the same
 * test frames): 100·(1 − max_flat / max_base) in %, positive = better. NaN when either has no cluster.
 */
export function maxClusterReduction(
  baseline: readonly { n: number; fRmse: number }[],
  flattened: readonly { n: number; fRmse: number }[],
  minFrames = 5,
): { baseline: number; flattened: number; percent: number } {
  const b = maxClusterError(baseline, minFrames).value;
  const f = maxClusterError(flattened, minFrames).value;
  return { baseline: b, flattened: f, percent: 100 * (1 - f / b) };
}
