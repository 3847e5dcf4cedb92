/**
 * The "Evaluate" tab: the paper's cross-validation protocol (stratified 5-fold CV, learning curves,
 * best/mean models, per-cluster errors) run in the compute worker, or results of `pes experiment`
 * loaded from a file.
 */
import { useEffect, useRef, useState } from 'react';
import { parseResults } from '../../eval/results';
import type { CutoffScanEntry, PathSource } from '../../compute/evalTasks';
import { parseCutoffScan } from '../../eval/cutoff-scan';
import { useDatasets, type DatasetRecord } from '../../state/datasets';
import { useEvaluate } from '../../state/evaluate';
import { useStore } from '../../state/store';
import { ExperimentForm } from './ExperimentForm';
import { ResultsPanel } from './ResultsPanel';
import { ComparePanel } from './ComparePanel';
import { RunProgress } from './RunProgress';
import { cancelExperiment, startCutoffScan, startExperiment } from './runner';
import { ScanPanel } from './ScanPanel';
import { useScan } from './scanStore';
import './evaluate.css';

/** Reference paths of the manifest that belong to a dataset's molecule. */
function usePathSources(rec?: DatasetRecord): PathSource[] {
  const [all, setAll] = useState<PathSource[]>([]);
  useEffect(() => {
    let alive = true;
    fetch('data/manifest.json')
      .then((r) => (r.ok ? r.json() : null))
      .then((m: { paths?: { id?: string; file?: string }[] } | null) => {
        if (!alive || !Array.isArray(m?.paths)) return;
        setAll(
          m.paths
            .filter((p) => typeof p.id === 'string' && typeof p.file === 'string')
            .map((p) => ({ id: p.id!, url: new URL(`data/${p.file!}`, document.baseURI).href })),
        );
      })
      .catch(() => undefined); // no manifest: no paths to offer
    return () => {
      alive = false;
    };
  }, []);
  const mol = rec?.molecule ?? (rec ? /^(\w+)/.exec(rec.name)?.[1]?.toLowerCase() : undefined);
  return mol ? all.filter((p) => p.id.toLowerCase().startsWith(mol)) : [];
}

/**
 * Whether a scan on screen has work left for the cutoffs typed in the form: a cutoff not started yet
 * (a cancel can land between two cutoffs) or one with missing folds.
 */
function scanUnfinished(scan: CutoffScanEntry[], cutoffsText: string): boolean {
  let wanted: number[];
  try {
    wanted = parseCutoffScan(cutoffsText);
  } catch {
    return false; // the form shows the parse error; nothing to resume
  }
  return wanted.some((c) => {
    const entry = scan.find((e) => Math.abs(e.cutoff - c) < 1e-9);
    return !entry || entry.results.folds.length < entry.results.spec.sizes.length * entry.results.spec.folds;
  });
}

export function EvaluateView() {
  const datasets = useDatasets((s) => s.datasets);
  const selectedId = useDatasets((s) => s.selectedId);
  const rec = datasets.find((d) => d.id === selectedId);
  const paths = usePathSources(rec);
  const form = useEvaluate((s) => s.form);
  const run = useEvaluate((s) => s.run);
  const results = useEvaluate((s) => s.results);
  const source = useEvaluate((s) => s.source);
  const setResults = useEvaluate((s) => s.setResults);
  const workerReady = useStore((s) => s.compute.status === 'ready');
  const fileRef = useRef<HTMLInputElement>(null);
  const [fileError, setFileError] = useState('');
  const busy = run.status === 'running' || run.status === 'cancelling';
  const scanning = useScan((s) => s.enabled) && form.model === 'gap';
  const scan = useScan((s) => s.scan);
  const scanSource = useScan((s) => s.source);
  const scanCutoffs = useScan((s) => s.cutoffs);
  const canResumeScan =
    scanning && !!scan && scanSource?.datasetId === rec?.id && scanUnfinished(scan, scanCutoffs);
  const canResume =
    !scanning &&
    !!results &&
    source?.kind === 'run' &&
    source.datasetId === rec?.id &&
    results.folds.length < results.spec.sizes.length * results.spec.folds;

  const onRun = (resume: boolean) => {
    if (!rec) return;
    const chosen = paths.filter((p) => form.paths.includes(p.id));
    if (scanning) void startCutoffScan(rec, chosen, resume);
    else void startExperiment(rec, chosen, resume);
  };

  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setFileError('');
    try {
      const res = parseResults(await file.text(), file.name);
      const match = datasets.find(
        (d) => d.url?.endsWith(res.spec.dataset.name) || d.name === res.spec.dataset.name,
      );
      if (match) useDatasets.getState().select(match.id);
      setResults(res, { kind: 'file', label: file.name, datasetId: match?.id });
    } catch (e) {
      setFileError(e instanceof Error ? e.message : String(e));
    } finally {
      if (fileRef.current) fileRef.current.value = '';
    }
  };

  return (
    <div className="ev">
      <section className="card" aria-labelledby="ev-title">
        <h2 id="ev-title">Cross-validated learning curve</h2>
        <p className="muted">
          The paper&apos;s protocol: for each training size n, a stratified subset of folds·n frames (energy
          bins as sGDML&apos;s draw_strat_sample) split into energy-stratified folds; each fold trains a model
          on n frames and is tested on the others. Runs in the compute worker; the numbers equal those of{' '}
          <code>npx pes experiment</code> with the same settings.
        </p>
        <ExperimentForm paths={paths} disabled={busy} />
        <div className="row ev-actions">
          <button
            type="button"
            onClick={() => onRun(false)}
            disabled={busy || !rec || !workerReady}
            data-testid="ev-run"
          >
            {scanning ? 'Run cutoff scan' : 'Run'}
          </button>
          {canResumeScan && (
            <button
              type="button"
              onClick={() => onRun(true)}
              disabled={busy || !workerReady}
              data-testid="ev-resume"
            >
              Resume the scan
            </button>
          )}
          {canResume && (
            <button
              type="button"
              onClick={() => onRun(true)}
              disabled={busy || !workerReady}
              data-testid="ev-resume"
            >
              Resume (keep {results.folds.length} finished folds)
            </button>
          )}
          <button
            type="button"
            className="danger"
            onClick={() => void cancelExperiment()}
            disabled={run.status !== 'running'}
            data-testid="ev-cancel"
          >
            Cancel
          </button>
          <span className="ev-or">or</span>
          <button type="button" className="ghost" onClick={() => fileRef.current?.click()} disabled={busy}>
            Load results JSON…
          </button>
          <input
            ref={fileRef}
            type="file"
            accept=".json,application/json"
            hidden
            onChange={(e) => void onFile(e.target.files?.[0])}
            data-testid="ev-load"
          />
        </div>
        {fileError && (
          <p className="error" role="alert" data-testid="ev-load-error">
            {fileError}
          </p>
        )}
        <RunProgress />
      </section>
      <ScanPanel />
      {results && results.summary.length > 0 ? (
        <ResultsPanel res={results} />
      ) : (
        <section className="card">
          <p className="muted" data-testid="ev-empty">
            No results yet: run an experiment (try sizes 10,20 with a fixed σ for a quick look) or load a
            results JSON written by <code>npx pes experiment</code>.
          </p>
        </section>
      )}
      <ComparePanel />
    </div>
  );
}
