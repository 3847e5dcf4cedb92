/**
 * The "Train" tab: pick a dataset and a model (sGDML, GAP/SOAP, SchNet, BPNN) with its options, train
 * it in the compute worker with progress, ETA, pause/resume (NN) and cancel, watch the NN loss curve,
 * and get the test errors; the model joins the shared model list (explorer) and can be downloaded.
 */
import { useEffect, useState } from 'react';
import './train.css';
import { refOf, useDatasets } from '../../state/datasets';
import { DatasetOptions } from '../datasets/DatasetOptions';
import { useStore } from '../../state/store';
import { useTraining } from '../../state/training';
import { cancelTraining, pauseTraining, resumeTraining, startTraining } from './controller';
import { LossCurve } from './LossCurve';
import { OptionFields } from './OptionFields';
import { ResultCard } from './ResultCard';
import { TrainProgressPanel } from './TrainProgressPanel';
import { FlattenPanel } from '../beyond/FlattenPanel';
import { toOptions, TRAIN_KINDS, type TrainKind } from './options';
import { restoreTrainForm, saveTrainForm, type Sizes } from './trainForm';

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function TrainView() {
  const { datasets, selectedId, select } = useDatasets();
  const computeReady = useStore((s) => s.compute.status === 'ready');
  const training = useTraining();
  const [saved] = useState(restoreTrainForm);
  const [kind, setKind] = useState<TrainKind>(saved.kind);
  const [values, setValues] = useState(saved.values);
  const [sizes, setSizes] = useState(saved.sizes);
  useEffect(() => saveTrainForm({ kind, values, sizes }), [kind, values, sizes]);
  const [formError, setFormError] = useState<string | null>(null);
  const rec = datasets.find((d) => d.id === selectedId) ?? null;
  const busy =
    training.status === 'running' || training.status === 'paused' || training.status === 'cancelling';
  const isNN = training.kind === 'schnet' || training.kind === 'bpnn';
  const kindLabel = TRAIN_KINDS.find((k) => k.kind === kind)?.label ?? kind;
  const sz = sizes[kind];

  const start = () => {
    setFormError(null);
    try {
      if (!rec) throw new Error('choose a dataset first');
      const n = (v: string, what: string, min: number) => {
        const x = Number(v);
        if (v.trim() === '' || !Number.isInteger(x) || x < min)
          throw new Error(`${what} must be an integer ≥ ${min}, got "${v}"`);
        return x;
      };
      const nTrain = n(sz.nTrain, 'training frames', 1);
      const nValid = n(sz.nValid, 'validation frames', 0);
      const nTest = n(sz.nTest, 'test frames', 1);
      const seed = n(sz.seed, 'seed', 0);
      if (rec.nFrames !== undefined && nTrain + nValid + nTest > rec.nFrames)
        throw new Error(
          `${rec.name} has ${rec.nFrames} frames, too few for ${nTrain} + ${nValid} + ${nTest} (training + validation + test)`,
        );
      const label = `${kindLabel} M=${nTrain} (${rec.name})`;
      void startTraining(
        { kind, params: toOptions(kind, values[kind]), dataset: refOf(rec), nTrain, nValid, nTest, seed },
        label,
      );
    } catch (e) {
      setFormError(message(e));
    }
  };

  const setSize = (k: keyof Sizes, v: string) => setSizes((s) => ({ ...s, [kind]: { ...s[kind], [k]: v } }));

  return (
    <div className="train-view">
      <section className="card" aria-labelledby="train-title">
        <h2 id="train-title">Train a force field</h2>
        <p className="muted">
          Training runs in the compute worker; the page stays usable. Units: Å, kcal/mol, kcal/mol/Å. Frames
          are drawn with the stratified sampler (energy distribution kept): training, then validation, then
          test, all disjoint.
        </p>
        <div className="train-grid">
          <div className="train-field">
            <label htmlFor="train-dataset">Dataset</label>
            <select
              id="train-dataset"
              value={selectedId ?? ''}
              disabled={busy}
              onChange={(e) => select(e.target.value || null)}
              data-testid="train-dataset"
            >
              <DatasetOptions datasets={datasets} />
            </select>
            {rec?.theory && <span className="hint">{rec.theory}</span>}
          </div>
          <div className="train-field">
            <label htmlFor="train-kind">Model</label>
            <select
              id="train-kind"
              value={kind}
              disabled={busy}
              onChange={(e) => setKind(e.target.value as TrainKind)}
              data-testid="train-kind"
            >
              {TRAIN_KINDS.map((k) => (
                <option key={k.kind} value={k.kind}>
                  {k.label}
                </option>
              ))}
            </select>
            <span className="hint">{TRAIN_KINDS.find((k) => k.kind === kind)?.hint}</span>
          </div>
          {(
            [
              ['nTrain', 'Training frames M', 'train-n-train'],
              ['nValid', 'Validation frames', 'train-n-valid'],
              ['nTest', 'Test frames', 'train-n-test'],
              ['seed', 'Seed', 'train-seed'],
            ] as const
          ).map(([k, label, testId]) => (
            <div className="train-field" key={k}>
              <label htmlFor={testId}>{label}</label>
              <input
                id={testId}
                type="number"
                min={k === 'nValid' || k === 'seed' ? 0 : 1}
                step={1}
                value={sz[k]}
                disabled={busy}
                onChange={(e) => setSize(k, e.target.value)}
                data-testid={testId}
              />
            </div>
          ))}
        </div>
        <h3 className="train-subtitle">{kindLabel} options</h3>
        <OptionFields
          kind={kind}
          values={values[kind]}
          disabled={busy}
          onChange={(name, v) => setValues((s) => ({ ...s, [kind]: { ...s[kind], [name]: v } }))}
        />
        <div className="row train-controls">
          <button
            type="button"
            onClick={start}
            disabled={busy || !computeReady || !rec}
            data-testid="train-start"
          >
            Start training
          </button>
          {training.status === 'paused' ? (
            <button
              type="button"
              className="ghost"
              onClick={() => void resumeTraining()}
              data-testid="train-resume"
            >
              Resume
            </button>
          ) : (
            <button
              type="button"
              className="ghost"
              onClick={() => void pauseTraining()}
              disabled={training.status !== 'running' || !isNN}
              title={isNN ? 'pause between mini-batches' : 'only neural-network training can pause'}
              data-testid="train-pause"
            >
              Pause
            </button>
          )}
          <button
            type="button"
            className="danger"
            onClick={() => void cancelTraining()}
            disabled={training.status !== 'running' && training.status !== 'paused'}
            data-testid="train-cancel"
          >
            Cancel
          </button>
        </div>
        {formError && (
          <p className="train-error" role="alert" data-testid="train-form-error">
            {formError}
          </p>
        )}
        <TrainProgressPanel />
        {isNN && training.epochs.length > 0 && <LossCurve epochs={training.epochs} />}
      </section>
      {training.status === 'done' && training.result && (
        <ResultCard out={training.result} label={training.label} />
      )}
      <FlattenPanel />
    </div>
  );
}
