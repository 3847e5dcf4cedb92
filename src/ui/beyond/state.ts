/** State of the path-search panel (NEB, Langevin MD, mixture training), kept across tab switches. */
import { create } from 'zustand';
import type { MdOutcome, MixtureTrainOutcome, NebOutcome } from '../../compute/beyondTasks';

export type RunStatus = 'idle' | 'running' | 'done' | 'cancelled' | 'error';

export interface RunState<R> {
  status: RunStatus;
  fraction: number;
  message?: string;
  error?: string;
  result?: R;
  startedAt?: number;
}

export interface BeyondState {
  neb: RunState<NebOutcome>;
  md: RunState<MdOutcome>;
  mix: RunState<MixtureTrainOutcome>;
  set(k: 'neb' | 'md' | 'mix', patch: Partial<RunState<unknown>>): void;
}

const idle = { status: 'idle' as const, fraction: 0 };

export const useBeyond = create<BeyondState>()((set) => ({
  neb: idle,
  md: idle,
  mix: idle,
  set: (k, patch) => set((s) => ({ [k]: { ...s[k], ...patch } }) as Partial<BeyondState>),
}));
