/** Progress of the training in the worker: bar, stage, elapsed time and ETA (pauses excluded), σ trials. */
import { useEffect, useState } from 'react';
import { activeSeconds, etaSeconds, useTraining } from '../../state/training';
import { formatSeconds } from './format';

const STATUS_TEXT: Record<string, string> = {
  running: 'Training',
  paused: 'Paused',
  cancelling: 'Cancelling…',
  done: 'Done',
  error: 'Failed',
  cancelled: 'Cancelled',
};

export function TrainProgressPanel() {
  const t = useTraining();
  const [now, setNow] = useState(() => Date.now());
  const live = t.status === 'running' || t.status === 'paused' || t.status === 'cancelling';
  useEffect(() => {
    if (!live) return;
    const id = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(id);
  }, [live]);
  if (t.status === 'idle') return null;
  const pct = Math.round(t.fraction * 1000) / 10;
  const active = activeSeconds(t, live ? now : t.startedAt + (t.result?.timings.total ?? 0) * 1000);
  const eta = t.status === 'running' ? etaSeconds(t.fraction, active) : null;
  return (
    <div className="train-progress" data-testid="train-status" data-status={t.status} aria-live="polite">
      <div
        className="progress"
        role="progressbar"
        aria-label={`Training ${t.label}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        data-testid="train-progress"
      >
        <div className={`progress-fill ${t.status}`} style={{ width: `${pct}%` }} />
      </div>
      <p className="job-status">
        <strong>{STATUS_TEXT[t.status]}</strong> {t.label}: {pct.toFixed(1)} %
        {t.message && <span data-testid="train-stage"> · {t.message}</span>}
        {live && <> · {formatSeconds(active)} elapsed</>}
        {eta !== null && <span data-testid="train-eta"> · about {formatSeconds(eta)} left</span>}
        {t.status === 'cancelled' && ' · no model was kept'}
        {t.status === 'error' && t.error && <span data-testid="train-error"> · {t.error}</span>}
      </p>
      {t.sigmaTrials.length > 0 && (
        <table className="train-epochs" data-testid="train-sigma-trials" aria-label="σ trials">
          <thead>
            <tr>
              <th scope="col">σ</th>
              <th scope="col">validation force RMSE (kcal/mol/Å)</th>
              <th scope="col">validation energy RMSE (kcal/mol)</th>
            </tr>
          </thead>
          <tbody>
            {t.sigmaTrials.map((s) => (
              <tr key={s.sigma}>
                <td>{s.sigma}</td>
                <td>{s.validForceRmse.toFixed(4)}</td>
                <td>{s.validEnergyRmse.toFixed(4)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
