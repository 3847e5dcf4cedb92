/**
 * Error-flattening training-set selection (the sampling idea of Vassilev-Galindo et al. 2021, Sec. 4):
 * start from a stratified sample, train, measure the per-frame error on a labelled candidate pool, and add
 * the highest-error frames of the clusters whose error is above `threshold` × the mean cluster error,
 * sharing the additions between those clusters in proportion to error × population; retrain; repeat until
 * the target size. The selection rule (`flattenSelectStep`) is pure; the loop (`errorFlatteningSelection`)
 * takes the training and error functions as arguments.
 */
import type { ForceField } from '../models/types';

export interface FlattenClusterStat {
  cluster: number;
  /** Candidate frames in the cluster. */
  n: number;
  /** Share of the candidate frames (0…1). */
  population: number;
  /** RMS of the per-frame errors of the cluster (the error's unit, e.g. kcal/mol/Å). */
  rmse: number;
  /** Above threshold × mean cluster error. */
  selected: boolean;
  /** Frames added from this cluster. */
  added: number;
}

export interface FlattenStep {
  /** Dataset frame indices to add (highest error first within each cluster). */
  add: Int32Array;
  /** Mean of the non-empty clusters' errors. */
  meanError: number;
  clusters: FlattenClusterStat[];
}

/**
 * One selection step. `errors[i]` is the error of candidate `candidates[i]` (dataset frame index) and
 * `labels[i]` its cluster (0…nClusters−1; negative = ignored). Returns `nAdd` frames (fewer only when the
 * selected clusters run out of candidates; then the other clusters, by weight, fill the rest).
 */
export function flattenSelectStep(
  candidates: ArrayLike<number>,
  errors: ArrayLike<number>,
  labels: ArrayLike<number>,
  nClusters: number,
  nAdd: number,
  threshold = 1.1,
): FlattenStep {
  if (candidates.length !== errors.length || candidates.length !== labels.length)
    throw new Error('flattenSelectStep: candidates, errors and labels must have the same length');
  if (!Number.isInteger(nAdd) || nAdd < 0) throw new RangeError(`nAdd must be a non-negative integer`);
  const members: number[][] = Array.from({ length: nClusters }, () => []);
  for (let i = 0; i < candidates.length; i++) {
    const c = labels[i];
    if (c >= 0 && c < nClusters && Number.isFinite(errors[i])) members[c].push(i);
  }
  const total = members.reduce((a, m) => a + m.length, 0);
  const stats: FlattenClusterStat[] = members.map((m, c) => {
    let ss = 0;
    for (const i of m) ss += errors[i] * errors[i];
    return {
      cluster: c,
      n: m.length,
      population: total ? m.length / total : 0,
      rmse: m.length ? Math.sqrt(ss / m.length) : NaN,
      selected: false,
      added: 0,
    };
  });
  const nonEmpty = stats.filter((s) => s.n > 0);
  const meanError = nonEmpty.length ? nonEmpty.reduce((a, s) => a + s.rmse, 0) / nonEmpty.length : NaN;
  for (const s of nonEmpty) s.selected = s.rmse > threshold * meanError;
  // highest error first inside each cluster
  for (const m of members) m.sort((a, b) => errors[b] - errors[a]);
  const quota = new Array<number>(nClusters).fill(0);
  const fill = (pool: FlattenClusterStat[], want: number): number => {
    let left = want;
    while (left > 0) {
      const open = pool.filter((s) => quota[s.cluster] < s.n);
      if (open.length === 0) break;
      const weight = open.map((s) => s.rmse * s.population);
      const wsum = weight.reduce((a, b) => a + b, 0);
      // largest-remainder shares of what is left, capped by each cluster's candidates
      const raw = open.map((_, j) => (wsum > 0 ? (left * weight[j]) / wsum : left / open.length));
      const give = raw.map(Math.floor);
      let rest = left - give.reduce((a, b) => a + b, 0);
      const order = raw.map((r, j) => [r - Math.floor(r), j]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
      for (let t = 0; rest > 0 && t < order.length; t++, rest--) give[order[t][1]]++;
      let given = 0;
      open.forEach((s, j) => {
        const g = Math.min(give[j], s.n - quota[s.cluster]);
        quota[s.cluster] += g;
        given += g;
      });
      left -= given;
      if (given === 0) break;
    }
    return want - left;
  };
  const selected = nonEmpty.filter((s) => s.selected);
  const got = fill(selected.length ? selected : nonEmpty, nAdd);
  if (got < nAdd) fill(nonEmpty, nAdd - got);
  const add: number[] = [];
  for (let c = 0; c < nClusters; c++) {
    stats[c].added = quota[c];
    for (let t = 0; t < quota[c]; t++) add.push(candidates[members[c][t]]);
  }
  return { add: Int32Array.from(add), meanError, clusters: stats };
}

export interface FlattenRound {
  /** Training-set size the model of this round was trained on. */
  size: number;
  meanError: number;
  maxClusterError: number;
  clusters: FlattenClusterStat[];
}

export interface FlattenOptions {
  /** Starting training set (e.g. a stratified sample). */
  initial: Int32Array;
  target: number;
  /** Labelled candidate frames (never test frames); each round uses the ones not yet in training. */
  candidates: Int32Array;
  /** Cluster of every dataset frame. */
  frameCluster: ArrayLike<number>;
  nClusters: number;
  /** Number of add-and-retrain rounds from the initial to the target size (default 2). */
  rounds?: number;
  threshold?: number;
  train(idx: Int32Array, round: number): Promise<ForceField>;
  /** Error of each of `frames` under `model` (e.g. per-frame force RMSE). */
  frameErrors(model: ForceField, frames: Int32Array): Float64Array | Promise<Float64Array>;
  signal?: AbortSignal;
  onRound?(r: FlattenRound): void;
}

/** The loop: returns the final training set, its model, and the per-round cluster errors on the pool. */
export async function errorFlatteningSelection(
  o: FlattenOptions,
): Promise<{ idx: Int32Array; model: ForceField; rounds: FlattenRound[] }> {
  const rounds = o.rounds ?? 2;
  if (o.target < o.initial.length) throw new Error('target size is below the initial training set');
  let idx = Int32Array.from(o.initial);
  const nSteps = Math.max(1, rounds);
  const history: FlattenRound[] = [];
  let model = await o.train(idx, 0);
  for (let r = 1; idx.length < o.target; r++) {
    if (o.signal?.aborted) throw new DOMException('error-flattening selection cancelled', 'AbortError');
    const inTrain = new Set(idx);
    const cand = Int32Array.from(Array.from(o.candidates).filter((m) => !inTrain.has(m)));
    const err = await o.frameErrors(model, cand);
    const labels = Int32Array.from(cand, (m) => o.frameCluster[m]);
    const remaining = o.target - idx.length;
    const nAdd = r >= nSteps ? remaining : Math.ceil(remaining / (nSteps - r + 1));
    const step = flattenSelectStep(cand, err, labels, o.nClusters, nAdd, o.threshold);
    const round: FlattenRound = {
      size: idx.length,
      meanError: step.meanError,
      maxClusterError: Math.max(...step.clusters.filter((c) => c.n > 0).map((c) => c.rmse)),
      clusters: step.clusters,
    };
    history.push(round);
    o.onRound?.(round);
    if (step.add.length === 0) break;
    const next = new Int32Array(idx.length + step.add.length);
    next.set(idx);
    next.set(step.add, idx.length);
    idx = next;
    model = await o.train(idx, r);
  }
  return { idx, model, rounds: history };
}
