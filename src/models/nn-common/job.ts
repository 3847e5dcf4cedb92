/**
 * A pausable, cancellable SchNet/BPNN training job for the compute worker: expose `start`, `pause`,
 * `resume` and `cancel` over comlink (the training loop yields between mini-batches, so these calls
 * get through while it runs). The result is the serialised best model plus the epoch history, ready
 * to post back to the page.
 */
import type { Dataset } from '../../data/dataset';
import type { SerializedModel, TrainProgress } from '../types';
import { bpnnTrainer, type BpnnParams } from '../bpnn/index';
import { schnetTrainer, type SchNetParams } from '../schnet/index';
import type { EpochRecord, NNTrainControl, NNTrainResult } from './train';

export interface NNJobResult {
  model: SerializedModel;
  history: EpochRecord[];
  bestEpoch: number;
  stoppedBy: NNTrainResult['stoppedBy'];
  seconds: number;
}

export class NNTrainingJob {
  private control: NNTrainControl = { paused: false };
  private abort = new AbortController();

  /**
   * Trains `kind` on frames `trainIdx` of ds (validation: `validIdx`, or 10 % split off). With
   * `keepBestOnCancel`, cancelling returns the best model so far instead of rejecting.
   */
  async start(
    kind: 'schnet' | 'bpnn',
    ds: Dataset,
    trainIdx: Int32Array,
    params: SchNetParams | BpnnParams,
    opts: {
      validIdx?: Int32Array;
      seed?: number;
      onProgress?: (p: TrainProgress) => void;
      keepBestOnCancel?: boolean;
    } = {},
  ): Promise<NNJobResult> {
    this.control = { paused: false };
    this.abort = new AbortController();
    const o = {
      validIdx: opts.validIdx,
      seed: opts.seed,
      onProgress: opts.onProgress,
      signal: this.abort.signal,
      control: this.control,
      keepBestOnAbort: opts.keepBestOnCancel ?? false,
    };
    const ff =
      kind === 'schnet'
        ? await schnetTrainer.train(ds, trainIdx, params as SchNetParams, o)
        : await bpnnTrainer.train(ds, trainIdx, params as BpnnParams, o);
    try {
      return {
        model: ff.serialize(),
        history: ff.result.history,
        bestEpoch: ff.result.bestEpoch,
        stoppedBy: ff.result.stoppedBy,
        seconds: ff.result.seconds,
      };
    } finally {
      ff.dispose();
    }
  }

  pause(): void {
    this.control.paused = true;
  }

  resume(): void {
    this.control.paused = false;
  }

  cancel(): void {
    this.abort.abort();
  }
}
