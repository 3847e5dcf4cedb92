/**
 * Teaching mode controls (in the Study tab): start a bundled tour, load a tour JSON from disk (a malformed
 * file gets a precise error), and the projector mode toggle. `?tour=<name>&step=<k>` in the URL starts
 * public/tours/<name>.json at step k on page load; otherwise a tour from a file this tab was playing
 * before a reload goes on where it was (tourSession.ts). Renders the player too.
 */
import { useEffect, useRef } from 'react';
import { useTour } from '../../state/tour';
import { TourPlayer } from './TourPlayer';
import { parseTour } from './tourFormat';
import { clearTourSession, readTourSession, tourFromQuery } from './tourSession';

export const BUNDLED_TOURS = [
  { name: 'azobenzene', label: 'Azobenzene: where ML force fields fail' },
  { name: 'glycine', label: 'Glycine: the control case' },
];

async function fetchTour(name: string) {
  const url = `tours/${encodeURIComponent(name)}.json`;
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return parseTour(await r.text(), `${name}.json`);
}

export function TourControls() {
  const { start, error, setError, projector, setProjector } = useTour();
  const file = useRef<HTMLInputElement>(null);

  const startBundled = async (name: string, step = 0) => {
    try {
      start(await fetchTour(name), step, name);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  useEffect(() => {
    // a bundled tour's step is in the URL; a tour from a file was kept for this tab
    const asked = tourFromQuery(window.location.search);
    const kept = readTourSession();
    if (asked) void startBundled(asked.name, asked.step);
    else if (kept && kept.name === null) start(kept.tour, kept.step, null);
    else clearTourSession(); // a bundled tour whose link was left: not going on
  }, []); // eslint-disable-line react-hooks/exhaustive-deps

  const onFile = async (f: File | undefined) => {
    if (!f) return;
    try {
      start(parseTour(await f.text(), f.name));
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      if (file.current) file.current.value = '';
    }
  };

  return (
    <section className="card tour-controls" aria-label="Teaching mode" data-testid="tour-controls">
      <h2>Teaching mode</h2>
      <p className="muted">
        A guided tour walks through the paper&apos;s story across the tabs (← / → to move, Esc to leave).
        Tours are JSON files: write your own (see docs/STUDY.md) and load it.
      </p>
      <div className="tour-control-row">
        {BUNDLED_TOURS.map((t) => (
          <button
            key={t.name}
            type="button"
            onClick={() => void startBundled(t.name)}
            data-testid={`tour-start-${t.name}`}
          >
            Start tour: {t.label}
          </button>
        ))}
        <button type="button" onClick={() => file.current?.click()} data-testid="tour-load">
          Load tour…
        </button>
        <input
          ref={file}
          type="file"
          accept=".json,application/json"
          hidden
          onChange={(e) => void onFile(e.target.files?.[0])}
          data-testid="tour-file"
        />
        <label className="tour-projector-toggle">
          <input
            type="checkbox"
            checked={projector}
            onChange={(e) => setProjector(e.target.checked)}
            data-testid="projector-toggle"
          />{' '}
          Projector mode (large fonts, high contrast, side panels hidden)
        </label>
      </div>
      {error && (
        <div role="alert" className="tour-error" data-testid="tour-error">
          <strong>Could not start the tour.</strong> {error}{' '}
          <button type="button" className="ghost" onClick={() => setError(null)}>
            Dismiss
          </button>
        </div>
      )}
      <TourPlayer />
    </section>
  );
}
