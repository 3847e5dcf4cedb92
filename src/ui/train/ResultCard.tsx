/** The finished training: test errors with units, timings, backend, model facts, and "Download model". */
import type { TrainOutcome } from '../../compute/trainTasks';
import { formatSeconds, sig } from './format';

function download(out: TrainOutcome, label: string) {
  const blob = new Blob([JSON.stringify(out.model)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `${label.replace(/[^\w.=-]+/g, '_')}.json`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function infoText(info: Record<string, unknown> | undefined): string | null {
  if (!info) return null;
  const parts: string[] = [];
  if (typeof info.sigma === 'number') parts.push(`σ = ${info.sigma}`);
  if (typeof info.nPerms === 'number') parts.push(`${info.nPerms} permutations`);
  if (typeof info.solver === 'string') parts.push(`solver ${info.solver}`);
  if (typeof info.epochs === 'number') parts.push(`${info.epochs} epochs`);
  if (typeof info.bestEpoch === 'number') parts.push(`best epoch ${info.bestEpoch}`);
  if (typeof info.stoppedBy === 'string') parts.push(`stopped by ${info.stoppedBy}`);
  if (info.sparsePoints && typeof info.sparsePoints === 'object')
    parts.push(
      `sparse points ${Object.entries(info.sparsePoints as Record<string, number>)
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}`,
    );
  return parts.length ? parts.join(' · ') : null;
}

export function ResultCard({ out, label }: { out: TrainOutcome; label: string }) {
  const t = out.test;
  const facts = infoText(out.info);
  return (
    <section className="card train-result" aria-labelledby="train-result-title" data-testid="train-result">
      <h2 id="train-result-title">{label}</h2>
      <p className="muted">
        Tested on {out.nTest} held-out frames of {out.datasetName} (trained on {out.nTrain}
        {out.nValid > 0 ? `, validated on ${out.nValid}` : ''}). The model is in the model list and the
        explorer.
      </p>
      <dl className="facts">
        <dt>Energy RMSE</dt>
        <dd>
          <span data-testid="train-e-rmse">{sig(t.eRmse)}</span> kcal/mol
        </dd>
        <dt>Energy MAE</dt>
        <dd>
          <span data-testid="train-e-mae">{sig(t.eMae)}</span> kcal/mol
        </dd>
        <dt>Force RMSE</dt>
        <dd>
          <span data-testid="train-f-rmse">{sig(t.fRmse)}</span> kcal/mol/Å
        </dd>
        <dt>Force MAE</dt>
        <dd>
          <span data-testid="train-f-mae">{sig(t.fMae)}</span> kcal/mol/Å
        </dd>
        <dt>Training time</dt>
        <dd data-testid="train-time">
          {formatSeconds(out.timings.train)} (total {formatSeconds(out.timings.total)}, test{' '}
          {formatSeconds(out.timings.test)})
        </dd>
        <dt>Backend</dt>
        <dd data-testid="train-backend">{out.backend}</dd>
        {facts && (
          <>
            <dt>Model</dt>
            <dd data-testid="train-info">{facts}</dd>
          </>
        )}
      </dl>
      <div className="row">
        <button type="button" onClick={() => download(out, label)} data-testid="train-download">
          Download model
        </button>
      </div>
    </section>
  );
}
