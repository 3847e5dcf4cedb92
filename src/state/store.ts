/**
 * The one app store (zustand). React components read slices of it; workers and loaders write to it
 * through the actions. Geometry updates go through `setGeometry`, which the 3D viewer follows with a
 * store subscription (no React re-render per frame).
 */
import { create } from 'zustand';
import type { BackendInfo, BackendName, GeometrySummary, LongTaskResult } from '../compute/workerApi';

export type WorkerStatus = 'starting' | 'ready' | 'error';

export interface WorkerState {
  status: WorkerStatus;
  /** Backend asked for with `?backend=` (undefined: automatic choice). */
  requested?: BackendName;
  info?: BackendInfo;
  error?: string;
}

/** One dataset listed in public/data/manifest.json (loaded lazily, only when used). */
export interface DatasetEntry {
  id: string;
  name: string;
  file: string;
  nFrames?: number;
  nAtoms?: number;
  theory?: string;
}

/** The molecule on screen: atom types plus the current geometry (flat, Å). */
export interface Molecule {
  name: string;
  theory?: string;
  /** Where it came from (file path under public/ and a short note). */
  source: string;
  z: Int32Array;
  R: Float64Array;
  /** Reference energy of this geometry, kcal/mol, when known. */
  E?: number;
}

export type JobStatus = 'running' | 'done' | 'cancelled' | 'error';

export interface Job {
  id: number;
  label: string;
  status: JobStatus;
  fraction: number;
  message?: string;
  result?: LongTaskResult;
  startedAt: number;
  endedAt?: number;
}

export interface AppError {
  id: number;
  message: string;
  detail?: string;
  /** The action that failed ('train', 'evaluate', …): its errors go when the user runs it again. */
  source?: string;
}

export interface AppState {
  compute: WorkerState;
  predict: WorkerState;
  datasets: DatasetEntry[];
  molecule: Molecule | null;
  /** Bumped on every geometry change (also when only R changes in place). */
  geometryVersion: number;
  summary: GeometrySummary | null;
  job: Job | null;
  errors: AppError[];

  setWorker(which: 'compute' | 'predict', patch: Partial<WorkerState>): void;
  setDatasets(ds: DatasetEntry[]): void;
  setMolecule(m: Molecule | null): void;
  /** Replaces the coordinates of the current molecule (same atoms), e.g. from a slider. */
  setGeometry(R: Float64Array, E?: number): void;
  setSummary(s: GeometrySummary | null): void;
  startJob(label: string): number;
  updateJob(id: number, patch: Partial<Omit<Job, 'id'>>): void;
  pushError(message: string, detail?: string, source?: string): void;
  dismissError(id: number): void;
  /** Removes the errors of one action, when it starts again (a new run makes an old failure stale). */
  dismissErrorsFrom(source: string): void;
}

let nextId = 1;

export const useStore = create<AppState>()((set, get) => ({
  compute: { status: 'starting' },
  predict: { status: 'starting' },
  datasets: [],
  molecule: null,
  geometryVersion: 0,
  summary: null,
  job: null,
  errors: [],

  setWorker: (which, patch) => set((s) => ({ [which]: { ...s[which], ...patch } }) as Partial<AppState>),
  setDatasets: (datasets) => set({ datasets }),
  setMolecule: (molecule) => {
    if (molecule && molecule.R.length !== molecule.z.length * 3)
      throw new Error(
        `molecule ${molecule.name}: ${molecule.z.length} atoms but ${molecule.R.length} coordinates`,
      );
    set((s) => ({ molecule, summary: null, geometryVersion: s.geometryVersion + 1 }));
  },
  setGeometry: (R, E) => {
    const m = get().molecule;
    if (!m) throw new Error('setGeometry: no molecule loaded');
    if (R.length !== m.R.length)
      throw new Error(`setGeometry: expected ${m.R.length} coordinates for ${m.name}, got ${R.length}`);
    set((s) => ({ molecule: { ...m, R, E }, geometryVersion: s.geometryVersion + 1 }));
  },
  setSummary: (summary) => set({ summary }),
  startJob: (label) => {
    const id = nextId++;
    set({ job: { id, label, status: 'running', fraction: 0, startedAt: Date.now() } });
    return id;
  },
  updateJob: (id, patch) => set((s) => (s.job && s.job.id === id ? { job: { ...s.job, ...patch } } : {})),
  pushError: (message, detail, source) =>
    set((s) => ({ errors: [...s.errors, { id: nextId++, message, detail, source }] })),
  dismissError: (id) => set((s) => ({ errors: s.errors.filter((e) => e.id !== id) })),
  dismissErrorsFrom: (source) =>
    set((s) =>
      s.errors.some((e) => e.source === source)
        ? { errors: s.errors.filter((e) => e.source !== source) }
        : {},
    ),
}));
