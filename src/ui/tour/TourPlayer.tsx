/**
 * The tour player: a panel over the page (portal on <body>, so it stays visible on every tab) with the
 * step's title and text, a step counter, Previous / Next (buttons and ←/→), Exit (button and Esc) and the
 * projector toggle. Each step change drives the page through applyStep (URL hash/query, highlight) and
 * shows the step's study models in the explorer and its dataset on the Datasets tab (the dataset the user
 * had selected comes back when the tour ends, and a reload meanwhile keeps the user's choice). The tour
 * and its step are kept for a reload of the tab (tourSession.ts) until it ends.
 */
import { useEffect, useRef } from 'react';
import { createPortal } from 'react-dom';
import { useDatasets } from '../../state/datasets';
import { useModels } from '../../state/models';
import { useStore } from '../../state/store';
import { useTour } from '../../state/tour';
import { findRun } from '../study/catalogue';
import { studyCatalogue } from '../study/studyFiles';
import { loadRunModel } from '../study/loadRun';
import { applyStep, highlight } from './applyStep';
import type { TourStep } from './tourFormat';
import { clearTourSession, readTourSession, saveTourSession, tourFromQuery, tourQuery } from './tourSession';
import './tour.css';

/** Is the key event meant for a control (text field, slider, select, tab list) rather than the tour? */
function forControl(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el || !el.closest) return false;
  if (el.closest('[data-testid="tour-player"]')) return false;
  return Boolean(
    el.closest('input, select, textarea, [contenteditable="true"], [role="tablist"], [role="slider"]'),
  );
}

async function showModels(step: TourStep) {
  if (!step.models) return;
  const wanted = new Set<string>();
  for (const id of step.models) {
    const run = findRun(studyCatalogue.runs, id, 'model');
    if (!run) {
      useStore.getState().pushError(`Tour: no saved model for the study run "${id}" in this build.`);
      continue;
    }
    wanted.add(`study:${run.key}`);
    if (!useModels.getState().models.some((m) => m.id === `study:${run.key}`)) {
      try {
        await loadRunModel(run);
      } catch (e) {
        useStore
          .getState()
          .pushError(`Tour: could not load the model of ${id}.`, e instanceof Error ? e.message : String(e));
      }
    }
  }
  const ms = useModels.getState();
  for (const m of ms.models) if (m.id.startsWith('study:')) ms.setVisible(m.id, wanted.has(m.id));
}

/** The dataset selected before a tour step changed it (undefined: no step has changed it). */
let datasetBeforeTour: string | null | undefined;

/**
 * Selects the step's dataset, at once or as soon as it is listed (a tour started from the URL may come
 * before the bundled datasets); an id that never shows up is reported. Returns a cleanup.
 */
function showDataset(step: TourStep): () => void {
  const id = step.dataset;
  if (!id) return () => undefined;
  const apply = () => {
    const ds = useDatasets.getState();
    if (!ds.datasets.some((d) => d.id === id)) return false;
    if (datasetBeforeTour === undefined) {
      datasetBeforeTour = ds.selectedId;
      keepSession();
    }
    if (ds.selectedId !== id) ds.select(id, false);
    return true;
  };
  if (apply()) return () => undefined;
  const unsubscribe = useDatasets.subscribe(() => {
    if (apply()) {
      unsubscribe();
      window.clearTimeout(timer);
    }
  });
  const timer = window.setTimeout(() => {
    unsubscribe();
    useStore.getState().pushError(`Tour: no dataset "${id}" in this app (its step shows another one).`);
  }, 30_000);
  return () => {
    unsubscribe();
    window.clearTimeout(timer);
  };
}

/**
 * Keeps the tour being played for a reload of the tab. After a reload, the dataset the user had before
 * the tour is taken back from what was kept (the page came back with the tour's dataset selected).
 */
function keepSession() {
  const { tour, step, name } = useTour.getState();
  if (!tour) return;
  if (datasetBeforeTour === undefined) {
    const kept = readTourSession();
    if (kept?.name === name && kept.tour.title === tour.title) datasetBeforeTour = kept.datasetBefore;
  }
  saveTourSession({ tour, step, name, datasetBefore: datasetBeforeTour });
}

/** An ended tour is not resumed by a reload, and its ?tour=&step= leave the address bar. */
function forgetTour() {
  clearTourSession();
  const search = tourQuery(window.location.search, null);
  if (search !== window.location.search)
    window.history.replaceState(
      window.history.state,
      '',
      `${window.location.pathname}${search}${window.location.hash}`,
    );
}

/** Gives back the dataset the user had selected before the tour. */
function restoreDataset() {
  const before = datasetBeforeTour;
  datasetBeforeTour = undefined;
  const ds = useDatasets.getState();
  if (
    before !== undefined &&
    before !== ds.selectedId &&
    (before === null || ds.datasets.some((d) => d.id === before))
  )
    ds.select(before);
}

