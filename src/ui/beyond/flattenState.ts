/** State of the error-flattening panel (Train tab): the run in the compute worker, kept across tab switches. */
import { create } from 'zustand';
import type { FlattenOutcome, FlattenProgress, FlattenRoundReport } from '../../compute/beyondTasks';

export type FlattenStatus = 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'error';

export interface FlattenState {
  status: FlattenStatus;
  /** Bumped per run; progress of an older run is ignored. */
  runId: number;
  /** e.g. "sGDML error-flattened M=100 (azobenzene-rotation)". */
  label: string;
  fraction: number;
  message?: string;
  error?: string;
  /** Rounds so far (live while running, complete when done). */
  rounds: FlattenRoundReport[];
  /** Cluster names (from the first progress report that knows them). */
  clusterLabels: string[] | null;
  result?: FlattenOutcome;
  /** Id in the shared models store once "Use this model" was pressed. */
  modelId?: string;
  startedAt: number;
  begin(label: string): number;
  progress(runId: number, p: FlattenProgress): void;
  finish(runId: number, result: FlattenOutcome): void;
  fail(runId: number, status: 'cancelled' | 'error', error?: string): void;
  setStatus(status: FlattenStatus): void;
  setModelId(id: string): void;
}

export const useFlatten = create<FlattenState>()((set, get) => ({
  status: 'idle',
  runId: 0,
  label: '',
  fraction: 0,
  rounds: [],
  clusterLabels: null,
  startedAt: 0,
  begin: (label) => {
    const runId = get().runId + 1;
    set({
      status: 'running',
      runId,
      label,
      fraction: 0,
      message: 'starting…',
      error: undefined,
      rounds: [],
      clusterLabels: null,
      result: undefined,
      modelId: undefined,
      startedAt: Date.now(),
    });
    return runId;
  },
  progress: (runId, p) => {
    const s = get();
    if (s.runId !== runId || s.status !== 'running') return;
    set({
      fraction: p.fraction,
      message: p.message,
      rounds: p.rounds,
      clusterLabels: p.clusterLabels ?? s.clusterLabels,
    });
  },
  finish: (runId, result) => {
    if (get().runId !== runId) return;
    set({
      status: 'done',
      fraction: 1,
      message: undefined,
      result,
      rounds: result.rounds,
      clusterLabels: result.clusterLabels,
    });
  },
  fail: (runId, status, error) => {
    if (get().runId !== runId) return;
    set({ status, error, message: status === 'cancelled' ? 'cancelled' : undefined });
  },
  setStatus: (status) => set({ status }),
  setModelId: (modelId) => set({ modelId }),
}));
