/**
 * Models the user has in this session (trained in the Train tab, loaded from a file, or picked from
 * the Study view). The explorer draws every visible one; the predict worker holds a live copy of
 * each (keyed by `id`). The serialised form is what is kept across reloads.
 */
import { create } from 'zustand';
import type { ModelKind, SerializedModel } from '../models/types';

export interface ModelMetrics {
  /** kcal/mol */
  eRmse?: number;
  eMae?: number;
  /** kcal/mol/Å */
  fRmse?: number;
  fMae?: number;
  nTest?: number;
}

export interface LoadedModel {
  id: string;
  /** Short label shown in legends, e.g. "sGDML M=200 (rotation)". */
  label: string;
  kind: ModelKind;
  /** CSS colour used for its curve and arrows. */
  color: string;
  serialized: SerializedModel;
  /** Atomic numbers the model was trained on (atom order matters). */
  z: number[];
  /** Dataset id or name it was trained on, and how many frames. */
  trainedOn?: string;
  nTrain?: number;
  metrics?: ModelMetrics;
  createdAt: number;
  visible: boolean;
}

export const MODEL_COLOURS = ['#e4572e', '#17becf', '#9c27b0', '#ff9f1c', '#2e86ab', '#8ac926'];

export interface ModelsState {
  models: LoadedModel[];
  addModel(m: Omit<LoadedModel, 'id' | 'color' | 'createdAt' | 'visible'> & Partial<LoadedModel>): string;
  removeModel(id: string): void;
  setVisible(id: string, visible: boolean): void;
  /** Replaces the whole list (restoring from storage). */
  replaceAll(models: LoadedModel[]): void;
}

let counter = 0;
const newId = () => `m${Date.now().toString(36)}${(counter++).toString(36)}`;

export const useModels = create<ModelsState>()((set, get) => ({
  models: [],
  addModel: (m) => {
    const id = m.id ?? newId();
    const used = new Set(get().models.map((x) => x.color));
    const color =
      m.color ?? MODEL_COLOURS.find((c) => !used.has(c)) ?? MODEL_COLOURS[get().models.length % 6];
    const model: LoadedModel = {
      ...m,
      id,
      color,
      createdAt: m.createdAt ?? Date.now(),
      visible: m.visible ?? true,
    };
    set((s) => ({ models: [...s.models.filter((x) => x.id !== id), model] }));
    return id;
  },
  removeModel: (id) => set((s) => ({ models: s.models.filter((x) => x.id !== id) })),
  setVisible: (id, visible) =>
    set((s) => ({ models: s.models.map((x) => (x.id === id ? { ...x, visible } : x)) })),
  replaceAll: (models) => set({ models }),
}));
