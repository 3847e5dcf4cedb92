/**
 * State of the Datasets tab only: computed statistics per dataset id, the tasks running in the data
 * worker (with progress), the inline error, and the pending "which units?" question.
 */
import { create } from 'zustand';
import type { DatasetStats } from '../../compute/dataTasks';
import type { ReadDatasetOptions } from '../../data/io/index';
import type { UnitsProbe } from '../../data/unitsProbe';

export interface TaskState {
  label: string;
  fraction: number;
  message?: string;
  /** Live numbers of the task, e.g. bytesRead / totalBytes / frames while a file is parsed. */
  metrics?: Record<string, number>;
  /** False for a step that cannot be stopped any more (the dataset is already added); default true. */
  cancellable?: boolean;
}

export interface UnitsQuestion {
  fileName: string;
  probe: UnitsProbe;
  /** Resolves with the chosen units, or null when the user cancels. */
  answer(read: ReadDatasetOptions | null): void;
}

export interface DatasetsTabState {
  stats: Record<string, DatasetStats>;
  tasks: Record<string, TaskState>;
  inlineError: { message: string; detail?: string } | null;
  warnings: Record<string, string[]>;
  question: UnitsQuestion | null;
  /** The files kept in IndexedDB have been read back (or there were none). */
  restored: boolean;
  setStats(id: string, s: DatasetStats): void;
  setTask(key: string, t: TaskState | null): void;
  setInlineError(e: { message: string; detail?: string } | null): void;
  setWarnings(id: string, w: string[]): void;
  setQuestion(q: UnitsQuestion | null): void;
  /** Drops what is kept about a dataset (when it is removed). */
  forget(id: string): void;
}

export const useDatasetsTab = create<DatasetsTabState>()((set) => ({
  stats: {},
  tasks: {},
  inlineError: null,
  warnings: {},
  question: null,
  restored: false,
  setStats: (id, s) => set((st) => ({ stats: { ...st.stats, [id]: s } })),
  setTask: (key, t) =>
    set((st) => {
      const tasks = { ...st.tasks };
      if (t) tasks[key] = t;
      else delete tasks[key];
      return { tasks };
    }),
  setInlineError: (inlineError) => set({ inlineError }),
  setWarnings: (id, w) => set((st) => ({ warnings: { ...st.warnings, [id]: w } })),
  setQuestion: (question) => set({ question }),
  forget: (id) =>
    set((st) => {
      const stats = { ...st.stats };
      const warnings = { ...st.warnings };
      delete stats[id];
      delete warnings[id];
      return { stats, warnings };
    }),
}));
