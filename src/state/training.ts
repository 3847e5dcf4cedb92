/**
 * The Train tab's job state: what runs (or ran) in the compute worker, its progress, the live loss
 * curve (NN epochs) or σ trials (sGDML), and the outcome. One training at a time, as in the worker.
 * Pause time is tracked so the ETA counts only time spent working.
 */
import { create } from 'zustand';
import type { EpochPoint, TrainOutcome, TrainProgressReport } from '../compute/trainTasks';

export type TrainStatus = 'idle' | 'running' | 'paused' | 'cancelling' | 'done' | 'error' | 'cancelled';

export interface SigmaTrialPoint {
  sigma: number;
  /** kcal/mol/Å and kcal/mol */
  validForceRmse: number;
  validEnergyRmse: number;
}

export interface TrainingState {
  /** Bumped per run; reports from older runs are ignored. */
  runId: number;
  status: TrainStatus;
  kind: string | null;
  label: string;
  fraction: number;
  stage: string;
  message: string;
  /** Date.now() at start; total paused ms and the start of the current pause. */
  startedAt: number;
  pausedMs: number;
  pausedSince: number | null;
  epochs: EpochPoint[];
  sigmaTrials: SigmaTrialPoint[];
  result: TrainOutcome | null;
  /** Id in the shared models store once added. */
  modelId: string | null;
  error: string | null;
  begin(kind: string, label: string): number;
  progress(runId: number, p: TrainProgressReport): void;
  setPaused(paused: boolean): void;
  setStatus(status: TrainStatus): void;
  finish(runId: number, result: TrainOutcome, modelId: string): void;
  fail(runId: number, status: 'error' | 'cancelled', error?: string): void;
}

export const useTraining = create<TrainingState>()((set, get) => ({
  runId: 0,
  status: 'idle',
  kind: null,
  label: '',
  fraction: 0,
  stage: '',
  message: '',
  startedAt: 0,
  pausedMs: 0,
  pausedSince: null,
  epochs: [],
  sigmaTrials: [],
  result: null,
  modelId: null,
  error: null,
  begin(kind, label) {
    const runId = get().runId + 1;
    set({
      runId,
      status: 'running',
      kind,
      label,
      fraction: 0,
      stage: 'start',
      message: 'starting…',
      startedAt: Date.now(),
      pausedMs: 0,
      pausedSince: null,
      epochs: [],
      sigmaTrials: [],
      result: null,
      modelId: null,
      error: null,
    });
    return runId;
  },
  progress(runId, p) {
    const s = get();
    if (runId !== s.runId || (s.status !== 'running' && s.status !== 'paused')) return;
    const next: Partial<TrainingState> = {
      fraction: p.fraction,
      stage: p.stage,
      message: p.message ?? s.message,
    };
    const m = p.metrics;
    if (p.stage === 'epoch' && m && Number.isFinite(m.epoch) && !s.epochs.some((e) => e.epoch === m.epoch))
      next.epochs = [
        ...s.epochs,
        {
          epoch: m.epoch,
          trainLoss: m.trainLoss,
          trainMseE: m.trainMseE,
          trainMseF: m.trainMseF,
          validLoss: m.validLoss,
          validMseE: m.validMseE,
          validMseF: m.validMseF,
          lr: m.lr,
          numTensors: m.numTensors,
          seconds: m.seconds,
        },
      ];
    if (p.stage === 'sigma' && m && Number.isFinite(m.sigma))
      next.sigmaTrials = [
        ...s.sigmaTrials.filter((t) => t.sigma !== m.sigma),
        { sigma: m.sigma, validForceRmse: m.validForceRmse, validEnergyRmse: m.validEnergyRmse },
      ];
    set(next);
  },
  setPaused(paused) {
    const s = get();
    if (paused && s.status === 'running') set({ status: 'paused', pausedSince: Date.now() });
    else if (!paused && s.status === 'paused')
      set({
        status: 'running',
        pausedMs: s.pausedMs + (s.pausedSince ? Date.now() - s.pausedSince : 0),
        pausedSince: null,
      });
  },
  setStatus(status) {
    set({ status });
  },
  finish(runId, result, modelId) {
    if (runId !== get().runId) return;
    set({
      status: 'done',
      fraction: 1,
      stage: 'done',
      message: 'done',
      result,
      modelId,
      // the outcome's history is complete even if a progress report was dropped
      epochs: result.history && result.history.length > 0 ? result.history : get().epochs,
    });
  },
  fail(runId, status, error) {
    if (runId !== get().runId) return;
    set({ status, error: error ?? null, pausedSince: null });
  },
}));

/** Seconds spent working (pauses excluded) at time `now` (ms). */
export function activeSeconds(s: Pick<TrainingState, 'startedAt' | 'pausedMs' | 'pausedSince'>, now: number) {
  const paused = s.pausedMs + (s.pausedSince ? now - s.pausedSince : 0);
  return Math.max(0, (now - s.startedAt - paused) / 1000);
}

/** Remaining seconds from the work done so far, or null while too little is done to tell. */
export function etaSeconds(fraction: number, active: number): number | null {
  if (!(fraction > 0.02) || fraction >= 1 || !(active > 0.5)) return null;
  return (active * (1 - fraction)) / fraction;
}