/**
 * The tour changes the page layout (tour.css: the explorer's view and profile side by side; projector
 * mode): plots that size themselves on window resize (plotly) are told, and the highlighted element is
 * scrolled back into view once the layout has settled.
 */
function relayout(selector?: string) {
  requestAnimationFrame(() => {
    window.dispatchEvent(new Event('resize'));
    // (not after the tour has ended in between: that would leave a highlight behind)
    if (selector) requestAnimationFrame(() => useTour.getState().tour && highlight(selector));
  });
  // Plotly resizes on a debounce, later still on a busy machine: once every visible plot has taken its
  // new width, one more event lets what is placed from a plot's axes on 'resize' (the explorer's slider
  // marker) follow.
  let tries = 0;
  const settle = window.setInterval(() => {
    const plots = [...document.querySelectorAll<HTMLElement>('.js-plotly-plot')].filter(
      (p) => p.offsetParent,
    );
    const settled = plots.every((p) => {
      const w = (p as HTMLElement & { _fullLayout?: { width?: number } })._fullLayout?.width;
      return w === undefined || Math.abs(w - p.clientWidth) < 2;
    });
    tries++;
    if ((settled && tries >= 3) || tries > 40) {
      window.clearInterval(settle);
      window.dispatchEvent(new Event('resize'));
    }
  }, 150);
}

export function TourPlayer() {
  const { tour, name, step, projector, next, prev, go, exit, setProjector } = useTour();
  const panel = useRef<HTMLDivElement>(null);
  const current = tour?.steps[step];

  useEffect(() => {
    if (!current) return;
    keepSession();
    applyStep(current, { name, step });
    void showModels(current);
    const stopDataset = showDataset(current);
    relayout();
    // the target may only appear once its tab has rendered or its data has loaded: keep looking a while
    let tries = 0;
    const t = window.setInterval(() => {
      if (highlight(current.highlight) || !current.highlight || ++tries > 60) window.clearInterval(t);
    }, 250);
    return () => {
      window.clearInterval(t);
      stopDataset();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per step shown
  }, [current]);

  // the browser's Back / Forward between the steps of a bundled tour (?tour=&step=) move the tour too
  useEffect(() => {
    if (!tour || !name) return;
    const onPop = () => {
      const at = tourFromQuery(window.location.search);
      if (at?.name === name) go(at.step);
    };
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [tour, name, go]);

  // projector mode on/off: relayout and show the highlighted element again
  const highlighted = current?.highlight;
  useEffect(() => {
    if (tour) relayout(highlighted);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only on a projector switch
  }, [projector]);

  const played = useRef(false);
  useEffect(() => {
    if (!tour) {
      highlight(undefined);
      restoreDataset();
      // the tour has ended (not: none has started yet, when the URL may still be about to start one)
      if (played.current) forgetTour();
      played.current = false;
      return;
    }
    played.current = true;
    document.body.classList.add('tour-active');
    relayout();
    panel.current?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        exit();
      } else if (forControl(e.target)) return;
      else if (e.key === 'ArrowRight') {
        e.preventDefault();
        next();
      } else if (e.key === 'ArrowLeft') {
        e.preventDefault();
        prev();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => {
      window.removeEventListener('keydown', onKey);
      document.body.classList.remove('tour-active');
      relayout();
    };
  }, [tour, next, prev, exit]);

  if (!tour || !current) return null;
  const last = step === tour.steps.length - 1;
  return createPortal(
    <div
      ref={panel}
      className="tour-player"
      role="dialog"
      aria-modal="false"
      aria-labelledby="tour-step-title"
      tabIndex={-1}
      data-testid="tour-player"
      data-step={step}
    >
      <div className="tour-bar">
        <span className="tour-name">{tour.title}</span>
        <span className="tour-counter" data-testid="tour-counter" aria-live="polite">
          Step {step + 1} / {tour.steps.length}
        </span>
      </div>
      <h2 id="tour-step-title" data-testid="tour-step-title">
        {current.title}
      </h2>
      <div className="tour-text" data-testid="tour-text">
        {current.text.split(/\n\s*\n/).map((p, i) => (
          <p key={i}>{p}</p>
        ))}
      </div>
      <div className="tour-actions">
        <button type="button" onClick={prev} disabled={step === 0} data-testid="tour-prev">
          ← Previous
        </button>
        {last ? (
          <button type="button" onClick={exit} data-testid="tour-finish">
            Finish
          </button>
        ) : (
          <button type="button" onClick={next} data-testid="tour-next">
            Next →
          </button>
        )}
        <button
          type="button"
          className="ghost"
          aria-pressed={projector}
          onClick={() => setProjector(!projector)}
          data-testid="tour-projector"
        >
          Projector {projector ? 'on' : 'off'}
        </button>
        <button type="button" className="ghost" onClick={exit} data-testid="tour-exit">
          Exit (Esc)
        </button>
      </div>
      <p className="tour-hint">← / → to move, Esc to leave</p>
    </div>,
    document.body,
  );
}
