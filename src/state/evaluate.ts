/**
 * State of the Evaluate tab: the experiment form, the run in the compute worker (progress, ETA,
 * status), and the results on screen (from a run or a loaded `pes experiment` JSON). The last
 * results and the form are kept in localStorage so they survive a reload.
 */
import { create } from 'zustand';
import type { ExperimentResults } from '../eval/results';
import { mergeStored, readStored, writeStored } from './stored';

export type PhiMode = 'auto' | 'off' | 'custom';

export interface EvalForm {
  model: string;
  /** Raw option values by CLI name ('' / false = not given). */
  options: Record<string, string | boolean>;
  sizes: string;
  folds: string;
  seed: string;
  phi: PhiMode;
  /** "i,j,k,l" when phi is 'custom'. */
  phiAtoms: string;
  geometryClusters: boolean;
  /** Ids of the reference paths to evaluate along. */
  paths: string[];
}

export type RunStatus = 'idle' | 'running' | 'cancelling' | 'done' | 'cancelled' | 'error';

export interface EvalRun {
  status: RunStatus;
  fraction: number;
  done: number;
  total: number;
  stage: string;
  size: number;
  fold: number;
  message?: string;
  startedAt: number;
  /** Fraction at the start (resumed runs start above 0), for the ETA. */
  startFraction: number;
  /** Fraction and time of the first progress report after the start (the ETA ignores loading time). */
  firstAt?: number;
  firstFraction?: number;
  endedAt?: number;
  error?: string;
}

export interface ResultsSource {
  kind: 'run' | 'file';
  /** File name or dataset name. */
  label: string;
  /** Dataset the results were made on (app dataset id), when known. */
  datasetId?: string;
  /** The equivalent `pes experiment` command of a run. */
  command?: string;
}

/** A results set in the side-by-side comparison. */
export interface CompareEntry {
  id: string;
  label: string;
  results: ExperimentResults;
}

export interface EvaluateState {
  form: EvalForm;
  run: EvalRun;
  results: ExperimentResults | null;
  source: ResultsSource | null;
  /** Training size the parity, cluster and path plots show. */
  size: number | null;
  /** The user picked the size: new results no longer move the plots to the largest size. */
  sizePinned: boolean;
  compare: CompareEntry[];
  addCompare(label: string, results: ExperimentResults): void;
  removeCompare(id: string): void;
  setForm(patch: Partial<EvalForm>): void;
  setOption(name: string, value: string | boolean): void;
  setRun(patch: Partial<EvalRun>): void;
  setResults(results: ExperimentResults | null, source: ResultsSource | null): void;
  setSize(size: number | null): void;
}

export const DEFAULT_FORM: EvalForm = {
  model: 'sgdml',
  options: {},
  sizes: '100,200,300,400,500,600,700,800,900,1000',
  folds: '5',
  seed: '1',
  phi: 'auto',
  phiAtoms: '',
  geometryClusters: false,
  paths: [],
};

/** A run that has not started: every field, optional ones too, so that `setRun({ ...IDLE_RUN, … })` clears them. */
export const IDLE_RUN: EvalRun = {
  status: 'idle',
  fraction: 0,
  done: 0,
  total: 0,
  stage: '',
  size: 0,
  fold: -1,
  startedAt: 0,
  startFraction: 0,
  firstAt: undefined,
  firstFraction: undefined,
  endedAt: undefined,
  error: undefined,
  message: undefined,
};

const STORAGE_KEY = 'pes-evaluate-results';

function restore(): { results: ExperimentResults; source: ResultsSource } | null {
  const o = readStored(STORAGE_KEY) as { results?: ExperimentResults; source?: ResultsSource } | null;
  if (!o || typeof o !== 'object' || o.results?.format !== 'pes-experiment' || !o.source) return null;
  return { results: o.results, source: o.source };
}

/** Keeps the results across reloads (null clears them); a full store only means they are not kept. */
function persist(results: ExperimentResults | null, source: ResultsSource | null) {
  writeStored(STORAGE_KEY, results ? { results, source } : null);
}

const saved = restore();

const FORM_KEY = 'pes.evaluate.form';

/** The saved form over the defaults, where its fields still have the right types. */
function restoreForm(): EvalForm {
  const f = mergeStored(DEFAULT_FORM, readStored(FORM_KEY));
  const options = Object.fromEntries(
    Object.entries(f.options).filter(([, v]) => typeof v === 'string' || typeof v === 'boolean'),
  );
  const paths = f.paths.filter((p) => typeof p === 'string');
  const phi = (['auto', 'off', 'custom'] as const).find((m) => m === f.phi) ?? DEFAULT_FORM.phi;
  return { ...f, options, paths, phi };
}

export const useEvaluate = create<EvaluateState>()((set) => ({
  form: restoreForm(),
  run: IDLE_RUN,
  results: saved?.results ?? null,
  source: saved?.source ?? null,
  size: saved?.results.summary.at(-1)?.size ?? null,
  sizePinned: false,
  compare: [],
  addCompare: (label, results) =>
    set((s) => {
      // the same results (same spec and creation time) replace their earlier entry
      const id = `${results.createdAt}|${JSON.stringify(results.spec)}`;
      const entry = { id, label, results };
      return { compare: [...s.compare.filter((c) => c.id !== id), entry] };
    }),
  removeCompare: (id) => set((s) => ({ compare: s.compare.filter((c) => c.id !== id) })),
  setForm: (patch) => set((s) => ({ form: { ...s.form, ...patch } })),
  setOption: (name, value) =>
    set((s) => ({ form: { ...s.form, options: { ...s.form.options, [name]: value } } })),
  setRun: (patch) => set((s) => ({ run: { ...s.run, ...patch } })),
  setResults: (results, source) => {
    persist(results, source);
    set((s) => {
      const sizes = results?.summary.map((q) => q.size) ?? [];
      const sameSource = s.source?.kind === source?.kind && s.source?.label === source?.label;
      const keep = s.sizePinned && sameSource && s.size !== null && sizes.includes(s.size);
      return {
        results,
        source,
        size: keep ? s.size : (sizes.at(-1) ?? null),
        sizePinned: keep,
      };
    });
  },
  setSize: (size) => set({ size, sizePinned: size !== null }),
}));

// the form survives a reload (the results do too, above)
useEvaluate.subscribe((s, prev) => {
  if (s.form !== prev.form) writeStored(FORM_KEY, s.form);
});
