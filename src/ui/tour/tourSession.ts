/**
 * A tour in progress survives a reload of its browser tab: the tour itself (a loaded file too), its step,
 * for a bundled tour its name, and the dataset the user had before the tour are kept in sessionStorage (per tab, so a new tab starts without a
 * tour). A bundled tour also writes `?tour=<name>&step=<k>` (k from 1) into the address bar, so the link
 * opens the tour at that step; both go when the tour ends.
 */
import { parseTour, tourJson, type Tour } from './tourFormat';

export interface TourSession {
  tour: Tour;
  /** 0-based */
  step: number;
  /** the bundled tour's name (public/tours/<name>.json), or null for a tour loaded from a file */
  name: string | null;
  /** the dataset the user had selected before a step showed another one (undefined: none has) */
  datasetBefore?: string | null;
}

const KEY = 'pes.tour.session';

/** A bundled tour's name as it may appear in a URL. */
export const TOUR_NAME = /^[\w-]+$/;

/** Where a tour is: its bundled name (null: from a file) and the 0-based step. */
export interface TourPlace {
  name: string | null;
  step: number;
}

/**
 * The query string with the tour's parameters set (a bundled tour: tour and step) or removed (a tour
 * from a file, or none); other parameters are kept. Pure.
 */
export function tourQuery(search: string, at: TourPlace | null): string {
  const q = new URLSearchParams(search);
  if (at?.name) {
    q.set('tour', at.name);
    q.set('step', String(at.step + 1));
  } else {
    q.delete('tour');
    q.delete('step');
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The tour a URL asks for: its name and 0-based step (step 1 when missing or not a number). */
export function tourFromQuery(search: string): { name: string; step: number } | null {
  const q = new URLSearchParams(search);
  const name = q.get('tour');
  if (!name || !TOUR_NAME.test(name)) return null;
  const k = Number(q.get('step'));
  return { name, step: Number.isInteger(k) && k >= 1 ? k - 1 : 0 };
}

export function saveTourSession(s: TourSession): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify({ ...s, tour: tourJson(s.tour) }));
  } catch {
    // storage full or unavailable: the tour just does not survive a reload
  }
}

/** The kept tour, checked again like a file; undefined when there is none or it does not parse. */
export function readTourSession(): TourSession | undefined {
  try {
    const raw = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as unknown;
    if (!raw || typeof raw !== 'object') return undefined;
    const r = raw as { tour?: unknown; step?: unknown; name?: unknown; datasetBefore?: unknown };
    if (typeof r.tour !== 'string') return undefined;
    const tour = parseTour(r.tour, 'the tour kept for this tab');
    const step = typeof r.step === 'number' && Number.isInteger(r.step) ? r.step : 0;
    const name = typeof r.name === 'string' && TOUR_NAME.test(r.name) ? r.name : null;
    const kept: TourSession = { tour, step: Math.max(0, Math.min(step, tour.steps.length - 1)), name };
    if (r.datasetBefore === null || typeof r.datasetBefore === 'string') kept.datasetBefore = r.datasetBefore;
    return kept;
  } catch {
    return undefined;
  }
}

export function clearTourSession(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // unavailable: nothing was kept
  }
}
