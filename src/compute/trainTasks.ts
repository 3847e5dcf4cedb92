/**
 * Training in the compute worker (sGDML, GAP, SchNet, BPNN): start, progress, pause, cancel; owned by the Train tab.
 * The methods here are spread into the worker's comlink API (workers/*.worker.ts) and their type
 * into src/compute/workerApi.ts, so each feature adds methods without touching the worker shells.
 *
 * `startTraining` resolves the dataset, parses the options with the model's registry entry (the same
 * names as `pes train`/`pes experiment` flags), draws stratified train/validation/test frames
 * (src/data/trainSplit.ts), trains with the registry's Trainer, tests on the held-out frames and
 * resolves with the serialised model. One training at a time; `cancelTraining` aborts it through an
 * AbortSignal the trainers check, `pauseTraining`/`resumeTraining` hold the NN loop between batches.
 */
import * as tf from '@tensorflow/tfjs';
import { resolveDatasetRef, type DatasetRef } from '../data/datasetRef';
import { drawTrainSplit } from '../data/trainSplit';
import { getModelEntry } from '../models/registry';
import type { ForceField, SerializedModel, TrainProgress } from '../models/types';
import { predictFrames } from '../eval/cv';
import { errorStats, type ErrorStats } from '../eval/metrics';

export interface TrainRequest {
  kind: string;
  /** Raw options named as the CLI flags (e.g. {sigma: 20}, {preset: 'fast'}, {epochs: 5}). */
  params: Record<string, unknown>;
  dataset: DatasetRef;
  nTrain: number;
  /** Validation frames (sGDML σ search, NN early stopping; 0: NN splits 10 % off the training set). */
  nValid: number;
  nTest: number;
  seed: number;
}

/** A progress report: the trainer's stage, fraction (0..1 of the whole call), message, live metrics. */
export interface TrainProgressReport extends TrainProgress {
  /** Seconds since the call started (pauses included). */
  elapsed: number;
}

export interface TrainTimings {
  /** Seconds: loading the dataset, training, testing, whole call. */
  load: number;
  train: number;
  test: number;
  total: number;
}

/** One epoch of NN training (the subset of src/models/nn-common/train EpochRecord the UI plots). */
export interface EpochPoint {
  epoch: number;
  trainLoss: number;
  trainMseE: number;
  trainMseF: number;
  validLoss: number;
  validMseE: number;
  validMseF: number;
  lr: number;
  /** tfjs tensors alive after the epoch (flat across epochs: no leak). */
  numTensors: number;
  /** Seconds since training started, at the end of this epoch (validation included). */
  seconds: number;
}

export interface TrainOutcome {
  kind: string;
  model: SerializedModel;
  z: number[];
  datasetName: string;
  /** Options as the trainer received them. */
  params: Record<string, unknown>;
  nTrain: number;
  nValid: number;
  nTest: number;
  trainIdx: number[];
  /** Errors on the test frames: kcal/mol and kcal/mol/Å. */
  test: ErrorStats;
  timings: TrainTimings;
  /** tfjs backend of the worker. */
  backend: string;
  /** The registry's facts about the model (σ and its trials, epochs, sparse points, …). */
  info?: Record<string, unknown>;
  /** NN training: loss curve per epoch. */
  history?: EpochPoint[];
}

export interface TrainWorkerMethods {
  startTraining(req: TrainRequest, onProgress?: (p: TrainProgressReport) => void): Promise<TrainOutcome>;
  /** Pauses NN training between mini-batches; false when nothing pausable runs. */
  pauseTraining(): Promise<boolean>;
  resumeTraining(): Promise<boolean>;
  /** Aborts the running training (its start call rejects with an AbortError); false when none runs. */
  cancelTraining(): Promise<boolean>;
}

interface Running {
  abort: AbortController;
  /** The NN loop's pause flag (src/models/nn-common/train NNTrainControl). */
  control: { paused: boolean };
  pausable: boolean;
}

let running: Running | null = null;

const now = () => performance.now() / 1000;

export class TrainingCancelled extends Error {
  constructor() {
    super('training cancelled');
    this.name = 'AbortError';
  }
}

function toEpochPoint(r: Record<string, number>): EpochPoint {
  return {
    epoch: r.epoch,
    trainLoss: r.trainLoss,
    trainMseE: r.trainMseE,
    trainMseF: r.trainMseF,
    validLoss: r.validLoss,
    validMseE: r.validRmseE ** 2,
    validMseF: r.validRmseF ** 2,
    lr: r.lr,
    numTensors: r.numTensors,
    seconds: r.seconds,
  };
}

/**
 * Progress at most every 100 ms, except stage changes and per-epoch / per-σ reports (all kept);
 * fractions never decrease.
 */
