/**
 * The datasets the app knows: the bundled ones (from public/data/manifest.json) and the user's own
 * files. Every tab that needs data (Datasets, Train, Evaluate) picks from this list and hands
 * workers a DatasetRef (`refOf`), so bundled files are fetched by the worker itself and user files
 * travel inline. The selected dataset is kept in localStorage and selected again after a reload.
 */
import { create } from 'zustand';
import { readStored, writeStored } from './stored';
import type { Dataset } from '../data/dataset';
import type { DatasetRef } from '../data/datasetRef';

export interface DatasetRecord {
  id: string;
  name: string;
  origin: 'bundled' | 'user';
  /** Bundled: URL relative to the page (e.g. "data/glycine.npz"). */
  url?: string;
  nFrames?: number;
  nAtoms?: number;
  theory?: string;
  /** Molecule name when known ("azobenzene", "glycine"). */
  molecule?: string;
  /** User datasets (and bundled ones once parsed on the main thread) keep the data here. */
  dataset?: Dataset;
  warnings?: string[];
}

export interface DatasetsState {
  datasets: DatasetRecord[];
  /** The dataset the Datasets, Train and Evaluate tabs work on. */
  selectedId: string | null;
  setBundled(list: DatasetRecord[]): void;
  /** Adds (or replaces by id) a user dataset and selects it (unless `select` is false). */
  addUser(rec: DatasetRecord, select?: boolean): void;
  remove(id: string): void;
  /** Selects a dataset; `remember` false (a tour step) keeps the saved choice for the next reload. */
  select(id: string | null, remember?: boolean): void;
}

const SELECTED_KEY = 'pes.datasets.selected';
/**
 * The dataset selected before the last reload, until it is back in the list (user datasets are parsed
 * again at start, after the bundled ones) or the user picks another one.
 */
let wanted: string | null = (() => {
  const v = readStored(SELECTED_KEY);
  return typeof v === 'string' ? v : null;
})();

export const useDatasets = create<DatasetsState>()((set) => ({
  datasets: [],
  selectedId: null,
  setBundled: (list) =>
    set((s) => ({
      datasets: [...list, ...s.datasets.filter((d) => d.origin === 'user')],
      selectedId: list.some((d) => d.id === wanted) ? wanted : (s.selectedId ?? list[0]?.id ?? null),
    })),
  addUser: (rec, select = true) =>
    set((s) => ({
      datasets: [...s.datasets.filter((d) => d.id !== rec.id), { ...rec, origin: 'user' }],
      selectedId: select || rec.id === wanted ? rec.id : s.selectedId,
    })),
  remove: (id) =>
    set((s) => ({
      datasets: s.datasets.filter((d) => d.id !== id),
      selectedId: s.selectedId === id ? (s.datasets.find((d) => d.id !== id)?.id ?? null) : s.selectedId,
    })),
  select: (selectedId, remember = true) => {
    if (!remember) {
      shownOnly = true;
      set({ selectedId });
      shownOnly = false;
      return;
    }
    wanted = null;
    set({ selectedId });
  },
}));

/** True while select(id, false) sets a selection that is shown but not saved. */
let shownOnly = false;

// the selection survives a reload
useDatasets.subscribe((s, prev) => {
  if (shownOnly || s.selectedId === prev.selectedId || !s.selectedId) return;
  if (wanted !== null && s.selectedId !== wanted) return; // the saved choice is not back yet
  wanted = null;
  writeStored(SELECTED_KEY, s.selectedId);
});

/** What a worker needs to get this dataset. */
export function refOf(rec: DatasetRecord): DatasetRef {
  if (rec.dataset) return { kind: 'inline', id: rec.id, dataset: rec.dataset };
  if (rec.url) return { kind: 'url', id: rec.id, url: new URL(rec.url, document.baseURI).href };
  throw new Error(`dataset ${rec.name} has neither data nor a URL`);
}
