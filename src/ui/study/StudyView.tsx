/**
 * The "Study" tab: the committed study results (docs/results/**, found at build time) — pick runs,
 * compare learning curves, per-cluster errors and parity plots side by side, load a run's best model into
 * the explorer — and the teaching mode (guided tours, projector mode; a tour step may pick the runs).
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ExperimentResults } from '../../eval/results';
import { TourControls } from '../tour/TourControls';
import { useStore } from '../../state/store';
import { useTour } from '../../state/tour';
import { findRun, hoursText, optionsText, type CatalogueRun } from './catalogue';
import {
  allSizes,
  clusterBarsFigure,
  learningCurveFigure,
  parityFigure,
  partialSizes,
  RUN_COLOURS,
  type LoadedRun,
} from './figures';
import { fetchResults, loadRunModel, whyNoModel } from './loadRun';
import { StudyPlot } from './StudyPlot';
import { studyCatalogue } from './studyFiles';
import { restoreStudyView, saveStudyView, type StudyViewState } from './viewState';
import './study.css';

const { runs: ALL_RUNS, problems } = studyCatalogue;
const DATASETS = [...new Set(ALL_RUNS.map((r) => r.dataset))].sort();
const MODELS = [...new Set(ALL_RUNS.map((r) => r.label))].sort();

function defaultSelection(runs: CatalogueRun[]): string[] {
  // the paper's headline comparison: both sGDML descriptors and GAP on the rotation data, all from one
  // study folder (the full study's when it exists) so their sizes match
  const rank = (r: CatalogueRun) =>
    ['-sgdml-inv', '-sgdml-inv-ang', '-gap', '-schnet', '-bpnn'].findIndex((k) => r.id.endsWith(k)) >>> 0;
  const usable = runs.filter((r) => r.resultsUrl && r.status !== 'skipped' && r.status !== 'failed');
  const azo = usable.filter((r) => r.dataset === 'azobenzene-rotation');
  const pool = azo.length ? azo : usable;
  const groups = [...new Set(pool.map((r) => r.group))];
  const group =
    groups.find((g) => g === 'study') ??
    groups.find((g) => g.startsWith('study')) ??
    groups.sort(
      (a, b) => pool.filter((r) => r.group === b).length - pool.filter((r) => r.group === a).length,
    )[0];
  return pool
    .filter((r) => r.group === group)
    .sort((a, b) => rank(a) - rank(b))
    .slice(0, 3)
    .map((r) => r.key);
}

const fmt = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x.toFixed(3) : '–');

export function StudyView() {
  const [initial] = useState(() =>
    restoreStudyView(
      { keys: new Set(ALL_RUNS.map((r) => r.key)), datasets: DATASETS, models: MODELS },
      {
        dataset: 'all',
        model: 'all',
        selected: defaultSelection(ALL_RUNS),
        stat: 'both',
        barQuantity: 'force',
        barSize: null,
        parityQuantity: 'energy',
        paritySize: null,
      },
    ),
  );
  const [dataset, setDataset] = useState(initial.dataset);
  const [model, setModel] = useState(initial.model);
  const [selected, setSelected] = useState<string[]>(initial.selected);
  const [loaded, setLoaded] = useState<Record<string, ExperimentResults | Error>>({});
  const [stat, setStat] = useState<StudyViewState['stat']>(initial.stat);
  const [barQuantity, setBarQuantity] = useState<StudyViewState['barQuantity']>(initial.barQuantity);
  const [barSize, setBarSize] = useState<number | null>(initial.barSize);
  const [parityQuantity, setParityQuantity] = useState<StudyViewState['parityQuantity']>(
    initial.parityQuantity,
  );
  const [paritySize, setParitySize] = useState<number | null>(initial.paritySize);
  const [modelMsg, setModelMsg] = useState<Record<string, string>>({});
  // A tour step with "runs" shows exactly those runs (filters cleared, each run at its largest size); the
  // comparison the user had comes back when the tour ends, and is the one saved meanwhile (for a reload).
  const tourRuns = useTour((t) => t.tour?.steps[t.step]?.runs);
  const touring = useTour((t) => t.tour !== null);
  const beforeTour = useRef<Pick<
    StudyViewState,
    'selected' | 'dataset' | 'model' | 'barSize' | 'paritySize'
  > | null>(null);
  useEffect(
    () =>
      saveStudyView({
        ...{ dataset, model, selected, stat, barQuantity, barSize, parityQuantity, paritySize },
        ...beforeTour.current,
      }),
    [dataset, model, selected, stat, barQuantity, barSize, parityQuantity, paritySize],
  );
  useEffect(() => {
    if (!tourRuns) return;
    const found = tourRuns.map((id) => findRun(ALL_RUNS, id, 'results'));
    const missing = tourRuns.filter((_, i) => !found[i]);
    if (missing.length)
      useStore
        .getState()
        .pushError(`Tour: no results of the study run(s) ${missing.join(', ')} in this build.`);
    const keys = found.flatMap((r) => (r ? [r.key] : []));
    if (!keys.length) return;
    beforeTour.current ??= { selected, dataset, model, barSize, paritySize };
    setSelected(keys);
    setDataset('all');
    setModel('all');
    setBarSize(null);
    setParitySize(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when the step's runs change
  }, [tourRuns]);
  useEffect(() => {
    if (touring || !beforeTour.current) return;
    setSelected(beforeTour.current.selected);
    setDataset(beforeTour.current.dataset);
    setModel(beforeTour.current.model);
    setBarSize(beforeTour.current.barSize);
    setParitySize(beforeTour.current.paritySize);
    beforeTour.current = null;
  }, [touring]);

  const shown = ALL_RUNS.filter(
    (r) => (dataset === 'all' || r.dataset === dataset) && (model === 'all' || r.label === model),
  );

  useEffect(() => {
    for (const key of selected) {
      const run = ALL_RUNS.find((r) => r.key === key);
      if (!run || loaded[key]) continue;
      fetchResults(run).then(
        (res) => setLoaded((l) => ({ ...l, [key]: res })),
        (e: unknown) => setLoaded((l) => ({ ...l, [key]: e instanceof Error ? e : new Error(String(e)) })),
      );
    }
  }, [selected, loaded]);

  const picked: LoadedRun[] = useMemo(
    () =>
      selected.flatMap((key) => {
        const run = ALL_RUNS.find((r) => r.key === key);
        const res = loaded[key];
        if (!run || !res || res instanceof Error) return [];
        const where = run.group === '.' ? '' : ` · ${run.group}`;
        return [
          {
            key,
            label: `${run.label} · ${run.dataset === '?' ? res.spec.dataset.name : run.dataset}${where}`,
            results: res,
          },
        ];
      }),
    [selected, loaded],
  );
  const sizes = allSizes(picked);
  // a saved size none of the picked runs has falls back to each run's largest
  const sizeOrLargest = (n: number | null): number | 'largest' | null =>
    !picked.length ? null : n !== null && sizes.includes(n) ? n : 'largest';
  const size = sizeOrLargest(barSize);
  const pSize = sizeOrLargest(paritySize);

  const eFig = useMemo(() => learningCurveFigure(picked, 'energy', stat), [picked, stat]);
  const partial = useMemo(() => partialSizes(picked), [picked]);
  const fFig = useMemo(() => learningCurveFigure(picked, 'force', stat), [picked, stat]);
  const barFig = useMemo(
    () => (size !== null ? clusterBarsFigure(picked, size, barQuantity) : null),
    [picked, size, barQuantity],
  );
  const parityFig = useMemo(
    () => (pSize !== null ? parityFigure(picked, pSize, parityQuantity) : null),
    [picked, pSize, parityQuantity],
  );

  const toggle = (key: string) =>
    setSelected((s) => (s.includes(key) ? s.filter((k) => k !== key) : [...s, key]));

  const loadModel = async (run: CatalogueRun) => {
    setModelMsg((m) => ({ ...m, [run.key]: 'loading…' }));
    try {
      const res = loaded[run.key];
      await loadRunModel(run, res instanceof Error ? undefined : res);
      setModelMsg((m) => ({ ...m, [run.key]: 'Loaded: it is drawn in the explorer.' }));
      window.location.hash = '#explore';
    } catch (e) {
      setModelMsg((m) => ({
        ...m,
        [run.key]: `Could not load the model: ${e instanceof Error ? e.message : String(e)}`,
      }));
    }
  };

  return (
    <div className="study-view" data-testid="study-view">
      <aside className="study-side card" aria-label="Study runs">
        <h2>Runs</h2>
        <p className="muted study-small">
          Committed results in docs/results ({ALL_RUNS.length} runs) — loaded as they are, never recomputed.
        </p>
        <div className="study-filters">
          <label>
            Dataset{' '}
            <select
              value={dataset}
              onChange={(e) => setDataset(e.target.value)}
              data-testid="study-filter-dataset"
            >
              <option value="all">all</option>
              {DATASETS.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
          <label>
            Model{' '}
            <select value={model} onChange={(e) => setModel(e.target.value)} data-testid="study-filter-model">
              <option value="all">all</option>
              {MODELS.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
        </div>
        {problems.map((p) => (
          <p key={p} role="alert" className="study-problem">
            {p}
          </p>
        ))}
        {!ALL_RUNS.length && <p className="muted">No results committed yet: run `npx pes study --quick`.</p>}
        <ul className="study-runs" data-testid="study-runs">
          {shown.map((r) => {
            const on = selected.includes(r.key);
            const err = loaded[r.key] instanceof Error ? (loaded[r.key] as Error).message : '';
            const colour = on ? RUN_COLOURS[selected.indexOf(r.key) % RUN_COLOURS.length] : 'transparent';
            return (
              <li key={r.key} className={`study-run status-${r.status}`}>
                <label title={r.note ?? r.key}>
                  <input
                    type="checkbox"
                    checked={on}
                    disabled={!r.resultsUrl}
                    onChange={() => toggle(r.key)}
                    data-testid={`study-run-${r.group}-${r.id}`}
                  />
                  <span className="swatch" style={{ background: colour }} aria-hidden="true" />
                  <span>
                    <strong>{r.label}</strong> · {r.dataset}
                    <br />
                    <span className="muted study-small">
                      {r.group === '.' ? 'results' : r.group} · {r.status}
                      {r.foldsPlanned ? ` ${r.foldsDone}/${r.foldsPlanned} folds` : ''}
                      {r.hoursLeft !== undefined && r.status === 'partial' ? (
                        <span title="Estimated compute left to finish this run of the plan, on the 2-core machine its folds ran on (pes study --list)">
                          {` (≈ ${hoursText(r.hoursLeft)} left)`}
                        </span>
                      ) : null}
                      {optionsText(r.options) ? ` · ${optionsText(r.options)}` : ''}
                      {r.best
                        ? ` · n=${r.best.size}: ${fmt(r.best.eRmse)} kcal/mol, ${fmt(r.best.fRmse)} kcal/mol/Å`
                        : ''}
                    </span>
                  </span>
                </label>
                {err && (
                  <span role="alert" className="study-problem">
                    {err}
                  </span>
                )}
              </li>
            );
          })}
        </ul>
      </aside>
      <div className="study-main">
        <TourControls />
        <section className="card" aria-label="Learning curves" data-testid="study-curves">
          <div className="study-head">
            <h2>Learning curves</h2>
            <label>
              Show{' '}
              <select
                value={stat}
                onChange={(e) => setStat(e.target.value as typeof stat)}
                data-testid="study-stat"
              >
                <option value="both">best fold and mean ± sd</option>
                <option value="best">best fold</option>
                <option value="mean">mean ± sd over folds</option>
              </select>
            </label>
          </div>
          {picked.length ? (
            <div className="study-plots">
              <StudyPlot
                figure={eFig}
                testId="study-curve-energy"
                label="Test energy RMSE vs training size"
              />
              <StudyPlot figure={fFig} testId="study-curve-force" label="Test force RMSE vs training size" />
              {partial.length > 0 && (
                <p className="muted study-small study-partial" data-testid="study-partial">
                  ◆ fewer folds than planned (a run still going): {partial.join('; ')}
                </p>
              )}
            </div>
          ) : (
            <p className="muted">Pick one or more runs on the left.</p>
          )}
        </section>
        <section className="card" aria-label="Per-cluster errors" data-testid="study-clusters">
          <div className="study-head">
            <h2>Errors per φ cluster (Fig. 7)</h2>
            <SizeSelect
              value={size}
              sizes={sizes}
              onChange={setBarSize}
              disabled={!picked.length}
              testId="study-bar-size"
            />
            <QuantitySelect
              value={barQuantity}
              onChange={setBarQuantity}
              options={{ force: 'force RMSE (kcal/mol/Å)', energy: 'energy RMSE (kcal/mol)' }}
              testId="study-bar-quantity"
            />
          </div>
          {barFig ? (
            <StudyPlot
              figure={barFig}
              testId="study-bars"
              label="Per-cluster test errors of the best folds"
            />
          ) : (
            <p className="muted" data-testid="study-bars-none">
              {picked.length
                ? 'The picked runs have no φ clusters at this size (glycine has none; φ is the azobenzene C–N=N–C dihedral).'
                : 'Pick runs to compare their per-cluster errors.'}
            </p>
          )}
        </section>
        <section className="card" aria-label="Parity plots" data-testid="study-parity-card">
          <div className="study-head">
            <h2>Predicted vs reference (best fold)</h2>
            <SizeSelect
              value={pSize}
              sizes={sizes}
              onChange={setParitySize}
              disabled={!picked.length}
              testId="study-parity-size"
            />
            <QuantitySelect
              value={parityQuantity}
              onChange={setParityQuantity}
              options={{ energy: 'energies (kcal/mol)', force: 'force components (kcal/mol/Å)' }}
              testId="study-parity-quantity"
            />
          </div>
          {parityFig ? (
            <StudyPlot
              figure={parityFig}
              testId="study-parity"
              label="Predicted vs reference test values of the best folds"
              height={560}
            />
          ) : (
            <p className="muted" data-testid="study-parity-none">
              {picked.length
                ? 'The picked runs stored no parity sample at this size.'
                : 'Pick runs to compare their predictions with the reference.'}
            </p>
          )}
          <p className="muted study-small">
            A sample of each best fold&apos;s test frames (up to 200 energies and 600 force components, stored
            with the results); energies relative to the lowest reference energy of each sample.
          </p>
        </section>
        <section className="card" aria-label="Picked runs" data-testid="study-details">
          <h2>Picked runs</h2>
          {selected.map((key) => {
            const run = ALL_RUNS.find((r) => r.key === key);
            if (!run) return null;
            const why = whyNoModel(run);
            return (
              <div key={key} className="study-detail">
                <strong>{run.label}</strong> · {run.dataset} · <code>{run.key}</code>
                <div className="study-detail-actions">
                  {why ? (
                    <span className="muted study-small" data-testid={`study-nomodel-${run.id}`}>
                      {why}
                    </span>
                  ) : (
                    <button
                      type="button"
                      onClick={() => void loadModel(run)}
                      data-testid={`study-load-${run.id}`}
                    >
                      Load into explorer
                    </button>
                  )}
                  {!why && run.note && <span className="muted study-small">{run.note}</span>}
                  {modelMsg[key] && <span className="study-small">{modelMsg[key]}</span>}
                  {run.figures.map((f) => (
                    <a key={f.url} href={f.url} target="_blank" rel="noreferrer" className="study-small">
                      {f.name}
                    </a>
                  ))}
                </div>
              </div>
            );
          })}
        </section>
      </div>
    </div>
  );
}

/** "Size": each run's largest finished size, or one size all plots use. */
function SizeSelect({
  value,
  sizes,
  onChange,
  disabled,
  testId,
}: {
  value: number | 'largest' | null;
  sizes: number[];
  onChange: (n: number | null) => void;
  disabled: boolean;
  testId: string;
}) {
  return (
    <label>
      Size{' '}
      <select
        value={value === null ? '' : String(value)}
        onChange={(e) => onChange(e.target.value === 'largest' ? null : Number(e.target.value))}
        disabled={disabled}
        data-testid={testId}
      >
        <option value="largest">largest of each run</option>
        {sizes.map((n) => (
          <option key={n} value={n}>
            n = {n}
          </option>
        ))}
      </select>
    </label>
  );
}

/** "Quantity": energies or forces, with the labels given (in their order). */
function QuantitySelect({
  value,
  onChange,
  options,
  testId,
}: {
  value: 'energy' | 'force';
  onChange: (q: 'energy' | 'force') => void;
  options: Record<'energy' | 'force', string>;
  testId: string;
}) {
  return (
    <label>
      Quantity{' '}
      <select
        value={value}
        onChange={(e) => onChange(e.target.value as 'energy' | 'force')}
        data-testid={testId}
      >
        {(Object.keys(options) as ('energy' | 'force')[]).map((q) => (
          <option key={q} value={q}>
            {options[q]}
          </option>
        ))}
      </select>
    </label>
  );
}
