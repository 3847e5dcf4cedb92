/**
 * Shows the tfjs backend the compute worker runs on (and its adapter/renderer); the disclosure lists
 * every backend that was tried and why it was refused, which of our own WebAssembly kernels run
 * under it, and lets the user switch (page reload with `?backend=`).
 */
import { useState } from 'react';
import { useStore, type WorkerState } from '../state/store';
import { BACKEND_NAMES, type SelfTestResult } from '../compute/workerApi';

export interface BackendBadgeProps {
  /** Re-runs the numeric self-check in the compute worker (button hidden when absent). */
  onSelfTest?: () => Promise<SelfTestResult>;
}

function summary(w: WorkerState): string {
  if (w.status === 'starting') return w.requested ? `starting ${w.requested}…` : 'choosing backend…';
  if (w.status === 'error') return 'backend failed';
  return w.info ? w.info.backend : '?';
}

function triedText(w: WorkerState): string {
  const tried = w.info?.tried ?? [];
  if (!tried.length) return w.error ?? '';
  return tried
    .map((t) => `${t.name}: ${t.ok ? 'ok' : `refused${t.reason ? ` (${t.reason})` : ''}`}`)
    .join('\n');
}

export function BackendBadge({ onSelfTest }: BackendBadgeProps) {
  const compute = useStore((s) => s.compute);
  const [check, setCheck] = useState<string | null>(null);
  const runCheck = () => {
    if (!onSelfTest) return;
    setCheck('checking…');
    onSelfTest().then(
      (r) =>
        setCheck(
          r.ok
            ? `✓ ${r.backend}: matmul, gradient and second-order gradient agree with float64 references`
            : `✗ ${r.message}`,
        ),
      (e: unknown) => setCheck(`✗ ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  const predict = useStore((s) => s.predict);
  // The adapter/renderer, unless it only repeats the backend's name (cpu → "cpu").
  const adapter = compute.info?.adapter !== compute.info?.backend ? compute.info?.adapter : undefined;
  const tooltip = [
    `compute worker: ${summary(compute)}${adapter ? ` on ${adapter}` : ''}`,
    triedText(compute),
    `predict worker: ${summary(predict)}`,
  ]
    .filter(Boolean)
    .join('\n');

  const choose = (value: string) => {
    const url = new URL(window.location.href);
    if (value === 'auto') url.searchParams.delete('backend');
    else url.searchParams.set('backend', value);
    window.location.assign(url.toString());
  };

  return (
    <details
      className={`badge badge-${compute.status}`}
      data-testid="backend-badge"
      data-backend={compute.info?.backend ?? ''}
    >
      <summary
        title={tooltip}
        aria-label={`tfjs backend: ${summary(compute)}${adapter ? `, ${adapter}` : ''}. Show details`}
      >
        <span className="badge-dot" aria-hidden="true" />
        <span className="badge-backend" data-testid="badge-backend">
          {summary(compute)}
        </span>
        {adapter && <span className="badge-adapter">{adapter}</span>}
      </summary>
      <div className="badge-panel" role="group" aria-label="Backend details">
        <p className="badge-title">tfjs backends tried (compute worker)</p>
        <ul className="tried">
          {(compute.info?.tried ?? []).map((t) => (
            <li key={t.name} className={t.ok ? 'ok' : 'no'}>
              <strong>{t.name}</strong> {t.ok ? '✓ accepted' : `✗ ${t.reason ?? 'refused'}`}
            </li>
          ))}
          {compute.status === 'error' && <li className="no">{compute.error}</li>}
        </ul>
        {(compute.info?.kernels ?? []).length > 0 && (
          <>
            <p className="badge-title">Own WebAssembly kernels (compute worker)</p>
            <ul className="tried" data-testid="wasm-kernels">
              {(compute.info?.kernels ?? []).map((k) => (
                <li
                  key={k.id}
                  className={k.active ? 'ok' : 'no'}
                  data-kernel={k.id}
                  data-active={k.active ? 'true' : 'false'}
                >
                  <strong>{k.id}</strong> {k.active ? '✓' : '–'} {k.what}
                  {k.instead ? ` (not used: ${k.instead})` : ''}
                </li>
              ))}
            </ul>
          </>
        )}
        <p className="badge-sub">
          Predict worker: {summary(predict)}
          {predict.info?.adapter ? ` on ${predict.info.adapter}` : ''}
        </p>
        {onSelfTest && (
          <p className="badge-check">
            <button type="button" className="ghost" onClick={runCheck} disabled={compute.status !== 'ready'}>
              Re-run self-check
            </button>{' '}
            <span aria-live="polite" data-testid="self-check">
              {check}
            </span>
          </p>
        )}
        <label className="badge-switch">
          Switch backend{' '}
          <select
            value={compute.requested ?? 'auto'}
            onChange={(e) => choose(e.target.value)}
            data-testid="backend-select"
          >
            <option value="auto">auto (webgpu → webgl → wasm → cpu)</option>
            {BACKEND_NAMES.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
      </div>
    </details>
  );
}
