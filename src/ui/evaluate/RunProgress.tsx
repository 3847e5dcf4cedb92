/** Progress of the running experiment: bar, fold i of n, stage, elapsed time and ETA. */
import { useEffect, useState } from 'react';
import { useEvaluate, type EvalRun } from '../../state/evaluate';

export function fmtSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 90) return `${s.toFixed(0)} s`;
  if (s < 5400) return `${(s / 60).toFixed(1)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

/** Seconds left, from the progress rate since the first report (loading the dataset excluded). */
export function etaSeconds(run: EvalRun, now: number): number {
  if (run.firstAt === undefined || run.firstFraction === undefined) return NaN;
  const gained = run.fraction - run.firstFraction;
  const el = (now - run.firstAt) / 1000;
  if (gained < 1e-3 || el < 1) return NaN;
  return (el / gained) * (1 - run.fraction);
}

export function RunProgress() {
  const run = useEvaluate((s) => s.run);
  const [now, setNow] = useState(() => Date.now());
  const busy = run.status === 'running' || run.status === 'cancelling';
  useEffect(() => {
    if (!busy) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [busy]);
  if (run.status === 'idle') return null;
  const pct = Math.round(run.fraction * 100);
  const end = run.endedAt ?? Math.max(now, run.startedAt);
  const elapsed = (end - run.startedAt) / 1000;
  const nowish = Math.max(now, run.startedAt);
  const where =
    run.stage === 'load'
      ? 'loading the dataset'
      : run.stage === 'clusters'
        ? 'geometry clusters of the dataset'
        : run.fold >= 0
          ? `n = ${run.size}, fold ${run.fold + 1}: ${run.stage}${run.message ? ` (${run.message})` : ''}`
          : run.stage;
  return (
    <div className="job" data-testid="ev-job" data-status={run.status}>
      <div
        className="progress"
        role="progressbar"
        aria-label="Experiment progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        data-testid="ev-progress"
      >
        <div
          className={`progress-fill ${run.status === 'cancelling' ? 'running' : run.status}`}
          style={{ width: `${pct}%` }}
        />
      </div>
      <p className="job-status" aria-live="polite" data-testid="ev-status">
        {busy &&
          `${run.status === 'cancelling' ? 'Stopping… ' : ''}${pct}% · ${run.total > 0 ? `${run.done} of ${run.total} folds · ` : ''}${where} · elapsed ${fmtSeconds(elapsed)} · ETA ${fmtSeconds(etaSeconds(run, nowish))}`}
        {run.status === 'done' && `Done: ${run.total || ''} folds in ${fmtSeconds(elapsed)}.`}
        {run.status === 'cancelled' &&
          `Cancelled after ${fmtSeconds(elapsed)}; the finished folds are kept (Resume continues).`}
        {run.status === 'error' && `Failed: ${run.error ?? 'unknown error'}`}
      </p>
    </div>
  );
}
