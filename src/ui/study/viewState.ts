/**
 * The Study view's choices (filters, picked runs, curve statistic, bar and parity options), kept in localStorage so
 * a reload shows the same comparison. Saved run keys that are no longer in the catalogue (results
 * removed or renamed) are dropped; when none of the saved runs is left, the default selection is used.
 */
import { readStored, writeStored } from '../../state/stored';

export interface StudyViewState {
  dataset: string;
  model: string;
  selected: string[];
  stat: 'best' | 'mean' | 'both';
  barQuantity: 'energy' | 'force';
  barSize: number | null;
  parityQuantity: 'energy' | 'force';
  paritySize: number | null;
}

const KEY = 'pes.study.view';

/** What the catalogue offers now, to check a saved state against. */
export interface StudyChoices {
  keys: Set<string>;
  datasets: string[];
  models: string[];
}

/** The saved state checked against the catalogue; `fallback` for anything missing or invalid. */
export function restoreStudyView(known: StudyChoices, fallback: StudyViewState): StudyViewState {
  const raw = readStored(KEY);
  if (!raw || typeof raw !== 'object') return fallback;
  const s = raw as Partial<Record<keyof StudyViewState, unknown>>;
  const str = (v: unknown, ok: (x: string) => boolean, d: string) => (typeof v === 'string' && ok(v) ? v : d);
  const saved = Array.isArray(s.selected)
    ? s.selected.filter((k): k is string => typeof k === 'string')
    : null;
  const kept = saved?.filter((k) => known.keys.has(k)) ?? [];
  return {
    dataset: str(s.dataset, (x) => x === 'all' || known.datasets.includes(x), fallback.dataset),
    model: str(s.model, (x) => x === 'all' || known.models.includes(x), fallback.model),
    // an empty saved selection was the user's choice; one whose runs all vanished is not
    selected: saved && (kept.length || !saved.length) ? kept : fallback.selected,
    stat: str(s.stat, (x) => ['best', 'mean', 'both'].includes(x), fallback.stat) as StudyViewState['stat'],
    barQuantity: str(s.barQuantity, (x) => x === 'energy' || x === 'force', fallback.barQuantity) as
      'energy' | 'force',
    barSize: positiveInt(s.barSize) ?? fallback.barSize,
    parityQuantity: str(s.parityQuantity, (x) => x === 'energy' || x === 'force', fallback.parityQuantity) as
      'energy' | 'force',
    paritySize: positiveInt(s.paritySize) ?? fallback.paritySize,
  };
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined;
}

export function saveStudyView(s: StudyViewState): void {
  writeStored(KEY, s);
}
