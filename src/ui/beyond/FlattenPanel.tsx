/**
 * "Error-flattening selection" (Train tab; beyond the paper, Vassilev-Galindo et al. 2021 Sec. 4): grow a
 * training set from a stratified start by adding, round by round, the highest-error frames of the clusters
 * whose error is above 1.1× the mean (shared by error × population), in the compute worker with progress
 * and cancel; compare every round with the stratified model of the same size on one held-out test set
 * (Fig. 7-style bars), and put the final model into the shared models list.
 */
import { useState } from 'react';
import './flatten.css';
import { refOf, useDatasets } from '../../state/datasets';
import { DatasetOptions } from '../datasets/DatasetOptions';
import { useStore } from '../../state/store';
import { useModels } from '../../state/models';
import { maxClusterReduction, planFlattenRounds } from '../../data/flatten-plan';
import type { FlattenRequest } from '../../compute/beyondTasks';
import { adoptFlattenedModel, cancelFlatten, startFlatten } from './flattenController';
import { FlattenChart } from './FlattenChart';
import { FLATTEN_KINDS, parseOptionText, type FlattenKind } from './flattenOptions';
import { useFlatten } from './flattenState';
import { FlattenRounds } from './FlattenRounds';
import { useStoredForm } from '../useStoredForm';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const DEFAULT_DATASET = 'azobenzene-rotation';

type Num = 'nStart' | 'nFinal' | 'step' | 'seed' | 'testPerCluster' | 'nPool' | 'threshold';
const FIELDS: { k: Num; label: string; min: number; int: boolean; hint?: string }[] = [
  { k: 'nFinal', label: 'Final training frames', min: 1, int: true },
  { k: 'nStart', label: 'Stratified start', min: 1, int: true, hint: 'frames' },
  { k: 'step', label: 'Frames added per round', min: 1, int: true },
  { k: 'seed', label: 'Seed', min: 0, int: true },
  {
    k: 'testPerCluster',
    label: 'Test frames per cluster',
    min: 1,
    int: true,
    hint: 'at most half a cluster',
  },
  { k: 'nPool', label: 'Candidate pool', min: 1, int: true, hint: 'labelled frames the rule looks at' },
  { k: 'threshold', label: 'Threshold × mean cluster error', min: 1, int: false },
];
const DEFAULTS: Record<Num, string> = {
  nFinal: '100',
  nStart: '50',
  step: '25',
  seed: '1',
  testPerCluster: '50',
  nPool: '2000',
  threshold: '1.1',
};

const CLUSTERINGS = ['auto', 'phi', 'geometry'] as const;
/** The panel's settings as kept in localStorage (strings as typed; checked when read back). */
const FORM_KEY = 'pes.flatten.form';
const FORM_DEFAULTS = {
  datasetId: '',
  kind: 'sgdml' as string,
  options: Object.fromEntries(FLATTEN_KINDS.map((k) => [k.kind, k.options])) as Record<FlattenKind, string>,
  nums: DEFAULTS,
  clustering: 'auto' as string,
  baseline: true,
};

/** The string values of `o` under these keys (a saved object may be partial or stale). */
function stringsOf<K extends string>(o: unknown, keys: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  if (o && typeof o === 'object')
    for (const k of keys) {
      const v = (o as Record<string, unknown>)[k];
      if (typeof v === 'string') out[k] = v;
    }
  return out;
}

const STATUS_TEXT: Record<string, string> = {
  running: 'Running',
  cancelling: 'Cancelling…',
  done: 'Done',
  error: 'Failed',
  cancelled: 'Cancelled',
};