function throttle(cb: ((p: TrainProgressReport) => void) | undefined, t0: number) {
  let last = 0;
  let lastStage = '';
  let high = 0;
  return (p: TrainProgress) => {
    if (!cb) return;
    // some trainers restart their fraction per sub-stage; the bar never moves back
    high = Math.max(high, p.fraction);
    p = { ...p, fraction: high };
    const t = now();
    const always = p.stage !== lastStage || p.stage === 'epoch' || p.stage === 'sigma' || p.stage === 'done';
    if (!always && t - last < 0.1) return;
    last = t;
    lastStage = p.stage;
    cb({ ...p, elapsed: t - t0 });
  };
}

export async function startTraining(
  req: TrainRequest,
  onProgress?: (p: TrainProgressReport) => void,
): Promise<TrainOutcome> {
  if (running) throw new Error('a training is already running in this worker; cancel it first');
  const isNN = req.kind === 'schnet' || req.kind === 'bpnn';
  const job: Running = { abort: new AbortController(), control: { paused: false }, pausable: isNN };
  running = job;
  const signal = job.abort.signal;
  const t0 = now();
  const report = throttle(onProgress, t0);
  // the trainer's 0..1 is mapped to 0.02..0.95; loading before, testing after
  const LOAD = 0.02;
  const TRAIN = 0.93;
  let model: ForceField | null = null;
  try {
    const entry = getModelEntry(req.kind);
    const params = entry.parseOptions(req.params ?? {});
    if (entry.validSize(params) > 0 && req.nValid < 1)
      throw new Error(`${entry.label} with these options needs validation frames (set validation > 0)`);
    report({ stage: 'load', fraction: 0, message: 'loading the dataset' });
    const ds = await resolveDatasetRef(req.dataset);
    if (signal.aborted) throw new TrainingCancelled();
    const split = drawTrainSplit(ds, req, req.seed);
    const tLoad = now();
    const trainer = await entry.create();
    report({
      stage: 'train',
      fraction: LOAD,
      message: `training ${entry.label} on ${split.train.length} frames`,
    });
    // NN trainers also read `control` (pause) from the options; the others ignore it
    const opts = {
      signal,
      seed: req.seed,
      validIdx: split.valid.length > 0 ? split.valid : undefined,
      control: job.control,
      onProgress: (p: TrainProgress) =>
        report({
          ...p,
          fraction: LOAD + TRAIN * Math.min(1, Math.max(0, p.fraction)),
          metrics:
            p.stage === 'epoch' && p.metrics ? { ...p.metrics, ...toEpochPoint(p.metrics) } : p.metrics,
        }),
    };
    try {
      model = await trainer.train(ds, split.train, params, opts);
    } catch (e) {
      if (signal.aborted) throw new TrainingCancelled();
      throw e;
    }
    const tTrain = now();
    report({ stage: 'test', fraction: LOAD + TRAIN, message: `testing on ${split.test.length} frames` });
    const nT = split.test.length;
    const p = predictFrames(model, ds, split.test, 50, signal, (done) =>
      report({
        stage: 'test',
        fraction: LOAD + TRAIN + (1 - LOAD - TRAIN) * (done / nT),
        message: `testing ${done}/${nT}`,
      }),
    );
    const n3 = ds.nAtoms * 3;
    const refE = Float64Array.from(split.test, (m) => (ds.E as Float64Array)[m]);
    const refF = new Float64Array(nT * n3);
    split.test.forEach((m, q) => refF.set((ds.F as Float64Array).subarray(m * n3, (m + 1) * n3), q * n3));
    const test = errorStats(p.E, refE, p.F, refF, ds.nAtoms);
    const tTest = now();
    const history = (
      model as unknown as { result?: { history?: Record<string, number>[] } }
    ).result?.history?.map((r) => toEpochPoint(r as unknown as Record<string, number>));
    const outcome: TrainOutcome = {
      kind: req.kind,
      model: model.serialize(),
      z: Array.from(ds.z),
      datasetName: ds.name,
      params,
      nTrain: split.train.length,
      nValid: split.valid.length,
      nTest: nT,
      trainIdx: Array.from(split.train),
      test,
      timings: { load: tLoad - t0, train: tTrain - tLoad, test: tTest - tTrain, total: tTest - t0 },
      backend: tf.getBackend(),
      info: entry.modelInfo?.(model),
      history,
    };
    report({ stage: 'done', fraction: 1, message: 'done' });
    return outcome;
  } catch (e) {
    if (signal.aborted && !(e instanceof TrainingCancelled)) throw new TrainingCancelled();
    throw e;
  } finally {
    (model as unknown as { dispose?: () => void } | null)?.dispose?.();
    if (running === job) running = null;
  }
}

export const trainWorkerMethods: TrainWorkerMethods = {
  startTraining,
  async pauseTraining() {
    if (!running?.pausable) return false;
    running.control.paused = true;
    return true;
  },
  async resumeTraining() {
    if (!running?.pausable) return false;
    running.control.paused = false;
    return true;
  },
  async cancelTraining() {
    if (!running) return false;
    running.abort.abort();
    return true;
  },
};
