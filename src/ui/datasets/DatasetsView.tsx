/**
 * The "Datasets" tab: the bundled datasets and the user's own files (picker or drag-and-drop anywhere
 * on the tab), the facts of the selected one and its energy, interatomic-distance and dihedral
 * histograms. Parsing and statistics run in the data worker; this view only shows state.
 */
import { useEffect, useRef, useState } from 'react';
import { useDatasets } from '../../state/datasets';
import { ACCEPTED, addFiles, cancelTasks, ensureStats, restoreUserDatasets } from './actions';
import { DatasetCharts } from './DatasetCharts';
import { DatasetFactsPanel } from './DatasetFactsPanel';
import { DatasetList } from './DatasetList';
import { useDatasetsTab } from './tabStore';
import { UnitsDialog } from './UnitsDialog';
import './datasets.css';

export function DatasetsView() {
  const rec = useDatasets((s) => s.datasets.find((d) => d.id === s.selectedId) ?? null);
  const stats = useDatasetsTab((s) => (rec ? s.stats[rec.id] : undefined));
  const warnings = useDatasetsTab((s) => (rec ? s.warnings[rec.id] : undefined)) ?? rec?.warnings ?? [];
  const tasks = useDatasetsTab((s) => s.tasks);
  const inlineError = useDatasetsTab((s) => s.inlineError);
  const question = useDatasetsTab((s) => s.question);
  const restored = useDatasetsTab((s) => s.restored);
  const [dragging, setDragging] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const root = useRef<HTMLElement>(null);
  // statistics are computed only while the tab is on screen (every view stays mounted)
  const [visible, setVisible] = useState(false);
  useEffect(() => {
    const el = root.current;
    if (!el) return;
    const io = new IntersectionObserver((entries) => setVisible(entries.some((e) => e.isIntersecting)));
    io.observe(el);
    return () => io.disconnect();
  }, []);

  useEffect(() => {
    void restoreUserDatasets();
  }, []);
  useEffect(() => {
    if (rec && visible) void ensureStats(rec);
  }, [rec, visible]);

  const taskList = Object.entries(tasks);
  const cancellable = taskList.filter(([, t]) => t.cancellable !== false);

  return (
    <section
      ref={root}
      className={`ds-view${dragging ? ' ds-dragging' : ''}`}
      aria-label="Datasets"
      data-testid="datasets-view"
      data-restored={restored}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        if (e.dataTransfer.files.length) void addFiles(e.dataTransfer.files);
      }}
    >
      <aside className="ds-side card">
        <h2>Datasets</h2>
        <DatasetList />
        <div className="ds-add">
          <button type="button" onClick={() => input.current?.click()} data-testid="dataset-add">
            Add a file…
          </button>
          <input
            ref={input}
            type="file"
            accept={ACCEPTED.join(',')}
            multiple
            hidden
            data-testid="dataset-file"
            onChange={(e) => {
              const files = e.target.files;
              if (files?.length) void addFiles(Array.from(files));
              e.target.value = '';
            }}
          />
          <p className="muted ds-hint">
            or drop .npz, .xyz or .extxyz files anywhere on this tab. Files stay in your browser.
          </p>
        </div>
        {taskList.length > 0 && (
          <div className="ds-tasks" data-testid="dataset-tasks" aria-live="polite">
            {taskList.map(([k, t]) => (
              <div
                key={k}
                className="ds-task"
                data-testid="dataset-task"
                data-task={k}
                data-fraction={t.fraction.toFixed(3)}
                data-bytes-read={t.metrics?.bytesRead}
                data-frames={t.metrics?.frames}
              >
                <span>{t.label}</span>
                <progress
                  max={1}
                  value={t.fraction}
                  aria-label={t.label}
                  aria-valuetext={`${Math.round(100 * t.fraction)} %${t.message ? `, ${t.message}` : ''}`}
                />
                {t.message && (
                  <span className="muted ds-sub" data-testid="dataset-task-message">
                    {t.message}
                  </span>
                )}
              </div>
            ))}
            {cancellable.length > 0 && (
              <button
                type="button"
                className="ghost"
                onClick={cancelTasks}
                aria-label={`Cancel ${cancellable.map(([, t]) => t.label).join(', ')}`}
                data-testid="dataset-cancel"
              >
                Cancel
              </button>
            )}
          </div>
        )}
      </aside>
      <div className="ds-main">
        {inlineError && (
          <div className="error ds-inline-error" role="alert" data-testid="dataset-error">
            <div>
              <strong>{inlineError.message}</strong>
              {inlineError.detail && <pre className="error-detail">{inlineError.detail}</pre>}
            </div>
            <button
              type="button"
              className="ghost"
              aria-label="Dismiss"
              onClick={() => useDatasetsTab.getState().setInlineError(null)}
            >
              ×
            </button>
          </div>
        )}
        {rec ? (
          <>
            <DatasetFactsPanel rec={rec} stats={stats} warnings={warnings} />
            {stats ? (
              <DatasetCharts rec={rec} stats={stats} />
            ) : taskList.length ? (
              <p className="muted" data-testid="dataset-loading">
                Computing the histograms…
              </p>
            ) : (
              <p>
                <button type="button" onClick={() => void ensureStats(rec)} data-testid="dataset-compute">
                  Compute the histograms
                </button>
              </p>
            )}
          </>
        ) : (
          <p className="muted">Loading the list of datasets…</p>
        )}
      </div>
      {dragging && (
        <div className="ds-drop" aria-hidden="true">
          Drop dataset files to add them
        </div>
      )}
      {question && <UnitsDialog q={question} />}
    </section>
  );
}
