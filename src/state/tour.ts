/**
 * Teaching mode state: the tour being played (if any), its step, the projector mode (a class on <body>,
 * kept over reloads) and the last tour error (a malformed file). The player UI (src/ui/tour) renders
 * from it; src/ui/tour/tourSession.ts keeps a tour over reloads.
 */
import { create } from 'zustand';
import { readStored, writeStored } from './stored';
import type { Tour } from '../ui/tour/tourFormat';

export interface TourState {
  tour: Tour | null;
  /** the bundled tour's name (public/tours/<name>.json); null for one loaded from a file */
  name: string | null;
  step: number;
  projector: boolean;
  error: string | null;
  start(tour: Tour, step?: number, name?: string | null): void;
  next(): void;
  prev(): void;
  go(step: number): void;
  exit(): void;
  setProjector(on: boolean): void;
  setError(msg: string | null): void;
}

export const PROJECTOR_CLASS = 'projector';
const PROJECTOR_KEY = 'pes.projector';

/** Projector mode is a display choice: it stays on over reloads until switched off. */
function showProjector(on: boolean) {
  if (typeof document !== 'undefined') document.body.classList.toggle(PROJECTOR_CLASS, on);
}
const projectorAtStart = readStored(PROJECTOR_KEY) === true;
showProjector(projectorAtStart);

export const useTour = create<TourState>()((set, get) => ({
  tour: null,
  name: null,
  step: 0,
  projector: projectorAtStart,
  error: null,
  start: (tour, step = 0, name = null) =>
    set({ tour, name, step: Math.max(0, Math.min(step, tour.steps.length - 1)), error: null }),
  next: () => get().go(get().step + 1),
  prev: () => get().go(get().step - 1),
  go: (step) => {
    const t = get().tour;
    if (!t) return;
    set({ step: Math.max(0, Math.min(step, t.steps.length - 1)) });
  },
  exit: () => set({ tour: null, name: null, step: 0 }),
  setProjector: (on) => {
    showProjector(on);
    writeStored(PROJECTOR_KEY, on);
    set({ projector: on });
  },
  setError: (error) => set({ error }),
}));
