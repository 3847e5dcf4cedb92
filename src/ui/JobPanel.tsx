/** A long worker job: start button, progress bar with live numbers, Cancel, and the outcome. */
import { useStore } from '../state/store';

export interface JobPanelProps {
  onStart(seconds: number): void;
  onCancel(): void;
}

const DURATIONS = [5, 20, 60];

export function JobPanel({ onStart, onCancel }: JobPanelProps) {
  const job = useStore((s) => s.job);
  const ready = useStore((s) => s.compute.status === 'ready');
  const running = job?.status === 'running';
  const pct = Math.round((job?.fraction ?? 0) * 100);

  return (
    <section className="card" aria-labelledby="job-title">
      <h2 id="job-title">Worker check</h2>
      <p className="muted">
        Runs float32 matrix products in the compute worker for a while, reporting progress. The page stays
        responsive; Cancel stops the worker at once and starts a fresh one.
      </p>
      <div className="row">
        {DURATIONS.map((s) => (
          <button
            key={s}
            type="button"
            onClick={() => onStart(s)}
            disabled={!ready || running}
            data-testid={`start-${s}`}
          >
            Run {s} s
          </button>
        ))}
        <button type="button" className="danger" onClick={onCancel} disabled={!running} data-testid="cancel">
          Cancel
        </button>
      </div>
      {job && (
        <div className="job" data-testid="job" data-status={job.status}>
          <div
            className="progress"
            role="progressbar"
            aria-label={job.label}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
            data-testid="progress"
          >
            <div className={`progress-fill ${job.status}`} style={{ width: `${pct}%` }} />
          </div>
          <p className="job-status" aria-live="polite" data-testid="job-status">
            {job.status === 'running' && `${job.label}: ${pct}% · ${job.message ?? 'starting…'}`}
            {job.status === 'done' &&
              job.result &&
              `Done: ${job.result.chunks} chunks in ${(job.result.elapsedMs / 1000).toFixed(1)} s, ${job.result.gflops.toFixed(2)} GFLOP/s on ${job.result.backend}.`}
            {job.status === 'cancelled' && `Cancelled at ${pct}%. The worker was restarted.`}
            {job.status === 'error' && `Failed: ${job.message ?? 'unknown error'}`}
          </p>
        </div>
      )}
    </section>
  );
}
