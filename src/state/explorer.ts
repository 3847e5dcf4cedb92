/**
 * Explorer state (zustand): the selected reaction path, the slider position, what the 3D overlay
 * shows, and the models' answers — at the current geometry (`current`) and along the whole path
 * (`profiles`). Workers and the controller (src/ui/explorer/controller.ts) write here; the views read.
 */
import { create } from 'zustand';
import type { ReactionPath } from '../chem/pathInterp';

export interface PathEntry {
  id: string;
  /** URL below the app base, e.g. "data/paths/azobenzene-rotation.json". */
  url: string;
  label: string;
}

export const PATH_LABELS: Record<string, string> = {
  'azobenzene-rotation': 'Azobenzene: rotation',
  'azobenzene-optimized-rotation': 'Azobenzene: optimized rotation',
  'azobenzene-inversion': 'Azobenzene: inversion',
  'azobenzene-rotation-inversion': 'Azobenzene: rotation + inversion',
  glycine: 'Glycine: Ip → IIIp',
};

/** One model's prediction along the path (energies relative to its own value at the path start). */
export interface ModelProfile {
  pathId: string;
  /** Slider values of the samples. */
  x: Float64Array;
  /** E − E(path start), kcal/mol, at the samples. */
  E: Float64Array;
  /** Standard deviation of E (√varE), kcal/mol, for models that give a variance. */
  sd?: Float64Array;
  /** At the computed points: E − E(start) and forces (kcal/mol/Å, flat). */
  pointE: Float64Array;
  /** Absolute energies at the computed points, kcal/mol (for exports). */
  pointEabs: Float64Array;
  pointF: Float64Array;
  /** Force RMSE vs the reference at each computed point, and over all of them, kcal/mol/Å. */
  pointFRmse: Float64Array;
  fRmse: number;
  error?: string;
}

/** One model's answer at the geometry on screen. */
export interface CurrentPrediction {
  pathId: string;
  s: number;
  /** E − E(path start) of this model, kcal/mol. */
  E: number;
  F: Float64Array;
  sd?: number;
  error?: string;
}

export interface ExplorerState {
  paths: PathEntry[];
  pathId: string | null;
  path: ReactionPath | null;
  status: 'idle' | 'loading' | 'ready' | 'error';
  pathError?: string;
  /** Slider value (driving coordinate) and the fractional point index it maps to. */
  x: number;
  s: number;
  playing: boolean;
  /** Å of arrow per kcal/mol/Å. */
  forceScale: number;
  showRefForces: boolean;
  showModelForces: boolean;
  showLabels: boolean;
  current: Record<string, CurrentPrediction>;
  /** performance.now() when `current` last changed (for the slider benchmark). */
  currentAt: number;
  profiles: Record<string, ModelProfile>;
  set(patch: Partial<ExplorerState>): void;
}

export const DEFAULT_FORCE_SCALE = 0.02;

export const useExplorer = create<ExplorerState>()((set) => ({
  paths: [],
  pathId: null,
  path: null,
  status: 'idle',
  x: 0,
  s: 0,
  playing: false,
  forceScale: DEFAULT_FORCE_SCALE,
  showRefForces: true,
  showModelForces: true,
  showLabels: true,
  current: {},
  currentAt: 0,
  profiles: {},
  set: (patch) => set(patch),
}));