export function FlattenPanel() {
  const { datasets } = useDatasets();
  const computeReady = useStore((s) => s.compute.status === 'ready');
  const f = useFlatten();
  // the settings, kept over reloads; each checked against what the form offers
  const [form, setter] = useStoredForm(FORM_KEY, FORM_DEFAULTS);
  const datasetId = form.datasetId || null;
  const kind = FLATTEN_KINDS.find((k) => k.kind === form.kind)?.kind ?? 'sgdml';
  const options = {
    ...FORM_DEFAULTS.options,
    ...stringsOf(
      form.options,
      FLATTEN_KINDS.map((k) => k.kind),
    ),
  };
  const nums = {
    ...DEFAULTS,
    ...stringsOf(
      form.nums,
      FIELDS.map((f) => f.k),
    ),
  };
  const clustering = CLUSTERINGS.find((c) => c === form.clustering) ?? 'auto';
  const baseline = form.baseline;
  const [formError, setFormError] = useState<string | null>(null);
  const [pick, setPick] = useState<number | null>(null);
  const rec =
    datasets.find((d) => d.id === (datasetId ?? DEFAULT_DATASET)) ??
    (datasetId ? null : (datasets[0] ?? null));
  const adopted = useModels((s) => (f.modelId ? s.models.some((m) => m.id === f.modelId) : false));
  const busy = f.status === 'running' || f.status === 'cancelling';
  const kindLabel = FLATTEN_KINDS.find((k) => k.kind === kind)?.label ?? kind;

  const start = () => {
    setFormError(null);
    try {
      if (!rec) throw new Error('choose a dataset first');
      const v = {} as Record<Num, number>;
      for (const fd of FIELDS) {
        const s = nums[fd.k].trim();
        const x = Number(s);
        if (s === '' || !Number.isFinite(x) || x < fd.min || (fd.int && !Number.isInteger(x)))
          throw new Error(
            `${fd.label} must be ${fd.int ? 'an integer' : 'a number'} ≥ ${fd.min}, got "${s}"`,
          );
        v[fd.k] = x;
      }
      planFlattenRounds(v.nStart, v.nFinal, v.step);
      if (rec.nFrames !== undefined && v.nFinal >= rec.nFrames)
        throw new Error(
          `${rec.name} has ${rec.nFrames} frames, too few for ${v.nFinal} training frames and a test set`,
        );
      const req: FlattenRequest = {
        dataset: refOf(rec),
        kind,
        params: parseOptionText(options[kind]),
        nStart: v.nStart,
        nFinal: v.nFinal,
        step: v.step,
        seed: v.seed,
        testPerCluster: v.testPerCluster,
        nPool: v.nPool,
        threshold: v.threshold,
        clustering,
        baseline,
      };
      setPick(null);
      void startFlatten(req, `${kindLabel} error-flattened M=${v.nFinal} (${rec.name})`);
    } catch (e) {
      setFormError(message(e));
    }
  };

  const r = f.result;
  const rounds = f.rounds;
  const shownRound = rounds.length ? rounds[Math.min(pick ?? rounds.length - 1, rounds.length - 1)] : null;
  const last = r ? r.rounds[r.rounds.length - 1] : null;
  const red =
    last?.flattened && last.stratified && last.round > 0
      ? maxClusterReduction(last.stratified.clusters, last.flattened.clusters)
      : null;
  const pct = Math.round(f.fraction * 1000) / 10;

  return (
    <section className="card flatten" aria-labelledby="flatten-title" data-testid="flatten-panel">
      <h2 id="flatten-title">Error-flattening selection</h2>
      <p className="muted">
        Beyond the paper (its Sec. 4 sampling idea): start from a stratified training set, train, measure the
        per-frame force error on a pool of labelled candidates, then add the highest-error frames of the
        clusters whose error is above the threshold × the mean cluster error (shared by error × population),
        retrain, and repeat up to the final size. Each round is compared with a stratified set of the same
        size on one held-out test set (clusters: 10° bins of the azobenzene |φ|, or geometry clusters for
        other molecules). Runs in the compute worker. Units: Å, kcal/mol, kcal/mol/Å.
      </p>
      <div className="train-grid">
        <div className="train-field">
          <label htmlFor="flatten-dataset">Dataset</label>
          <select
            id="flatten-dataset"
            value={rec?.id ?? ''}
            disabled={busy}
            onChange={(e) => setter('datasetId')(e.target.value)}
            data-testid="flatten-dataset"
          >
            <DatasetOptions datasets={datasets} />
          </select>
        </div>
        <div className="train-field">
          <label htmlFor="flatten-kind">Model</label>
          <select
            id="flatten-kind"
            value={kind}
            disabled={busy}
            onChange={(e) => setter('kind')(e.target.value)}
            data-testid="flatten-kind"
          >
            {FLATTEN_KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </div>
        <div className="train-field flatten-options-field">
          <label htmlFor="flatten-options">{kindLabel} options</label>
          <input
            id="flatten-options"
            type="text"
            value={options[kind]}
            disabled={busy}
            onChange={(e) => setter('options')({ ...options, [kind]: e.target.value })}
            aria-describedby="flatten-options-help"
            data-testid="flatten-options"
          />
          <span className="hint" id="flatten-options-help">
            name=value, as the <code>pes train</code> flags (σ fixed: no validation frames needed)
          </span>
        </div>
        {FIELDS.map((fd) => (
          <div className="train-field" key={fd.k}>
            <label htmlFor={`flatten-${fd.k}`}>{fd.label}</label>
            <input
              id={`flatten-${fd.k}`}
              type="number"
              min={fd.min}
              step={fd.int ? 1 : 'any'}
              value={nums[fd.k]}
              disabled={busy}
              onChange={(e) => setter('nums')({ ...nums, [fd.k]: e.target.value })}
              data-testid={`flatten-${fd.k}`}
            />
            {fd.hint && <span className="hint">{fd.hint}</span>}
          </div>
        ))}
        <div className="train-field">
          <label htmlFor="flatten-clustering">Clusters</label>
          <select
            id="flatten-clustering"
            value={clustering}
            disabled={busy}
            onChange={(e) => setter('clustering')(e.target.value)}
            data-testid="flatten-clustering"
          >
            <option value="auto">auto (|φ| for azobenzene, else geometry)</option>
            <option value="phi">|φ| in 10° bins (azobenzene)</option>
            <option value="geometry">geometry (Ward on distances + energy k-means)</option>
          </select>
        </div>
        <div className="train-field flatten-check">
          <label>
            <input
              type="checkbox"
              checked={baseline}
              disabled={busy}
              onChange={(e) => setter('baseline')(e.target.checked)}
              data-testid="flatten-baseline"
            />{' '}
            also train the stratified model of every round (comparison)
          </label>
        </div>
      </div>
      <div className="row train-controls">
        <button
          type="button"
          onClick={start}
          disabled={busy || !computeReady || !rec}
          data-testid="flatten-start"
        >
          Run selection
        </button>
        <button
          type="button"
          className="danger"
          onClick={() => void cancelFlatten()}
          disabled={f.status !== 'running'}
          data-testid="flatten-cancel"
        >
          Cancel
        </button>
      </div>
      {formError && (
        <p className="train-error" role="alert" data-testid="flatten-form-error">
          {formError}
        </p>
      )}
      {f.status !== 'idle' && (
        <div
          className="train-progress"
          data-testid="flatten-status"
          data-status={f.status}
          aria-live="polite"
        >
          <div
            className="progress"
            role="progressbar"
            aria-label={`Error-flattening selection ${f.label}`}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={pct}
            data-testid="flatten-progress"
          >
            <div className={`progress-fill ${f.status}`} style={{ width: `${pct}%` }} />
          </div>
          <p className="job-status">
            <strong>{STATUS_TEXT[f.status]}</strong> {f.label}: {pct.toFixed(1)} % ·{' '}
            <span data-testid="flatten-rounds-done">{rounds.length}</span> round
            {rounds.length === 1 ? '' : 's'} trained
            {f.message && (f.status === 'running' || f.status === 'cancelling') && (
              <span data-testid="flatten-stage"> · {f.message}</span>
            )}
            {f.status === 'cancelled' && ' · no model was kept'}
            {f.status === 'error' && f.error && <span data-testid="flatten-error"> · {f.error}</span>}
            {f.status === 'done' && r && (
              <>
                {' '}
                · {r.seconds.toFixed(0)} s on {r.backend}
              </>
            )}
          </p>
        </div>
      )}
      {rounds.length > 0 && (
        <FlattenRounds
          rounds={rounds}
          clusterLabels={f.clusterLabels}
          selected={shownRound?.round ?? 0}
          onSelect={(i) => setPick(i)}
        />
      )}
      {r && shownRound && (
        <>
          <div className="flatten-round-pick">
            <label htmlFor="flatten-round">Show round</label>{' '}
            <select
              id="flatten-round"
              value={shownRound.round}
              onChange={(e) => setPick(Number(e.target.value))}
              data-testid="flatten-round"
            >
              {r.rounds.map((q) => (
                <option key={q.round} value={q.round}>
                  round {q.round}: {q.size} frames
                </option>
              ))}
            </select>
          </div>
          <FlattenChart round={shownRound} clusterLabels={r.clusterLabels} clustering={r.clustering} />
          {red && (
            <p data-testid="flatten-reduction" data-percent={red.percent.toFixed(2)}>
              Worst cluster at {last!.size} frames: stratified {red.baseline.toFixed(3)} → error-flattened{' '}
              {red.flattened.toFixed(3)} kcal/mol/Å,{' '}
              <strong>
                {red.percent >= 0 ? '−' : '+'}
                {Math.abs(red.percent).toFixed(0)} %
              </strong>{' '}
              (clusters with ≥ 5 test frames; overall test force RMSE {last!.stratified!.fRmse.toFixed(3)} →{' '}
              {last!.flattened!.fRmse.toFixed(3)} kcal/mol/Å).
            </p>
          )}
          <div className="row">
            <button
              type="button"
              onClick={() => adoptFlattenedModel()}
              disabled={adopted}
              data-testid="flatten-use-model"
            >
              Use this model
            </button>
            {adopted && (
              <span className="hint" data-testid="flatten-model-added">
                added to the models list (Explore tab) as “{f.label}”
              </span>
            )}
          </div>
        </>
      )}
    </section>
  );
}
